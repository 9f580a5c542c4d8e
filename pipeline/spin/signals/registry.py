"""The spin signals, found once: every module of this package that defines ``SIGNAL``.

Adding a signal = one new module here (its finder, ``SIGNAL = Signal(...)``) and its test; the
detector's evidence and reasons, ``explain``'s colours and the training's candidate document
features follow from the record. ``analyse`` runs the signals that have a ``find``.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from typing import Any

from pipeline.spin.reference import Reference
from pipeline.spin.signals.base import Signal, Span, _cfg, _ref
from pipeline.spin.signals.oddity import oddity_rate
from pipeline.spin.tokens import Tok, tokenize

_PACKAGE = "pipeline.spin.signals"


@functools.lru_cache(maxsize=1)
def signals() -> tuple[Signal, ...]:
    """Every registered signal, in rank order (names and ranks are unique)."""
    package = importlib.import_module(_PACKAGE)
    found = []
    for info in pkgutil.iter_modules(package.__path__):
        signal = getattr(importlib.import_module(f"{_PACKAGE}.{info.name}"), "SIGNAL", None)
        if isinstance(signal, Signal):
            found.append(signal)
    found.sort(key=lambda s: s.rank)
    for attr in ("name", "rank"):
        values = [getattr(s, attr) for s in found]
        if len(set(values)) != len(values):
            raise ValueError(f"two spin signals share a {attr}: {values}")
    return tuple(found)


def rule_signals() -> tuple[Signal, ...]:
    """The signals ``analyse`` runs (those with a ``find``)."""
    return tuple(s for s in signals() if s.find is not None)


def labels() -> dict[str, str]:
    return {s.name: s.label for s in signals()}


def styles() -> dict[str, str]:
    return {s.name: s.style for s in signals()}


def doc_features() -> list[str]:
    """The document features training offers the verdict model, one per signal."""
    return [s.doc_feature for s in signals() if s.doc_feature]


def analyse(
    text: str,
    settings: dict[str, Any] | None = None,
    ref: Reference | None = None,
    toks: list[Tok] | None = None,
    oddity: bool = True,
) -> tuple[list[Span], dict[str, float]]:
    """The rule signals over ``text``: (evidence spans sorted by offset, document features).

    Features are length-normalised (per 100 words, or shares) so the verdict model sees
    articles of any length alike: ``<signal>_per100`` (its evidence count) for each signal,
    then each signal's own features. ``oddity=False`` skips :func:`oddity_rate` (features only,
    no spans) when the document model does not use them.
    """
    cfg = _cfg(settings)
    reference = _ref(ref, cfg)
    toks = tokenize(text) if toks is None else toks
    words = sum(1 for t in toks if t.is_word)
    per100 = 100.0 / max(words, int(cfg.norm_min_words))
    spans: list[Span] = []
    own: dict[str, float] = {}
    for signal in rule_signals():
        found, values = signal.find(text, cfg, reference, toks)
        spans += found
        own.update(values)
    # No length feature: trained on spun texts of every length, a model given one learns
    # "short means spun" and flags clean paragraphs.
    feats: dict[str, float] = {}
    for signal in rule_signals():
        hits = [s for s in spans if s["signal"] == signal.name]
        feats[f"{signal.name}_per100"] = len(hits) * per100
    feats.update({name: value * per100 for name, value in own.items()})
    if oddity:
        feats.update(oddity_rate(text, cfg, reference, toks))
    spans.sort(key=lambda s: (s["start_char"], -s["end_char"]))
    return spans, feats
