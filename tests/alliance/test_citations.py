from __future__ import annotations

import pytest

from pipeline.alliance.citations import find_citations


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("Early work on the alliance (Bordin, 1979) named three parts.", ["(Bordin, 1979)"]),
        ("As Smith and Jones (2004) argued, fit matters.", ["Smith and Jones (2004)"]),
        ("A broken year as in Rivera and Cole (19 ), still a citation.", ["Rivera and Cole (19 )"]),
        ("See (Lee et al., 2015; Park, 2019) for reviews.", ["(Lee et al., 2015; Park, 2019)"]),
        ("Full text: https://doi.org/10.1000/xyz123.", ["https://doi.org/10.1000/xyz123"]),
        ("Interviews were coded [Moss, 2007] by two raters.", ["[Moss, 2007]"]),
        (
            "Refs\n Doe, J. A., & Roe, B. (2011). A study of rapport.\nJournal of Tests, 2(1), 1-9."
            " https://doi.org/10.1000/abc\n\nEnd.",
            [
                "Doe, J. A., & Roe, B. (2011). A study of rapport.\nJournal of Tests, 2(1), 1-9."
                " https://doi.org/10.1000/abc"
            ],
        ),
        ("Call (555) 123-4567 or visit in 2021 (the year we opened).", []),
        ("(" * 5000 + "Smith, " * 2000, []),  # hostile: no catastrophic backtracking, no match
    ],
)
def test_find_citations(text, expected):
    assert find_citations(text) == expected
