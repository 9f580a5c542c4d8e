"""The calibration table's rule list and firing test."""

from __future__ import annotations

import math

from pipeline.config import load_settings
from workbench.realweb import calibrate as cal


def test_rule_keys_are_the_configured_rules():
    keys = cal.rule_keys(load_settings().quality.model_dump())
    names = {k for k, _, _ in keys}
    assert "min_words" in names and "max_glued_words" in names
    assert "max_coherence_vs_shuffle" not in names and "min_coherence_vs_shuffle" not in names
    assert all(metric and isinstance(thr, float) for _, metric, thr in keys)


def test_fires_follows_the_side_of_the_rule():
    assert cal._fires("max_x", 2.0, 1.0) and not cal._fires("max_x", 1.0, 1.0)
    assert cal._fires("min_x", 0.5, 1.0) and not cal._fires("min_x", 1.5, 1.0)
    assert not cal._fires("max_x", None, 1.0) and not cal._fires("max_x", math.nan, 1.0)


def test_suggested_threshold_sits_beyond_the_sound_tail():
    values = list(range(1, 201))  # 1..200
    high = cal.suggested_threshold("max_x", values, margin=0.1)
    low = cal.suggested_threshold("min_x", values, margin=0.1)
    assert high > 199 and math.isclose(high, 199.005 * 1.1, rel_tol=1e-3)
    assert low < 2 and math.isclose(low, 1.995 * 0.9, rel_tol=1e-3)
    # From the pooled extreme (what loco sets): the largest / smallest value moved out.
    assert math.isclose(cal.suggested_threshold("max_x", values, 0.1, pct=cal.POOLED_PCT), 220.0)
    assert math.isclose(cal.suggested_threshold("min_x", values, 0.1, pct=cal.POOLED_PCT), 0.9)
    assert cal.suggested_threshold("max_x", []) is None
    assert cal.suggested_threshold("max_x", [math.nan]) is None


def test_half_of_is_a_fixed_split():
    assert cal.half_of("dev001") in (0, 1)
    assert cal.half_of("dev001") == cal.half_of("dev001")
    assert {cal.half_of(f"dev{i:03d}") for i in range(20)} == {0, 1}
    assert cal.half_of("") in (0, 1) and cal.half_of("\u202e<script>") in (0, 1)


def test_cross_half_fire_shows_a_thin_tail():
    # Both halves alike: the threshold of one covers the other.
    even = list(range(1, 201))
    assert cal.cross_half_fire("max_x", even, [i % 2 for i in range(200)]) == 0.0
    # One outlier in half 1 only: half 0's suggestion fires on it (1 of 100).
    values = [1.0] * 199 + [50.0]
    halves = [0] * 100 + [1] * 100
    assert cal.cross_half_fire("max_x", values, halves) == 0.01
    assert cal.cross_half_fire("min_x", [10.0] * 199 + [0.1], halves) == 0.01
    assert cal.cross_half_fire("max_x", [], []) is None
    assert cal.cross_half_fire("max_x", [math.nan, 1.0], [0, 1]) is None
    assert cal.cross_half_fire("max_x", [math.nan, 1.0, 1.0], [0, 0, 1]) == 0.0
