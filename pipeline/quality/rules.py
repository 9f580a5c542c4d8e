"""Assembles the metrics of one text and checks every rule: all failures are reported.

A rule is a config key ``min_<metric>`` or ``max_<metric>`` (``..._<metric>__<tag>`` adds a graded
second threshold on the same metric; see ``quality.toml``); a failed rule
is a flag ``{"rule", "value", "threshold", "op", "message"}`` where ``op`` is the failing
comparison (``words=32<50``). The score is the product of ``1 - weight`` over the flags.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from pipeline.config import QualitySettings
from pipeline.quality import metrics as m
from pipeline.quality.text import parse


def default_settings() -> dict[str, Any]:
    """The shipped ``[quality]`` section as a dict (a fresh copy)."""
    return QualitySettings.defaults().model_dump()


def merged_settings(settings: Mapping[str, Any] | QualitySettings | None) -> dict[str, Any]:
    """Defaults overlaid with ``settings``, validated, as a dict (weights merge per key).

    For code that edits settings as a dict (tuning); the rules take :class:`QualitySettings`.
    """
    return QualitySettings.of(settings).model_dump()


def _text_metrics(s: QualitySettings) -> dict[str, Callable[[str], float]]:
    """Metric name -> function of the text (resource names bound from the settings)."""
    fns: dict[str, Callable[[str], float]] = {
        "words": m.words,
        "mean_word_length": m.mean_word_length,
        "stop_words": lambda t: m.stop_words(t, s.gopher_stop_words),
        "alpha_words_ratio": m.alpha_words_ratio,
        "symbol_word_ratio": m.symbol_word_ratio,
        "bullet_lines_ratio": lambda t: m.bullet_lines_ratio(t, s.bullet_prefixes),
        "ellipsis_lines_ratio": m.ellipsis_lines_ratio,
        "truncated_paragraphs": m.truncated_paragraphs,
        "dup_line_frac": m.dup_line_frac,
        "dup_para_frac": m.dup_para_frac,
        "dup_line_char_frac": m.dup_line_char_frac,
        "dup_para_char_frac": m.dup_para_char_frac,
        "c4_bad_lines": lambda t: m.c4_bad_lines(t, s.c4_bad_line_patterns),
        "line_punct_ratio": m.line_punct_ratio,
        "short_line_ratio": lambda t: m.short_line_ratio(t, s.short_line_chars),
        "char_dup_ratio": m.char_dup_ratio,
        "newline_word_ratio": m.newline_word_ratio,
        "flesch_reading_ease": m.flesch_reading_ease,
        "flesch_kincaid_grade": m.flesch_kincaid_grade,
        "smog_index": m.smog_index,
        "gunning_fog": m.gunning_fog,
        "dale_chall": m.dale_chall,
        "sentence_coherence": m.sentence_coherence,
        "paragraph_coherence": m.paragraph_coherence,
        "coherence_vs_shuffle": lambda t: m.coherence_vs_shuffle(
            t, s.shuffle_coherence_decay, s.shuffle_coherence_max_sentences, s.pronoun_classes),
        "content_words": m.content_words,
        "keyword_density": m.keyword_density,
        "glued_words": lambda t: m.glued_words(t, max_token_chars=s.glued_token_chars),
        "encoding_damage": lambda t: m.encoding_damage(t, s.encoding_faults),
        "split_words": lambda t: m.split_words(t, unlisted_min_zipf=s.split_unlisted_min_zipf,
                                              unlisted_min_len=s.split_unlisted_min_len),
        "glued_headings": lambda t: m.glued_headings(t, markers=s.discourse_markers),
        "improbable_pairs": lambda t: m.improbable_pairs(t, s.pair_fit_min_pairs),
        "search_phrases": lambda t: m.search_phrases(t, s.search_phrases),
        "keyphrase_per_100w": m.keyphrase_per_100w,
        "spam_insertions": lambda t: m.spam_insertions(t, s.spam_patterns),
        "mixed_typography": m.mixed_typography,
        "keyword_list_lines": lambda t: m.keyword_list_lines(t, s.keyword_list_lines),
        "placeholder_phrases": lambda t: m.placeholder_phrases(t, s.placeholder_phrases),
        "markup_per_100w": lambda t: m.markup_per_100w(t, s.markup_patterns),
        "error_dump_lines": lambda t: m.error_dump_lines(t, s.error_dumps),
        "generator_leftovers": lambda t: m.generator_leftovers(t, s.generator_leftovers),
        "teaser_stub": lambda t: m.teaser_stub(t, s.teaser_max_words, s.teaser_endings),
        "misplaced_discourse": lambda t: m.misplaced_discourse(
            t, s.discourse_edge_sentences, s.discourse_markers, s.discourse_min_words_around),
    }
    for n in (2, 3, 4):
        fns[f"top_{n}gram_char_frac"] = lambda t, n=n: m.top_ngram_char_frac(t, n)
    for n in range(5, 11):
        fns[f"dup_{n}gram_char_frac"] = lambda t, n=n: m.dup_ngram_char_frac(t, n)
    # Repetition is measured without the short lines the page layout repeats (a menu, a
    # repeated button or call to action): that is page chrome, not damage.
    for name in _REPETITION_METRICS:
        fns[name] = lambda t, fn=fns[name]: fn(m.without_layout_repeats(t, s.chrome_line_words))
    return fns


_REPETITION_METRICS = ("dup_line_frac", "dup_para_frac", "dup_line_char_frac", "dup_para_char_frac",
                       "char_dup_ratio", *(f"top_{n}gram_char_frac" for n in (2, 3, 4)),
                       *(f"dup_{n}gram_char_frac" for n in range(5, 11)))


QualityLike = QualitySettings | Mapping[str, Any] | None


def compute_metrics(text: str, meta: Mapping[str, Any] | None, settings: QualityLike) -> dict[str, float]:
    """Every metric of ``text`` (NaN-valued ones, e.g. coherence of one sentence, are left out)."""
    s = QualitySettings.of(settings)
    out: dict[str, float] = {}
    for name, fn in _text_metrics(s).items():
        value = float(fn(text))
        if not math.isnan(value):
            out[name] = value
    p = parse(text)
    out["sentences"] = float(len(p.sentences))
    out["paragraphs"] = float(len(p.paragraphs))
    out["lines"] = float(len(p.lines))
    if "flesch_kincaid_grade" in out:
        out["grade"] = sorted((out["flesch_kincaid_grade"], out["smog_index"], out["gunning_fog"]))[1]
    meta = meta or {}
    head = f"{meta.get('title') or ''}\n{text[:s.topic_head_chars]}"
    out["stuffing_index"] = m.stuffing_index(text, head, s.topic_allowance)
    out["boilerplate_ratio"] = m.boilerplate_ratio(meta.get("raw_chars") or 0, meta.get("boilerplate_chars") or 0)
    return out


# Line-shape rules mean nothing on a text of one or two lines.
_LINE_RULES = ("line_punct_ratio", "short_line_ratio", "bullet_lines_ratio", "ellipsis_lines_ratio")
# The share of the text taken by its most frequent 2- to 4-gram is a rate: on a short page the
# title's phrase said twice more is a third of the text, and that is no stuffing.
_TOP_NGRAM_RULES = ("top_2gram_char_frac", "top_3gram_char_frac", "top_4gram_char_frac")


def _applies(metric: str, metrics: Mapping[str, float], s: QualitySettings) -> bool:
    """Rules that need enough material to judge: coherence, keyword stuffing, line shape and
    the top n-gram shares."""
    if metric == "sentence_coherence":
        return metrics.get("sentences", 0) >= s.coherence_min_sentences
    if metric == "paragraph_coherence":
        return metrics.get("paragraphs", 0) >= s.coherence_min_paragraphs
    if metric == "coherence_vs_shuffle":
        return metrics.get("sentences", 0) >= s.shuffle_coherence_min_sentences
    if metric in ("keyword_density", "keyphrase_per_100w", "stuffing_index"):
        return metrics.get("content_words", 0) >= s.stuffing_min_content_words
    if metric in _LINE_RULES:
        return metrics.get("lines", 0) >= s.line_rules_min_lines
    if metric in _TOP_NGRAM_RULES:
        return metrics.get("words", 0) >= s.top_ngram_min_words
    if metric == "grade":
        return metrics.get("words", 0) >= s.min_words
    return True


def _message(metric: str, value: float, op: str, threshold: float, text: str, s: QualitySettings) -> str:
    fn = getattr(m, metric, None)
    doc = (fn.__doc__ or metric).strip().splitlines()[0].rstrip(".") if fn else metric.replace("_", " ")
    msg = f"{doc}: {value:.3g} {op} {threshold:g}"
    if metric == "spam_insertions":
        found = sorted({f"{k}: {t!r}" for k, _, t in m.spam_matches(text, s.spam_patterns)})
        msg += " (" + "; ".join(found[:5]) + ")"
    return msg


def check_rules(metrics: Mapping[str, float], text: str, settings: QualityLike,
                english: bool = True) -> list[dict[str, Any]]:
    """Every failed rule, in config order (English-lexicon rules only on English text)."""
    settings = QualitySettings.of(settings)
    skip = set() if english else set(settings.english_only_rules)
    flags = []
    for key, threshold in settings.rules():
        # "max_<metric>__<tag>" is a second, graded threshold on the same metric.
        metric = key[4:].split("__", 1)[0]
        if metric not in metrics or metric in skip or not _applies(metric, metrics, settings):
            continue
        value = metrics[metric]
        failed = value < threshold if key.startswith("min_") else value > threshold
        if failed:
            op = "<" if key.startswith("min_") else ">"
            flags.append({
                "rule": metric, "value": round(float(value), 4), "threshold": threshold, "op": op,
                "message": _message(metric, value, op, threshold, text, settings),
                "weight": float(settings.weights.get(key, settings.default_weight)),
                "_key": key,
            })
    return flags


def rule_weight(flag: Mapping[str, Any], settings: QualityLike) -> float:
    """The configured weight of a flag's rule (``weights.min_<rule>``/``max_<rule>``)."""
    if "weight" in flag:
        return float(flag["weight"])
    key = flag.get("_key") or ("min_" if flag["op"] == "<" else "max_") + flag["rule"]
    s = QualitySettings.of(settings)
    return float(s.weights.get(key, s.default_weight))


