"""Word-pair fluency metrics (measured for salad) on a tiny hand-made reference."""

from __future__ import annotations

import math

import pytest

from pipeline.spin.reference import Reference
from workbench.quality.fluency import (
    MIN_PAIRS,
    UNSEEN_POS_LOGP,
    auc,
    fluency,
    fragment_shuffle,
    limit,
    word_shuffle,
)

# Zipf 6 = one in a thousand words; "zyx" is too rare to judge (Zipf < 3).
REF = Reference(
    zipf={"the": 7.0, "cat": 5.0, "sat": 5.0, "down": 6.0, "zyx": 1.0},
    dom_uni={}, gen_bi={"the cat": 99.5, "cat sat": 9.5}, dom_bi={"sat down": 1}, synonyms={},
    pos={"the": ("DET", 1.0), "cat": ("NOUN", 0.9), "sat": ("VERB", 0.9)},
    pos_bigram_logp={"<s> DET": -1.0, "DET NOUN": -0.5, "NOUN VERB": -1.5},
    phrase_counts={}, dom_words=1000,
)
NAN = float("nan")


def _pmi(count: float, za: float, zb: float) -> float:
    return math.log10(count + 0.5) - 3.0 - (za - 9.0) - (zb - 9.0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", {"unattested_pairs": NAN, "pair_pmi": NAN, "pos_logp": NAN, "unattested_run": 0.0}),
        ("\x00 ### 123 <<>>", {"unattested_pairs": NAN, "pair_pmi": NAN, "pos_logp": NAN,
                              "unattested_run": 0.0}),
        ("The cat sat.", {"unattested_pairs": 0.0, "pair_pmi": (_pmi(99.5, 7, 5) + _pmi(9.5, 5, 5)) / 2,
                          "pos_logp": (-1.0 - 0.5 - 1.5) / 3, "unattested_run": 0.0}),
        # Shuffled words: "sat the" and "cat down" were never seen, "the cat" was.
        ("Sat the cat down.", {"unattested_pairs": 2 / 3,
                               "pair_pmi": (_pmi(0, 5, 7) + _pmi(99.5, 7, 5) + _pmi(0, 5, 6)) / 3,
                               "pos_logp": (UNSEEN_POS_LOGP + UNSEEN_POS_LOGP - 0.5) / 3,
                               "unattested_run": 1.0}),
        ("Down sat the cat.", {"unattested_pairs": 2 / 3,
                               "pair_pmi": (_pmi(0, 6, 5) + _pmi(0, 5, 7) + _pmi(99.5, 7, 5)) / 3,
                               "pos_logp": (UNSEEN_POS_LOGP - 0.5) / 2, "unattested_run": 2.0}),
        # No pair crosses a sentence end; a rare word is no pair's member.
        ("The cat. Down the zyx cat.", {"unattested_pairs": 0.5,
                                        "pair_pmi": (_pmi(99.5, 7, 5) + _pmi(0, 6, 7)) / 2,
                                        "pos_logp": (-1.0 - 0.5) / 2, "unattested_run": 1.0}),
        # A word with no part of speech ("down") breaks the part-of-speech chain.
        ("sat down", {"unattested_pairs": 0.0, "pair_pmi": _pmi(1, 5, 6), "pos_logp": UNSEEN_POS_LOGP,
                      "unattested_run": 0.0}),
    ],
)
def test_fluency(text, expected):
    # The tiny reference's 1,000 words let independence predict no pair often enough to judge it.
    expected = {**expected, "improbable_pairs": NAN}
    got = fluency(text, REF)
    assert set(got) == set(expected)
    for key, value in expected.items():
        if math.isnan(value):
            assert math.isnan(got[key]), key
        else:
            assert got[key] == pytest.approx(value), key


def test_pos_logp_starts_the_sentence():
    # "sat" has no sentence-start entry: the unseen log-probability.
    assert fluency("Sat.", REF)["pos_logp"] == UNSEEN_POS_LOGP


@pytest.mark.parametrize(
    ("side", "values", "expected"),
    [("max", [], None), ("max", [1.0] * 10, 1.1), ("min", [2.0] * 10, 1.8), ("min", [-2.0] * 10, -2.2),
     ("max", [-1.0, NAN], -0.9)],
)
def test_limit(side, values, expected):
    assert limit(side, values) == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize(
    ("values", "reference", "side", "expected"),
    [([], [1.0], "max", None), ([2.0, 3.0], [1.0], "max", 1.0), ([2.0, 3.0], [1.0], "min", 0.0),
     ([1.0], [1.0], "max", 0.5), ([NAN, 2.0], [1.0, 3.0], "max", 0.5)],
)
def test_auc(values, reference, side, expected):
    assert auc(values, reference, side) == expected


def test_improbable_pairs_on_the_shipped_reference():
    # "the of" never occurs in English, "of the" does: 20 of the 39 judged pairs are improbable.
    assert fluency("the of " * MIN_PAIRS)["improbable_pairs"] == pytest.approx(20 / 39)
    assert math.isnan(fluency("the of the")["improbable_pairs"])


@pytest.mark.parametrize("text", ["", "One.", "The cat sat down. Then it slept on the mat all day."])
def test_word_level_damage_keeps_the_words(text):
    import random

    for damage in (word_shuffle, fragment_shuffle):
        assert sorted(damage(text, random.Random(0)).split()) == sorted(text.split())
