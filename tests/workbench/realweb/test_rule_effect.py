"""The per-rule fix/break table of the audit (workbench/realweb/rule_effect.py)."""

from __future__ import annotations

import json

import pytest

from pipeline import audit
from pipeline.article import Article
from pipeline.config import load_settings
from workbench.realweb import rule_effect

THERAPY = "A therapist and a client agree on goals in counselling for anxiety. " * 30


@pytest.fixture(autouse=True)
def _no_verdict_module(monkeypatch):
    # Sound pages by article.quality (the quality verdict is another stage's).
    monkeypatch.setattr(audit, "_verdict_function", lambda: None)


def page(pid: str, url: str, text: str = THERAPY) -> Article:
    return Article(article_id=f"{pid}.jsonl#1", path=pid, source=url, url=url, text=text,
                   words=len(text.split()), quality={"score": 1.0, "low_quality": False, "flags": []},
                   alliance={"counts": {"bond": 1, "goals": 1, "tasks": 1, "rupture_repair": 1}})


def _articles() -> dict[str, Article]:
    return {
        # a post on a paste host: removed by link_vehicle_url:paste_host (right in two collections)
        "cola001": page("cola001", "https://pastebin.example/raw/calm"),
        "colb001": page("colb001", "https://pastebin.example/raw/grief"),
        # a therapy article on a food host: review by offtopic_host:food, but labelled keep
        "cola002": page("cola002", "https://tastyrecipes.example/therapy-basics"),
        # a clinic page: keep, moved by no rule
        "colb002": page("colb002", "https://calmcounselling.example/first-session"),
    }


GOLD = {"cola001": "remove", "colb001": "remove", "cola002": "keep", "colb002": "keep"}


def test_effect_counts_fixes_and_breaks_per_collection():
    table = rule_effect.effect(_articles(), GOLD, load_settings().audit).set_index("family")
    paste = table.loc["link_vehicle_url:paste_host"]
    assert (paste.fixes, paste.breaks, paste.fixes_by, paste.verdict) == (2, 0, "cola:1 colb:1", "general")
    food = table.loc["offtopic_host:food"]
    assert (food.fixes, food.breaks, food.breaks_by, food.verdict) == (0, 1, "cola:1", "harmful")
    assert table.loc["review_url:api_dump", "verdict"] == "unused"


@pytest.mark.parametrize(("fix_collections", "fixes", "breaks", "changed", "expected"), [
    (0, 0, 0, 0, "unused"),
    (1, 1, 1, 2, "harmful"),
    (1, 3, 0, 3, "one-collection"),
    (3, 4, 1, 5, "general"),
])
def test_verdict(fix_collections, fixes, breaks, changed, expected):
    assert rule_effect.verdict(fix_collections, fixes, breaks, changed) == expected


def test_by_collection_counts_right_per_gold_action():
    actions = {"cola001": "remove", "colb001": "keep", "cola002": "keep", "colb002": "keep"}
    table = rule_effect.by_collection(actions, GOLD)
    assert table.loc["cola"].tolist() == [2, 2, "1/1", "0/0", "0/0", "1/1"]
    assert table.loc["colb"].tolist() == [1, 2, "1/1", "0/0", "0/0", "0/1"]


def test_dev_articles_reads_the_cache(tmp_path):
    a = _articles()["cola001"]
    cache = tmp_path / "dev.jsonl"
    cache.write_text(json.dumps(a.to_dict()) + "\n", encoding="utf-8")
    got = rule_effect.dev_articles(cache)
    assert list(got) == ["cola001"]
    assert got["cola001"].url == a.url and got["cola001"].words == a.words


# Two mental-health pages on food hosts, one naming such a matter once and one five times.
ONCE = "Sorting a crowded pantry can bring up stress. " + "Label every jar and shelf. " * 10
FIVE = "Stress, anxiety and grief: a therapist and counselling help. " * 2 + "Label every jar. " * 10


def test_setting_loco_applies_the_value_the_other_collections_choose():
    articles = {
        "cola001": page("cola001", "https://tastyrecipes.example/pantry", ONCE),
        "colb001": page("colb001", "https://tastyrecipes.example/jars", ONCE),
        "colc001": page("colc001", "https://tastyrecipes.example/grief", FIVE),
    }
    gold = {"cola001": "review", "colb001": "review", "colc001": "review"}
    settings = load_settings(audit={"offtopic_host_min_page_terms": 3}).audit
    table = rule_effect.setting_loco(articles, gold, settings, "offtopic_host_min_page_terms",
                                     [1, 3, 6]).set_index("collection")
    # cola held out: colb prefers 1 (its page names one term), colc is right at 1 and 3.
    assert table.loc["cola"].tolist() == [1, 1, 0, 1]
    assert table.loc["colb"].tolist() == [1, 1, 0, 1]
    # colc held out: 1 decides cola and colb right; colc is right at 1 and at 3.
    assert table.loc["colc"].tolist() == [1, 1, 1, 1]


def test_setting_loco_keeps_the_shipped_value_on_a_tie():
    articles = {"cola001": page("cola001", "https://calmcounselling.example/a"),
                "colb001": page("colb001", "https://calmcounselling.example/b")}
    gold = {"cola001": "keep", "colb001": "keep"}
    settings = load_settings(audit={"offtopic_host_min_page_terms": 3}).audit
    table = rule_effect.setting_loco(articles, gold, settings, "offtopic_host_min_page_terms", [1, 3])
    assert table.chosen.tolist() == [3, 3]
    assert table.right_chosen.tolist() == table.right_shipped.tolist() == [1, 1]


@pytest.mark.parametrize(("text", "expected"), [("3", 3), ("0.25", 0.25), ("review", "review")])
def test_setting_value(text, expected):
    assert rule_effect.setting_value(text) == expected
