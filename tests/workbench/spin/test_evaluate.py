"""Evaluation harness: metric functions and the end-to-end evaluate_detector run."""

from __future__ import annotations

import math

import pytest

from workbench.spin.evaluate import (
    build_eval_set,
    doc_metrics,
    evaluate_detector,
    evaluate_hard_negatives,
    format_report,
    hard_negatives,
    roc_auc,
    span_metrics,
)
from workbench.spin.simulate import EVAL_VARIANTS

NAN = float("nan")


def close(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, abs_tol=1e-9)


@pytest.mark.parametrize(
    ("y_true", "y_score", "threshold", "expected"),
    [
        # empty input: every ratio 0, AUC undefined
        ([], [], 0.5, {"precision": 0.0, "recall": 0.0, "f1": 0.0, "fpr": 0.0, "roc_auc": NAN}),
        # perfect separation
        ([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9], 0.5,
         {"precision": 1.0, "recall": 1.0, "f1": 1.0, "fpr": 0.0, "roc_auc": 1.0}),
        # one false positive, one miss
        ([0, 0, 1, 1], [0.1, 0.7, 0.4, 0.9], 0.5,
         {"precision": 0.5, "recall": 0.5, "f1": 0.5, "fpr": 0.5, "roc_auc": 0.75}),
        # score exactly at the threshold counts as flagged
        ([0, 1], [0.49, 0.5], 0.5,
         {"precision": 1.0, "recall": 1.0, "f1": 1.0, "fpr": 0.0, "roc_auc": 1.0}),
        # all tied scores: AUC 0.5
        ([0, 1, 0, 1], [0.3, 0.3, 0.3, 0.3], 0.5,
         {"precision": 0.0, "recall": 0.0, "f1": 0.0, "fpr": 0.0, "roc_auc": 0.5}),
        # only negatives, all flagged: FPR 1, AUC undefined
        ([0, 0, 0], [0.9, 0.8, 0.95], 0.5,
         {"precision": 0.0, "recall": 0.0, "f1": 0.0, "fpr": 1.0, "roc_auc": NAN}),
        # hostile: NaN and infinite scores (NaN counts as 0)
        ([1, 0, 1], [NAN, -math.inf, math.inf], 0.5,
         {"precision": 1.0, "recall": 0.5, "f1": 2 / 3, "fpr": 0.0, "roc_auc": 1.0}),
    ],
)
def test_doc_metrics(y_true, y_score, threshold, expected):
    got = doc_metrics(y_true, y_score, threshold)
    for key, value in expected.items():
        assert close(got[key], value), (key, got[key], value)
    assert got["tp"] + got["fp"] + got["tn"] + got["fn"] == len(y_true)


def test_doc_metrics_rejects_bad_input():
    with pytest.raises(ValueError, match="length"):
        doc_metrics([0, 1], [0.5], 0.5)
    with pytest.raises(ValueError, match="0/1"):
        doc_metrics([0, 2], [0.5, 0.5], 0.5)


@pytest.mark.parametrize(
    ("y_true", "y_score", "expected"),
    [([], [], NAN), ([1, 1], [0.2, 0.3], NAN), ([0, 1], [0.9, 0.1], 0.0),
     ([0, 0, 1], [0.1, 0.5, 0.5], 0.75), ([0, 1], [NAN, 0.2], 1.0)],
)
def test_roc_auc(y_true, y_score, expected):
    assert close(roc_auc(y_true, y_score), expected)


@pytest.mark.parametrize(
    ("pred", "gold", "expected"),
    [
        # nothing to find and nothing predicted
        ([], [], {"recall": 1.0, "precision": 1.0, "gold_matched": 0}),
        # missed everything
        ([], [(10, 20, "x")], {"recall": 0.0, "precision": 1.0}),
        # flagged clean text
        ([(0, 5)], [], {"recall": 1.0, "precision": 0.0}),
        # exact match, gold given as (start, end, original), prediction as dict
        ([{"start_char": 4, "end_char": 15}], [(4, 15, "therapeutic")],
         {"recall": 1.0, "precision": 1.0}),
        # prediction inside a longer gold span ("restorative" of "restorative alliance")
        ([(0, 11)], [(0, 20, "therapeutic alliance")], {"recall": 1.0, "precision": 1.0}),
        # one span over a whole name matches both gold words inside it
        ([(0, 35)], [(0, 10, "National"), (25, 35, "Health")],
         {"recall": 1.0, "precision": 1.0, "gold_matched": 2}),
        # a sentence-long span over a short gold word matches nothing (min_cover)
        ([(0, 200)], [(50, 56, "client")], {"recall": 0.0, "precision": 0.0}),
        # touching but not overlapping
        ([(0, 10)], [(10, 20, "x")], {"recall": 0.0, "precision": 0.0}),
        # overlap below half of the shorter span
        ([(0, 10)], [(8, 18, "x")], {"recall": 0.0, "precision": 0.0}),
        # two predictions, one right
        ([(0, 5), (30, 40)], [(31, 40, "x")], {"recall": 1.0, "precision": 0.5}),
        # hostile: empty and inverted spans are ignored
        ([(5, 5), (9, 3)], [(0, 4, "x")], {"recall": 0.0, "precision": 1.0, "n_pred": 0}),
    ],
)
def test_span_metrics(pred, gold, expected):
    got = span_metrics(pred, gold)
    for key, value in expected.items():
        assert close(got[key], value), (key, got[key], value)


