"""Output-contract tables (pipeline/tables.py)."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from pipeline import audit, tables
from pipeline.article import Article, IngestError, Sentence, SpinSpan
from pipeline.writers import csv_text

HOSTILE = '=HYPERLINK("http://x","y"),<script>alert(1)</script>\n"quoted"'


@pytest.fixture(autouse=True)
def _no_verdict_module(monkeypatch):
    monkeypatch.setattr(audit, "_verdict_function", lambda: None)


def make(aid: str, source: str, *, quality=0.8, low=False, spun=False, counts=None,
         applicable=True, action="keep", title="", dup="") -> Article:
    counts = counts if counts is not None else {"bond": 1, "goals": 0, "tasks": 2,
                                                "rupture_repair": 0}
    return Article(
        article_id=aid, path=aid, source=source, text="Some text here.", title=title or aid,
        words=3, language="en" if applicable else "fr", applicable=applicable,
        quality={"score": quality, "low_quality": low,
                 "flags": [{"rule": "short", "value": 3, "threshold": 50, "op": "<"}] if low else []},
        spin={"score": 0.9 if spun else 0.1, "spun": spun},
        spin_spans=[SpinSpan(0, 4, "Some", "A", "lexicon", 0.8)] if spun else [],
        alliance={"counts": counts, "elements": {"empathy": 1, "feedback": 0},
                  "citations_count": 2} if applicable else {"applicable": False},
        sentences=[Sentence(0, 0, 15, "Some text here.", {"bond": 1}, {"bond": "rule X"})],
        dedup={"cluster": "c1" if dup else "", "canonical": dup or aid, "similarity": 0.9 if dup else 0.0,
               "near_duplicate_of": dup, "kind": "near" if dup else ""},
        action=action, action_reason="because",
    )


ARTICLES = [
    make("b/2", "b.example", quality=0.3, low=True, action="rewrite"),
    make("a/1", "a.example", spun=True, action="rewrite", title=HOSTILE),
    make("a/2", "a.example", counts={"bond": 0, "goals": 0, "tasks": 0, "rupture_repair": 0},
         dup="a/1", action="remove"),
    make("b/1", "b.example", applicable=False, action="review"),
]


def test_articles_table_keeps_the_contract_columns_in_order():
    df = tables.articles_table(ARTICLES)
    assert list(df.columns[: len(tables.ARTICLE_COLUMNS)]) == tables.ARTICLE_COLUMNS
    assert list(df["article_id"]) == ["a/1", "a/2", "b/1", "b/2"]
    assert df.loc[df.article_id == "b/2", "quality_flags"].item() == "short=3<50"
    assert df.loc[df.article_id == "a/2", "near_duplicate_of"].item() == "a/1"
    assert pd.isna(df.loc[df.article_id == "b/1", "bond"].item())  # not analysed, not zero
    assert {"element_empathy", "citations_count", "dup_kind", "action_reason"} <= set(df.columns)


@pytest.mark.parametrize("fn", [tables.articles_table, tables.sentences_table,
                                tables.spin_table])
def test_empty_input_gives_the_contract_columns(fn):
    df = fn([])
    assert df.empty and len(df.columns) >= 5


def test_comparison_table():
    df = tables.comparison_table(tables.articles_table(ARTICLES))
    assert list(df.columns[: len(tables.COMPARISON_COLUMNS)]) == tables.COMPARISON_COLUMNS
    assert list(zip(df.source, df.article_id, strict=True)) == [
        ("a.example", "a/1"), ("a.example", "a/2"), ("b.example", "b/1"), ("b.example", "b/2")]
    assert "element_empathy" in df.columns and "near_duplicate_of" in df.columns
    assert list(tables.comparison_table(tables.articles_table([])).columns[:3]) == [
        "source", "article_id", "title"]


def test_sources_table():
    df = tables.sources_table(tables.articles_table(ARTICLES)).set_index("source")
    assert list(df.reset_index().columns) == tables.SOURCE_COLUMNS
    a, b = df.loc["a.example"], df.loc["b.example"]
    assert a.articles == 2 and a.share_spun == 0.5 and a.duplicates == 1
    assert a.coverage_bond == 0.5 and a.coverage_tasks == 0.5 and a.coverage_goals == 0.0
    # The non-English article has no counts: coverage is over the analysed article only.
    assert b.coverage_bond == 1.0 and b.share_low_quality == 0.5
    assert b.quality_mean == pytest.approx(0.55)
    assert (a.action_rewrite, a.action_remove, b.action_review) == (1, 1, 1)
    assert tables.sources_table(tables.articles_table([])).empty


def test_tables_do_not_depend_on_input_order_and_keep_hostile_text_verbatim():
    one = csv_text(tables.articles_table(ARTICLES))
    two = csv_text(tables.articles_table(list(reversed(ARTICLES))))
    assert one == two
    back = pd.read_csv(io.StringIO(one), keep_default_na=False)
    assert back.loc[back.article_id == "a/1", "title"].item() == HOSTILE


def test_sentence_spin_and_error_tables():
    s = tables.sentences_table(ARTICLES)
    assert list(s.columns[: len(tables.SENTENCE_COLUMNS)]) == tables.SENTENCE_COLUMNS
    assert s.bond.tolist() == [1, 1, 1, 1] and s.evidence_bond.iloc[0] == "rule X"
    sp = tables.spin_table(ARTICLES)
    assert list(sp.columns) == tables.SPIN_COLUMNS and sp.article_id.tolist() == ["a/1"]
    e = tables.errors_table([IngestError("z", "bad"), IngestError("a", "<b>")])
    assert e.path.tolist() == ["a", "z"]


@pytest.mark.parametrize("min_rows", [1, 2, 1000])
def test_table_chunks_are_slices_of_the_whole_table(min_rows):
    many = sorted([*ARTICLES, make("c/1", "c.example", spun=True)], key=lambda a: a.article_id)
    for rows_of, sort, whole in ((tables.sentence_rows, tables.SENTENCE_SORT, tables.sentences_table),
                                 (tables.spin_rows, tables.SPIN_SORT, tables.spin_table)):
        chunks = list(tables.table_chunks(many, rows_of, sort, min_rows=min_rows))
        joined = pd.concat(chunks, ignore_index=True)
        pd.testing.assert_frame_equal(joined, whole(many))
        assert all(len(c) >= min(min_rows, len(joined)) for c in chunks[:-1])


def test_table_chunks_of_no_rows():
    assert list(tables.table_chunks([], tables.sentence_rows, tables.SENTENCE_SORT)) == []


def test_readability_and_plain_flags_reach_the_tables():
    a = make("a.txt", "s.example")
    a.quality = {"score": 0.4, "low_quality": True, "grade_band": "high school",
                 "flags": [{"rule": "words", "value": 32, "threshold": 50, "op": "<"}],
                 "metrics": {"flesch_reading_ease": 61.234, "flesch_kincaid_grade": 9.1,
                             "smog_index": 10.0, "gunning_fog": 11.5, "dale_chall": 7.2,
                             "grade": 10.0}}
    b = make("b.txt", "s.example")
    b.quality = {}  # not analysed: empty readability, no crash
    df = tables.articles_table([a, b])
    row = df.iloc[0]
    assert row["flesch_reading_ease"] == 61.23 and row["readability_band"] == "high school"
    assert row["quality_flags_plain"] == "length: only 32 words; an article needs at least 50"
    assert row["quality_flag_rules"] == "words"
    assert pd.isna(df.iloc[1]["flesch_reading_ease"]) and df.iloc[1]["readability_band"] == ""
    assert "readability_band" in tables.comparison_table(df).columns
    sources = tables.sources_table(df)
    assert sources.iloc[0]["flesch_reading_ease_mean"] == 61.23
