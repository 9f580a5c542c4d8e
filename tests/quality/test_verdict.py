"""quality_verdict: component flags + site-norm flags, one score, flags_text."""

from __future__ import annotations

import pytest

from pipeline.article import Article
from pipeline.quality.verdict import flag_text, quality_verdict


@pytest.mark.parametrize(
    ("flag", "expected"),
    [
        ({}, ""),
        ({"rule": "words", "value": 32.0, "threshold": 50, "op": "<"}, "words=32<50"),
        ({"rule": "spam_insertions", "value": 3.5, "threshold": 0.9, "op": ">"}, "spam_insertions=3.5>0.9"),
        ({"rule": "site_words", "value": -4.123, "threshold": -3.5, "op": "<"}, "site_words=-4.12<-3.5"),
        ({"rule": "odd;rule\x00", "value": "n/a"}, "odd;rule\x00"),
    ],
)
def test_flag_text(flag, expected):
    assert flag_text(flag) == expected


def make(q: dict, sn: dict | None = None) -> Article:
    a = Article(article_id="a", path="", source="s", text="")
    a.quality, a.site_norms = q, sn or {}
    return a


def test_merges_site_flags_into_score_and_text():
    q = {"score": 0.7, "low_quality": False,
         "flags": [{"rule": "content_words", "value": 20.0, "threshold": 30, "op": "<", "message": "m"}]}
    sn = {"flags": [{"rule": "site_words", "value": -5.0, "threshold": -3.5, "op": "<", "message": "m"}],
          "factor": 0.7, "low_quality_below": 0.5}
    v = quality_verdict(make(q, sn))
    assert v["score"] == pytest.approx(0.49)
    assert v["low_quality"] is True
    assert v["flags_text"] == "content_words=20<30;site_words=-5<-3.5"
    assert [f["rule"] for f in v["flags"]] == ["content_words", "site_words"]


def test_component_verdict_kept_without_site_norms():
    q = {"score": 1.0, "low_quality": False, "flags": []}
    assert quality_verdict(make(q)) == {"score": 1.0, "low_quality": False, "flags": [], "flags_text": ""}
    # A dict works as well as an Article; an unanalysed article has no score.
    assert quality_verdict({"quality": {}, "site_norms": {}})["score"] is None
    assert quality_verdict({"quality": {"score": 0.2, "low_quality": True, "flags": []}})["low_quality"]
