"""Markdown tables and the ``report.md`` summary (deterministic: no timestamps)."""

from __future__ import annotations

import math
import re

import pandas as pd

# Characters that Markdown (or HTML inside Markdown) would interpret; article text is data.
_SPECIAL = re.compile(r"([\\`*_\[\]|<>~])")


def md_escape(value: object) -> str:
    """One table cell: specials backslash-escaped, ``<``/``>``/``&`` as entities, one line."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}"
    text = " ".join(str(value).split())
    text = text.replace("&", "&amp;")
    text = _SPECIAL.sub(lambda m: {"<": "&lt;", ">": "&gt;"}.get(m.group(1), "\\" + m.group(1)),
                        text)
    return text


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


def comparison_markdown(sources: pd.DataFrame, comparison: pd.DataFrame) -> str:
    """``comparison.md``: the per-source summary, then a row per article."""
    return "\n".join([
        "# Comparison across sources", "",
        "## Per source", "",
        "Coverage = share of analysed articles that discuss the component at least once.", "",
        md_table(sources),
        "## Per article", "",
        md_table(comparison.drop(columns=["action_reason"], errors="ignore")),
    ])


def report_markdown(context: dict, sources: pd.DataFrame) -> str:
    """``report.md``: the summary of ``report.html`` for pasting into documents."""
    cards = context["cards"]
    lines = [
        "# Content audit", "",
        f"Corpus `{md_escape(context['run']['corpus'])}`, configuration "
        f"{md_escape(context['run']['digest'])}.", "",
        f"{cards['articles']} articles from {cards['sources']} sources ({cards['words']:,} words); "
        f"{cards['spun']} spun, {cards['low_quality']} low quality, {cards['duplicates']} "
        f"duplicates in {cards['clusters']} clusters, {cards['errors']} files with errors.", "",
        "| Action | Articles |", "|---|---:|",
        *(f"| {md_escape(a)} | {n} |" for a, n in context["actions"]), "",
        "## Fix first", "",
    ]
    fix = pd.DataFrame(context["fix_first"], columns=["action", "title", "source", "id", "reason"])
    lines += [md_table(fix, headers={"id": "article_id"}), "## Sources", "", md_table(sources)]
    lines += ["## Duplicate clusters", ""]
    members = [{"cluster": c["id"], **m} for c in context["clusters"] for m in c["members"]]
    lines.append(md_table(pd.DataFrame(members, columns=["cluster", "id", "source", "kind",
                                                         "similarity"]),
                          headers={"id": "article_id"}))
    lines += ["## Errors", "",
              md_table(pd.DataFrame(context["errors"], columns=["path", "reason"]))]
    return "\n".join(lines)
