"""Acronyms whose written expansion no longer fits their letters ("Mindfulness-Primarily based
Cognitive Therapy (MBCT)"). The evidence is made by ``pipeline.spin.terms``."""

from pipeline.spin.signals.base import Signal

SIGNAL = Signal(
    name="acronym", rank=80, label="acronyms whose expansion no longer fits", style="bold cyan",
    find=None,
)
