"""Evaluation set and scoring on a small sample of the shared counsel-chat answers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from workbench.quality.dataset import (
    KINDS_DEGRADED,
    KINDS_SCRAPE,
    build,
    load_answers,
    repair,
    split_questions,
)
from workbench.quality.evaluate import predict, scores

ROOT = Path(__file__).resolve().parents[3]
SHARED = (ROOT / os.environ.get("SHARED", "../shared")).resolve()


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", ""), ("one.Two", "one. Two"), ("Ok.  Fine", "Ok. Fine"), ("e.g.The", "e.g. The"),
     ("\x00", "\x00"), ("3.5 kg", "3.5 kg")],
)
def test_repair(text, expected):
    assert repair(text) == expected


@pytest.fixture(scope="module")
def rows():
    path = SHARED / "data" / "counsel_chat_train.csv"
    if not path.is_file():
        pytest.skip(f"counsel-chat data not found at {path} (set SHARED)")
    return load_answers(SHARED)


def test_halves_are_disjoint_and_seeded(rows):
    dev, test = split_questions(rows, seed=0)
    assert dev and test and not dev & test
    assert split_questions(rows, seed=0) == (dev, test)


def test_scores_on_a_small_sample(rows):
    dev_q, _ = split_questions(rows, seed=0)
    ex = build([r for r in rows if r["qid"] in dev_q], seed=0, n_single=10, n_articles=10,
               n_per_degradation=4)
    assert {e.kind for e in ex if e.low} == set(KINDS_DEGRADED)
    res = scores(ex, predict(ex))
    assert res["n"] == len(ex) and res["n_low"] == 4 * len(KINDS_DEGRADED)
    assert res["flagged_with_reasons"] == 1.0
    assert res["f1"] > 0.6  # loose: the full numbers are in models/quality_rules.md


# The rule each scrape simulator is there to check (on text that is not the real-web dev pages).
_SCRAPE_RULES = {"headings": "glued_headings", "planted_url": "spam_insertions",
                 "encoding": "encoding_damage", "split": "split_words"}


def test_scrape_damage_shows_in_its_rule(rows):
    dev_q, _ = split_questions(rows, seed=0)
    ex = build([r for r in rows if r["qid"] in dev_q], seed=0, n_single=10, n_articles=10,
               n_per_degradation=10)
    assert set(_SCRAPE_RULES) == set(KINDS_SCRAPE) <= set(KINDS_DEGRADED)
    clean = [e for e in ex if not e.low]
    for kind, rule in _SCRAPE_RULES.items():
        damaged = [e for e in ex if e.kind == kind]
        preds = predict(damaged)
        hit = sum(any(f["rule"] == rule for f in q["flags"]) for q in preds)
        assert hit >= 6, (kind, hit)  # the full rates are in models/quality_rules.md
    # The clean texts the damage was made from do not fire those rules.
    fired = {f["rule"] for q in predict(clean) for f in q["flags"]}
    assert not fired & set(_SCRAPE_RULES.values()) - {"spam_insertions"}
