"""The array sentencizer and lookup lemmatizer must annotate exactly as spaCy's own pipes."""

from __future__ import annotations

import pytest
import spacy
from spacy.attrs import LEMMA, SENT_START

import pipeline.basepipes  # noqa: F401  (registers the factories)

TEXTS = [
    "",
    "One.",
    "no final punctuation at all",
    "Therapy helps.  It really does!\n\nA second paragraph, with punctuation... and more?",
    "“Is it?” she asked. (Yes.) Then... next! Mr. Smith's 3.5 km; ok ?! Fine",
    "!!! ?? . . . ",  # only punctuation
    "Ends with a question?\n\n\n",
    "。日本語の文。二つ目。",  # sentence-final characters other than . ! ?
    "The therapists were running meetings; clients' feelings mattered.",
    "\x00\u202e.\ufeff?" + "word. " * 50,  # hostile: control characters, many short sentences
]


@pytest.fixture(scope="module")
def pair():
    ref = spacy.blank("en")
    ref.add_pipe("sentencizer")
    ref.add_pipe("lemmatizer", config={"mode": "lookup"})
    ref.initialize()
    ours = spacy.blank("en")
    ours.add_pipe("array_sentencizer", name="sentencizer")
    ours.add_pipe("array_lookup_lemmatizer", name="lemmatizer")
    ours.initialize()
    return ref, ours


@pytest.mark.parametrize("text", TEXTS)
def test_same_annotations_as_spacy(pair, text):
    ref, ours = pair
    a, b = ref(text), ours(text)
    assert [t.is_sent_start for t in b] == [t.is_sent_start for t in a]
    assert [s.text for s in b.sents] == [s.text for s in a.sents]
    assert [t.lemma_ for t in b] == [t.lemma_ for t in a]
    assert (b.to_array([SENT_START, LEMMA]) == a.to_array([SENT_START, LEMMA])).all()


def test_preset_sentence_starts_are_kept(pair):
    _, ours = pair
    doc = ours.make_doc("one two three. four five")
    doc[1].is_sent_start = True  # set by an earlier pipe: not overwritten
    doc = ours.get_pipe("sentencizer")(doc)
    assert [t.i for t in doc if t.is_sent_start] == [0, 1, 4]


def test_existing_lemmas_are_kept(pair):
    _, ours = pair
    doc = ours.make_doc("clients were talking")
    doc[0].lemma_ = "patient"
    doc = ours.get_pipe("lemmatizer")(doc)
    assert [t.lemma_ for t in doc] == ["patient", "be", "talk"]


def test_lemma_table_is_read_once_and_shared():
    # The lemmatizer, the alliance lexicon and the duplicate finder used to read it each.
    from pipeline import dedup
    from pipeline.alliance.lexicon import Lemmas
    from pipeline.basepipes import lemma_table

    table = lemma_table("en")
    assert Lemmas().table is table and dedup._lemma_table() is table
    assert table.get("therapies") == "therapy"


def test_lemma_table_answers_as_spacys_table():
    from spacy.lookups import load_lookups

    from pipeline.basepipes import lemma_table

    table = lemma_table("en")
    spacy_table = load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")
    assert isinstance(table, dict) and len(table) == len(spacy_table)
    for word in [*table, "", "zorblax", "Therapies", "therapies", "ca", "n't"]:
        assert table.get(word, word) == spacy_table.get(word, word), word
