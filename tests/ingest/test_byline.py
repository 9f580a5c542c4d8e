"""Author and date from bylines of text files (pipeline/ingest/byline.py)."""

from __future__ import annotations

import pytest

from pipeline.ingest.byline import parse_byline, parse_date

HOSTILE = '<script>alert("x")</script> | \x00 \u202e By | 99 Octember 20245'


@pytest.mark.parametrize(("text", "expected"), [
    ("", ("", "")),
    (HOSTILE, ("", "")),
    ("Finding a counsellor\n\nBy Mara Jensen | 2 October 2024\n\nBody.", ("Mara Jensen", "2024-10-02")),
    ("Title\nBy Sam Lee, March 3, 2025\nBody.", ("Sam Lee", "2025-03-03")),
    ("Title\nby Jo Park · 2024-01-05 · 3 min read", ("Jo Park", "2024-01-05")),
    ("Title\nPosted on March 3, 2025 by Sam Lee", ("Sam Lee", "2025-03-03")),
    ("Title\nPublished 5 May 2023 by Kim Ode", ("Kim Ode", "2023-05-05")),
    ("Title\nWritten by Dr. Ana Ruiz\nUpdated: 12 Jan 2024", ("Dr. Ana Ruiz", "2024-01-12")),
    ("**By Lena Fox** | *June 9, 2022*\n\nBody", ("Lena Fox", "2022-06-09")),
    # A credential after the comma is not a date; a sentence that starts with "by" is no byline.
    ("Title\nBy Hannah Kowal, LCSW", ("Hannah Kowal, LCSW", "")),
    ("Title\nBy the time you notice the pattern, it has usually been there a while.", ("", "")),
    ("By now, most of us know this.", ("", "")),
    ("Title\nBy now, I know it", ("", "")),
    # Only the first lines: a byline deep in the text is a quotation or a comment.
    ("A\nB\nC\nD\nE\nF\nBy Sam Lee | 2 October 2024", ("", "")),
])
def test_parse_byline(text, expected):
    assert parse_byline(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("", ""), ("yesterday", ""), ("12", ""), (HOSTILE, ""),
    ("2 October 2024", "2024-10-02"), ("Oct. 2, 2024", "2024-10-02"),
    ("2024-10-02", "2024-10-02"), ("October 2024", "2024-10-01"),
])
def test_parse_date(text, expected):
    assert parse_date(text) == expected
