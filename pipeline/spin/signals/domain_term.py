"""Domain terms (therapies, diagnoses, services) with one word swapped ("Publicity Therapy" for
exposure therapy). The evidence is made by ``pipeline.spin.terms``."""

from pipeline.spin.signals.base import Signal

SIGNAL = Signal(
    name="domain_term", rank=70, label="domain terms with a word swapped", style="bold cyan",
    find=None,
)
