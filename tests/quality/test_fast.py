"""The compiled quality kernels (``pipeline/quality/_fast.pyx``) give the same results as the
pure-Python reference: kernel by kernel on demo-corpus and generated words, and every metric of
the demo corpus and of generated text with the kernels on and off."""

from __future__ import annotations

import contextlib
import os
import zlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.compact import zipf_en
from pipeline.quality import compiled, metrics, rules
from pipeline.quality import text as qtext

_fast = pytest.importorskip("pipeline.quality._fast", reason=(
    "pipeline.quality._fast is not built (`make install` compiles it when Cython and a C compiler are "
    "available); the pure-Python code runs, nothing to compare"))

ROOT = Path(__file__).resolve().parents[2]


def _clear_caches() -> None:
    for fn in (metrics.syllables, metrics._word_info, metrics._zipf, metrics._splits_into_words,
               metrics.is_glued, metrics._readability_counts, metrics._norm_words,
               metrics._word_ids, metrics._dup_ngram_fracs, metrics._sentence_words,
               metrics._sentence_bags, metrics._word_stems, metrics._content_stems,
               metrics._zipf_finder, qtext.parse):
        fn.cache_clear()
    metrics._PYPHEN.hd.cache.clear()


@contextlib.contextmanager
def _kernels(pure: bool):
    """The pure-Python kernels (or the compiled ones), every cache emptied on the way in and out."""
    from pipeline.quality import pairs

    saved = metrics.FAST, metrics._hyphenation_points, pairs.FAST, pairs._token_ids
    # Both sides set explicitly: under ALLIANCE_AUDIT_PURE_PYTHON=1 the module loaded without them.
    metrics.FAST = pairs.FAST = None if pure else _fast
    metrics._hyphenation_points = (metrics._py_hyphenation_points if pure
                                   else metrics._fast_hyphenation_points)
    pairs._token_ids = pairs._py_token_ids if pure else pairs._fast_token_ids
    _clear_caches()
    try:
        yield
        assert (metrics._zipf_finder() is None) == pure
    finally:
        metrics.FAST, metrics._hyphenation_points, pairs.FAST, pairs._token_ids = saved
        _clear_caches()


def _metrics(texts: list[str]) -> list[dict[str, float]]:
    return [rules.compute_metrics(t, {"title": ""}, None) for t in texts]


def _corpus_texts() -> list[str]:
    from pipeline.config import load_settings
    from pipeline.ingest import read_corpus

    return [a.text for a in read_corpus(ROOT / "corpus", load_settings().ingest)
            if getattr(a, "text", "")]


def test_the_compiled_kernels_are_the_ones_in_use():
    if os.environ.get(compiled.PURE_PYTHON_ENV, "").strip() not in ("", "0"):
        pytest.skip(f"{compiled.PURE_PYTHON_ENV} is set: the pure Python runs by request")
    assert compiled.active()
    assert metrics._hyphenation_points is metrics._fast_hyphenation_points


def test_demo_corpus_metrics_are_identical():
    texts = _corpus_texts()
    assert texts
    with _kernels(pure=True):
        pure = _metrics(texts)
    with _kernels(pure=False):
        fast = _metrics(texts)
    assert repr(pure) == repr(fast)


_WORDS = ["the", "therapy", "millionadults", "sessionor", "anxie", "ty", "sympt", "oms",
          "compass", "ion", "some", "times", "depressionDealing", "affects16.1", "types.we",
          "Hyphenation", "counselling", "extraordinarily", "İstanbul", "naïve", "don’t"]
_TOKEN = st.one_of(st.sampled_from(_WORDS), st.sampled_from([".", ",", "!", "?", "\n", "\n\n", "..."]),
                   st.text(alphabet="abcdeilnorstuyİéß’'-. \n", min_size=1, max_size=14))


@settings(max_examples=40, deadline=None)
@given(st.lists(_TOKEN, min_size=0, max_size=80))
def test_generated_text_metrics_are_identical(tokens):
    text = " ".join(tokens)
    with _kernels(pure=True):
        pure = _metrics([text])
    with _kernels(pure=False):
        fast = _metrics([text])
    assert repr(pure) == repr(fast)


