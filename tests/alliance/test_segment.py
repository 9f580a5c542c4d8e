"""Sentence spans: the sentencizer's sentences, cut at line breaks, list markers trimmed."""

from __future__ import annotations

import pytest
import spacy

from pipeline.alliance.segment import sentence_token_spans


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("   \n\n  ", []),
        ("One. Two here.", ["One.", "Two here."]),
        ("A Heading\n\nFirst sentence. Second one.", ["A Heading", "First sentence.",
                                                      "Second one."]),
        ("● Mutual trust\n● Shared goals", ["Mutual trust", "Shared goals"]),
        ("Say it out loud. **\nNext line here.", ["Say it out loud.", "Next line here."]),
        ("A sentence wrapped at\nthe end of a line.", ["A sentence wrapped at\nthe end of a line."]),
        ("Title line\n\nlower case after a blank line.", ["Title line",
                                                          "lower case after a blank line."]),
        ("\x00\x00 ** -- >>", ["\x00\x00 ** -- >>"]),  # hostile: only trailing stars go
    ],
)
def test_sentence_token_spans(nlp, text, expected):
    doc = nlp(text)
    assert [doc[s:e].text for s, e in sentence_token_spans(doc)] == expected


def test_without_sentence_boundaries():
    doc = spacy.blank("en")("No sentencizer ran. Still one span.")
    assert sentence_token_spans(doc) == [(0, len(doc))]
