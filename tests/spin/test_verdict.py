"""The likelihood-ratio verdict (pipeline/spin/verdict.py)."""

from __future__ import annotations

import math

import pytest

from pipeline.config import SpinSettings
from pipeline.spin.spans import SpanHit
from pipeline.spin.verdict import (
    calibrate,
    combined,
    contributions,
    doc_llr,
    llr_z,
    verdict_score,
)


def _hit(key, lr, i=0):
    return SpanHit(i, i, math.log(lr), "orig", key)


def test_one_repeated_word_is_capped():
    cfg = SpinSettings.defaults()
    many = [_hit("rest", 1e4, i) for i in range(90)]
    assert doc_llr(many, cfg) <= cfg.span_type_cap + 1e-9
    distinct = [_hit(f"w{i}", 1e4, i) for i in range(5)]
    assert doc_llr(distinct, cfg) > doc_llr(many, cfg)


def test_weak_spans_add_nothing_and_no_spans_give_zero():
    cfg = SpinSettings.defaults()
    assert doc_llr([], cfg) == 0.0
    assert doc_llr([_hit("a", 1.0)], cfg) == 0.0
    assert contributions([_hit("a", 0.5)], cfg)[0] < 0


def test_function_phrase_swaps_count_half():
    cfg = SpinSettings.defaults()
    phrase = SpanHit(0, 1, math.log(100.0), "in the", "within the")
    word = SpanHit(0, 0, math.log(100.0), "therapy", "remedy")
    assert abs(contributions([phrase], cfg)[0]
               - cfg.span_phrase_factor * contributions([word], cfg)[0]) < 1e-12


# (z, model probability, expected spun)
VERDICTS = [
    (0.0, 0.5, False),
    (3.45, 0.5, True),        # z alone at the combined threshold, the model undecided
    (3.0, 0.5, False),
    (3.0, 0.7, True),         # weak evidence of both kinds adds up
    (3.95, 0.05, False),      # the ratio alone, against a sure model, is not enough
    (0.5, 0.85, True),        # the model alone
    (0.5, 0.75, False),
    (-0.2, 0.85, False),      # the model alone, but fewer explained swaps than clean text
    (-0.2, 0.999, True),      # a model this sure carries the combined evidence by itself
]


@pytest.mark.parametrize(("z", "p", "expected"), VERDICTS)
def test_verdict_score_is_the_combined_rule(z, p, expected):
    cfg = SpinSettings.defaults().model_copy(update={
        "model_weight": 0.75, "combined_threshold": 3.45, "model_alone_threshold": 0.8,
        "model_alone_min_z": 0.0, "threshold": 0.65})
    spun = (combined(z, p, cfg) >= cfg.combined_threshold
            or p >= cfg.model_alone_threshold and z >= cfg.model_alone_min_z)
    assert spun is expected
    assert (verdict_score(z, p, cfg) >= cfg.threshold) is expected
    assert 0.0 <= verdict_score(z, p, cfg) <= 1.0


def test_combined_is_z_at_even_odds_and_handles_certain_models():
    cfg = SpinSettings.defaults()
    assert abs(combined(2.0, 0.5, cfg) - 2.0) < 1e-12
    assert combined(0.0, 1.0, cfg) > 0 > combined(0.0, 0.0, cfg)


def test_z_grows_with_evidence_and_short_texts_need_more():
    cfg = SpinSettings.defaults()
    assert llr_z(20.0, 400, cfg) > llr_z(5.0, 400, cfg)
    # Below norm_min_words a text is judged as if it had that many words.
    assert llr_z(10.0, 10, cfg) == llr_z(10.0, int(cfg.norm_min_words), cfg)


def test_calibrate_recovers_mean_and_handles_empty():
    mean, sd = calibrate([(10.0, 500), (20.0, 500)], 150)
    assert abs(mean - 0.03) < 1e-9 and sd > 0
    assert calibrate([], 150) == (0.0, 1.0)
