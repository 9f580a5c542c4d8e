"""workbench.spin.swap_audit: gold swaps located in a page text (no page text needed)."""

from __future__ import annotations

import pytest

from workbench.spin.swap_audit import occurrences, word_swaps

TEXT = "Temper dysfunction is common. A temper dysfunction, or melancholy, needs remedy."


@pytest.mark.parametrize(("written", "expected"), [
    ("melancholy", [(55, 65)]),
    ("temper dysfunction", [(0, 18), (32, 50)]),
    ("remedy", [(73, 79)]),
    ("dysfunction is", [(7, 21)]),
    ("therapy", []),
    ("emper", []),      # whole words only
])
def test_occurrences(written, expected):
    assert occurrences(TEXT, written) == expected


@pytest.mark.parametrize(("written", "original", "expected"), [
    # Word for word: one item per changed word, inside the phrase's occurrences.
    ("temper dysfunction", "mood disorder",
     [("temper", "mood", [(0, 6), (32, 38)]), ("dysfunction", "disorder", [(7, 18), (39, 50)])]),
    ("melancholy", "depression", [("melancholy", "depression", [(55, 65)])]),
    # Unequal lengths: one item for the phrase.
    ("needs remedy", "needs therapy", [("remedy", "therapy", [(73, 79)])]),
    ("dysfunction is common", "is frequent",
     [("dysfunction is common", "is frequent", [(7, 28)])]),
])
def test_word_swaps(written, original, expected):
    assert word_swaps(TEXT, written, original) == expected
