from __future__ import annotations

import numpy as np
import pytest

from workbench.spin.train import calibrated_threshold, fit_monotone


def _data(seed: int = 0):
    rng = np.random.default_rng(seed)
    y = np.repeat([0, 1], 200)
    good = y * 2.0 + rng.normal(size=400)              # evidence for spinning
    echo = good * 0.9 + rng.normal(scale=0.3, size=400)  # collinear with it
    noise = rng.normal(size=400)
    # a contrast the fit can exploit: weight on `echo` minus `good` earns a negative weight
    return np.column_stack([good, echo, noise]), y


def test_fit_monotone_keeps_only_non_negative_weights():
    X, y = _data()
    model, kept = fit_monotone(X, y, ["good", "echo", "noise"])
    assert "good" in kept or "echo" in kept
    assert (model[-1].coef_[0] >= 0).all()
    assert model.n_features_in_ == len(kept)


def test_fit_monotone_drops_a_feature_that_only_counts_against():
    X, y = _data()
    X = np.column_stack([X[:, 0], -X[:, 0] + np.random.default_rng(1).normal(scale=0.1, size=400)])
    model, kept = fit_monotone(X, y, ["good", "anti"])
    assert kept == ["good"]
    assert model[-1].coef_[0][0] > 0


@pytest.mark.parametrize(
    ("neg", "max_fpr", "expected"),
    [([0.1] * 99 + [0.9], 0.01, 0.11), ([0.1] * 99 + [0.9], 0.0, 0.91),
     ([0.995] * 10, 0.0, 0.99)],
)
def test_calibrated_threshold(neg, max_fpr, expected):
    y = np.array([0] * len(neg) + [1])
    s = np.array(neg + [0.95])
    assert calibrated_threshold(y, s, max_fpr) == expected


def test_calibrated_threshold_needs_clean_documents():
    with pytest.raises(ValueError, match="no clean"):
        calibrated_threshold(np.array([1]), np.array([0.9]), 0.01)
