"""`make train` and `make evaluate`: dispatch to each stage's reproducible train/evaluate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pipeline.run import MODELS_DIR, PROJECT_ROOT

PARTS_TRAIN = ("spin", "alliance")
PARTS_EVAL = ("spin", "quality", "alliance")


def _check_shared(shared: Path) -> Path:
    if not (shared / "data").is_dir():
        raise SystemExit(f"shared data not found at {shared}/data (set SHARED=...)")
    return shared


def train_all(shared: Path, only: str | None = None, seed: int = 0) -> dict[str, Any]:
    """Train the spin detector and the alliance classifier; returns their CV summaries."""
    shared = _check_shared(shared)
    results: dict[str, Any] = {}
    for part in PARTS_TRAIN if only is None else (only,):
        if part == "spin":
            from pipeline.spin.train import train as train_spin

            results["spin"] = train_spin(shared, MODELS_DIR, seed=seed)
        elif part == "alliance":
            from pipeline.alliance.train import train as train_alliance

            results["alliance"] = train_alliance(shared, PROJECT_ROOT, MODELS_DIR, seed=seed)
        else:
            raise SystemExit(f"unknown model '{part}' (spin or alliance)")
    return results


def evaluate_all(shared: Path, only: str | None = None) -> dict[str, Any]:
    """Evaluate each part on data it was not tuned on; returns metric dicts."""
    shared = _check_shared(shared)
    results: dict[str, Any] = {}
    for part in PARTS_EVAL if only is None else (only,):
        if part == "spin":
            from pipeline.spin.train import evaluate as evaluate_spin

            results["spin"] = evaluate_spin(shared, MODELS_DIR)
        elif part == "quality":
            from pipeline.quality.evaluate import evaluate as evaluate_quality

            results["quality"] = evaluate_quality(shared)
        elif part == "alliance":
            from pipeline.alliance.train import evaluate as evaluate_alliance

            results["alliance"] = evaluate_alliance(shared, PROJECT_ROOT, MODELS_DIR)
        else:
            raise SystemExit(f"unknown part '{part}' (spin, quality or alliance)")
    return results
