"""Highlighting spun spans in escaped article text (pipeline/report/html.py)."""

from __future__ import annotations

import pytest

from pipeline.article import SpinSpan
from pipeline.report.html import highlight


def span(start: int, end: int, text: str = "", suggestion: str = "s") -> SpinSpan:
    return SpinSpan(start, end, text, suggestion, "sig", 0.5)


@pytest.mark.parametrize(("text", "spans", "expected"), [
    ("", [], ""),
    # The suggestion is written after the span (visible without hovering); colour by score.
    ("a remedy helps", [span(2, 8, "remedy", "therapy")],
     'a <mark class="spin s-mid" title="suggestion: therapy (sig, 0.50)" data-signal="sig">remedy'
     '</mark><small class="sugg">\u2192 therapy</small> helps'),
    # Overlapping and out-of-range spans from another stage are skipped, never crash.
    ("abcdef", [span(0, 3, suggestion=""), span(2, 4), span(5, 99), span(4, 4)],
     'abc</mark>def'),
    ("<b>x</b>", [span(3, 4, "x", '"><script>')],
     '&lt;b&gt;<mark class="spin s-mid" title="suggestion: &#34;&gt;&lt;script&gt; (sig, 0.50)" '
     'data-signal="sig">x</mark><small class="sugg">\u2192 &#34;&gt;&lt;script&gt;</small>'
     '&lt;/b&gt;'),
])
def test_highlight(text, spans, expected):
    out = str(highlight(text, spans, limit=1000))
    assert out.endswith(expected)
    assert "<script>" not in out and "<b>" not in out


def test_highlight_cuts_long_text():
    out = str(highlight("word " * 100, [], limit=20))
    assert out.startswith("word word") and "cut at 20 characters" in out


@pytest.mark.parametrize(("score", "cls"), [(0.95, "s-hi"), (0.8, "s-hi"), (0.6, "s-mid"),
                                            (0.1, "s-lo"), (None, "s-lo")])
def test_spans_are_coloured_by_score(score, cls):
    sp = SpinSpan(0, 1, "a", "", "word_model", score)
    assert f'class="spin {cls}"' in str(highlight("a b", [sp], limit=10))
