"""Shared fixtures of the spin tests: the shipped reference statistics, the shared folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def ref():
    from pipeline.spin.reference import load_reference

    try:
        return load_reference()
    except FileNotFoundError as exc:
        pytest.skip(f"spin reference statistics not built: {exc}")


@pytest.fixture(scope="session")
def shared() -> Path:
    path = Path(os.environ.get("SHARED", "../shared"))
    if not path.is_absolute():
        path = ROOT / path
    if not path.is_dir():
        pytest.skip(f"shared reference folder not found at {path} (set SHARED)")
    return path


@pytest.fixture(scope="session")
def detector():
    """The shipped spin detector (skips when the model is not trained)."""
    from pipeline.spin.detector import get_detector

    try:
        return get_detector()
    except FileNotFoundError as exc:
        pytest.skip(f"spin model not trained: {exc}")
