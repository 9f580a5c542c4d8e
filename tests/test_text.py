from __future__ import annotations

import pytest

from pipeline.text import (
    GLUED,
    LETTER_WORD,
    TOKEN,
    match_case,
    split_sentences,
    word_opcodes,
    words,
)

HOSTILE = "\x00{|}" + "é" * 50 + " ’' -- \u202e\ufeff" * 20


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("Don't drop-out of covid19 care_plans.", ["Don't", "drop-out", "of", "covid19", "care", "plans"]),
        ("l’été", ["l’été"]),
        (HOSTILE, ["é" * 50]),
    ],
)
def test_words(text, expected):
    assert words(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", []), ("It's 2024: don't-panic", ["It's", "don't", "panic"]), (HOSTILE, ["é" * 50])],
)
def test_letter_words(text, expected):
    assert LETTER_WORD.findall(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", []), ("A drop-out, 1,000 times!", ["A", "drop-out", ",", "1,000", "times", "!"])],
)
def test_tokens(text, expected):
    assert TOKEN.findall(text) == expected


def test_glued_sentence_mark():
    assert GLUED.sub(r"\1 ", "It helps.Then rest") == "It helps. Then rest"
    assert GLUED.sub(r"\1 ", "the U.S.Army") == "the U.S.Army"  # capital before the mark


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("One. Two? \"Three\" four.\nFive", ["One.", "Two?", "\"Three\" four.", "Five"]),
        ("glued.Next one", ["glued.", "Next one"]),
        ("e.g. this stays", ["e.g. this stays"]),
        (HOSTILE, [HOSTILE.strip()]),
    ],
)
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    ("suggestion", "original", "expected"),
    [("", "X", ""), ("therapy", "Remedy", "Therapy"), ("in the", "WITHIN THE", "IN THE"),
     ("mental health", "Psychological Well", "Mental Health"), ("x", "", "x"),
     ("care", HOSTILE, "care")],
)
def test_match_case(suggestion, original, expected):
    assert match_case(suggestion, original) == expected


def _opcodes(a, b, autojunk):
    from difflib import SequenceMatcher

    return SequenceMatcher(None, a, b, autojunk=autojunk).get_opcodes()


@pytest.mark.parametrize(
    ("a", "b"),
    [([], []), ([], ["x"]),
     (words("the client and the therapist agree on the goals of the work"),
      words("the customer and the therapist agree on the aims of the work"))],
)
def test_word_opcodes_keeps_common_words_as_anchors(a, b):
    assert word_opcodes(a, b, max_cost=10**6) == _opcodes(a, b, autojunk=False)


def test_word_opcodes_junks_popular_words_of_a_degenerate_pair():
    # One word 3,000 times on both sides: 9,000,000 comparisons per step without junking.
    a = ["a"] * 3000 + words("the plan was agreed")
    b = words("we agreed the plan") + ["a"] * 3000
    got = word_opcodes(a, b, max_cost=10**6)
    assert got == _opcodes(a, b, autojunk=True)
    assert got != _opcodes(a, b, autojunk=False)
    # The opcodes still cover both lists end to end.
    assert got[0][1] == got[0][3] == 0
    assert (got[-1][2], got[-1][4]) == (len(a), len(b))
