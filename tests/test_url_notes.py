"""URL and text fingerprints of copies and farm pages (pipeline/url_notes.py)."""

from __future__ import annotations

import pytest

from pipeline.url_notes import text_fingerprints, url_fingerprints

HOSTILE = '<script>alert(1)</script>"; DROP TABLE articles; --'


@pytest.mark.parametrize(("text", "expected"), [
    ("As a content strategist I write about grief counselling.", ["persona_template"]),
    ("Our SEO specialist looked into therapy costs.", ["persona_template"]),
    ("Hire the best essay writing service for your therapy notes.", ["planted_anchor"]),
    ("This article originally appeared on another site.", ["syndication_notice"]),
    ("Republished with permission of the author.", ["syndication_notice"]),
    # A therapist's own words about their work, writing homework and permission: no note.
    ("I have counselled couples for 20 years; homework helps clients practise.", []),
    ("The session was first about her mother; the writing exercise helped.", []),
    ("", []), (HOSTILE, []),
])
def test_text_fingerprints(text, expected):
    assert [name for name, _ in text_fingerprints(text)] == expected


def test_text_fingerprints_turned_off():
    assert text_fingerprints("As a content strategist, I wrote this.", "") == []


def test_url_fingerprints_do_not_read_text_patterns():
    assert url_fingerprints("https://example.org/essay-writing-service") == []
