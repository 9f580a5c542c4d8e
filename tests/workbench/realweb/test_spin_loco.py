"""Leave-one-collection-out estimate of the spin verdict (workbench/realweb/spin_loco.py)."""

from __future__ import annotations

import math

from pipeline.config import SpinSettings
from workbench.realweb.spin_loco import Page, choose, evidence, flagged, limit, loco

CFG = SpinSettings.defaults().model_copy(update={
    "model_weight": 1.0, "combined_threshold": 3.0, "model_alone_threshold": 0.9,
    "model_alone_min_z": 0.0})


def _p(pid, coll, spun, z, model=0.5):
    return Page(pid, coll, spun, z, model)


def test_limit_sits_just_above_the_highest_clean_page():
    pages = [_p("a1", "a", 0, 2.02), _p("a2", "a", 0, 1.0), _p("a3", "a", 1, 9.0)]
    assert math.isclose(limit(pages, 1.0, 0.05, 0.05), 2.10)
    assert limit([_p("s", "a", 1, 5.0)], 1.0, 0.05, 0.05) == -math.inf
    # at even odds the model adds nothing; a sure model adds its log-odds
    assert math.isclose(evidence(_p("x", "a", 0, 2.0), 1.25), 2.0)
    assert evidence(_p("x", "a", 0, 2.0, 0.9), 1.0) > 2.0


def test_the_model_alone_path_is_kept():
    sure = _p("m", "a", 1, 0.1, 0.95)
    assert flagged(sure, 1.0, 99.0, CFG)
    assert not flagged(_p("m", "a", 1, -0.1, 0.95), 1.0, 99.0, CFG)


def test_a_held_out_collection_is_judged_by_limits_chosen_on_the_others():
    pages = [
        _p("a1", "a", 0, 2.0), _p("a2", "a", 1, 4.0),
        # b's clean page sits higher than any clean page of a or c: left out, nothing binds the
        # limit there, so it is flagged; while b is in, the limit rises above it
        _p("b1", "b", 0, 3.5), _p("b2", "b", 1, 3.0),
        _p("c1", "c", 0, 1.0), _p("c2", "c", 1, 2.5),
    ]
    res = loco(pages, [1.0], CFG)
    assert math.isclose(res["folds"]["b"]["threshold"], 2.05)
    assert res["folds"]["b"]["clean_flagged"] == 1 and res["folds"]["b"]["spun_caught"] == 1
    assert math.isclose(res["folds"]["a"]["threshold"], 3.55)
    assert res["folds"]["a"]["spun_caught"] == 1 and res["folds"]["a"]["clean_flagged"] == 0
    assert res["folds"]["c"]["spun_caught"] == 0
    assert res["total"] == {"spun_caught": 2, "spun": 3, "clean_flagged": 1, "clean": 3}
    # the shipped limits (3.0) on every page
    assert res["shipped_total"] == {"spun_caught": 2, "spun": 3, "clean_flagged": 1, "clean": 3}


def test_the_weight_that_flags_most_spun_pages_of_the_others_is_taken():
    # the spun pages have a confident model, the clean ones do not: a larger weight separates
    pages = [_p("c1", "x", 0, 3.0, 0.2), _p("s1", "x", 1, 2.0, 0.8), _p("s2", "x", 1, 1.5, 0.85)]
    w, thr = choose(pages, [0.0, 2.0], 0.0, CFG, 0.05, 0.05)
    assert w == 2.0
    assert all(flagged(p, w, thr, CFG) for p in pages if p.spun)
    assert not flagged(pages[0], w, thr, CFG)
    # a tie keeps the shipped weight
    w, _ = choose([_p("c", "x", 0, 1.0), _p("s", "x", 1, 5.0)], [0.5, 1.0, 2.0], 1.0, CFG,
                  0.05, 0.05)
    assert w == 1.0


def test_the_collection_gathered_blind_is_skipped_and_last_stops_is_read():
    """devn is gathered blind in stop 35; devm, blind in stop 34, is ordinary dev data now."""
    import inspect

    from workbench.realweb import spin_misses
    from workbench.realweb.spin_loco import BLIND, dev_pages

    assert BLIND == ("devn",)
    assert inspect.signature(dev_pages).parameters["skip"].default == BLIND
    assert "BLIND" in inspect.getsource(spin_misses.main)
