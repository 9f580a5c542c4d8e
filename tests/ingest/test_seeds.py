"""Boilerplate removal on the real scraped seeds in ../shared (read there, never copied)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.clean import is_prose, load_rules, repair_text, strip_boilerplate

ROOT = Path(__file__).resolve().parents[2]

# Seed id -> (lines removed, of which rule names) as reviewed by hand.
EXPECTED = {
    "000_bec3a4a65b8296d8": {"breadcrumb_title": 1, "repeated_line": 1, "copyright": 1,
                             "comment_form": 2},
    "001_270abb802a19d7ce": {"menu": 1, "comment_count": 1, "comment_form": 1},
    "002_1eb1eac494cc54b0": {"page_edge": 2, "author_widget": 1, "views_comments": 1},
    "003_488e62aad3f80dbb": {},
    "004_ec2d7f77c725b293": {"date_only": 1, "post_meta": 1},
}


@pytest.fixture(scope="module")
def seeds() -> Path:
    path = (ROOT / os.environ.get("SHARED", "../shared") / "seeds").resolve()
    if not path.is_dir():
        pytest.skip(f"shared seeds not found at {path} (set SHARED=...)")
    return path


@pytest.mark.parametrize("seed_id", sorted(EXPECTED))
def test_seed_boilerplate(seeds: Path, seed_id: str) -> None:
    path = seeds / f"{seed_id}.txt"
    if not path.is_file():
        pytest.skip(f"seed {seed_id} not in {seeds}")
    text = repair_text(path.read_text(encoding="utf-8"))
    result = strip_boilerplate(text)
    assert (result.rules or {}) == EXPECTED[seed_id]
    rules = load_rules()
    kept = set(result.text.split("\n"))
    removed = [ln for ln in text.split("\n") if ln.strip() and ln not in kept]
    # Only short lines go, and never a sentence of the article.
    assert all(len(ln) <= rules.max_line_chars for ln in removed)
    assert not [ln for ln in removed if is_prose(ln, rules) and "cookie" not in ln.lower()]
    assert len(result.text) > 0.9 * len(text)


def test_no_rule_fires_on_therapist_prose(seeds: Path) -> None:
    """Clean human answers (counsel-chat), split into sentences, are almost never boilerplate."""
    import csv
    import re

    path = seeds.parent / "data" / "counsel_chat_train.csv"
    if not path.is_file():
        pytest.skip(f"{path} not found")
    with open(path, encoding="utf-8", newline="") as fh:
        answers = [row["answerText"] for row in csv.DictReader(fh) if row.get("answerText")]
    sentences = [
        s for a in answers for line in repair_text(a).split("\n")
        for s in re.split(r"(?<=[.!?])\s+", line) if s.strip()
    ]
    hits = [s for s in sentences if strip_boilerplate(s).lines]
    assert len(sentences) > 1000
    assert len(hits) / len(sentences) < 0.001, hits[:5]