def test_span_metrics_unsorted_many_spans():
    gold = [(i * 10, i * 10 + 5, "w") for i in range(100)][::-1]
    pred = [(i * 10 + 1, i * 10 + 4) for i in range(0, 100, 2)]
    got = span_metrics(pred, gold)
    assert got["recall"] == 0.5 and got["precision"] == 1.0


def test_hard_negatives_are_ours_and_varied():
    items = hard_negatives()
    assert len(items) >= 20
    assert len({i["id"] for i in items}) == len(items)
    texts = " ".join(i["text"] for i in items)
    assert "doi" in texts.lower() and '"' in texts and "et al." in texts
    assert all(40 <= len(i["text"].split()) <= 200 for i in items)


# Tiny clean texts written for these tests.
CLEAN = [
    "A good therapist listens carefully and helps the client name what they want to change. "
    "Over several weeks they agree on goals, review progress and adjust the plan together. "
    "When the client feels misunderstood, talking about it openly often strengthens trust.",
    "Anxiety tends to grow when we avoid the situations we fear. Gradual exposure, practised "
    "with support, teaches the body that the danger is smaller than it seems. Breathing "
    "exercises help some people stay present while they face a difficult moment.",
    "Parents of teenagers often worry about screen time, sleep and school pressure. Regular "
    "family meals, clear rules agreed in advance and honest conversations about feelings "
    "give young people a steady base while they learn to make their own decisions.",
]


def test_build_eval_set_labels_and_gold():
    records = build_eval_set(None, rates=(0.15, 0.3), n=3, clean_texts=CLEAN)
    assert len(records) == 3 * (1 + 2 * len(EVAL_VARIANTS))
    clean = [r for r in records if r["label"] == 0]
    spun = [r for r in records if r["label"] == 1]
    assert [r["text"] for r in clean] == CLEAN
    assert all(r["gold"] and r["text"] not in CLEAN for r in spun)
    assert all(r["variant"] in EVAL_VARIANTS for r in spun)
    with pytest.raises(ValueError, match="clean_texts"):
        build_eval_set(None)


def test_evaluate_detector_oracle_null_and_paranoid():
    records = build_eval_set(None, n=3, clean_texts=CLEAN)
    gold = {r["text"]: r["gold"] for r in records}

    def oracle(text):
        spans = gold.get(text, [])
        return (1.0 if spans else 0.0), spans

    res = evaluate_detector(oracle, None, n=3, clean_texts=CLEAN)
    for cells in res["by_variant"].values():
        for cell in cells.values():
            assert cell["doc"]["f1"] == 1.0 and cell["doc"]["fpr"] == 0.0
            assert cell["span"]["recall"] == 1.0 and cell["span"]["precision"] == 1.0
    assert res["clean"]["fpr"] == 0.0 and res["hard_negatives"]["fpr"] == 0.0
    assert res["words_per_second"] > 0
    assert "| all | all | 1.000 |" in format_report(res)

    null = evaluate_detector(lambda t: (0.0, []), None, n=3, clean_texts=CLEAN)
    assert null["overall"]["doc"]["recall"] == 0.0 and null["overall"]["span"]["recall"] == 0.0

    paranoid = evaluate_detector(lambda t: (1.0, [(0, 1)]), None, n=3, clean_texts=CLEAN)
    assert paranoid["clean"]["fpr"] == 1.0 and paranoid["hard_negatives"]["fpr"] == 1.0
    assert paranoid["overall"]["doc"]["precision"] < 1.0
    assert paranoid["clean"]["spans_per_doc"] == 1.0
    with_clean = paranoid["overall"]["span_with_clean"]
    assert with_clean["n_pred"] == len(build_eval_set(None, n=3, clean_texts=CLEAN))


def test_evaluate_hard_negatives_counts_flags():
    res = evaluate_hard_negatives(lambda t: (0.9 if "remedy" in t else 0.1, []))
    assert 0 < len(res["flagged"]) < res["n"]
    assert math.isclose(res["fpr"], len(res["flagged"]) / res["n"])


def test_evaluate_detector_on_held_out_counsel_chat(shared):
    if not (shared / "data" / "counsel_chat_train.csv").is_file():
        pytest.skip(f"counsel-chat CSV not found under {shared}/data")
    res = evaluate_detector(lambda t: (0.0, []), shared, rates=(0.15,), n=5)
    assert res["clean"]["n"] == 5
    cell = res["by_variant"][EVAL_VARIANTS[0]][0.15]
    assert cell["doc"]["n_pos"] == 5 and cell["span"]["n_gold"] > 5 * 20


def test_held_out_answers_are_short_single_answers(shared):
    from workbench.spin.data import count_words
    from workbench.spin.evaluate import held_out_answers

    if not (shared / "data" / "counsel_chat_train.csv").is_file():
        pytest.skip(f"counsel-chat CSV not found under {shared}/data")
    texts = held_out_answers(shared, min_words=120, max_words=400, n=20)
    assert len(texts) == 20 and len(set(texts)) == 20
    assert all(120 <= count_words(t) <= 400 for t in texts)
    assert texts == held_out_answers(shared, min_words=120, max_words=400, n=20)
    assert held_out_answers(shared, min_words=5000, max_words=6000) == []
