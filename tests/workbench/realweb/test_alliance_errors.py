"""The real-web alliance error dump: evidence sources and sentence matching (no pages needed)."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.realweb.alliance_errors import errors, source_of
from workbench.realweb.evaluate import best_overlap


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ""),
        ("model p=0.83", "model"),
        ("rule feedback_to_therapist: feedback to your therapist", "rule feedback_to_therapist"),
        ("rule trust", "rule trust"),
    ],
)
def test_source_of(text, expected):
    assert source_of(text) == expected


def test_best_overlap():
    items = [{"start_char": 0, "end_char": 10}, {"start_char": 10, "end_char": 30}]
    assert best_overlap(5, 25, items) is items[1]
    assert best_overlap(40, 50, items) is None
    assert best_overlap(0, 0, []) is None


def test_errors_by_kind_and_source():
    sentences = pd.DataFrame([{"sent_id": "s1", "page_id": "p", "start": 0, "end": 9,
                               "bond": 1, "goals": 0, "tasks": 1, "rupture_repair": 0,
                               "kind": "positive"}])
    pred = pd.DataFrame([{"sent_id": "s1", "gate": True, "candidate": True,
                          "pred_bond": 0, "pred_goals": 1, "pred_tasks": 1,
                          "pred_rupture_repair": 0, "p_bond": 0.1, "p_goals": 0.9,
                          "p_tasks": 0.8, "p_rupture_repair": 0.0,
                          "evidence": '{"goals": "model p=0.90", "tasks": "rule homework: x"}'}])
    got = errors(pred, sentences, {"p": "Therapist"})
    assert [(e["kind"], e["label"], e["source"]) for e in got] == [
        ("fn", "bond", "model below threshold"), ("fp", "goals", "model")]
    assert got[0]["text"] == "Therapist"[:9]
    assert errors(pred.iloc[:0], sentences, {}) == []
