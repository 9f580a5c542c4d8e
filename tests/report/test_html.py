"""Highlighting spun spans in escaped article text (pipeline/report/html.py)."""

from __future__ import annotations

import pytest

from pipeline.article import SpinSpan
from pipeline.report.html import highlight


def span(start: int, end: int, text: str = "", suggestion: str = "s") -> SpinSpan:
    return SpinSpan(start, end, text, suggestion, "sig", 0.5)


@pytest.mark.parametrize(("text", "spans", "expected"), [
    ("", [], ""),
    ("a remedy helps", [span(2, 8, "remedy", "therapy")],
     'a <mark class="spin" title="suggestion: therapy (sig, 0.50)" data-signal="sig">remedy'
     "</mark> helps"),
    # Overlapping and out-of-range spans from another stage are skipped, never crash.
    ("abcdef", [span(0, 3), span(2, 4), span(5, 99), span(4, 4)],
     'abc</mark>def'),
    ("<b>x</b>", [span(3, 4, "x", '"><script>')],
     '&lt;b&gt;<mark class="spin" title="suggestion: &#34;&gt;&lt;script&gt; (sig, 0.50)" '
     'data-signal="sig">x</mark>&lt;/b&gt;'),
])
def test_highlight(text, spans, expected):
    out = str(highlight(text, spans, limit=1000))
    assert out.endswith(expected)
    assert "<script>" not in out and "<b>" not in out


def test_highlight_cuts_long_text():
    out = str(highlight("word " * 100, [], limit=20))
    assert out.startswith("word word") and "cut at 20 characters" in out
