"""``report.html``: one self-contained page (inline CSS, JS and SVG; nothing is fetched).

Jinja2 autoescaping is on for the whole template; the only ``Markup`` we build ourselves (the
SVG charts and the highlighted article text) escapes every piece of article data it includes.
"""

from __future__ import annotations

import heapq
import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
import numpy as np
import pandas as pd
from markupsafe import Markup, escape

from pipeline.article import Article, IngestError
from pipeline.audit import COMPONENTS, quality_of
from pipeline.explain_text import (
    flag_rules,
    flag_sentence,
    glossary,
    rule_name,
    signal_name,
    signals,
)
from pipeline.report import charts
from pipeline.report.diff import word_diff
from pipeline.report.xlsx import ChunkedSheet
from pipeline.spool import ArticleStore

# Span colour classes by score: the evidence an editor should look at first stands out.
_SPAN_LEVELS = ((0.8, "s-hi"), (0.5, "s-mid"), (0.0, "s-lo"))


def _span_class(score: Any) -> str:
    value = _num(score) or 0.0
    return next(cls for floor, cls in _SPAN_LEVELS if value >= floor)


def highlight(text: str, spans: list, limit: int) -> Markup:
    """``text`` (first ``limit`` chars) escaped, with each spin span wrapped in ``<mark>`` and
    its suggestion written after it in a ``<small>`` (visible without hovering).

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
        out.append(f'<mark class="spin {_span_class(sp.score)}" '
                   f'title="{escape(f"{tip} ({signal_name(sp.signal)}, {_num(sp.score) or 0.0:.2f})")}" '
                   f'data-signal="{escape(sp.signal)}">{escape(shown[start:end])}</mark>')
        if sp.suggestion:
            out.append(f'<small class="sugg">\u2192 {escape(sp.suggestion)}</small>')
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


def _flag_list(flags: list) -> list[dict[str, str]]:
    """Each failed rule as ``{rule, text}``: the id and the plain sentence with value and limit."""
    return [{"rule": r, "text": flag_sentence(f)} for r, f in zip(flag_rules(flags), flags,
                                                                   strict=True)]


def _readability(a: Article) -> dict[str, Any]:
    metrics = (a.quality or {}).get("metrics") or {}
    return {"ease": _num(metrics.get("flesch_reading_ease")), "grade": _num(metrics.get("grade")),
            "fk": _num(metrics.get("flesch_kincaid_grade")), "smog": _num(metrics.get("smog_index")),
            "fog": _num(metrics.get("gunning_fog")), "dale": _num(metrics.get("dale_chall")),
            "band": (a.quality or {}).get("grade_band") or ""}


def _detail(a: Article, anchor: str, limit: int) -> dict[str, Any]:
    q = quality_of(a)
    evidence = [
        {"index": s.index, "text": s.text,
         "labels": [c for c in COMPONENTS if s.labels.get(c)],
         "evidence": [f"{c}: {s.evidence[c]}" for c in COMPONENTS if s.evidence.get(c)]}
        for s in a.sentences if any(s.labels.get(c) for c in COMPONENTS)
    ]
    spans = [{"text": sp.text, "suggestion": sp.suggestion, "signal": sp.signal,
              "signal_name": signal_name(sp.signal), "score": sp.score, "level": _span_class(sp.score),
              "start_char": sp.start_char, "end_char": sp.end_char} for sp in a.spin_spans]
    dedup = dict(a.dedup or {})
    return {
        "id": a.article_id, "anchor": anchor, "title": a.title or a.article_id,
        "source": a.source, "url": a.url, "href": _safe_url(a.url), "action": a.action, "reason": a.action_reason,
        "words": a.words, "quality": _num(q.get("score")), "low": bool(q.get("low_quality")),
        "flags": _flag_list(q.get("flags") or []),
        "readability": _readability(a),
        "spin": _num((a.spin or {}).get("score")), "spun": bool((a.spin or {}).get("spun")),
        "spin_reasons": list((a.spin or {}).get("reasons", [])),
        "spans": spans,
        "text": highlight(a.text, a.spin_spans, limit) if spans else None,
        "evidence": evidence,
        "elements": {k: v for k, v in sorted(((a.alliance or {}).get("elements") or {}).items())
                     if v},
        "dedup": dedup,
        # Why this member of a duplicate cluster was kept (written by the duplicate stage when
        # it gives one).
        "kept_reason": str(dedup.get("kept_reason") or dedup.get("canonical_reason") or ""),
        "not_applicable": "" if a.applicable else a.not_applicable_reason,
    }


def _row_order(row: dict[str, Any]) -> tuple:
    """Most urgent first: action, then higher spin score, lower quality, id."""
    return (row["rank"], -(row["spin"] or 0.0),
            row["quality"] if row["quality"] is not None else 1.0, row["id"])


_PAGE_COLUMNS = ["article_id", "source", "title", "words", "quality_score", "low_quality",
                 "spin_score", "spun", *COMPONENTS, "near_duplicate_of", "action", "action_reason",
                 "quality_flag_rules", "flesch_reading_ease", "readability_band", "dup_kind"]


def _frames(table: pd.DataFrame | ChunkedSheet) -> Iterator[pd.DataFrame]:
    """The frames of a table: itself, or a chunked sheet's chunks."""
    if isinstance(table, ChunkedSheet):
        yield from (table.chunks() if table.rows else ())
    else:
        yield table


