"""DetailSpool: sentences and spin spans on disk, read back equal and only when iterated."""

from __future__ import annotations

import pytest

from pipeline.article import Sentence, SpinSpan
from pipeline.spool import DetailSpool, SpooledList

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
