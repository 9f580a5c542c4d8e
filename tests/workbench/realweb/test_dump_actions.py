"""The dev error dump: which pages it lists and what it shows."""

from __future__ import annotations

import pandas as pd

from workbench.realweb.dump_actions import wrong_rows


def _pages() -> pd.DataFrame:
    return pd.DataFrame({
        "page_id": ["p1", "p2", "p3"], "split": ["dev"] * 3, "words": ["300", "12", "250"],
        "genre": ["blog", "other", "seo"], "low_quality": [False, False, True],
        "quality_reason": ["", "", "glued words"], "spun": [False] * 3,
        "action": ["keep", "keep", "rewrite"], "action_reason": ["sound", "sound", "fixable"],
    })


def _got(actions, lows) -> pd.DataFrame:
    return pd.DataFrame({
        "page_id": ["p1", "p2", "p3"], "words": [300, 12, 250], "action": actions,
        "action_reason": ["a", "b", "c"], "low_quality": lows, "quality_flags": ["", "", "glued_words=2>0.6"],
    })


def test_lists_wrong_actions_and_wrong_verdicts_only():
    got = _got(["keep", "review", "rewrite"], ["False", "False", "False"])
    out = wrong_rows(got, _pages())
    assert list(out.page_id) == ["p2", "p3"]  # action rows first, then quality rows
    assert dict(zip(out.page_id, out.what, strict=True)) == {"p2": "action", "p3": "quality"}
    assert "text" not in out.columns


def test_nothing_wrong_is_an_empty_table():
    got = _got(["keep", "keep", "rewrite"], ["False", "False", "True"])
    assert wrong_rows(got, _pages()).empty
    assert wrong_rows(got.iloc[0:0], _pages()).empty
