"""Spin gold: seed rows match ../shared by sha1, spans are sane, corpus rows resolve."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pandas as pd
import pytest

from workbench.spin.gold import (
    CONFIDENCES,
    CORPUS_GOLD_PATH,
    KINDS,
    SEED_GOLD_PATH,
    load_spin_gold,
    sha1,
)

ROOT = Path(__file__).resolve().parents[3]
SPUN = ("000_", "004_")
CLEAN = ("001_", "002_", "003_")


def shared_dir() -> Path:
    return (ROOT / os.environ.get("SHARED", "../shared")).resolve()


@pytest.fixture(scope="module")
def gold() -> pd.DataFrame:
    shared = shared_dir()
    if not (shared / "seeds").is_dir():
        pytest.skip(f"shared reference data not found at {shared} (set SHARED=...)")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any skipped or unresolved row fails the test
        return load_spin_gold(shared, ROOT)


def test_seed_file_format() -> None:
    refs = pd.read_csv(ROOT / SEED_GOLD_PATH, dtype=str, keep_default_na=False)
    assert list(refs.columns) == ["doc", "start", "end", "sha1", "original", "kind", "confidence"]
    assert set(refs["kind"]) <= set(KINDS)
    assert set(refs["confidence"]) <= set(CONFIDENCES)
    assert refs["sha1"].str.fullmatch(r"[0-9a-f]{40}").all()


def test_corpus_file_format() -> None:
    refs = pd.read_csv(ROOT / CORPUS_GOLD_PATH, dtype=str, keep_default_na=False)
    assert list(refs.columns) == ["article_id", "span", "original", "op"]
    assert set(refs["op"]) <= {"replace", "insert"}
    assert (refs["span"].str.strip() == refs["span"]).all() and (refs["span"] != "").all()
    assert (refs.loc[refs["op"] == "insert", "original"] == "").all()


def test_seed_sha1_and_bounds(gold: pd.DataFrame) -> None:
    seeds = gold[gold["origin"] == "seed"]
    refs = pd.read_csv(ROOT / SEED_GOLD_PATH, dtype=str, keep_default_na=False)
    assert len(seeds) == len(refs)  # nothing skipped
    for doc, rows in seeds.groupby("doc"):
        text = (shared_dir() / "seeds" / doc).read_text(encoding="utf-8")
        for row in rows.itertuples(index=False):
            assert 0 <= row.start < row.end <= len(text)
            assert text[row.start : row.end] == row.text
            assert row.text == row.text.strip()
        assert list(rows["text"].map(sha1)) == list(
            refs.loc[refs["doc"] == doc, "sha1"]
        )


@pytest.mark.parametrize("origin", ["seed", "corpus"])
def test_spans_do_not_overlap(gold: pd.DataFrame, origin: str) -> None:
    part = gold[gold["origin"] == origin]
    assert part["start"].notna().all()
    for _, rows in part.groupby("doc"):
        rows = rows.sort_values("start")
        assert (rows["start"].to_numpy()[1:] >= rows["end"].to_numpy()[:-1]).all()


def test_spun_seeds_have_many_spans_clean_none(gold: pd.DataFrame) -> None:
    seeds = gold[gold["origin"] == "seed"]
    for prefix in SPUN:
        assert seeds["doc"].str.startswith(prefix).sum() >= 100, prefix
    for prefix in CLEAN:
        assert not seeds["doc"].str.startswith(prefix).any(), prefix


def test_known_fingerprints_present(gold: pd.DataFrame) -> None:
    seeds = gold[gold["origin"] == "seed"]
    texts = set(seeds["text"])
    for span in ("remedy", "consumer", "within the", "in keeping with", "Nationwide",
                 "Activity Power", "restorative alliance", "depend on", "expert limits",
                 "discretion", "{that a}"):
        assert span in texts, span
    within = seeds[seeds["text"].str.lower() == "within the"]
    assert within["doc"].str.startswith("000_").sum() == 10  # nine "within the" + one "Within the"


def test_corpus_rows_resolve(gold: pd.DataFrame) -> None:
    corpus = gold[gold["origin"] == "corpus"]
    refs = pd.read_csv(ROOT / CORPUS_GOLD_PATH, dtype=str, keep_default_na=False)
    assert len(corpus) == len(refs)
    assert corpus["start"].notna().all()
    assert ((corpus["end"] - corpus["start"]) == corpus["text"].str.len()).all()
