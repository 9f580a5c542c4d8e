"""The one quality verdict the tables, report and audit use: component flags + site-norm flags."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def flag_text(flag: Mapping[str, Any]) -> str:
    """``rule=value(op)threshold``, e.g. ``words=32<50``."""
    value, threshold = flag.get("value"), flag.get("threshold")
    if not isinstance(value, int | float):
        return str(flag.get("rule", ""))
    thr = f"{threshold:g}" if isinstance(threshold, int | float) else str(threshold or "")
    return f"{flag.get('rule', '')}={value:.3g}{flag.get('op', '')}{thr}"


def quality_verdict(article: Any) -> dict[str, Any]:
    """``{"score", "low_quality", "flags", "flags_text"}`` of an Article (or its dict).

    The score is the component's times the site-norm factor; a site-norm flag can tip an
    article into low quality only through that product.
    """
    get = article.get if isinstance(article, Mapping) else lambda k, d=None: getattr(article, k, d)
    q: Mapping[str, Any] = get("quality") or {}
    sn: Mapping[str, Any] = get("site_norms") or {}
    flags = [dict(f) for f in q.get("flags", [])] + [dict(f) for f in sn.get("flags", [])]
    base = q.get("score")
    score = None if base is None else round(float(base) * float(sn.get("factor", 1.0)), 4)
    low = bool(q.get("low_quality")) or (
        score is not None and bool(sn.get("flags")) and score < float(sn.get("low_quality_below", 0.5))
    )
    return {
        "score": score,
        "low_quality": low,
        "flags": flags,
        "flags_text": ";".join(flag_text(f) for f in flags),
    }
