"""DetailSpool and ArticleStore: articles, sentences and spin spans on disk, read back equal
(the details only when iterated)."""

from __future__ import annotations

from contextlib import closing

import pytest

from pipeline.article import Article, Sentence, SpinSpan
from pipeline.spool import ArticleStore, DetailSpool, SpooledList

CASES = [
    [],
    [Sentence(0, 0, 4, "One.")],
    [Sentence(0, 0, 3, "Hi!", {"bond": 1}, {"bond": "rule x: hi"}), Sentence(1, 4, 9, "Two.")],
    # hostile: a lone surrogate, control and bidi characters, markup
    [Sentence(0, 0, 9, "\ud800\x00\u202e<b>\"x\"</b>", {"goals": 0}, {})],
]


@pytest.mark.parametrize("items", CASES)
def test_round_trip(items):
    with DetailSpool() as spool:
        stored = spool.put(items, Sentence)
        assert len(stored) == len(items)
        assert list(stored) == items
        assert list(stored) == list(stored)  # read again: still there
        assert stored == items


def test_empty_stays_a_plain_list():
    with DetailSpool() as spool:
        assert spool.put([], Sentence) == [] and isinstance(spool.put([], Sentence), list)


def test_items_are_independent_and_indexable():
    with DetailSpool() as spool:
        a = spool.put([SpinSpan(0, 4, "Some", "A", "lexicon", 0.8)], SpinSpan)
        b = spool.put([{"start_char": 5, "end_char": 9, "text": "word", "suggestion": "",
                        "signal": "model", "score": 0.25}], SpinSpan)
        assert isinstance(a, SpooledList) and bool(a)
        assert a[0].text == "Some" and b[0] == SpinSpan(5, 9, "word", "", "model", 0.25)
        assert sorted(b, key=lambda s: s.start_char)[0].score == 0.25


def _article(article_id: str, text: str, restored: str, **extra) -> Article:
    return Article(article_id=article_id, path=f"{article_id}.txt", source="s", text=text,
                   restored_text="".join(restored),   # a distinct object, as after JSON
                   sentences=[Sentence(0, 0, len(text), text)] if text else [], **extra)


@pytest.mark.parametrize(("text", "restored", "shared"), [
    ("", "", True),
    ("A clean text.", "A clean text.", True),
    ("The targets of remedy.", "The goals of therapy.", False),
    # hostile: lone surrogate, NUL, bidi override, markup
    ("\ud800\x00\u202e<b>x</b>", "\ud800\x00\u202e<b>x</b>", True),
])
def test_store_round_trip_keeps_one_copy_of_an_unchanged_text(text, restored, shared):
    a = _article("x", text, restored, quality={"score": 0.5, "metrics": {"words": 3}},
                 spin_spans=[SpinSpan(0, 1, "T", "t", "lexicon", 0.9)])
    with closing(ArticleStore()) as store:
        store.put(a)
        back = store.get("x")
        assert back == a
        assert (back.restored_text is back.text) == shared
        assert [s.text for s in back.sentences] == ([text] if text else [])


def test_store_iterates_in_id_order_and_put_replaces():
    with closing(ArticleStore()) as store:
        for key in ("c", "a", "b"):
            store.put(_article(key, f"Text {key}.", f"Text {key}."))
        assert [a.article_id for a in store] == ["a", "b", "c"] and len(store) == 3
        a = store.get("a")
        assert isinstance(a.sentences, SpooledList)
        a.action, a.dedup = "keep", {"cluster": ""}
        store.put(a)   # a new version of the fields; the spooled sentences are reused
        again = store.get("a")
        assert (again.action, again.dedup) == ("keep", {"cluster": ""})
        assert [s.text for s in again.sentences] == ["Text a."]
        assert [x.article_id for x in store] == ["a", "b", "c"] and len(store) == 3
        with pytest.raises(KeyError):
            store.get("missing")
