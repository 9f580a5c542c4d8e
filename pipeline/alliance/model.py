"""The sentence classifier bundle: features shared by training and inference, skops load/save.

The bundle is a plain dict persisted with skops: two fitted ``TfidfVectorizer`` (words, chars),
one ``LogisticRegression`` per label, the rule names that make up the rule features (in order),
the tuned thresholds and metadata. Inference does the dot product itself (no per-call sklearn
validation), which matters when a few sentences per article are scored.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from pipeline.alliance.rules import LABELS, Hit


def rule_features(hits: Sequence[Hit], gate_self: bool, rule_names: Sequence[str]) -> list[float]:
    """Binary rule features: one per label (any rule fired), one per rule, the gate."""
    fired = {f"{h.label}|{h.rule}" for h in hits}
    labels = {h.label for h in hits}
    return (
        [1.0 if lab in labels else 0.0 for lab in LABELS]
        + [1.0 if name in fired else 0.0 for name in rule_names]
        + [1.0 if gate_self else 0.0]
    )


def feature_matrix(bundle: dict[str, Any], texts: Sequence[str], rule_rows: Sequence[Sequence[float]]):
    """Sparse design matrix: word TF-IDF | char TF-IDF | weighted rule features."""
    word = bundle["word"].transform(texts)
    char = bundle["char"].transform(texts)
    rules = sparse.csr_matrix(np.asarray(rule_rows, dtype=np.float64) * bundle["rule_weight"])
    return sparse.hstack([word, char, rules], format="csr")


def predict_proba(bundle: dict[str, Any], texts: Sequence[str], rule_rows) -> np.ndarray:
    """(n, 4) probabilities in LABELS order."""
    if not texts:
        return np.zeros((0, len(LABELS)))
    x = feature_matrix(bundle, texts, rule_rows)
    coef = bundle["coef"]  # (4, n_features)
    z = x @ coef.T + bundle["intercept"]
    return 1.0 / (1.0 + np.exp(-np.asarray(z)))


def save(bundle: dict[str, Any], path: Path) -> None:
    import skops.io as sio

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    sio.dump(bundle, tmp)
    tmp.replace(path)


TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.", "builtins.")


def load(path: Path) -> dict[str, Any]:
    """Load a bundle, trusting only scikit-learn, numpy and scipy types."""
    import skops.io as sio

    untrusted = sio.get_untrusted_types(file=path)
    bad = [t for t in untrusted if not t.startswith(TRUSTED_PREFIXES)]
    if bad:
        raise ValueError(f"refusing to load {path}: untrusted types {bad}")
    return sio.load(path, trusted=untrusted)


def logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))
