"""Audit actions and reasons (pipeline/audit.py, rules in audit.toml)."""

from __future__ import annotations

import pytest

from pipeline import audit
from pipeline.article import Article, SpinSpan
from pipeline.config import load_settings

HOSTILE = '<script>alert(1)</script>"; DROP TABLE articles; --'
FULL = {"bond": 2, "goals": 1, "tasks": 3, "rupture_repair": 1}


@pytest.fixture(autouse=True)
def _no_verdict_module(monkeypatch):
    # Test the rules on article.quality; the verdict module (another stage) is tested there.
    monkeypatch.setattr(audit, "_verdict_function", lambda: None)


def make(text: str = "word " * 400, *, words: int | None = None, quality: float = 0.8,
         low: bool = False, flags: int = 0, spun: bool = False, spin: float = 0.1,
         counts: dict | None = None, dedup: dict | None = None, language: str = "en",
         title: str = "t") -> Article:
    return Article(
        article_id="a", path="a", source="s", text=text, title=title, language=language,
        words=len(text.split()) if words is None else words, applicable=language == "en",
        quality={"score": quality, "low_quality": low,
                 "flags": [{"rule": f"r{i}", "value": 1.0, "threshold": 0.5, "op": ">"}
                           for i in range(flags)]},
        spin={"score": spin, "spun": spun},
        spin_spans=[SpinSpan(0, 4, "word", "term", "lexicon", 0.9)] if spun else [],
        alliance={"counts": FULL if counts is None else counts},
        dedup=dedup or {},
    )


@pytest.mark.parametrize(("article", "action", "reason_part"), [
    (make(""), "review", "empty text"),
    (make("   \n", words=0), "review", "empty text"),
    (make(language="de"), "review", "language 'de'"),
    (make(dedup={"near_duplicate_of": "b", "kind": "exact", "similarity": 1.0}), "remove",
     "exact duplicate of b"),
    (make(dedup={"near_duplicate_of": "b", "kind": "near", "similarity": 0.8}), "remove",
     "near-duplicate of b (similarity 0.80)"),
    (make(dedup={"near_duplicate_of": "b", "kind": "spun_copy", "similarity": 0.4}), "remove",
     "spun copy of b"),
    # The canonical member of a cluster is judged on its own merits.
    (make(dedup={"near_duplicate_of": "", "kind": "", "cluster": "c"}), "keep", "not spun"),
    # Why the other one is kept is part of the reason.
    (make(dedup={"near_duplicate_of": "b", "kind": "exact", "similarity": 1.0,
                 "canonical_reason": "kept: declared canonical URL"}), "remove",
     "keep b (kept: declared canonical URL)"),
    # Several spins of a lost source: none is the original.
    (make(dedup={"near_duplicate_of": "b", "kind": "spun_copy", "similarity": 0.4,
                 "all_spun": True}), "remove", "none is the original: rewrite b"),
    (make(spun=True, spin=0.9, dedup={"near_duplicate_of": "", "kind": "", "cluster": "c",
                                      "all_spun": True}),
     "rewrite", "one of several synonym-swapped copies of a source that is not in the corpus"),
    (make(spun=True, spin=0.9, low=True, quality=0.4, flags=1,
          dedup={"near_duplicate_of": "", "kind": "", "cluster": "c", "all_spun": True}),
     "remove", "not in the corpus (1 suspect spans); the others are removed and low quality"),
    (make(spun=True, spin=0.9), "rewrite", "spin score 0.90, 1 suspect spans"),
    (make(spun=True, spin=0.9, low=True, quality=0.4, flags=1), "remove", "and low quality"),
    (make(low=True, quality=0.4, flags=1), "rewrite", "low quality 0.40 failing r0=1>0.5"),
    (make(low=True, quality=0.1, flags=1), "remove", "severely low"),
    (make(low=True, quality=0.4, flags=4), "remove", "severely low"),
    (make("word " * 100, counts={"bond": 1, "goals": 0, "tasks": 0, "rupture_repair": 0}),
     "review", "thin: 100 words and 1 of 4"),
    (make("word " * 400, counts={"bond": 0, "goals": 0, "tasks": 0, "rupture_repair": 0}),
     "keep", "0 of 4"),
    (make(), "keep", "4 of 4 alliance components"),
    (make(HOSTILE * 50, title=HOSTILE), "keep", "quality 0.80"),
])
def test_decide(article, action, reason_part):
    got_action, reason = audit.decide(article, load_settings().audit)
    assert got_action == action
    assert reason_part in reason


def test_rules_follow_the_configuration():
    settings = load_settings(audit={"spun_action": "review", "thin_max_words": 10}).audit
    assert audit.decide(make(spun=True, spin=0.9), settings)[0] == "review"
    thin = make("word " * 100, counts={"bond": 0, "goals": 0, "tasks": 0, "rupture_repair": 0})
    assert audit.decide(thin, settings)[0] == "keep"


def test_quality_verdict_is_preferred_when_present(monkeypatch):
    verdict = {"score": 0.3, "low_quality": True, "flags": [{"rule": "site_norm"}],
               "flags_text": "site_norm=2.5>2"}
    monkeypatch.setattr(audit, "_verdict_function", lambda: lambda article: verdict)
    action, reason = audit.decide(make(quality=0.9), load_settings().audit)
    assert action == "rewrite"
    assert "site_norm=2.5>2" in reason


@pytest.mark.parametrize(("counts", "expected"), [
    ({}, 0),
    (FULL, 4),
    ({"bond": 0, "goals": 2, "tasks": None}, 1),
    ({"bond": "<b>", "goals": 1}, 1),
])
def test_components_present(counts, expected):
    article = make()
    article.alliance = {"counts": counts}
    assert audit.components_present(article) == expected


def test_with_the_quality_stage_verdict(monkeypatch):
    """Site norms reach the decision through pipeline.quality.verdict when it is installed."""
    verdict = pytest.importorskip("pipeline.quality.verdict")
    monkeypatch.setattr(audit, "_verdict_function", lambda: verdict.quality_verdict)
    article = make(quality=0.8)
    article.site_norms = {"factor": 0.5, "low_quality_below": 0.5,
                          "flags": [{"rule": "site_words", "value": -5.0, "threshold": -3.5,
                                     "op": "<"}]}
    action, reason = audit.decide(article, load_settings().audit)
    assert action == "rewrite"
    assert "site_words" in reason and "quality 0.40" in reason
