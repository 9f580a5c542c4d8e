"""Function phrases used at a rate clean text does not show ("within the" for "in the")."""

from __future__ import annotations

import functools
import math
from collections import Counter
from typing import Any

from pipeline.spin.reference import Reference
from pipeline.spin.signals.base import (
    Signal,
    Span,
    _cfg,
    _ngram_hits,
    _phrase_table,
    _ref,
    _span,
)
from pipeline.spin.tokens import Tok, tokenize
from pipeline.text import match_case


@functools.lru_cache(maxsize=1)
def _plain_table() -> dict[int, dict[str, str]]:
    """The function-phrase table read the other way (plain -> marked)."""
    out: dict[int, dict[str, str]] = {}
    for phrases in _phrase_table("function_phrases.tsv").values():
        for marked, plain in phrases.items():
            out.setdefault(len(plain.split()), {})[plain] = marked
    return out


def _expected_share(marked: str, plain: str, ref: Reference, prior: float) -> float:
    """Share of the marked form among marked+plain expected in clean text."""
    m = ref.phrase_counts.get(marked, 0)
    p = ref.phrase_counts.get(plain, 0)
    # Weak prior at 10%: most marked forms are the rarer one in plain writing.
    return (m + prior * 0.1) / (m + p + prior)


def function_phrases(
    text: str,
    settings: dict[str, Any] | None = None,
    ref: Reference | None = None,
    toks: list[Tok] | None = None,
) -> tuple[list[Span], dict[str, float]]:
    """Function phrases used at a rate clean text does not show ("within the" for "in the").

    For each (marked, plain) pair the binomial log-likelihood ratio of the observed share of
    the marked form against the expected one is computed; occurrences of pairs whose ratio
    passes ``phrase_min_llr`` become spans. Features: ``phrase_llr`` (sum of positive ratios)
    and ``phrase_marked`` (marked occurrences).
    """
    cfg = _cfg(settings)
    reference = _ref(ref, cfg)
    toks = tokenize(text) if toks is None else toks
    table = _phrase_table("function_phrases.tsv")
    plain_table = _plain_table()
    marked_hits = _ngram_hits(toks, table)
    plain_counts = Counter(k for _, _, k, _ in _ngram_hits(toks, plain_table))
    by_phrase: dict[str, list[tuple[int, int]]] = {}
    plain_of: dict[str, str] = {}
    for i, j, key, plain in marked_hits:
        by_phrase.setdefault(key, []).append((i, j))
        plain_of[key] = plain
    spans: list[Span] = []
    total_llr = 0.0
    for key, occ in by_phrase.items():
        m, p = len(occ), plain_counts[plain_of[key]]
        e = _expected_share(key, plain_of[key], reference, cfg.phrase_prior)
        q = (m + 0.5) / (m + p + 1.0)
        if q <= e:
            continue
        llr = m * math.log(q / e) + p * math.log((1 - q) / (1 - e))
        total_llr += llr
        if llr >= cfg.phrase_min_llr and m >= cfg.phrase_min_count:
            conf = 1.0 / (1.0 + math.exp(-(llr - cfg.phrase_min_llr) / 2.0))
            conf = 0.5 + conf / 2
            for i, j in occ:
                s, e_ = toks[i].start, toks[j].end
                sug = match_case(plain_of[key], text[s:e_])
                spans.append(_span(text, s, e_, sug, "function_phrase", conf))
    feats = {"phrase_llr": total_llr, "phrase_marked": float(len(marked_hits))}
    return spans, feats


def _find(text: str, cfg: dict[str, Any], ref: Reference, toks: list[Tok]):
    spans, feats = function_phrases(text, cfg, ref, toks)
    return spans, {"phrase_llr": feats["phrase_llr"], "phrase_marked_per100": feats["phrase_marked"]}


SIGNAL = Signal(
    name="function_phrase", rank=40, label="function phrases at a rate clean text does not show",
    style="bold magenta", find=_find, doc_feature="phrase_llr",
)
