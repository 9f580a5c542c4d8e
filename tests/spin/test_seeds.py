"""The seed articles of ../shared: 000 and 004 are spun, 001-003 are not.

Phrase-level gold for the spun seeds comes from ``models/data/spin_seed_gold.csv`` (offsets
and hashes only, read through ``workbench.spin.gold``).
"""

from __future__ import annotations

import pytest

from tests.spin.conftest import ROOT


def _seed(shared, prefix):
    files = sorted((shared / "seeds").glob(f"{prefix}_*.txt"))
    if not files:
        pytest.skip(f"seed {prefix} not found in {shared / 'seeds'}")
    return files[0]


@pytest.mark.parametrize(("prefix", "spun"), [("000", True), ("004", True), ("001", False),
                                              ("002", False), ("003", False)])
def test_seed_verdicts(shared, detector, prefix, spun):
    result = detector.detect(_seed(shared, prefix).read_text(encoding="utf-8"))
    assert result["spun"] is spun, result["reasons"]


# Regression guards near the measured level (span floor 0.40, monotone document model:
# 000 P 0.67 R 0.49; 004 P 0.40 R 0.39; models/spin_detector_history.md).
@pytest.mark.parametrize(("prefix", "min_recall", "min_precision"), [("000", 0.45, 0.62), ("004", 0.34, 0.36)])
def test_seed_spans_against_gold(shared, detector, prefix, min_recall, min_precision):
    from workbench.spin.evaluate import span_metrics
    from workbench.spin.gold import load_spin_gold

    path = _seed(shared, prefix)
    gold = load_spin_gold(shared, ROOT)
    gold = gold[(gold["origin"] == "seed") & (gold["doc"] == path.name)]
    if gold.empty:
        pytest.skip(f"no phrase-level gold for {path.name}")
    result = detector.detect(path.read_text(encoding="utf-8"))
    m = span_metrics(result["spans"], list(zip(gold["start"], gold["end"], strict=True)))
    assert m["recall"] >= min_recall, m
    assert m["precision"] >= min_precision, m


def test_seed_suggestions_are_sensible(shared, detector):
    """Where a caught span has a gold original, the suggestion often equals it."""
    from workbench.spin.gold import load_spin_gold

    path = _seed(shared, "000")
    gold = load_spin_gold(shared, ROOT)
    gold = gold[(gold["origin"] == "seed") & (gold["doc"] == path.name)]
    if gold.empty:
        pytest.skip("no phrase-level gold for seed 000")
    spans = detector.detect(path.read_text(encoding="utf-8"))["spans"]
    pairs = []
    for s in spans:
        for g in gold.itertuples():
            if s["start_char"] < g.end and g.start < s["end_char"] and s["suggestion"]:
                pairs.append((s["suggestion"].lower(), str(g.original).lower()))
                break
    assert pairs
    exact = sum(sug == orig or sug in orig.split() for sug, orig in pairs)
    # measured ~0.2 on seed 000 (many originals are phrases the thesaurus cannot propose)
    assert exact / len(pairs) >= 0.15, pairs[:20]
