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


def _dateparser_date(text: str) -> str:
    """What ``parse_date`` answered before its own reading of the plain forms: dateparser."""
    import dateparser

    found = dateparser.parse(text, languages=["en"], settings={
        "REQUIRE_PARTS": ["month", "year"], "PREFER_DAY_OF_MONTH": "first",
        "RETURN_AS_TIMEZONE_AWARE": False})
    return found.strftime("%Y-%m-%d") if found is not None else ""


def test_plain_dates_are_read_as_dateparser_reads_them():
    from pipeline.ingest import byline

    texts = [f"{y}-{m:02d}-{d:02d}" for y in (1900, 2024) for m in (1, 2, 10, 12, 13)
             for d in (1, 12, 13, 29, 31, 32)]
    for name in byline._MONTHS:
        for form in {name, name.capitalize(), name.upper(), name.capitalize() + "."}:
            texts.append(f"{form} 2099")
            for day, year in ((1, 2024), (13, 1900), (29, 2099), (31, 2023), (30, 1899)):
                texts += [f"{day} {form} {year}", f"{form} {day}, {year}", f"{form} {day} {year}",
                          f"{day:02d} {form} {year}"]
    read = 0
    for text in texts:
        plain = byline._plain_date(text)
        if plain is not None:
            read += 1
            assert plain == _dateparser_date(text), text
            assert parse_date(text) == plain
    assert read > len(texts) // 2           # most forms never reach dateparser
    assert byline._plain_date("31 February 2024") is None      # dateparser decides
    assert byline._plain_date("2 October 2024 at 10:00") is None
