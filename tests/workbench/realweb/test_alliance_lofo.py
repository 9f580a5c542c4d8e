"""The leave-one-file-out estimate of the alliance labels: scoring, masks, rule drops (no data)."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from pipeline.alliance.rules import Hit
from workbench.realweb import alliance_lofo as LOFO


def test_file_scores_per_component_and_micro():
    gold = np.array([[1, 0, 1, 0], [0, 0, 1, 0], [1, 0, 0, 0]])
    pred = np.array([[1, 0, 0, 0], [1, 0, 1, 0], [1, 0, 0, 1]])
    sc = LOFO.file_scores(gold, pred)
    assert sc["bond"]["precision"] == pytest.approx(2 / 3)
    assert sc["bond"]["recall"] == 1.0
    assert sc["tasks"]["recall"] == pytest.approx(0.5)
    assert sc["goals"]["support"] == 0 and sc["goals"]["predicted"] == 0
    assert sc["rupture_repair"]["precision"] == 0.0
    assert (sc["micro"]["tp"], sc["micro"]["fp"], sc["micro"]["fn"]) == (3, 2, 1)


def _cell(tp, fp, fn):
    return LOFO.prf(tp, fp, fn)


def _file(bond, micro):
    empty = _cell(0, 0, 0)
    return {"bond": _cell(*bond), "goals": empty, "tasks": empty, "rupture_repair": empty,
            "micro": _cell(*micro)}


def test_mean_skips_a_component_a_file_says_nothing_about():
    per_file = {"a": _file((1, 1, 0), (1, 1, 0)), "b": _file((0, 0, 0), (2, 0, 2))}
    mean = LOFO.mean_over_files(per_file)
    assert mean["bond"]["files"] == 1 and mean["bond"]["precision"] == pytest.approx(0.5)
    assert "goals" not in mean  # no file has a goals label or prediction
    assert mean["micro"]["files"] == 2
    assert mean["micro"]["precision"] == pytest.approx(0.75)  # (0.5 + 1.0) / 2
    f1s = [2 / 3, 2 / 3]
    assert mean["micro"]["f1"] == pytest.approx(np.mean(f1s))
    assert mean["micro"]["f1_sd"] == pytest.approx(0.0)


def test_pooled_sums_the_counts_of_the_files():
    per_file = {"a": _file((1, 1, 0), (1, 1, 0)), "b": _file((0, 0, 0), (2, 0, 2))}
    pooled = LOFO.pooled(per_file)
    assert pooled["micro"]["precision"] == pytest.approx(3 / 4)
    assert pooled["micro"]["recall"] == pytest.approx(3 / 5)


def test_expand_drop_takes_families_and_names():
    names = ["bond|trust", "bond|warmth", "goals|goal_word", "tasks|task_word"]
    assert LOFO.expand_drop("bond|", names) == {"bond|trust", "bond|warmth"}
    assert LOFO.expand_drop("tasks|task_word, goals|nope", names) == {"tasks|task_word"}
    assert LOFO.expand_drop("", names) == frozenset()


def test_rule_decisions_leave_feature_only_rules_out():
    data = SimpleNamespace(hits=[
        [Hit("bond", "trust", 0, 1, "trust")],
        [Hit("tasks", "task_word", 0, 1, "homework"), Hit("bond", "warmth", 2, 3, "warm")],
        [],
    ])
    got = LOFO.rule_decisions(data, frozenset({"tasks|task_word"}))
    assert got.tolist() == [[1, 0, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0]]


def test_file_masks_pick_the_real_web_rows_of_each_file():
    data = SimpleNamespace(frame=pd.DataFrame({
        "origin": ["realweb", "realweb", "seed", "realweb"],
        "doc": ["p1", "p2", "p1", "p1"], "start": [0, 0, 0, 9]}))
    sents = pd.DataFrame({"file": ["x", "y"], "page_id": ["p1", "p2"], "start": [0, 0]})
    masks = LOFO.file_masks(data, sents)
    assert masks["x"].tolist() == [True, False, False, False]  # not the seed row, not start 9
    assert masks["y"].tolist() == [False, True, False, False]


def test_sources_and_table_count_false_positives_by_rule_or_model():
    gold = np.array([[1, 0, 0, 0], [0, 0, 0, 0]])
    pred = np.array([[1, 0, 0, 0], [1, 0, 1, 0]])
    ev = [{"bond": "rule trust: trust"}, {"bond": "rule trust: trust", "tasks": "model p=0.61"}]
    src = LOFO.sources(gold, pred, ev)
    assert src == {"bond rule trust": {"tp": 1, "fp": 1}, "tasks model": {"tp": 0, "fp": 1}}
    table = LOFO.source_table({"a": {"sources": src}, "b": {"sources": {
        "tasks model": {"tp": 2, "fp": 3}}}})
    assert table[0] == ("tasks model", 2, 4, 2)  # false positives in two files come first
    assert table[1] == ("bond rule trust", 1, 1, 1)
