"""Shared fixtures of the spin tests: the shipped reference statistics, the shared folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _built_or_skip(load, what: str):
    """``load()``, or skip the test when the model file it reads is not built."""
    try:
        return load()
    except FileNotFoundError as exc:
        pytest.skip(f"{what}: {exc}")


@pytest.fixture(scope="session")
def ref():
    from pipeline.spin.reference import load_reference

    return _built_or_skip(load_reference, "spin reference statistics not built")


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

    return _built_or_skip(get_detector, "spin model not trained")


@pytest.fixture(scope="session")
def thes(ref):
    """The shipped reverse thesaurus (skips when the table is not shipped)."""
    from pipeline.spin.thesaurus import load_thesaurus

    t = load_thesaurus()
    if t is None:
        pytest.skip("spin_thesaurus.tsv.gz not shipped")
    return t