def score_flags(flags: list[dict[str, Any]], families: Mapping[str, list[str]] | None = None) -> float:
    """Product of ``1 - weight`` over the flags (1.0 with no flag).

    ``families`` (name -> rule-name prefixes, ``score_families``): the flags of one family count
    once, with the largest weight among them (one phenomenon, several rules).
    """
    weights: dict[str, float] = {}
    for i, f in enumerate(flags):
        w = min(1.0, max(0.0, float(f["weight"])))
        rule = str(f.get("rule", ""))
        family = next((name for name, prefixes in (families or {}).items()
                       if any(rule.startswith(p) for p in prefixes)), None)
        key = f"family:{family}" if family else f"flag:{i}"
        weights[key] = max(w, weights.get(key, 0.0))
    score = 1.0
    for w in weights.values():
        score *= 1.0 - w
    return round(score, 4)


def assess(text: str, meta: Mapping[str, Any] | None = None, settings: QualityLike = None) -> dict[str, Any]:
    """The ``doc._.quality`` dict of one text (see DEVELOPING.md)."""
    s = QualitySettings.of(settings)
    metrics = compute_metrics(text or "", meta, s)
    english = bool((meta or {}).get("applicable", True))
    flags = check_rules(metrics, text or "", s, english)
    score = score_flags(flags, s.score_families)
    for f in flags:
        f.pop("weight")  # configuration, not result: the flag keeps the contract's five keys
        f.pop("_key")
    return {
        "score": score,
        "low_quality": score < s.low_quality_below,
        "flags": flags,
        "metrics": {k: round(v, 4) for k, v in metrics.items()},
        "grade_band": m.grade_band(metrics.get("grade", 0.0), s.grade_bands) if metrics.get("words") else "",
    }
