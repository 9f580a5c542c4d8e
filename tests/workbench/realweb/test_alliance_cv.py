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


def test_label_files_masks_the_rows_of_each_file(tmp_path):
    import pandas as pd

    folder = tmp_path / "workbench" / "realweb"
    folder.mkdir(parents=True)
    head = "sent_id,split,page_id,start,end\n"
    (folder / "sentences_old.csv").write_text(head + "a1,dev,p1,0,5\na2,dev,p1,6,9\n")
    (folder / "sentences_new.csv").write_text(head + "b1,dev,p2,0,4\n")
    frame = pd.DataFrame({"origin": ["realweb", "realweb", "realweb", "seed", "realweb"],
                          "doc": ["p1", "p1", "p2", "p1", "p2"],
                          "start": [0, 6, 0, 0, 7]})
    masks = CV.label_files(frame, tmp_path)
    assert set(masks) == {"old", "new"}
    assert masks["old"].tolist() == [True, True, False, False, False]  # a seed row never counts
    assert masks["new"].tolist() == [False, False, True, False, False]  # unlabelled start: no
