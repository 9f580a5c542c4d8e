"""Site-relative norms: robust z-scores per source, so thin or incoherent text is also judged
against the site's own articles (a 300-word piece is thin on a site of 2,000-word essays).

``article.site_norms = {"z": {metric: z}, "flags": [flag, ...], "n_site": int, "median":
{metric: float}, "factor": float, "low_quality_below": float}``; flags have the shape of
``doc._.quality`` flags (rule ``site_<metric>``, value = the z-score).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from pipeline.article import Article
from pipeline.quality.rules import merged_settings

# MAD -> standard deviation of a normal distribution (Iglewicz & Hoaglin).
_MAD_SCALE = 1.4826
# Mean absolute deviation -> standard deviation, the fallback when over half the values tie.
_MEANAD_SCALE = 1.2533


def robust_z(values: Sequence[float], min_relative_spread: float = 0.0) -> list[float]:
    """(x - median) / (1.4826 MAD); mean absolute deviation when MAD is 0; all 0 if no spread.

    The scale is at least ``min_relative_spread * |median|``: on a small site whose articles
    are all about 500 words, 480 words is not an outlier.
    """
    if not values:
        return []
    med = statistics.median(values)
    mad = statistics.median(abs(v - med) for v in values) * _MAD_SCALE
    if mad == 0:
        mad = statistics.fmean(abs(v - med) for v in values) * _MEANAD_SCALE
    mad = max(mad, min_relative_spread * abs(med))
    if mad == 0:
        return [0.0 for _ in values]
    return [(v - med) / mad for v in values]


def apply_site_norms(articles: list[Article], settings: Mapping[str, Any] | Any = None) -> None:
    """Fill ``article.site_norms`` for every article (empty z/flags for small sources)."""
    s = merged_settings(settings)
    thr = float(s["site_z_threshold"])
    weight = float(s["site_flag_weight"])
    directions: dict[str, str] = dict(s["site_norm_metrics"])
    groups: dict[str, list[Article]] = defaultdict(list)
    for a in articles:
        if a.quality.get("metrics"):
            groups[a.source].append(a)
    for a in articles:
        a.site_norms = {"z": {}, "flags": [], "n_site": len(groups.get(a.source, [])),
                        "median": {}, "factor": 1.0, "low_quality_below": s["low_quality_below"]}
    for group in groups.values():
        if len(group) < s["site_min_articles"]:
            continue
        for metric, side in directions.items():
            members = [a for a in group if metric in a.quality["metrics"]]
            if len(members) < s["site_min_articles"]:
                continue
            values = [float(a.quality["metrics"][metric]) for a in members]
            med = statistics.median(values)
            for a, v, z in zip(members, values, robust_z(values, s["site_min_relative_spread"]), strict=True):
                a.site_norms["z"][metric] = round(z, 3)
                a.site_norms["median"][metric] = round(med, 4)
                low, high = side == "low" and z < -thr, side == "high" and z > thr
                if low or high:
                    a.site_norms["flags"].append({
                        "rule": f"site_{metric}", "value": round(z, 2),
                        "threshold": -thr if low else thr, "op": "<" if low else ">",
                        "message": f"{metric} {v:.3g} is {'far below' if low else 'far above'} "
                                   f"its site's median {med:.3g} (robust z {z:.2f})",
                    })
        for a in group:
            a.site_norms["factor"] = round((1.0 - weight) ** len(a.site_norms["flags"]), 4)
