"""Server-side SVG charts (pipeline/report/charts.py): valid XML, escaped labels."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from pipeline.report import charts

HOSTILE = '<script>alert(1)</script>&"'


def _parse(svg) -> ET.Element:
    return ET.fromstring(str(svg))


@pytest.mark.parametrize(("values", "expected_counts"), [
    ([], [0] * 10),
    ([0.0, 0.05, 1.0, 0.55], [2, 0, 0, 0, 0, 1, 0, 0, 0, 1]),
    ([-3.0, 7.0], [1, 0, 0, 0, 0, 0, 0, 0, 0, 1]),  # out of range: clamped
])
def test_histogram(values, expected_counts):
    root = _parse(charts.histogram(values, HOSTILE, marker=0.5, marker_label=HOSTILE))
    ns = "{http://www.w3.org/2000/svg}"
    tips = [r.find(f"{ns}title").text for r in root.iter(f"{ns}rect")]
    assert [int(t.rsplit(": ", 1)[1]) for t in tips] == expected_counts
    assert root.find(f"{ns}title").text == HOSTILE


@pytest.mark.parametrize(("rows", "values", "cells"), [
    ([], [], []),
    ([HOSTILE], [[0.5, None]], ["50%", "n/a"]),
])
def test_heatmap(rows, values, cells):
    root = _parse(charts.heatmap(rows, ["bond", "goals"], values, "t"))
    ns = "{http://www.w3.org/2000/svg}"
    texts = [t.text for t in root.iter(f"{ns}text")]
    assert [t for t in texts if t in ("50%", "n/a")] == cells
    assert "<script>" not in str(charts.heatmap(rows, ["bond", "goals"], values, "t"))


@pytest.mark.parametrize(("items", "expected"), [
    ([], ["none"]),
    ([(HOSTILE, 3), ("short", 1)], [HOSTILE, "3", "short", "1"]),
])
def test_bars(items, expected):
    root = _parse(charts.bars(items, "t"))
    ns = "{http://www.w3.org/2000/svg}"
    assert [t.text for t in root.iter(f"{ns}text")] == expected
