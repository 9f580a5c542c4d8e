"""Document verdict from span evidence: a log-likelihood ratio against clean text's own rate.

Each candidate swap (``spans.span_evidence``) with ratio ``LR`` adds ``log((1 - pi) + pi LR)``
to the document's log-likelihood ratio (a small prior share ``pi`` of spans are swaps, so one
strong span cannot decide alone, while a handful of strong explained spans add up). One word
type's total is capped (``span_type_cap``): a topic word repeated 90 times is one piece of
evidence, not 90. Clean text shows some of this evidence too (rarer legitimate words), at a
rate per word measured on clean text (``llr_clean_mean`` / ``llr_clean_sd`` per word, from
``calibrate``); the verdict is the z-score of the document's total against that rate for its
length. The document verdict (:func:`verdict_score`) adds that z-score to the document
model's log-odds (weighted ``model_weight``): spun when the sum reaches ``combined_threshold``,
or when the model alone is sure (``model_alone_threshold``), so weak evidence of both kinds adds
up while a clean page with rare words (ratio high, model low) needs more of the ratio.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from pipeline.spin.spans import SpanHit, function_phrase


def contributions(hits: list[SpanHit], cfg: dict[str, Any]) -> list[float]:
    """Per-hit log contributions, each word type's total capped at ``span_type_cap``; a swap
    between function-word phrases ("within the" for "in the") counts ``span_phrase_factor`` of
    its ratio (clean writers vary those too)."""
    pi = float(cfg.span_prior)
    cap = float(cfg.span_type_cap)
    half = float(cfg.span_phrase_factor)
    raw = [math.log1p(pi * (math.exp(h.log_lr) - 1.0)) for h in hits]
    raw = [r * half if r > 0 and function_phrase(h.key, h.original) else r
           for r, h in zip(raw, hits, strict=True)]
    by_key: dict[str, list[int]] = defaultdict(list)
    for k, h in enumerate(hits):
        by_key[h.key].append(k)
    out = list(raw)
    for ks in by_key.values():
        total = sum(max(raw[k], 0.0) for k in ks)
        if total > cap:
            scale = cap / total
            for k in ks:
                if raw[k] > 0:
                    out[k] = raw[k] * scale
    return out


def doc_llr(hits: list[SpanHit], cfg: dict[str, Any]) -> float:
    """The document's log-likelihood ratio (positive parts only: a candidate that fits worse
    than its original reading says little about the rest)."""
    return float(sum(c for c in contributions(hits, cfg) if c > 0))


def llr_z(llr: float, n_words: int, cfg: dict[str, Any]) -> float:
    """z-score of ``llr`` against clean text of ``n_words`` words (at least ``norm_min_words``)."""
    n = max(n_words, int(cfg.norm_min_words))
    mean, sd = float(cfg.llr_clean_mean), float(cfg.llr_clean_sd)
    return (llr - n * mean) / (sd * math.sqrt(n))


def span_posterior(log_lr: float, cfg: dict[str, Any]) -> float:
    """Posterior that one span is a swap, at the document prior ``span_prior``."""
    pi = float(cfg.span_prior)
    odds = pi / (1.0 - pi) * math.exp(min(log_lr, 50.0))
    return odds / (1.0 + odds)


def calibrate(values: list[tuple[float, int]], min_words: int) -> tuple[float, float]:
    """(mean, sd) per word of the document ratio over clean texts ``(llr, n_words)``: the mean
    from the totals, the sd from the spread of the per-word residuals scaled by sqrt(n)."""
    tot_llr = sum(v for v, _ in values)
    tot_n = sum(max(n, min_words) for _, n in values)
    mean = tot_llr / tot_n if tot_n else 0.0
    res = [(v - max(n, min_words) * mean) / math.sqrt(max(n, min_words)) for v, n in values]
    sd = math.sqrt(sum(r * r for r in res) / len(res)) if res else 1.0
    return mean, sd


# ---------------------------------------------------------------- combined with the detector


def _logit(p: float) -> float:
    p = min(max(float(p), 1e-6), 1.0 - 1e-6)
    return math.log(p / (1.0 - p))


def combined(z: float, model_p: float, cfg: dict[str, Any]) -> float:
    """The combined evidence: the ratio's z-score plus ``model_weight`` x the document model's
    log-odds. Spun at ``combined_threshold`` and above (:func:`verdict_score`)."""
    return float(z) + float(cfg.model_weight) * _logit(model_p)


def verdict_score(z: float, model_p: float, cfg: dict[str, Any]) -> float:
    """The detector's 0..1 score: at or above ``threshold`` exactly when the combined evidence
    reaches ``combined_threshold`` or the model alone reaches ``model_alone_threshold`` with the
    ratio's z-score at least ``model_alone_min_z``
    (each margin is shifted onto the log-odds of ``threshold``; slope 1)."""
    margin = combined(z, model_p, cfg) - float(cfg.combined_threshold)
    # The model alone decides only when the span evidence does not speak against it: informal
    # or specialised clean prose (a forum thread, a training plan) can look odd word by word
    # while it shows fewer explained swaps than clean text does (z below zero).
    if z >= float(cfg.model_alone_min_z):
        margin = max(margin, _logit(model_p) - _logit(float(cfg.model_alone_threshold)))
    x = margin + _logit(float(cfg.threshold))
    return 1.0 / (1.0 + math.exp(-max(min(x, 50.0), -50.0)))


def evidence_spans(text: str, toks: list, hits: list[SpanHit], cfg: dict[str, Any],
                   floor: float) -> list[dict[str, Any]]:
    """Evidence dicts (the detector's span shape) for hits whose posterior, at the prior
    share of swaps in a spun document (``span_evidence_prior``), reaches ``floor``."""
    from pipeline.text import match_case

    pi = float(cfg.span_evidence_prior)
    out = []
    for h in hits:
        odds = pi / (1.0 - pi) * math.exp(min(h.log_lr, 50.0))
        post = odds / (1.0 + odds)
        if post < floor:
            continue
        a, b = toks[h.i].start, toks[h.j].end
        out.append({"start_char": a, "end_char": b, "text": text[a:b],
                    "suggestion": match_case(h.original, text[a:b]) if h.original else "",
                    "signal": "thesaurus_span", "score": round(post, 3)})
    return out
