"""Markdown escaping and tables (pipeline/report/markdown.py)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pipeline.report.markdown import md_escape, md_table


@pytest.mark.parametrize(("value", "expected"), [
    ("", ""),
    (None, ""),
    (math.nan, ""),
    (pd.NA, ""),
    (True, "yes"),
    (0.5, "0.50"),
    (3, "3"),
    ("a | b", "a \\| b"),
    ("line\nbreak  here", "line break here"),
    ("<script>alert(1)</script>", "&lt;script>alert(1)&lt;/script>"),
    ("[link](javascript:x) *bold* `code` &amp;",
     "\\[link\\](javascript:x) \\*bold\\* \\`code\\` &amp;amp;"),
    # Pasted as text it reads as written: no escapes where Markdown would not act.
    ("top_2gram_char_frac=0.22>0.2; 3 < 5 & more", "top_2gram_char_frac=0.22>0.2; 3 < 5 & more"),
    ("_edge_ underscores", "\\_edge\\_ underscores"),
])
def test_md_escape(value, expected):
    assert md_escape(value) == expected


def test_md_table_aligns_numbers_and_notes_empty_tables():
    df = pd.DataFrame({"name": ["a|b"], "n": [2], "flag": [False]})
    lines = md_table(df).splitlines()
    assert lines[0] == "| name | n | flag |"
    assert lines[1] == "|---|---:|---|"
    assert lines[2] == "| a\\|b | 2 | no |"
    assert "no rows" in md_table(df.iloc[0:0])
    assert "1 more rows" in md_table(pd.concat([df, df]), max_rows=1)
