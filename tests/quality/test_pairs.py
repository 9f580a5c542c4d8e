"""Adjacent word-pair fit (pipeline/quality/pairs.py, metrics.improbable_pairs)."""

from __future__ import annotations

import math
import random
import re

import pytest

from pipeline.quality import metrics as m
from pipeline.quality.pairs import build_tables, pair_counts, pair_listed, pair_tables
from pipeline.spin.reference import Reference, load_reference

HOSTILE = "\x00 \u202e ### ... ¿?"

# One million words; Zipf 7 = one word in a hundred. Independence predicts 100 of "the the",
# "on the" and "the on", 10 of "down on" and "down the", 1 of "the cat": with a listing cutoff of 4
# (the smallest general count) only the first five are judged.
REF = Reference(
    zipf={"the": 7.0, "on": 7.0, "cat": 5.0, "sat": 5.0, "down": 6.0, "it's": 6.5, "zyx": 1.0},
    dom_uni={}, gen_bi={"the cat": 4.0, "sat down": 50.0, "on the": 500.0, "down on": 20.0},
    dom_bi={"cat sat": 3, "it's the": 9}, synonyms={}, pos={}, pos_bigram_logp={},
    phrase_counts={}, dom_words=1_000_000,
)
TABLES = build_tables(REF)


@pytest.mark.parametrize(("text", "expected"), [
    ("", (0, 0)), (HOSTILE, (0, 0)),
    # Judged: "down on" (listed 20 >= 10 expected) and "on the" (500 >= 100): both fit.
    ("The cat sat down on the cat.", (2, 0)),
    # "the on" is expected 100 times and never listed; "on cat" and "cat the" are not judged.
    ("The on cat the.", (1, 1)),
    ("the the", (1, 1)), ("ON THE", (1, 0)),
    # Punctuation and line breaks end the chain of pairs.
    ("Sat, down on. The the", (2, 1)), ("on the\nthe on", (2, 1)),
    # Words with an apostrophe are not judged (the general table has none), nor rare words.
    ("it's the cat", (0, 0)), ("it\u2019s the", (0, 0)), ("zyx the zyx", (0, 0)),
])
def test_pair_counts(text, expected):
    assert pair_counts(text, TABLES) == expected


@pytest.mark.parametrize(("a", "b", "expected"), [
    ("", "", False), (HOSTILE, HOSTILE, False),
    ("sat", "down", True),   # general table
    ("cat", "sat", True),    # in-domain table
    ("down", "sat", False),  # both words known, the pair in this order never listed
    ("zyx", "the", False),   # known words, unlisted pair
    ("dog", "sat", False),   # a word the reference does not know
])
def test_pair_listed(a, b, expected):
    assert pair_listed(a, b, TABLES) is expected


def test_tables_are_sorted_and_smoothed():
    assert list(TABLES.keys) == sorted(TABLES.keys)
    assert math.isclose(TABLES.log_cutoff, math.log10(4.0))
    assert math.isclose(TABLES.log_smooth, math.log10(2.0))
    assert "it's" not in TABLES.vocab


def _loop_counts(text: str, ref: Reference) -> tuple[int, int]:
    """The definition one pair at a time (the reference the array code must equal)."""
    cutoff = min(ref.gen_bi.values())
    judged = improbable = 0
    toks = re.findall(r"([a-z]+(?:'[a-z]+)*)|[^\sa-z]|\n", text.lower().replace("\u2019", "'"))
    for a, b in zip(toks, toks[1:], strict=False):
        if not a or not b or "'" in a + b or a not in ref.zipf or b not in ref.zipf:
            continue
        expected = ref.dom_words * 10 ** (ref.zipf[a] - 9) * 10 ** (ref.zipf[b] - 9)
        if math.log10(expected) < math.log10(cutoff):
            continue
        judged += 1
        seen = ref.gen_bi.get(f"{a} {b}", 0.0) + ref.dom_bi.get(f"{a} {b}", 0)
        improbable += math.log10(seen + cutoff / 2) < math.log10(expected)
    return judged, improbable


SOUND = ("When you start therapy, it can help to write down what you want to change. Your "
         "therapist will ask about your history and about the things that matter most to you. "
         "Over the first few sessions you will agree on goals and on the way you will work "
         "together, and you can always say when something does not feel right to you. It is "
         "normal to feel nervous at the start, and most people find that it gets easier with time. "
         "If you are not sure what to say, you can begin with what happened in the last week.")


def _shuffled(text: str, seed: int = 0) -> str:
    rng = random.Random(seed)
    words = text.split()
    rng.shuffle(words)
    return " ".join(words)


@pytest.mark.parametrize("text", [SOUND, _shuffled(SOUND), "the of the of", HOSTILE, ""])
def test_arrays_equal_the_loop_on_the_shipped_tables(text):
    assert pair_counts(text) == _loop_counts(text, load_reference())


@pytest.mark.parametrize(("text", "min_pairs", "expected"), [
    ("", 20, math.nan), (HOSTILE, 20, math.nan),
    # "the of" never occurs in English, "of the" does: 2 of 3 judged pairs are improbable.
    ("the of the of", 1, 2 / 3), ("the of the of", 20, math.nan),
    ("of the", 1, 0.0),
])
def test_improbable_pairs(text, min_pairs, expected):
    got = m.improbable_pairs(text, min_pairs)
    assert (math.isnan(got) and math.isnan(expected)) or math.isclose(got, expected)


def test_word_salad_is_beyond_the_limit_and_sound_text_is_not():
    from pipeline.config import load_settings

    limit = load_settings().quality.max_improbable_pairs
    assert m.improbable_pairs(SOUND) < limit < m.improbable_pairs(_shuffled(SOUND))
    assert pair_tables() is pair_tables()  # built once per process
