"""The analysing process's memory: memo tables bounded by its resident memory (issue 19)."""

from __future__ import annotations

import dataclasses

import pytest

from pipeline import engine
from pipeline.article import Article
from pipeline.config import load_settings
from pipeline.spin import spans, suggest, words

TEXTS = [
    "The therapist and the client agreed on the goals of therapy. Trust grew over the weeks.",
    "Your counsellor should welcome questions about the plan, and listen when you disagree.",
    "Sleep, habits and worry came up in every session; the plan changed as progress showed.",
]


def _articles() -> list[Article]:
    return [Article(article_id=f"m{i}", path=f"m{i}.txt", source="s", text=t, language="en")
            for i, t in enumerate(TEXTS)]


def _memo_entries() -> int:
    stats = sum(len(t) for _r, st in words._STATS.values()
                for t in (st._p, st._cands, st._pair, st._tag, st._info, st._ctx))
    return stats + sum(m.size() for _r, m in spans._MODELS.values()) + len(suggest._STATIC)


@pytest.fixture
def floor(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(engine, "_MEMO_FLOOR", [0.0])
    return engine._MEMO_FLOOR


def test_memo_tables_are_emptied_past_the_memory_limit_and_no_result_changes(floor):
    s = load_settings()
    s.run.memo_rss_max_mb = 0      # never emptied
    kept = engine.analyse_batch(_articles(), s)
    assert _memo_entries() > 0
    s.run.memo_rss_max_mb = 1      # any process holds more: emptied after the batch
    s.run.memo_rss_regrow_mb = 7
    emptied = engine.analyse_batch(_articles(), s)
    assert _memo_entries() == 0
    assert words._STATS and spans._MODELS    # the owners stay (their ids key other memos)
    assert floor[0] >= 7
    assert [dataclasses.asdict(a) for a in emptied] == [dataclasses.asdict(a) for a in kept]


def test_the_bound_holds_and_does_not_thrash(floor, monkeypatch: pytest.MonkeyPatch):
    """Emptied when the process holds more than the limit; then not again until it holds
    ``regrow`` more than just after emptying (memory the memos do not hold stays)."""
    from pipeline.spin import detector

    calls: list[int] = []
    rss = iter([900.0, 830.0, 860.0, 885.0, 870.0])
    monkeypatch.setattr(engine, "rss_mb", lambda: next(rss))
    monkeypatch.setattr(detector, "empty_memos", lambda: calls.append(1))
    assert engine.bound_memos(850, 50)           # 900 > 850: emptied, 830 after
    assert floor[0] == 880
    assert not engine.bound_memos(850, 50)       # 860: under the floor
    assert engine.bound_memos(850, 50)           # 885 > 880: emptied again
    assert len(calls) == 2
    assert not engine.bound_memos(0, 50)         # 0: never


def test_resident_memory_is_read():
    mb = engine.rss_mb()
    assert mb is None or 10 < mb < 100_000
