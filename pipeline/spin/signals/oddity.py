"""Spinner-agnostic document features over adjacent word pairs (no evidence spans)."""

from __future__ import annotations

import math
from typing import Any

from spacy.lang.en.stop_words import STOP_WORDS

from pipeline.spin.reference import Reference
from pipeline.spin.signals.base import _cfg, _ref
from pipeline.spin.tokens import Tok, tokenize

ODDITY_FEATURES = ("odd_pairs", "dom_pairs", "offdomain")


def oddity_rate(
    text: str,
    settings: dict[str, Any] | None = None,
    ref: Reference | None = None,
    toks: list[Tok] | None = None,
) -> dict[str, float]:
    """Spinner-agnostic features over adjacent word pairs.

    ``odd_pairs``: share of adjacent pairs of common words (Zipf >= ``odd_min_zipf``, not both
    stop words) never seen together in the reference; ``dom_pairs``: share of those seen in the
    in-domain text; ``offdomain``: mean log ratio of general
    to in-domain frequency of content words (a spun therapy text uses off-domain synonyms).
    """
    cfg = _cfg(settings)
    reference = _ref(ref, cfg)
    toks = tokenize(text) if toks is None else toks
    zipf, gen, dom = reference.zipf, reference.gen_bi, reference.dom_bi
    dom_uni, n = reference.dom_uni, max(reference.dom_words, 1)
    min_z = cfg.odd_min_zipf
    pairs = odd = dom_seen = 0
    off_sum, off_n = 0.0, 0
    prev: Tok | None = None
    for t in toks:
        if not t.is_word:
            prev = None
            continue
        z = zipf.get(t.low)
        if z is not None and t.low not in STOP_WORDS:
            off_sum += math.log10((dom_uni.get(t.low, 0) + 0.5) / n) - (z - 9.0)
            off_n += 1
        if prev is not None and z is not None and z >= min_z:
            zp = zipf.get(prev.low)
            if zp is not None and zp >= min_z and not (t.low in STOP_WORDS and prev.low in STOP_WORDS):
                pairs += 1
                k = prev.low + " " + t.low
                in_dom = k in dom
                dom_seen += in_dom
                if not in_dom and k not in gen:
                    odd += 1
        prev = t
    return {
        "odd_pairs": odd / pairs if pairs else 0.0,
        "dom_pairs": dom_seen / pairs if pairs else 0.0,
        "offdomain": -off_sum / off_n if off_n else 0.0,
    }
