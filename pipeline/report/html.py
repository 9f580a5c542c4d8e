"""``report.html``: one self-contained page (inline CSS, JS and SVG; nothing is fetched).

Jinja2 autoescaping is on for the whole template; the only ``Markup`` we build ourselves (the
SVG charts and the highlighted article text) escapes every piece of article data it includes.
"""

from __future__ import annotations

import heapq
import json
import math
from collections import Counter
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
import pandas as pd
from markupsafe import Markup, escape

from pipeline.article import Article, IngestError
from pipeline.audit import COMPONENTS, quality_of
from pipeline.report import charts


def highlight(text: str, spans: list, limit: int) -> Markup:
    """``text`` (first ``limit`` chars) escaped, with each spin span wrapped in ``<mark>``.

    Overlapping or out-of-range spans are skipped: offsets come from another stage.
    """
    shown = text[:limit]
    # Plain strings, every piece of article data through escape(): the same markup as
    # Markup.format, without its formatter machinery per span (thousands per report).
    out: list[str] = []
    pos = 0
    for sp in sorted(spans, key=lambda s: (s.start_char, s.end_char)):
        start, end = int(sp.start_char), int(sp.end_char)
        if start < pos or end <= start or end > len(shown):
            continue
        tip = f"suggestion: {sp.suggestion}" if sp.suggestion else "no suggestion"
        out.append(escape(shown[pos:start]))
        out.append(f'<mark class="spin" title="{escape(f"{tip} ({sp.signal}, {sp.score:.2f})")}" '
                   f'data-signal="{escape(sp.signal)}">{escape(shown[start:end])}</mark>')
        pos = end
    out.append(escape(shown[pos:]))
    if len(text) > limit:
        out.append(f'<span class="cut">\u2026 (text cut at {escape(limit)} characters; full text '
                   'in articles.jsonl)</span>')
    return Markup("".join(out))