def _page_rows(articles_df: pd.DataFrame | ChunkedSheet, order: list[str],
               source_names: set[str]) -> Iterator[dict[str, Any]]:
    """The page's table row of each article, one at a time (``source_names`` collects every
    source on the way, for the filter)."""
    # Only the columns the page shows (a dict per article of every column is ~5 KB each).
    for whole in _frames(articles_df):
        frame = whole.reindex(columns=_PAGE_COLUMNS)
        yield from _frame_rows(frame, order, source_names)


def _frame_rows(frame: pd.DataFrame, order: list[str],
                source_names: set[str]) -> Iterator[dict[str, Any]]:
    for start in range(0, len(frame), 5000):
        for r in frame.iloc[start:start + 5000].to_dict("records"):
            source_names.add(str(r["source"]))
            rules = [x for x in str(r["quality_flag_rules"] or "").split(";")
                     if x and x != "nan"]
            yield {
                "id": r["article_id"], "source": r["source"],
                "title": r["title"] or r["article_id"], "words": r["words"],
                "quality": _num(r["quality_score"]), "low": _flag(r["low_quality"]),
                "spin": _num(r["spin_score"]), "spun": _flag(r["spun"]),
                "components": [_num(r[c]) for c in COMPONENTS],
                "dup": r["near_duplicate_of"] or "", "action": r["action"] or "",
                "dup_kind": r["dup_kind"] if isinstance(r["dup_kind"], str) else "",
                "rank": order.index(r["action"]) if r["action"] in order else len(order),
                "reason": r.get("action_reason", ""),
                "rules": rules,
                "ease": _num(r["flesch_reading_ease"]),
                "band": r["readability_band"] if isinstance(r["readability_band"], str) else "",
            }


@dataclass
class _Scan:
    """What one pass over the articles gathers for the cards, charts and urgency order."""

    actions: Counter = field(default_factory=Counter)
    qualities: list[float] = field(default_factory=list)
    spins: list[float] = field(default_factory=list)
    rule_counts: Counter = field(default_factory=Counter)     # rule id -> articles failing it
    name_counts: Counter = field(default_factory=Counter)     # plain rule name -> articles
    name_rules: dict[str, set[str]] = field(default_factory=dict)  # plain name -> rule ids
    signal_counts: Counter = field(default_factory=Counter)   # signal -> spans
    urgency: list[tuple[tuple, str, str]] = field(default_factory=list)
    clusters: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    duplicate_kinds: Counter = field(default_factory=Counter)
    cards: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("articles", "words", "spun", "low_quality", "duplicates"), 0))


