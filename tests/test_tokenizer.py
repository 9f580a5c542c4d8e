"""The tokenizer's view of the text: long runs broken, length and short text unchanged."""

from __future__ import annotations

import pytest
import spacy

from pipeline.doctable import doc_text
from pipeline.tokenizer import RunSafeTokenizer, tokenizer_text


@pytest.mark.parametrize("text, expected", [
    ("", ""),
    ("x " + "!?" * 4, "x " + "!?" * 4),
    ("ok " + "ab" * 6 + " end", "ok abab bab bab end"),
])
def test_tokenizer_text(text, expected):
    assert tokenizer_text(text, 10, 4) == expected


def test_long_run_keeps_length_and_is_broken_every_step():
    text = "start " + "!?" * 1000 + " end"
    out = tokenizer_text(text, 400, 100)
    assert len(out) == len(text)
    run = out[6:6 + 2000]
    assert all(run[i] == " " for i in range(100, 2000, 100))
    assert out[:6] == text[:6] and out[-4:] == text[-4:]


def test_urls_and_words_are_unchanged_at_the_defaults():
    text = "a plain sentence, https://example.org/" + "a/b" * 40 + " and more"
    assert tokenizer_text(text, 400, 100) == text


def test_run_safe_tokenizer_breaks_long_runs_and_keeps_the_text():
    nlp = spacy.blank("en")
    nlp.tokenizer = RunSafeTokenizer(nlp.tokenizer, 400, 100)
    text = "The client spoke. " + "!?" * 2000 + " Then the therapist listened."
    doc = nlp(text)
    assert doc_text(doc) == text                  # what our components read
    assert len(doc.text) == len(text)             # same offsets
    assert max(len(t) for t in doc) <= 100        # the run is in pieces
    assert [t.text for t in doc][:4] == ["The", "client", "spoke", "."]
    # Short texts are the wrapped tokenizer's own result, through pipe() too.
    plain = spacy.blank("en")
    short = "It's fine, e.g. a U.S. clinic."
    assert [t.text for t in next(nlp.tokenizer.pipe([short]))] == [t.text for t in plain(short)]
    assert nlp.tokenizer.vocab is nlp.vocab       # attributes come from the wrapped tokenizer
    assert doc_text(nlp("")) == ""


def test_build_nlp_tokenizer_is_run_safe():
    from pipeline.config import load_settings
    from pipeline.nlp import build_nlp

    nlp = build_nlp(load_settings())
    assert isinstance(nlp.tokenizer, RunSafeTokenizer)
    doc = nlp.make_doc("word " + "x" * 5000)
    assert max(len(t) for t in doc) <= 100
