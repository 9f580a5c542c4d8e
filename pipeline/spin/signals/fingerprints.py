"""Known spun wordings (``resources/spin/fingerprints.tsv``) with their originals."""

from __future__ import annotations

from typing import Any

from pipeline.spin.reference import Reference
from pipeline.spin.signals.base import (
    Signal,
    Span,
    _cfg,
    _ngram_hits,
    _phrase_table,
    _span,
)
from pipeline.spin.tokens import Tok, tokenize
from pipeline.text import match_case


def fingerprints(
    text: str, settings: dict[str, Any] | None = None, toks: list[Tok] | None = None
) -> list[Span]:
    """Known spun wordings from ``resources/spin/fingerprints.tsv`` with their originals."""
    cfg = _cfg(settings)
    toks = tokenize(text) if toks is None else toks
    out = []
    for i, j, _key, orig in outermost(_ngram_hits(toks, _phrase_table("fingerprints.tsv"))):
        s, e = toks[i].start, toks[j].end
        out.append(_span(text, s, e, match_case(orig, text[s:e]), "fingerprint", cfg.score_fingerprint))
    return out


def outermost(hits: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """The hits that overlap no longer (or, at equal length, earlier) one: "cognitive remedy"
    within "cognitive behavioral remedy" is one swap, not two. In text order."""
    kept: list[tuple[int, int, str, str]] = []
    taken: set[int] = set()   # tokens of kept hits: linear in the hits (a page may repeat one)
    for h in sorted(hits, key=lambda h: (h[0] - h[1], h[0])):
        span = range(h[0], h[1] + 1)
        if taken.isdisjoint(span):
            kept.append(h)
            taken.update(span)
    return sorted(kept)


def counted_hits(spans: list[Span], cap: int) -> int:
    """Fingerprint spans counted for the verdict, each phrase at most ``cap`` times."""
    per: dict[str, int] = {}
    for s in spans:
        if s["signal"] == "fingerprint":
            key = s["text"].lower()
            per[key] = per.get(key, 0) + 1
    return sum(min(n, cap) for n in per.values())


def _find(text: str, cfg: dict[str, Any], ref: Reference, toks: list[Tok]):
    return fingerprints(text, cfg, toks), {}


SIGNAL = Signal(
    name="fingerprint", rank=30, label="known spun wordings", style="bold yellow",
    find=_find, doc_feature="fingerprint_per100",
)