def _scan(articles: Iterable[Article], order: list[str]) -> _Scan:
    """First pass: counts, chart values, urgency keys and duplicate clusters."""
    scan = _Scan()
    for a in articles:
        q = quality_of(a)
        scan.actions[a.action] += 1
        if (score := _num(q.get("score"))) is not None:
            scan.qualities.append(score)
        if (spin := _num((a.spin or {}).get("score"))) is not None:
            scan.spins.append(spin)
        rules = set(flag_rules(q.get("flags") or []))
        scan.rule_counts.update(rules)
        # Several rules share a plain name ("keyword stuffing"): an article counts once per name.
        scan.name_counts.update({rule_name(r) for r in rules})
        for r in rules:
            scan.name_rules.setdefault(rule_name(r), set()).add(r)
        scan.signal_counts.update(sp.signal for sp in a.spin_spans)
        scan.urgency.append((_urgency(a, order), a.article_id, a.action))
        dedup = a.dedup or {}
        if dedup.get("cluster"):
            scan.clusters.setdefault(dedup["cluster"], []).append({
                "id": a.article_id, "title": a.title, "source": a.source,
                "kind": dedup.get("kind", "") or "canonical",
                "similarity": dedup.get("similarity", 0.0), "canonical": dedup.get("canonical", ""),
                "kept_reason": str(dedup.get("kept_reason") or dedup.get("canonical_reason") or "")})
        if dedup.get("near_duplicate_of"):
            scan.duplicate_kinds[dedup.get("kind") or "near"] += 1
        scan.cards["articles"] += 1
        scan.cards["words"] += a.words or 0
        scan.cards["spun"] += bool((a.spin or {}).get("spun"))
        scan.cards["low_quality"] += bool(q.get("low_quality"))
        scan.cards["duplicates"] += bool(dedup.get("near_duplicate_of"))
    scan.urgency.sort(key=lambda u: u[0])
    return scan


