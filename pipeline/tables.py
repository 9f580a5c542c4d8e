"""Plain records -> pandas tables of the output contract (DESIGN.md).

Column order of the contract columns is fixed; extra columns follow them. Rows are sorted by
``article_id`` (and sentence/offset) so the same input gives byte-identical files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import pandas as pd

from pipeline.article import Article, IngestError
from pipeline.audit import quality_of
from pipeline.explain_text import flag_rules, flags_sentence

COMPONENTS = ("bond", "goals", "tasks", "rupture_repair")

ARTICLE_COLUMNS = [
    "article_id", "source", "url", "title", "words", "language", "quality_score",
    "low_quality", "quality_flags", "spin_score", "spun", "spin_evidence_count",
    *COMPONENTS, "near_duplicate_of", "action",
]
SENTENCE_COLUMNS = ["article_id", "sentence", "start_char", "end_char", "text", *COMPONENTS]
SPIN_COLUMNS = ["article_id", "start_char", "end_char", "text", "suggestion", "signal", "score"]
ERROR_COLUMNS = ["path", "reason"]


# Readability scores (computed by the quality stage) copied into the tables, and the band label.
READABILITY_COLUMNS = ("flesch_reading_ease", "flesch_kincaid_grade", "smog_index", "gunning_fog",
                       "dale_chall")
_FIXED_EXTRAS = ("action_reason", "quality_flags_plain", "quality_flag_rules",
                 *READABILITY_COLUMNS, "readability_grade", "readability_band", "author", "date", "format", "encoding", "applicable",
                 "boilerplate_lines", "boilerplate_chars", "exact_duplicate_of")
_INT_COLUMNS = ("words", "spin_evidence_count", *COMPONENTS, "citations_count")


def _readability(a: Article) -> dict:
    """The readability scores of ``a`` (None when not computed) and the grade band label."""
    metrics = (a.quality or {}).get("metrics") or {}
    row = {c: _rounded(metrics.get(c)) for c in READABILITY_COLUMNS}
    row["readability_grade"] = _rounded(metrics.get("grade"))
    row["readability_band"] = (a.quality or {}).get("grade_band") or ""
    return row


def _rounded(value) -> float | None:
    return round(float(value), 2) if isinstance(value, int | float) else None


def article_row(a: Article) -> dict:
    """One ``articles.csv`` row: contract columns first, then extras."""
    # The quality verdict (site norms applied) when available, else the component's own.
    q, s, al = quality_of(a) if a.quality else {}, a.spin, a.alliance
    counts = al.get("counts", {})
    row = {
        "article_id": a.article_id,
        "source": a.source,
        "url": a.url,
        "title": a.title,
        "words": a.words,
        "language": a.language,
        "quality_score": q.get("score"),
        "low_quality": q.get("low_quality"),
        "quality_flags": q.get("flags_text", ""),
        "spin_score": s.get("score"),
        "spun": s.get("spun"),
        "spin_evidence_count": len(a.spin_spans) if s else None,
        **{c: (counts.get(c) if a.applicable and al else None) for c in COMPONENTS},
        "near_duplicate_of": a.dedup.get("near_duplicate_of", ""),
        "action": a.action,
        # extras
        "action_reason": a.action_reason,
        "quality_flags_plain": flags_sentence(q.get("flags") or []),
        "quality_flag_rules": ";".join(flag_rules(q.get("flags") or [])),
        **_readability(a),
        "author": a.author,
        "date": a.date,
        "format": a.format,
        "encoding": a.encoding,
        "applicable": a.applicable,
        "boilerplate_lines": a.boilerplate_lines,
        "boilerplate_chars": a.boilerplate_chars,
        "exact_duplicate_of": a.exact_duplicate_of,
    }
    for key in ("elements", "citations_count"):
        value = al.get(key)
        if isinstance(value, dict):
            row.update({f"{key[:-1] if key.endswith('s') else key}_{k}": v for k, v in value.items()})
        elif value is not None:
            row[key] = value
    for key, value in sorted(a.dedup.items()):
        if key != "near_duplicate_of":
            row[f"dup_{key}"] = value
    return row


def articles_table(articles: Iterable[Article]) -> pd.DataFrame:
    rows = [article_row(a) for a in articles]
    df = pd.DataFrame(rows)
    if df.empty:
        return pd.DataFrame(columns=ARTICLE_COLUMNS)
    # Fixed extras first, then the per-article ones (elements, dedup) sorted by name, so the
    # column order never depends on which article comes first.
    fixed = [c for c in rows[0] if c not in ARTICLE_COLUMNS and c in _FIXED_EXTRAS]
    extras = fixed + sorted(c for c in df.columns if c not in ARTICLE_COLUMNS and c not in fixed)
    df = df[ARTICLE_COLUMNS + extras]
    # Counts stay integers where some articles have none (not analysed): nullable Int64.
    for c in df.columns:
        if c in _INT_COLUMNS or c.startswith("element_"):
            df[c] = pd.to_numeric(df[c], errors="coerce").round().astype("Int64")
    return df.sort_values("article_id", kind="stable").reset_index(drop=True)


def sentence_rows(a: Article) -> list[dict]:
    """The ``sentences.csv`` rows of one article (unsorted)."""
    return [
        {
            "article_id": a.article_id,
            "sentence": s.index,
            "start_char": s.start_char,
            "end_char": s.end_char,
            "text": s.text,
            **{c: int(s.labels.get(c, 0)) for c in COMPONENTS},
            **{f"evidence_{c}": s.evidence.get(c, "") for c in COMPONENTS},
        }
        for s in a.sentences
    ]


def spin_rows(a: Article) -> list[dict]:
    """The ``spin_evidence.csv`` rows of one article (unsorted)."""
    return [
        {"article_id": a.article_id, "start_char": sp.start_char, "end_char": sp.end_char,
         "text": sp.text, "suggestion": sp.suggestion, "signal": sp.signal, "score": sp.score}
        for sp in a.spin_spans
    ]


SENTENCE_SORT = ["article_id", "sentence"]
SPIN_SORT = ["article_id", "start_char", "end_char"]


def sentences_table(articles: Iterable[Article]) -> pd.DataFrame:
    rows = [r for a in articles for r in sentence_rows(a)]
    if not rows:
        return pd.DataFrame(columns=SENTENCE_COLUMNS)
    return pd.DataFrame(rows).sort_values(SENTENCE_SORT, kind="stable").reset_index(drop=True)


def spin_table(articles: Iterable[Article]) -> pd.DataFrame:
    rows = [r for a in articles for r in spin_rows(a)]
    if not rows:
        return pd.DataFrame(columns=SPIN_COLUMNS)
    return pd.DataFrame(rows).sort_values(SPIN_SORT, kind="stable").reset_index(drop=True)


def table_chunks(articles: list[Article], rows_of: Callable[[Article], list[dict]],
                 sort: list[str], min_rows: int = 20_000) -> Iterator[pd.DataFrame]:
    """The rows of ``sentences_table``/``spin_table`` as consecutive frames of whole articles
    (at least ``min_rows`` rows each, the last aside), so a large corpus never needs the whole
    table in memory. ``articles`` must be sorted by id (ids are unique): each frame sorted the
    same way is then a slice of the full sorted table."""
    rows: list[dict] = []
    for a in articles:
        rows.extend(rows_of(a))
        if len(rows) >= min_rows:
            yield pd.DataFrame(rows).sort_values(sort, kind="stable").reset_index(drop=True)
            rows = []
    if rows:
        yield pd.DataFrame(rows).sort_values(sort, kind="stable").reset_index(drop=True)


def errors_table(errors: Iterable[IngestError]) -> pd.DataFrame:
    rows = [{"path": e.path, "reason": e.reason} for e in errors]
    if not rows:
        return pd.DataFrame(columns=ERROR_COLUMNS)
    return pd.DataFrame(rows).sort_values(["path", "reason"], kind="stable").reset_index(drop=True)


COMPARISON_COLUMNS = ["source", "article_id", "title", "words", "quality_score", "low_quality",
                      "spin_score", "spun", *COMPONENTS, "action"]


def comparison_table(articles_df: pd.DataFrame) -> pd.DataFrame:
    """A row per article: source, title, words, quality, spin, the components, action.

    Extras after the contract columns: the alliance elements (``element_*``), citations, the
    duplicate cluster, ``near_duplicate_of`` and the action's reason.
    """
    columns = comparison_columns(list(articles_df.columns))
    if articles_df.empty:
        return pd.DataFrame(columns=columns)
    return articles_df[columns].sort_values(["source", "article_id"], kind="stable").reset_index(drop=True)


def comparison_columns(article_columns: list[str]) -> list[str]:
    """The comparison table's columns, given the articles table's."""
    extra_names = ["citations_count", "near_duplicate_of", "dup_cluster", "dup_kind",
                   "spin_evidence_count", "flesch_reading_ease", "readability_grade",
                   "readability_band", "action_reason"]
    extra = [c for c in article_columns if c.startswith("element_")]
    extra += [c for c in extra_names if c in article_columns]
    return COMPARISON_COLUMNS + extra


SOURCE_COLUMNS = ["source", "articles", "words_mean", "quality_mean", "share_spun",
                  "share_low_quality", *(f"coverage_{c}" for c in COMPONENTS),
                  "duplicates", *(f"action_{a}" for a in ("remove", "rewrite", "review", "keep")),
                  "flesch_reading_ease_mean", "readability_grade_mean"]


def _share(series: pd.Series) -> float | None:
    values = series.dropna()
    return float(values.astype(bool).mean()) if len(values) else None


def sources_table(articles_df: pd.DataFrame) -> pd.DataFrame:
    """A row per source: articles, mean words and quality, share spun / low quality, the share
    of (analysed) articles that discuss each component, duplicates and the action counts."""
    if articles_df.empty:
        return pd.DataFrame(columns=SOURCE_COLUMNS)
    rows = []
    for source, g in articles_df.groupby("source", sort=True, dropna=False):
        quality = pd.to_numeric(g["quality_score"], errors="coerce").dropna()
        row = {
            "source": source,
            "articles": len(g),
            "words_mean": float(pd.to_numeric(g["words"], errors="coerce").mean()),
            "quality_mean": float(quality.mean()) if len(quality) else None,
            "share_spun": _share(g["spun"]),
            "share_low_quality": _share(g["low_quality"]),
        }
        for c in COMPONENTS:
            counts = pd.to_numeric(g[c], errors="coerce").dropna()
            row[f"coverage_{c}"] = float((counts > 0).mean()) if len(counts) else None
        row["duplicates"] = int((g["near_duplicate_of"].fillna("") != "").sum())
        actions = g["action"].fillna("")
        for a in ("remove", "rewrite", "review", "keep"):
            row[f"action_{a}"] = int((actions == a).sum())
        for name, col in (("flesch_reading_ease_mean", "flesch_reading_ease"),
                          ("readability_grade_mean", "readability_grade")):
            values = pd.to_numeric(g.get(col, pd.Series(dtype=float)), errors="coerce").dropna()
            row[name] = round(float(values.mean()), 2) if len(values) else None
        rows.append(row)
    return pd.DataFrame(rows, columns=SOURCE_COLUMNS)
