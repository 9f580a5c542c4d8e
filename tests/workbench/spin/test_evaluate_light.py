"""The light-spin harness's "restored exactly" count (workbench/spin/evaluate_light.py)."""

from __future__ import annotations

import pytest

from workbench.spin.evaluate_light import restored_exactly

CASES = [
    # (text, predicted spans, gold spans, expected (exact, caught))
    ("", [], [], (0, 0)),
    ("the remedy works", [(4, 10, "therapy")], [(4, 10, "therapy")], (1, 1)),
    ("the remedy works", [(4, 10, "Treatment")], [(4, 10, "therapy")], (0, 1)),
    ("the remedy works", [(4, 10, "")], [(4, 10, "therapy")], (0, 1)),
    ("the remedy works", [(11, 16, "helps")], [(4, 10, "therapy")], (0, 0)),
    ("A Remedy works", [(2, 8, "therapy")], [(2, 8, "Therapy ")], (1, 1)),
]


@pytest.mark.parametrize(("text", "pred", "gold", "expected"), CASES)
def test_restored_exactly(text, pred, gold, expected):
    assert all(b <= len(text) for _, b, _ in pred + gold)
    assert restored_exactly(pred, gold) == expected
