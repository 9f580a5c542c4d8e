"""Article level on the seed articles (needs ../shared): "discusses X" against the labelled set."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.alliance.rules import LABELS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def seed_results(shared_dir, alliance_nlp):
    from workbench.alliance.dataset import load_labelled, read_seed

    labelled = load_labelled(shared_dir, ROOT)
    labelled = labelled[labelled["origin"] == "seed"]
    if labelled.empty:
        pytest.skip("no labelled seed sentences in models/data/alliance_sentences.csv")
    nlp = alliance_nlp()  # shipped defaults: rules + the trained model when present
    docs = sorted(labelled["doc"].unique())
    results = {d: nlp(read_seed(shared_dir, d))._.alliance for d in docs}
    gold = labelled.groupby("doc")[list(LABELS)].max()
    return results, gold


def test_discusses_accuracy(seed_results):
    results, gold = seed_results
    agree = [
        int(results[d]["counts"][lab] > 0) == int(gold.at[d, lab])
        for d in results for lab in LABELS
    ]
    assert sum(agree) / len(agree) >= 0.9


def test_every_seed_discusses_bond(seed_results):
    results, _ = seed_results
    assert all(r["counts"]["bond"] > 0 for r in results.values())


def test_seed_citations(seed_results):
    results, _ = seed_results
    by_prefix = {d[:3]: r for d, r in results.items()}
    if "000" in by_prefix:
        assert by_prefix["000"]["citations_count"] == 7  # the reference list, DOIs inside
    if "004" in by_prefix:
        assert any("(19 )" in c for c in by_prefix["004"]["citations"])
