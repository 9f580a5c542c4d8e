"""Words or phrases (one to three tokens) that a thesaurus swap explains and whose original fits
the context far better. The evidence is made by ``pipeline.spin.spans`` (reverse thesaurus,
context fit, likelihood ratio); ``pipeline.spin.verdict`` weighs it for the document."""

from pipeline.spin.signals.base import Signal

SIGNAL = Signal(
    name="thesaurus_span", rank=60,
    label="words or phrases a thesaurus swap explains (original fits better)",
    style="bold red", find=None,
)