_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzAZİéßﬁ’'-.1 ", min_size=0, max_size=50)


@settings(max_examples=400, deadline=None)
@given(_WORD)
@example("")
@example("a" * 64)
@example("a" * 65)
@example("z" * 200)
@example("hyphenation")
@example("İi")
def test_word_kernels_are_identical(word):
    finder = metrics._zipf_en_fn()
    if finder is not zipf_en:
        assert finder(word) == zipf_en(word)
    low = word.lower()
    hd = metrics._PYPHEN.hd
    n = _fast.syllable_count(low, hd.patterns, hd.maxlen, metrics._PYPHEN.left,
                             metrics._PYPHEN.right)
    assert n is None or n == metrics._py_hyphenation_points(low)


@given(st.binary(max_size=300))
def test_crc32_is_zlibs(data):
    assert _fast.crc32(data) == zlib.crc32(data)


@settings(max_examples=400, deadline=None)
@given(_WORD, _WORD)
@example("Anxie", "ty")
@example("a" * 40, "b" * 24)
@example("a" * 40, "b" * 25)
@example("", "")
@example("İ", "i")
def test_joined_zipf_is_the_zipf_of_the_joined_word(a, b):
    finder = metrics._zipf_finder()
    if finder is None:
        pytest.skip("no compact Zipf table: the compiled look-up is not in use")
    assert finder.joined_zipf(a, b) == finder.zipf((a + b).lower())


_PAIR_WORD = st.one_of(st.sampled_from(["anxie", "ty", "sympt", "oms", "compass", "ion", "some", "times",
                                        "health", "care", "every", "one", "the", "therapist", "Anxie"]),
                       st.text(alphabet="abcdefghijklmnopqrstuvwxyzAİ", min_size=1, max_size=12))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_PAIR_WORD, _PAIR_WORD), max_size=30))
def test_split_pairs_kernel_is_the_reference(pairs):
    from pipeline.quality.pairs import pair_listed

    finder = metrics._zipf_finder()
    if finder is None:
        pytest.skip("no compact Zipf table: the compiled look-up is not in use")
    args = (pair_listed, 6, 3.0, 3.0, 7, 3.5)
    assert _fast.split_pairs(pairs, finder, *args) == metrics._py_split_pairs(pairs, None, *args)


_PAIR_TEXT = st.text(alphabet="abcz'’ \n\t\u00a0\u2028.,-İKA1", max_size=60)


@settings(max_examples=400, deadline=None)
@given(_PAIR_TEXT)
@example("don't 'x a'b'c a'' 'a")
@example("word\n\nword\u2028word\u00a0word")
@example("")
def test_pair_token_ids_are_the_reference(text):
    from pipeline.quality import pairs

    low = text.lower().replace("\u2019", "'")
    vocab = {"don't": 7, "a": 1, "b": 2, "word": 3, "a'b'c": 4, "": 9}
    out = np.empty(len(low), dtype=np.int64)
    fast = out[: _fast.pair_token_ids(low, vocab, out)]
    assert fast.tolist() == pairs._py_token_ids(low, vocab).tolist()
    tables = pairs.pair_tables()
    assert pairs._fast_token_ids(low, tables.vocab).tolist() == pairs._py_token_ids(low, tables.vocab).tolist()


_SPLIT_PIECES = st.sampled_from(["ab", "Cd", "ef", " ", "  ", "\t", "\n", ".", "-", "'", "’", "_", "é",
                                 "1", "٣", "x", "Q", ",", "anxie", "ty", "sympt", "oms"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_SPLIT_PIECES, st.text(max_size=3)), max_size=30))
@example(["x-ab cd"])
@example(["_ab cd-e"])
@example(["ab cd’"])
@example([".Ab cd ef g"])
def test_split_pair_words_equals_the_regex(pieces):
    text = "".join(pieces)
    assert _fast.split_pair_words(text) == metrics._SPLIT_PAIR.findall(text)
