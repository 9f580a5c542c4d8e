"""Leave-one-collection-out estimate of the quality verdict on unseen real pages (issue 15).

Every stop tunes the quality rules on the dev collections, and the next blind collection shows
how much of the gain was tuning. This estimates that before a blind collection arrives: each dev
collection pass (``dev``, ``devb`` ... the page id without its number) is held out in turn, every
rule's threshold is set again from the sound pages of the **other** collections with the
calibration of ``workbench.realweb.calibrate`` (their largest value moved out by its margin for a
``max_`` rule, their smallest for a ``min_`` rule: ``POOLED_PCT``; the 99.5th percentile let each
of some 40 rules fire on 0.5% of the pages by construction) and kept at the shipped value where that is stricter
(a rule set tighter than the sound tail was set for the degradations and would not move), and
the verdict is taken on the held-out pages. Summed over the collections:

- ``sound_flagged``: sound pages (``low_quality`` 0) judged low quality, and their rate;
- ``damaged_caught``: damaged pages judged low quality;
- ``rules``: per rule, the held-out sound and damaged pages it fires on, with the collections
  of the sound ones (a rule whose false flags recur across collections while it catches no
  damaged page cannot separate the two on real text: a table metric, not a flag).

``shipped`` gives the same figures with the shipped thresholds (the ``by_collection`` figures of
``workbench.realweb.evaluate``, verdict of the quality component). Dev part only, never test.

    python -m workbench.realweb.loco            # needs .realweb/ (see README.md)
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from workbench.realweb.calibrate import POOLED_PCT, rule_keys, suggested_threshold
from workbench.realweb.evaluate import collection


def loco_thresholds(settings: Mapping[str, Any], sound_metrics: Iterable[Mapping[str, float]]
                    ) -> dict[str, float]:
    """Every rule's threshold as the sound pages of the other collections would set it: the
    calibration suggestion from their extreme (``POOLED_PCT``), or the shipped value when that is stricter (lower for a ``max_``
    rule, higher for a ``min_`` rule). A rule on a count with an integer threshold (words, stop
    words, matched phrases) is a limit set in advance, not from a tail, and keeps its value."""
    sound = list(sound_metrics)
    out = {}
    for key, metric, thr in rule_keys(dict(settings)):
        if isinstance(settings[key], int):
            out[key] = thr
            continue
        vals = [m[metric] for m in sound if metric in m]
        sug = suggested_threshold(key, vals, pct=POOLED_PCT) if vals else None
        if sug is None:
            out[key] = thr
        elif key.startswith("max_"):
            out[key] = min(thr, sug)
        else:
            out[key] = max(thr, sug)
    return out


def verdict(metrics: Mapping[str, float], settings: Any) -> tuple[bool, list[str]]:
    """(low quality, failed rule keys) of one page's metrics under ``settings``."""
    from pipeline.config import QualitySettings
    from pipeline.quality.rules import check_rules, score_flags

    s = QualitySettings.of(settings)
    flags = check_rules(metrics, "", s)
    return score_flags(flags, s.score_families) < s.low_quality_below, [f["_key"] for f in flags]


def _tally(rows: list[dict[str, Any]]) -> dict[str, Any]:
    sound = [r for r in rows if not r["damaged"]]
    damaged = [r for r in rows if r["damaged"]]
    per_rule: dict[str, dict[str, Any]] = defaultdict(lambda: {"sound": 0, "damaged": 0, "sound_in": set()})
    for r in rows:
        for key in r["rules"]:
            entry = per_rule[key]
            if r["damaged"]:
                entry["damaged"] += 1
            else:
                entry["sound"] += 1
                entry["sound_in"].add(r["collection"])
    n_flag = sum(r["low"] for r in sound)
    n_caught = sum(r["low"] for r in damaged)
    by_coll: dict[str, dict[str, str]] = {}
    for tag in sorted({r["collection"] for r in rows}):
        s = [r for r in sound if r["collection"] == tag]
        d = [r for r in damaged if r["collection"] == tag]
        by_coll[tag] = {"sound_flagged": f"{sum(r['low'] for r in s)}/{len(s)}",
                        "damaged_caught": f"{sum(r['low'] for r in d)}/{len(d)}"}
    return {
        "sound_flagged": f"{n_flag}/{len(sound)}",
        "sound_flagged_rate": round(n_flag / len(sound), 4) if sound else None,
        "damaged_caught": f"{n_caught}/{len(damaged)}",
        "damaged_caught_rate": round(n_caught / len(damaged), 4) if damaged else None,
        "false_flags": sorted(r["page_id"] for r in sound if r["low"]),
        "by_collection": by_coll,
        "rules": {k: {"sound": v["sound"], "damaged": v["damaged"], "sound_in": sorted(v["sound_in"])}
                  for k, v in sorted(per_rule.items(), key=lambda kv: (-kv[1]["sound"], kv[0]))},
    }


def loco(pages: pd.DataFrame, settings: Any = None) -> dict[str, Any]:
    """The leave-one-collection-out figures of ``pages`` (one row per analysed page with
    ``page_id``, ``metrics`` and the label ``low_quality_gold``), and the shipped ones."""
    from pipeline.quality.rules import merged_settings

    base = merged_settings(settings)
    tags = pages["page_id"].map(collection)
    damaged = pages["low_quality_gold"].astype(bool)
    metrics = [dict(m or {}) for m in pages["metrics"]]
    shipped, held = [], []
    thresholds: dict[str, dict[str, float]] = {}
    for tag in sorted(tags.unique()):
        others = [m for m, t, d in zip(metrics, tags, damaged, strict=True) if t != tag and not d]
        chosen = loco_thresholds(base, others)
        moved = {k: v for k, v in chosen.items() if v != float(base[k])}
        thresholds[tag] = moved
        loco_settings = {**base, **moved}
        for pid, m, t, d in zip(pages["page_id"], metrics, tags, damaged, strict=True):
            if t != tag:
                continue
            for out, s in ((shipped, base), (held, loco_settings)):
                low, rules = verdict(m, s)
                out.append({"page_id": pid, "collection": t, "damaged": bool(d), "low": low,
                            "rules": rules})
    return {"loco": _tally(held), "shipped": _tally(shipped), "moved_thresholds": thresholds}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    """``python -m workbench.realweb.loco [--root DIR]``: print the figures as JSON."""
    from workbench import script_parser
    from workbench.realweb.evaluate import analyse_dev

    ap = script_parser("workbench.realweb.loco", __doc__)
    ap.add_argument("--root", type=Path, default=None, help="the .realweb folder (default: beside the checkout or $REALWEB)")
    root = ap.parse_args(argv).root
    pages, got = analyse_dev(root)
    df = pages.merge(got, on="page_id", suffixes=("_gold", ""))
    out = loco(df)
    print(json.dumps(out, indent=1, default=lambda o: float(o) if isinstance(o, np.floating) else str(o)))
    return out


if __name__ == "__main__":  # pragma: no cover
    main()
