"""Site-relative norms: robust z-scores per source, so thin or incoherent text is also judged
against the site's own articles (a 300-word piece is thin on a site of 2,000-word essays).

``article.site_norms = {"z": {metric: z}, "flags": [flag, ...], "n_site": int, "median":
{metric: float}, "factor": float, "low_quality_below": float}``; flags have the shape of
``doc._.quality`` flags (rule ``site_<metric>``, value = the z-score).
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from pipeline.article import Article
from pipeline.config import QualitySettings

# MAD -> standard deviation of a normal distribution (Iglewicz & Hoaglin).
_MAD_SCALE = 1.4826
# Mean absolute deviation -> standard deviation, the fallback when over half the values tie.
_MEANAD_SCALE = 1.2533


def robust_scale(values: Sequence[float], min_relative_spread: float = 0.0) -> tuple[float, float]:
    """(median, scale) of :func:`robust_z`: 1.4826 MAD, or the scaled mean absolute deviation
    when MAD is 0, at least ``min_relative_spread * |median|``; the scale is 0 if no spread."""
    med = statistics.median(values)
    mad = statistics.median(abs(v - med) for v in values) * _MAD_SCALE
    if mad == 0:
        mad = statistics.fmean(abs(v - med) for v in values) * _MEANAD_SCALE
    return med, max(mad, min_relative_spread * abs(med))


def robust_z(values: Sequence[float], min_relative_spread: float = 0.0) -> list[float]:
    """(x - median) / (1.4826 MAD); mean absolute deviation when MAD is 0; all 0 if no spread.

    The scale is at least ``min_relative_spread * |median|``: on a small site whose articles
    are all about 500 words, 480 words is not an outlier.
    """
    if not values:
        return []
    med, scale = robust_scale(values, min_relative_spread)
    return [(v - med) / scale if scale else 0.0 for v in values]


class SiteNorms:
    """Site norms over a corpus that streams by: :meth:`add` each article's source and quality
    metrics, then :meth:`of` gives an article's ``site_norms``. Only the few metric values the
    norms need are kept, not the articles."""

    def __init__(self, settings: QualitySettings | Mapping[str, Any] | None = None):
        s = QualitySettings.of(settings)
        self.threshold = s.site_z_threshold
        self.weight = s.site_flag_weight
        self.directions: dict[str, str] = dict(s.site_norm_metrics)
        self.min_articles = s.site_min_articles
        self.min_spread = s.site_min_relative_spread
        self.low_quality_below = s.low_quality_below
        self._members: Counter[str] = Counter()          # source -> articles with metrics
        self._values: dict[tuple[str, str], list[float]] = defaultdict(list)
        self._fitted: dict[tuple[str, str], tuple[float, float]] | None = None

    def add(self, source: str, metrics: Mapping[str, Any] | None) -> None:
        """Count an article of ``source`` (one without quality metrics has no norms)."""
        if not metrics:
            return
        self._fitted = None
        self._members[source] += 1
        for metric in self.directions:
            if metric in metrics:
                self._values[(source, metric)].append(float(metrics[metric]))

    def _fit(self) -> dict[tuple[str, str], tuple[float, float]]:
        if self._fitted is None:
            self._fitted = {
                key: robust_scale(values, self.min_spread)
                for key, values in self._values.items()
                if self._members[key[0]] >= self.min_articles and len(values) >= self.min_articles
            }
        return self._fitted

    def of(self, source: str, metrics: Mapping[str, Any] | None) -> dict[str, Any]:
        """``article.site_norms`` of an article of ``source`` with these quality metrics."""
        fitted = self._fit()
        z: dict[str, float] = {}
        medians: dict[str, float] = {}
        flags: list[dict[str, Any]] = []
        for metric, side in self.directions.items() if metrics else ():
            if (source, metric) not in fitted or metric not in metrics:
                continue
            med, scale = fitted[(source, metric)]
            v = float(metrics[metric])
            score = (v - med) / scale if scale else 0.0
            z[metric], medians[metric] = round(score, 3), round(med, 4)
            low = side == "low" and score < -self.threshold
            high = side == "high" and score > self.threshold
            if low or high:
                flags.append({
                    "rule": f"site_{metric}", "value": round(score, 2),
                    "threshold": -self.threshold if low else self.threshold,
                    "op": "<" if low else ">",
                    "message": f"{metric} {v:.3g} is {'far below' if low else 'far above'} "
                               f"its site's median {med:.3g} (robust z {score:.2f})",
                })
        return {"z": z, "flags": flags, "n_site": self._members[source], "median": medians,
                "factor": round((1.0 - self.weight) ** len(flags), 4) if metrics else 1.0,
                "low_quality_below": self.low_quality_below}


def apply_site_norms(articles: list[Article], settings: QualitySettings | Mapping[str, Any] | None = None) -> None:
    """Fill ``article.site_norms`` for every article (empty z/flags for small sources)."""
    norms = SiteNorms(settings)
    for a in articles:
        norms.add(a.source, a.quality.get("metrics"))
    for a in articles:
        a.site_norms = norms.of(a.source, a.quality.get("metrics"))
