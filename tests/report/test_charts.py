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


def test_histogram_marker_sits_at_the_threshold_with_axis_titles():
    root = _parse(charts.histogram([0.2], "t", marker=0.65, marker_label="spun from 0.65",
                                   x_label="spin score", y_label="articles"))
    ns = "{http://www.w3.org/2000/svg}"
    group = next(g for g in root.iter(f"{ns}g") if g.get("class") == "marker")
    assert group.get("data-marker") == "0.65"
    line = group.find(f"{ns}line")
    left, right = 48, 380 - 12   # the plot's 0 and 1
    assert abs(float(line.get("x1")) - (left + 0.65 * (right - left))) < 0.2
    texts = [t.text for t in root.iter(f"{ns}text")]
    assert "spin score" in texts and "articles" in texts and "spun from 0.65" in texts


def test_bars_take_a_tooltip_and_an_axis_title():
    root = _parse(charts.bars([("keyword stuffing", 2, "top_2gram_char_frac")], "t",
                              x_label="articles failing"))
    ns = "{http://www.w3.org/2000/svg}"
    assert root.find(f"{ns}rect/{ns}title").text == "keyword stuffing (top_2gram_char_frac): 2"
    assert "articles failing" in [t.text for t in root.iter(f"{ns}text")]