def _cluster_list(clusters: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """Clusters sorted by id, the canonical member first; the canonical shows no similarity."""
    out = []
    for cid, members in sorted(clusters.items()):
        rows = sorted(({k: m[k] for k in ("id", "title", "source", "kind", "similarity",
                                           "kept_reason")} for m in members),
                      key=lambda m: (m["kind"] != "canonical", m["id"]))
        for m in rows:
            if m["kind"] == "canonical":
                m["similarity"] = None
        out.append({"id": cid, "canonical": members[0]["canonical"], "members": rows})
    return out


def _second_pass(articles: Iterable[Article], anchors: dict[str, str], fix_ids: list[str],
                 wanted_texts: set[str], limit: int) -> tuple[list, dict, dict[str, str]]:
    """Second pass: the detail of each anchored article, the fix-first rows, and the text of
    the duplicate members whose differences are shown (cut at ``limit`` characters)."""
    details, fix, texts = [], {}, {}
    wanted = set(fix_ids)
    for a in articles:
        if a.article_id in anchors:
            details.append(_detail(a, anchors[a.article_id], limit))
        if a.article_id in wanted:
            fix[a.article_id] = {"id": a.article_id, "title": a.title or a.article_id,
                                 "source": a.source, "action": a.action, "reason": a.action_reason}
        if a.article_id in wanted_texts:
            texts[a.article_id] = a.text[:limit]
    details.sort(key=lambda d: int(d["anchor"][4:]))
    return details, [fix[key] for key in fix_ids if key in fix], texts


class _Details(Sequence[dict[str, Any]]):
    """The page's article details in anchor order, each built from its article (read back from
    the run's store, or found in the list) when the template reaches it."""

    def __init__(self, articles: Iterable[Article], keys: list[tuple[str, str]],
                 limit: int) -> None:
        self._keys = sorted(keys, key=lambda k: int(k[1][4:]))
        self._limit = limit
        if isinstance(articles, ArticleStore):
            self._get: Callable[[str], Article] = articles.get
        else:
            wanted = {key for key, _ in keys}
            self._get = {a.article_id: a for a in articles if a.article_id in wanted}.__getitem__

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for key, anchor in self._keys:
            yield _detail(self._get(key), anchor, self._limit)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [_detail(self._get(k), a, self._limit) for k, a in self._keys[index]]
        key, anchor = self._keys[index]
        return _detail(self._get(key), anchor, self._limit)


def _diff_pairs(cluster_list: list[dict[str, Any]], max_pairs: int) -> list[tuple[str, str]]:
    """(canonical, member) pairs whose differences the page shows, the first ``max_pairs``."""
    pairs = [(c["canonical"], m["id"]) for c in cluster_list for m in c["members"]
             if m["kind"] != "canonical" and c["canonical"] and m["id"] != c["canonical"]]
    return pairs[:max_pairs]


def _attach_diffs(cluster_list: list[dict[str, Any]], pairs: list[tuple[str, str]],
                  texts: dict[str, str], max_words: int, max_cost: int) -> None:
    shown = set(pairs)
    for c in cluster_list:
        for m in c["members"]:
            m["diff"] = None
            if (c["canonical"], m["id"]) in shown and c["canonical"] in texts and m["id"] in texts:
                m["diff"] = word_diff(texts[c["canonical"]], texts[m["id"]], max_words,
                                      max_cost=max_cost)


def _charts(scan: _Scan, sources: list[dict], thresholds: dict[str, float]) -> dict[str, Markup]:
    """The page's SVG charts, with the configured thresholds drawn on them."""
    spin_at, low_below = thresholds["spin"], thresholds["quality"]
    rule_bars = [(name, n, ", ".join(sorted(scan.name_rules[name])))
                 for name, n in sorted(scan.name_counts.items(),
                                       key=lambda kv: (-kv[1], kv[0]))[:15]]
    signal_bars = [(signal_name(sig), n, sig)
                   for sig, n in sorted(scan.signal_counts.items(),
                                        key=lambda kv: (-kv[1], kv[0]))[:15]]
    return {
        "heatmap": charts.heatmap(
            [str(s["source"]) for s in sources], [c.replace("_", " ") for c in COMPONENTS],
            [[_num(s[f"coverage_{c}"]) for c in COMPONENTS] for s in sources],
            "Share of each source's articles that discuss each alliance component"),
        "quality": charts.histogram(
            scan.qualities, "Quality score distribution (0 bad, 1 good)", colour="#4a7fb0",
            marker=low_below, marker_label=f"low quality below {low_below:g}",
            x_label="quality score", y_label="articles"),
        "spin": charts.histogram(
            scan.spins, "Spin score distribution (probability spun)", colour="#c0392b",
            marker=spin_at, marker_label=f"spun from {spin_at:g}", x_label="spin score",
            y_label="articles"),
        "flags": charts.bars(rule_bars, "Failed quality rules", x_label="articles failing"),
        "signals": charts.bars(signal_bars, "Spin evidence by signal", colour="#8e44ad",
                               x_label="suspect spans"),
    }


def _run_block(run_info: dict) -> dict[str, Any]:
    counts = run_info.get("counts", {})
    return {
        "corpus": run_info.get("corpus", ""), "started": run_info.get("started", ""),
        "seconds": run_info.get("seconds", ""), "digest": run_info.get("config_digest", ""),
        "versions": sorted((run_info.get("versions") or {}).items()),
        "config": json.dumps(run_info.get("config", {}), indent=2, sort_keys=True, default=str),
        "counts": sorted((k, v) for k, v in counts.items() if not isinstance(v, dict)),
    }


def _facets(scan: _Scan, order: list[str]) -> dict[str, Any]:
    """The filter chips: flags, actions and the failed rules (plain name, its rule ids, articles)."""
    rules = [(" ".join(sorted(scan.name_rules[name])), name, n)
             for name, n in sorted(scan.name_counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return {
        "flags": [("spun", "spun", scan.cards["spun"]),
                  ("low", "low quality", scan.cards["low_quality"]),
                  ("dup", "duplicate", scan.cards["duplicates"])],
        "actions": [(a, scan.actions.get(a, 0)) for a in order],
        "rules": rules[:25],
    }


def build_context(articles: Iterable[Article], errors: list[IngestError], run_info: dict,
                  articles_df: pd.DataFrame | ChunkedSheet, sources_df: pd.DataFrame,
                  options: dict[str, Any]) -> dict[str, Any]:
    """Everything the template shows, as plain values (escaping is the template's job).

    ``articles`` is read twice, one article at a time (it may be the run's article store): once
    for the counts, charts and urgency order, once for the detailed articles.
    """
    order = list(options.get("actions", ["remove", "rewrite", "review", "keep"]))
    scan = _scan(articles, order)
    source_names: set[str] = set()
    # The page lists at most report_max_rows articles, the most urgent first (articles.csv
    # holds all): a browser cannot sort a table of 100,000 rows, and the rows are picked with
    # a bounded heap, so memory does not grow with the corpus either.
    rows = heapq.nsmallest(int(options.get("report_max_rows", 5000)),
                           _page_rows(articles_df, order, source_names), key=_row_order)
    sources = sources_df.to_dict("records")
    limit = int(options.get("report_max_text_chars", 20000))
    # Article ids hold "/" and "#": anchors are positional instead.
    anchors = {key: f"art-{i}" for i, (_, key, _) in
               enumerate(scan.urgency[: int(options.get("report_max_details", 1000))])}
    fix_ids = [key for _, key, action in scan.urgency
               if action and action != order[-1]][: int(options.get("report_top_fix", 25))]
    for row in rows:
        row["anchor"] = anchors.get(row["id"], "")
    cluster_list = _cluster_list(scan.clusters)
    pairs = _diff_pairs(cluster_list, int(options.get("report_max_diffs", 200)))
    _, fix_first, texts = _second_pass(articles, {}, fix_ids,
                                       {i for pair in pairs for i in pair}, limit)
    # Built one at a time while the page is written (a detail of a spun article holds every
    # span: ~100 KB; a thousand of them held at once were most of the report's memory).
    details = _Details(articles, [(key, anchor) for key, anchor in anchors.items()], limit)
    _attach_diffs(cluster_list, pairs, texts, int(options.get("report_diff_max_words", 4000)),
                  int(options.get("report_diff_max_cost", 2_000_000)))
    thresholds = {"spin": float(options.get("spin_threshold", 0.5)),
                  "quality": float(options.get("low_quality_below", 0.5))}
    return {
        "run": _run_block(run_info),
        "cards": {**scan.cards, "sources": len(sources), "errors": len(errors),
                  "clusters": len(cluster_list),
                  "duplicate_kinds": sorted(scan.duplicate_kinds.items())},
        "actions": [(a, scan.actions.get(a, 0)) for a in order],
        "fix_first": fix_first,
        "components": COMPONENTS,
        "rows": rows,
        "rows_total": (articles_df.rows if isinstance(articles_df, ChunkedSheet)
                       else len(articles_df)),
        "sources": sources,
        "source_names": sorted(source_names),
        "action_names": order,
        "facets": _facets(scan, order),
        "thresholds": thresholds,
        "charts": _charts(scan, sources, thresholds),
        "details": details,
        "anchors": anchors,
        "details_total": scan.cards["articles"],
        "clusters": cluster_list,
        "glossary": glossary(scan.rule_counts),
        "signal_glossary": [{"signal": s, "name": signal_name(s),
                             "about": signals().get(s, {}).get("about", "")}
                            for s in sorted(scan.signal_counts)],
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
        # What ``stream(...).dump(fh)`` writes, without its iterator wrapper per piece.
        fh.writelines(_env().get_template("report.html.j2").generate(**context))
