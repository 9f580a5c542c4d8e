"""Spin signals: one module per signal, each describing itself with ``SIGNAL = Signal(...)``;
:mod:`~pipeline.spin.signals.registry` finds them and runs them (``analyse``)."""

from pipeline.spin.signals.article_mismatch import article_mismatch, vowel_sound
from pipeline.spin.signals.base import Signal, Span, _cfg, candidates, default_settings
from pipeline.spin.signals.entities import mangled_entities
from pipeline.spin.signals.fingerprints import fingerprints
from pipeline.spin.signals.function_phrases import function_phrases
from pipeline.spin.signals.oddity import ODDITY_FEATURES, oddity_rate
from pipeline.spin.signals.registry import analyse, signals
from pipeline.spin.signals.spinner_syntax import spinner_syntax

__all__ = [
    "ODDITY_FEATURES", "Signal", "Span", "_cfg", "analyse", "article_mismatch", "candidates",
    "default_settings", "fingerprints", "function_phrases", "mangled_entities",
    "oddity_rate", "signals", "spinner_syntax", "vowel_sound",
]