def _num(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def _flag(value: Any) -> bool:
    # pd.NA / None (not analysed) is not a flag, and bool(pd.NA) would raise.
    return bool(value) if isinstance(value, bool | np.bool_) else False


def _safe_url(url: str) -> str:
    # Only plain web links become clickable; javascript:/data: URLs stay text.
    return url if url.lower().startswith(("http://", "https://")) else ""


def _urgency(a: Article, order: list[str]) -> tuple:
    rank = order.index(a.action) if a.action in order else len(order)
    q = _num(quality_of(a).get("score"))
    spin = _num((a.spin or {}).get("score")) or 0.0
    return (rank, -spin, q if q is not None else 1.0, a.article_id)


def _detail(a: Article, anchor: str, limit: int) -> dict[str, Any]:
    q = quality_of(a)
    evidence = [
        {"index": s.index, "text": s.text,
         "labels": [c for c in COMPONENTS if s.labels.get(c)],
         "evidence": [f"{c}: {s.evidence[c]}" for c in COMPONENTS if s.evidence.get(c)]}
        for s in a.sentences if any(s.labels.get(c) for c in COMPONENTS)
    ]
    spans = list(a.spin_spans)
    return {
        "id": a.article_id, "anchor": anchor, "title": a.title or a.article_id,
        "source": a.source, "url": a.url, "href": _safe_url(a.url), "action": a.action, "reason": a.action_reason,
        "words": a.words, "quality": _num(q.get("score")), "flags": q.get("flags_text", ""),
        "spin": _num((a.spin or {}).get("score")), "spun": bool((a.spin or {}).get("spun")),
        "spin_reasons": list((a.spin or {}).get("reasons", [])),
        "spans": spans,
        "text": highlight(a.text, spans, limit) if spans else None,
        "evidence": evidence,
        "elements": {k: v for k, v in sorted(((a.alliance or {}).get("elements") or {}).items())
                     if v},
        "dedup": a.dedup or {},
        "not_applicable": "" if a.applicable else a.not_applicable_reason,
    }


def _row_order(row: dict[str, Any]) -> tuple:
    """Most urgent first: action, then higher spin score, lower quality, id."""
    return (row["rank"], -(row["spin"] or 0.0),
            row["quality"] if row["quality"] is not None else 1.0, row["id"])


def _page_rows(articles_df: pd.DataFrame, order: list[str],
               source_names: set[str]) -> Iterator[dict[str, Any]]:
    """The page's table row of each article, one at a time (``source_names`` collects every
    source on the way, for the filter)."""
    # Only the columns the page shows (a dict per article of every column is ~5 KB each).
    shown = ["article_id", "source", "title", "words", "quality_score", "low_quality",
             "spin_score", "spun", *COMPONENTS, "near_duplicate_of", "action", "action_reason"]
    frame = articles_df.reindex(columns=shown)
    for start in range(0, len(frame), 5000):
        for r in frame.iloc[start:start + 5000].to_dict("records"):
            source_names.add(str(r["source"]))
            yield {
                "id": r["article_id"], "source": r["source"],
                "title": r["title"] or r["article_id"], "words": r["words"],
                "quality": _num(r["quality_score"]), "low": _flag(r["low_quality"]),
                "spin": _num(r["spin_score"]), "spun": _flag(r["spun"]),
                "components": [_num(r[c]) for c in COMPONENTS],
                "dup": r["near_duplicate_of"] or "", "action": r["action"] or "",
                "rank": order.index(r["action"]) if r["action"] in order else len(order),
                "reason": r.get("action_reason", ""),
            }


def build_context(articles: Iterable[Article], errors: list[IngestError], run_info: dict,
                  articles_df: pd.DataFrame, sources_df: pd.DataFrame,
                  options: dict[str, Any]) -> dict[str, Any]:
    """Everything the template shows, as plain values (escaping is the template's job).

    ``articles`` is read twice, one article at a time (it may be the run's article store): once
    for the counts, charts and urgency order, once for the detailed articles.
    """
    order = list(options.get("actions", ["remove", "rewrite", "review", "keep"]))
    actions: Counter[str] = Counter()
    qualities: list[float] = []
    spins: list[float] = []
    flag_counts: Counter[str] = Counter()
    signal_counts: Counter[str] = Counter()
    urgency: list[tuple[tuple, str, str]] = []   # (sort key, id, action)
    clusters: dict[str, list[dict[str, Any]]] = {}
    cards = {"articles": 0, "words": 0, "spun": 0, "low_quality": 0, "duplicates": 0}
    for a in articles:
        q = quality_of(a)
        actions[a.action] += 1
        if (score := _num(q.get("score"))) is not None:
            qualities.append(score)
        if (spin := _num((a.spin or {}).get("score"))) is not None:
            spins.append(spin)
        for f in q.get("flags") or []:
            flag_counts[str(f.get("rule", f)) if isinstance(f, dict) else str(f)] += 1
        for sp in a.spin_spans:
            signal_counts[sp.signal] += 1
        urgency.append((_urgency(a, order), a.article_id, a.action))
        dedup = a.dedup or {}
        if dedup.get("cluster"):
            clusters.setdefault(dedup["cluster"], []).append({
                "id": a.article_id, "title": a.title, "source": a.source,
                "kind": dedup.get("kind", "") or "canonical",
                "similarity": dedup.get("similarity", 0.0), "canonical": dedup.get("canonical", "")})
        cards["articles"] += 1
        cards["words"] += a.words or 0
        cards["spun"] += bool((a.spin or {}).get("spun"))
        cards["low_quality"] += bool(q.get("low_quality"))
        cards["duplicates"] += bool(dedup.get("near_duplicate_of"))
    urgency.sort(key=lambda u: u[0])

    source_names: set[str] = set()
    # The page lists at most report_max_rows articles, the most urgent first (articles.csv
    # holds all): a browser cannot sort a table of 100,000 rows, and the rows are picked with
    # a bounded heap, so memory does not grow with the corpus either.
    rows = heapq.nsmallest(int(options.get("report_max_rows", 5000)),
                           _page_rows(articles_df, order, source_names), key=_row_order)
    sources = sources_df.to_dict("records")
    heat = charts.heatmap(
        [str(s["source"]) for s in sources], list(COMPONENTS),
        [[_num(s[f"coverage_{c}"]) for c in COMPONENTS] for s in sources],
        "Share of each source's articles that discuss each alliance component")

    limit = int(options.get("report_max_text_chars", 20000))
    # Article ids hold "/" and "#": anchors are positional instead.
    anchors = {key: f"art-{i}"
               for i, (_, key, _) in enumerate(urgency[: int(options.get("report_max_details", 1000))])}
    fix_ids = [key for _, key, action in urgency
               if action and action != order[-1]][: int(options.get("report_top_fix", 25))]
    del urgency
    for row in rows:
        row["anchor"] = anchors.get(row["id"], "")
    details, fix = [], {}
    wanted = set(fix_ids)
    for a in articles:
        if a.article_id in anchors:
            details.append(_detail(a, anchors[a.article_id], limit))
        if a.article_id in wanted:
            fix[a.article_id] = {"id": a.article_id, "title": a.title or a.article_id,
                                 "source": a.source, "action": a.action, "reason": a.action_reason}
    details.sort(key=lambda d: int(d["anchor"][4:]))

    cluster_list = [
        {"id": cid, "canonical": members[0]["canonical"],
         "members": sorted(({k: m[k] for k in ("id", "title", "source", "kind", "similarity")}
                            for m in members),
                           key=lambda m: (m["kind"] != "canonical", m["id"]))}
        for cid, members in sorted(clusters.items())
    ]
    counts = run_info.get("counts", {})
    return {
        "run": {
            "corpus": run_info.get("corpus", ""), "started": run_info.get("started", ""),
            "seconds": run_info.get("seconds", ""), "digest": run_info.get("config_digest", ""),
            "versions": sorted((run_info.get("versions") or {}).items()),
            "config": json.dumps(run_info.get("config", {}), indent=2, sort_keys=True,
                                 default=str),
            "counts": sorted((k, v) for k, v in counts.items() if not isinstance(v, dict)),
        },
        "cards": {**cards, "sources": len(sources), "errors": len(errors),
                  "clusters": len(cluster_list)},
        "actions": [(a, actions.get(a, 0)) for a in order],
        "fix_first": [fix[key] for key in fix_ids],
        "components": COMPONENTS,
        "rows": rows,
        "rows_total": len(articles_df),
        "sources": sources,
        "source_names": sorted(source_names),
        "action_names": order,
        "charts": {
            "heatmap": heat,
            "quality": charts.histogram(qualities, "Quality score distribution (0 bad, 1 good)",
                                        colour="#4a7fb0"),
            "spin": charts.histogram(spins, "Spin score distribution (probability spun)",
                                     colour="#c0392b", marker=0.5, marker_label="0.5"),
            "flags": charts.bars(sorted(flag_counts.items(), key=lambda kv: (-kv[1], kv[0]))[:15],
                                 "Failed quality rules (articles)"),
            "signals": charts.bars(sorted(signal_counts.items(),
                                          key=lambda kv: (-kv[1], kv[0]))[:15],
                                   "Spin evidence spans by signal", colour="#8e44ad"),
        },
        "details": details,
        "anchors": anchors,
        "details_total": cards["articles"],
        "clusters": cluster_list,
        "errors": sorted((e.path, e.reason) for e in errors),
    }


def _env() -> jinja2.Environment:
    loader = jinja2.FunctionLoader(
        lambda name: (resources.files("pipeline.report") / "templates" / name).read_text(
            encoding="utf-8"))
    env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = lambda v, fmt="{:.2f}": "" if v is None else fmt.format(v)
    return env


def render_html(context: dict[str, Any]) -> str:
    """The report page for a context from :func:`build_context`."""
    return _env().get_template("report.html.j2").render(**context)


def write_html(path: Path, context: dict[str, Any]) -> None:
    """:func:`render_html` streamed into ``path`` (same text, without the whole-page string)."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        _env().get_template("report.html.j2").stream(**context).dump(fh)
