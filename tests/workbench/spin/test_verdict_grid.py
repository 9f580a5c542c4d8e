"""The combined-threshold grid on cached evidence (workbench/spin/verdict_grid.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pipeline.config import SpinSettings
from pipeline.spin.verdict import verdict_score
from workbench.spin import verdict_grid
from workbench.spin.verdict_grid import Setting


def _set(llr, n, p, y):
    return {"llr": np.array(llr, float), "n": np.array(n, int), "p": np.array(p, float),
            "y": np.array(y, int)}


@pytest.mark.parametrize(("llr", "n", "p"), [
    (0.0, 400, 0.5), (25.0, 400, 0.3), (12.0, 100, 0.6), (3.0, 800, 0.9), (40.0, 300, 0.05)])
def test_flags_follow_the_detectors_rule(llr, n, p):
    cfg = SpinSettings.defaults()
    s = Setting(cfg.model_weight, cfg.combined_threshold, cfg.model_alone_threshold)
    spun, _ = verdict_grid.flags(np.array([llr]), np.array([n]), np.array([p]),
                                 cfg.llr_clean_mean, cfg.llr_clean_sd, s,
                                 cfg.norm_min_words, cfg.model_alone_min_z)
    nn = max(n, cfg.norm_min_words)
    z = (llr - nn * cfg.llr_clean_mean) / (cfg.llr_clean_sd * math.sqrt(nn))
    assert bool(spun[0]) is (verdict_score(z, p, cfg) >= cfg.threshold)


def test_choose_keeps_clean_text_and_the_demo_margin():
    # Spun cell: combined z grows with llr (mean 0, sd 1, 100 words: z = llr / 10).
    sets = {
        "clean": _set([0.0, 10.0], [100, 100], [0.5, 0.5], [0, 0]),
        "cell@0.05": _set([20.0, 31.0, 40.0], [100] * 3, [0.5] * 3, [1] * 3),
        "demo": _set([33.0, 90.0], [100, 100], [0.5, 0.5], [0, 1]),
    }
    grid = [Setting(1.0, t, 0.99) for t in (1.5, 2.5, 3.0, 3.5, 4.5)]
    s, r = verdict_grid.choose(sets, 0.0, 1.0, grid, 100, 0.0, max_answers=1, max_dev=0,
                               demo_margin=0.1)
    # 1.5 flags a clean article (z 1.0 < 1.5 is fine, but the demo article at 3.3 needs 3.4):
    # 3.5 is the lowest admissible threshold.
    assert s.threshold == 3.5
    assert r["clean"] == 0 and r["demo_spun_flagged"] == 1
    assert r["cell@0.05"] == pytest.approx(0.5)
    assert verdict_grid.choose(sets, 0.0, 1.0, grid[:2], 100, 0.0, 1, 0, 0.1) == (None, None)
