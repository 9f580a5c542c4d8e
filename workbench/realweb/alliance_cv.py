"""How much the out-of-fold real-web dev figures of the alliance classifier move with the folds.

Repeats the grouped cross-validation of ``workbench.alliance.train.cross_validate`` (outer
5-fold by document, thresholds tuned by an inner 3-fold on each training part, decision mode
``union``) over several random partitions of the documents, and prints the real-web dev
precision/recall/F1 per label and micro for each partition, then their mean and spread. A change
to the rules, the data or the features is worth keeping only when it moves the mean by more than
the spread. Partition 0 is the unshuffled one of the model card. Besides all real-web dev rows
(``micro``), the figures per labels file (``tasks:sent``, ``micro:lb``... for
``sentences_sent.csv``, ``sentences_lb.csv``): a new file must not pull down the others. Reads the
dev split only.

    SHARED=../shared python -m workbench.realweb.alliance_cv [--reps 3] [--beta 0.7]

``--beta`` chooses each label's threshold for F-beta instead of F1 (0.5 or 0.7: precision
first), to see what precision costs in recall; the shipped model is tuned for F1.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold

from workbench.alliance.train import (
    LABELS,
    _settings,
    combine,
    fit_bundle,
    predict,
    predict_final,
    prepare,
    stage2_thresholds,
)

MODE = "union"


def splitter(k: int, rep: int) -> GroupKFold:
    """Partition ``rep``: 0 is GroupKFold's own (the model card's), others are shuffled."""
    if rep == 0:
        return GroupKFold(n_splits=k)
    return GroupKFold(n_splits=k, shuffle=True, random_state=rep)


def prf(y: np.ndarray, pred: np.ndarray) -> tuple[float, float, float]:
    """Precision, recall and F1 of binary arrays (any shape; micro over all entries)."""
    tp = int(((y == 1) & (pred == 1)).sum())
    fp = int(((y == 0) & (pred == 1)).sum())
    fn = int(((y == 1) & (pred == 0)).sum())
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def summary(runs: list[dict[str, tuple[float, float, float]]]) -> dict[str, dict[str, float]]:
    """Mean and standard deviation of P, R and F1 per key over the partitions."""
    out = {}
    for key in runs[0]:
        arr = np.array([run[key] for run in runs])
        out[key] = {"precision": float(arr[:, 0].mean()), "recall": float(arr[:, 1].mean()),
                    "f1": float(arr[:, 2].mean()), "f1_sd": float(arr[:, 2].std())}
    return out


def label_files(frame: pd.DataFrame, project_root: Path) -> dict[str, np.ndarray]:
    """Per ``sentences_<tag>.csv``, the mask of the real-web rows it labels (by page and start)."""
    from workbench.realweb.alliance_data import REALWEB_LABELS

    keys = list(zip(frame["doc"].astype(str), frame["start"].astype(int), strict=True))
    web = (frame["origin"] == "realweb").to_numpy()
    out = {}
    for path in sorted((Path(project_root) / REALWEB_LABELS).glob("sentences_*.csv")):
        df = pd.read_csv(path, dtype={"page_id": str}, keep_default_na=False)
        own = set(zip(df["page_id"], df["start"].astype(int), strict=True))
        mask = web & np.array([k in own for k in keys], dtype=bool)
        if mask.any():
            out[path.stem.removeprefix("sentences_")] = mask
    return out


def one_partition(data: Any, rule_names: list[str], rep: int, seed: int = 0,
                  files: dict[str, np.ndarray] | None = None, beta: float = 1.0,
                  ) -> dict[str, tuple[float, float, float]]:
    """Out-of-fold union decisions for one partition, scored on the real-web dev rows
    (thresholds maximise F-beta on the inner folds: F1 unless ``beta`` is given)."""
    y = data.frame[list(LABELS)].to_numpy()
    groups = data.frame["group"].to_numpy()
    idx = np.arange(len(y))
    pred = np.zeros_like(y)
    for tr, te in splitter(5, rep).split(idx, groups=groups):
        part = idx[tr]
        inner = np.zeros((len(part), len(LABELS)))
        for itr, ite in splitter(3, rep).split(part, groups=groups[part]):
            inner[ite] = predict(fit_bundle(data, part[itr], rule_names, seed), data, part[ite])
        bundle = fit_bundle(data, part, rule_names, seed)
        bundle["stage2"], thr = stage2_thresholds(data, part, inner, MODE, seed, beta)
        pred[te] = combine(predict_final(bundle, data, idx[te]), data.rule_labels[te], thr, MODE)
    web = (data.frame["origin"] == "realweb").to_numpy()
    out = {lab: prf(y[web, j], pred[web, j]) for j, lab in enumerate(LABELS)}
    out["micro"] = prf(y[web], pred[web])
    for tag, mask in (files or {}).items():
        out.update({f"{lab}:{tag}": prf(y[mask, j], pred[mask, j]) for j, lab in enumerate(LABELS)})
        out[f"micro:{tag}"] = prf(y[mask], pred[mask])
    return out


def main(argv: list[str] | None = None) -> int:
    from pipeline.alliance.extract import AllianceExtractor
    from workbench import PROJECT_ROOT

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=3, help="partitions (the first is unshuffled)")
    ap.add_argument("--shared", type=Path,
                    default=Path(os.environ.get("SHARED", PROJECT_ROOT / ".." / "shared")))
    ap.add_argument("--beta", type=float, default=1.0,
                    help="thresholds maximise F-beta (below 1: precision weighs more)")
    args = ap.parse_args(argv)
    data = prepare(args.shared, PROJECT_ROOT)
    if not (data.frame["origin"] == "realweb").any():
        print("no real-web dev sentences (stored pages missing): see workbench/realweb/README.md")
        return 1
    rule_names = AllianceExtractor(_settings(), None).rules.rule_names
    files = label_files(data.frame, PROJECT_ROOT)
    runs = []
    for rep in range(args.reps):
        runs.append(one_partition(data, rule_names, rep, files=files, beta=args.beta))
        cells = "  ".join(f"{k} {p:.2f}/{r:.2f}/{f:.3f}" for k, (p, r, f) in runs[-1].items())
        print(f"partition {rep}: {cells}")
    for key, m in summary(runs).items():
        print(f"mean {key:20s} P {m['precision']:.3f}  R {m['recall']:.3f}  "
              f"F1 {m['f1']:.3f} (sd {m['f1_sd']:.3f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
