"""The partition-noise tool of the alliance classifier: scoring and partitions (no data)."""

from __future__ import annotations

import numpy as np
import pytest

from workbench.realweb import alliance_cv as CV


@pytest.mark.parametrize(
    ("gold", "pred", "expected"),
    [
        ([1, 1, 0, 0], [1, 0, 1, 0], (0.5, 0.5, 0.5)),
        ([1, 1, 0, 0], [1, 1, 0, 0], (1.0, 1.0, 1.0)),
        ([0, 0, 0], [0, 0, 0], (0.0, 0.0, 0.0)),  # nothing to find, nothing found
        ([1, 0], [0, 1], (0.0, 0.0, 0.0)),
        ([[1, 0], [1, 1]], [[1, 1], [0, 1]], (2 / 3, 2 / 3, 2 / 3)),  # micro over all entries
    ],
)
def test_prf(gold, pred, expected):
    assert CV.prf(np.array(gold), np.array(pred)) == pytest.approx(expected)


def test_summary_mean_and_spread():
    runs = [{"micro": (0.8, 0.6, 0.7)}, {"micro": (0.6, 0.6, 0.5)}]
    m = CV.summary(runs)["micro"]
    assert m == pytest.approx({"precision": 0.7, "recall": 0.6, "f1": 0.6, "f1_sd": 0.1})


def test_partition_zero_is_the_model_cards_and_others_differ():
    groups = np.repeat(np.arange(10), 3)
    idx = np.arange(len(groups))

    def folds(rep):
        return [tuple(te) for _, te in CV.splitter(5, rep).split(idx, groups=groups)]

    from sklearn.model_selection import GroupKFold

    assert folds(0) == [tuple(te) for _, te in GroupKFold(n_splits=5).split(idx, groups=groups)]
    assert folds(1) == folds(1)  # seeded: reproducible
    assert folds(1) != folds(0)
    for rep in (0, 1, 2):  # a group never straddles the training and the scored part
        for tr, te in CV.splitter(5, rep).split(idx, groups=groups):
            assert set(groups[tr]).isdisjoint(groups[te])
