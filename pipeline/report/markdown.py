"""Markdown tables and the ``report.md`` summary (deterministic: no timestamps)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

import pandas as pd

from pipeline.report.xlsx import ChunkedSheet

# Only what Markdown would act on is escaped, so a cell reads the same pasted as plain text:
# "|" (cell break), an HTML tag start "<x", "</", "<!", "<?" (as &lt;), an entity-like "&x;",
# link brackets, backticks, tildes, asterisks, and underscores at a word edge (GFM ignores
# intraword ones, as in rule ids like top_2gram_char_frac).
_PIPE = re.compile(r"([\\|`*\[\]~])")
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_EDGE_UNDERSCORE = re.compile(r"(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")


def md_escape(value: object) -> str:
    """One table cell on one line, escaped only where Markdown would interpret it."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}"
    text = " ".join(str(value).split())
    text = _ENTITY.sub("&amp;", text)
    text = _TAG_START.sub("&lt;", text)
    text = _PIPE.sub(r"\\\1", text)
    return _EDGE_UNDERSCORE.sub(r"\\_", text)


def md_table(df: pd.DataFrame, columns: list[str] | None = None,
             headers: dict[str, str] | None = None, max_rows: int | None = None) -> str:
    """A GitHub-flavoured Markdown table of ``df`` (numbers right-aligned)."""
    columns = [c for c in (columns or list(df.columns)) if c in df.columns]
    headers = headers or {}
    if not columns:
        return "_(no columns)_\n"
    head = "| " + " | ".join(md_escape(headers.get(c, c)) for c in columns) + " |"
    align = "|" + "|".join(
        "---:" if pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])
        else "---" for c in columns) + "|"
    shown = df if max_rows is None else df.head(max_rows)
    body = ["| " + " | ".join(md_escape(v) for v in row) + " |"
            for row in shown[columns].itertuples(index=False, name=None)]
    out = "\n".join([head, align, *body]) + "\n"
    if not len(df):
        out += "\n_(no rows)_\n"
    elif max_rows is not None and len(df) > max_rows:
        out += f"\n_{len(df) - max_rows} more rows in the CSV_\n"
    return out


# comparison.md's per-article table: the columns that fit a page (comparison.csv has them all).
_ARTICLE_MD_COLUMNS = ["source", "article_id", "words", "quality_score", "spin_score",
                       "bond", "goals", "tasks", "rupture_repair", "flesch_reading_ease", "action"]
_SHORT = {"quality_score": "quality", "spin_score": "spin", "rupture_repair": "rupture",
          "flesch_reading_ease": "reading ease", "words_mean": "words", "quality_mean": "quality",
          "share_spun": "spun", "share_low_quality": "low quality",
          "flesch_reading_ease_mean": "reading ease", "readability_grade_mean": "grade"}


def _percent(df: pd.DataFrame) -> pd.DataFrame:
    """Shares (0..1) as whole percentages for reading."""
    out = df.copy()
    for c in out.columns:
        if c.startswith(("share_", "coverage_")):
            out[c] = out[c].map(lambda v: "" if v is None or pd.isna(v) else f"{v:.0%}")
    return out


def _source_table(sources: pd.DataFrame) -> str:
    headers = {**_SHORT, **{f"coverage_{c}": c.replace("rupture_repair", "rupture")
                            for c in ("bond", "goals", "tasks", "rupture_repair")}}
    return md_table(_percent(sources), headers=headers)


def comparison_markdown(sources: pd.DataFrame, comparison: pd.DataFrame) -> str:
    """``comparison.md``: the per-source summary, then a row per article (the main columns;
    comparison.csv holds every column)."""
    return "".join(comparison_markdown_lines(sources, comparison))


def comparison_markdown_lines(sources: pd.DataFrame,
                              comparison: pd.DataFrame | ChunkedSheet) -> Iterator[str]:
    """:func:`comparison_markdown` in pieces, the article rows read a chunk at a time when
    ``comparison`` is a chunked sheet (the same text)."""
    yield "\n".join([
        "# Comparison across sources", "",
        "## Per source", "",
        "Component columns: share of the source's analysed articles that discuss the component "
        "in at least one sentence. Reading ease: Flesch (0 hard, 100 easy).", "",
        _source_table(sources),
        "## Per article", "",
        "Component columns: number of sentences that discuss the component. Every column is in "
        "`comparison.csv`.", "", ""])
    if isinstance(comparison, pd.DataFrame):
        yield md_table(comparison, columns=_ARTICLE_MD_COLUMNS, headers=_SHORT)
        return
    chunks = comparison.chunks() if comparison.rows else iter(())
    first = next(chunks, comparison.empty)
    table = md_table(first, columns=_ARTICLE_MD_COLUMNS, headers=_SHORT)
    if not comparison.rows:
        yield table
        return
    yield table
    for chunk in chunks:
        # The header and alignment rows come from the first chunk: only the body here.
        yield md_table(chunk, columns=_ARTICLE_MD_COLUMNS, headers=_SHORT).split("\n", 2)[2]


def report_markdown(context: dict, sources: pd.DataFrame) -> str:
    """``report.md``: the summary of ``report.html`` for pasting into documents."""
    cards = context["cards"]
    kinds = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in cards.get("duplicate_kinds", []))
    lines = [
        "# Content audit", "",
        f"Corpus `{md_escape(context['run']['corpus'])}`, configuration "
        f"{md_escape(context['run']['digest'])}.", "",
        f"{cards['articles']} articles from {cards['sources']} sources ({cards['words']:,} words); "
        f"{cards['spun']} spun, {cards['low_quality']} low quality, {cards['duplicates']} "
        f"duplicates{f' ({kinds})' if kinds else ''} in {cards['clusters']} clusters, "
        f"{cards['errors']} files with errors.", "",
        "| Action | Articles |", "|---|---:|",
        *(f"| {md_escape(a)} | {n} |" for a, n in context["actions"]), "",
        "## Fix first", "",
    ]
    fix = pd.DataFrame(context["fix_first"], columns=["action", "title", "source", "id", "reason"])
    lines += [md_table(fix, headers={"id": "article_id"}), "## Sources", "",
              _source_table(sources)]
    lines += ["## Duplicate clusters", ""]
    members = [{"cluster": c["id"], **m,
                "kind": "kept" if m["kind"] == "canonical" else m["kind"].replace("_", " ")}
               for c in context["clusters"] for m in c["members"]]
    lines.append(md_table(pd.DataFrame(members, columns=["cluster", "id", "source", "kind",
                                                         "similarity", "kept_reason"]),
                          headers={"id": "article_id", "similarity": "similarity to kept",
                                   "kept_reason": "why kept"}))
    lines += ["## Glossary", "",
              md_table(pd.DataFrame(context.get("glossary", []), columns=["rule", "name", "about"]),
                       headers={"rule": "rule id", "about": "what it measures"})]
    lines += ["## Errors", "",
              md_table(pd.DataFrame(context["errors"], columns=["path", "reason"]))]
    return "\n".join(lines)
