"""The shared per-Doc table must say exactly what iterating the Doc's Tokens says."""

from __future__ import annotations

import pytest
import spacy

from pipeline.doctable import doc_table, doc_text, set_doc_text

TEXTS = [
    "",
    "One.",
    "Therapy helps.  It really does!\n\nA second paragraph, with punctuation... and more?",
    "• list item\n• another one\n\n\n  spaced   out  text \t tabs\n",
    "Don't stop—re-read it. 3.5 km; (yes) “quoted” ‘words’ ... ?!",
    "\n\n \n",  # hostile: whitespace only
]


@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


@pytest.mark.parametrize("text", TEXTS)
def test_table_matches_tokens(nlp, text):
    doc = nlp(text)
    table = doc_table(doc)
    assert table.text == doc.text == doc_text(doc)
    assert len(table) == len(doc)
    assert [table.token_text(i) for i in range(len(doc))] == [t.text for t in doc]
    assert table.lower == [t.lower for t in doc]
    assert table.idx == [t.idx for t in doc]
    assert table.is_space == [t.is_space for t in doc]
    assert table.sent_starts == [s.start for s in doc.sents if doc.has_annotation("SENT_START")]
    assert table.n_words == sum(1 for t in doc if not (t.is_space or t.is_punct))
    assert doc_table(doc) is table  # cached


def test_recorded_text_is_used_and_checked(nlp):
    doc = nlp("Some text here.")
    set_doc_text(doc, "Some text here.")
    assert doc_text(doc) == "Some text here."
    other = nlp("Other words.")
    set_doc_text(other, "stale")  # a text of another length is not trusted
    assert doc_text(other) == "Other words."
