"""Splitting helpers of the quality metrics."""

from __future__ import annotations

import pytest

from pipeline.quality.text import is_content, parse, split_sentences, stem


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("\x00\n\n\u202e", ["\x00", "\u202e"]),
        ("One here. Two there.", ["One here.", "Two there."]),
        ("glued together.Next one starts", ["glued together.", "Next one starts"]),
        ("Dr. smith said so. Fine!", ["Dr. smith said so.", "Fine!"]),
        ("line one\nline two", ["line one", "line two"]),
    ],
)
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [("", ""), ("feelings", "feel"), ("feeling", "feel"), ("Therapist's", "therapist"), ("worries", "worry"),
     ("gently", "gent"), ("cats", "cat"), ("is", "is"), ("\x00", "\x00")],
)
def test_stem(word, expected):
    assert stem(word) == expected


@pytest.mark.parametrize(("word", "expected"), [("", False), ("the", False), ("therapy", True),
                                                 ("42", False), ("ab", False), ("\u202e", False)])
def test_is_content(word, expected):
    assert is_content(word) is expected


def test_parse_units():
    p = parse("Title\n\nFirst para. Still first.\n\nSecond para.")
    assert p.lines == ("Title", "First para. Still first.", "Second para.")
    assert len(p.paragraphs) == 3
    assert len(p.sentences) == 4
    # Single-newline documents count their lines as paragraphs.
    assert parse("a b\nc d\ne f").paragraphs == ("a b", "c d", "e f")
