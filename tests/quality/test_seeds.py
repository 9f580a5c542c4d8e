"""The shared seed articles: 004 (stitched, junk inserted) is low quality and says why."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.quality.rules import assess

ROOT = Path(__file__).resolve().parents[2]
SHARED = (ROOT / os.environ.get("SHARED", "../shared")).resolve()


def seed(prefix: str) -> str:
    if not (SHARED / "seeds").is_dir():
        pytest.skip(f"shared seeds not found at {SHARED} (set SHARED)")
    (path,) = sorted((SHARED / "seeds").glob(f"{prefix}_*.txt"))
    return path.read_text(encoding="utf-8")


def test_seed_004_is_low_quality_with_reasons():
    q = assess(seed("004"))
    assert q["low_quality"]
    rules = {f["rule"] for f in q["flags"]}
    assert "spam_insertions" in rules
    spam = next(f for f in q["flags"] if f["rule"] == "spam_insertions")
    assert "Go here" in spam["message"] and "[source]" in spam["message"]


@pytest.mark.parametrize("prefix", ["001", "002", "003"])
def test_seeds_001_to_003_are_not_low_quality(prefix):
    q = assess(seed(prefix))
    assert not q["low_quality"], q["flags"]
    assert q["score"] >= 0.5
