"""The tokenizer's view of the text: long runs broken, length and short text unchanged."""

from __future__ import annotations

import pytest

from pipeline.analysis import tokenizer_text


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
