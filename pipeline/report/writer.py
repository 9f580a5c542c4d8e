"""``write_reports``: every output file of a run, written into a staging folder.

Tables, Markdown and JSONL are deterministic (sorted rows, fixed float format, no time);
``run.json`` and ``report.html`` show when the run started.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pandas as pd

from pipeline.article import Article, IngestError
from pipeline.config import default_values
from pipeline.report.html import build_context, render_html
from pipeline.report.markdown import comparison_markdown, report_markdown
from pipeline.report.xlsx import workbook_bytes
from pipeline.tables import (
    articles_table,
    comparison_table,
    errors_table,
    sentences_table,
    sources_table,
    spin_table,
)
from pipeline.writers import atomic_write_bytes, atomic_write_text, csv_text


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def articles_jsonl(articles: list[Article]) -> str:
    """One JSON object per article (cleaned text and every field), sorted by id."""
    return "".join(
        json.dumps(a.to_dict(), sort_keys=True, ensure_ascii=False, default=_json_default) + "\n"
        for a in sorted(articles, key=lambda a: a.article_id)
    )


def _parquet_bytes(df: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    # Mixed object columns (e.g. booleans with gaps) are stored as nullable types by pyarrow.
    df.to_parquet(buf, index=False)
    return buf.getvalue()


def _report_options(run_info: dict) -> dict[str, Any]:
    options = dict(default_values()["audit"])
    options.update((run_info.get("config") or {}).get("audit") or {})
    return options


def duplicates_table(articles: list[Article]) -> pd.DataFrame:
    """A row per article in a duplicate cluster: cluster, canonical, kind, similarity."""
    columns = ["cluster", "article_id", "source", "canonical", "kind", "similarity",
               "near_duplicate_of"]
    rows = [{"cluster": a.dedup.get("cluster"), "article_id": a.article_id, "source": a.source,
             "canonical": a.dedup.get("canonical", ""), "kind": a.dedup.get("kind", ""),
             "similarity": a.dedup.get("similarity", 0.0),
             "near_duplicate_of": a.dedup.get("near_duplicate_of", "")}
            for a in articles if (a.dedup or {}).get("cluster")]
    if not rows:
        return pd.DataFrame(columns=columns)
    return pd.DataFrame(rows, columns=columns).sort_values(["cluster", "article_id"],
                                                           kind="stable").reset_index(drop=True)


def write_reports(stage: Path, articles: list[Article], errors: list[IngestError],
                  run_info: dict) -> None:
    """Write all outputs of the contract (see DESIGN.md) into the folder ``stage``."""
    stage = Path(stage)
    stage.mkdir(parents=True, exist_ok=True)
    articles = sorted(articles, key=lambda a: a.article_id)
    tables = {
        "articles": articles_table(articles),
        "sentences": sentences_table(articles),
        "spin_evidence": spin_table(articles),
    }
    tables["comparison"] = comparison_table(tables["articles"])
    tables["sources"] = sources_table(tables["articles"])
    errors_df = errors_table(errors)
    duplicates = duplicates_table(articles)

    for name, df in tables.items():
        atomic_write_text(stage / f"{name}.csv", csv_text(df))
        atomic_write_bytes(stage / f"{name}.parquet", _parquet_bytes(df))
    atomic_write_text(stage / "errors.csv", csv_text(errors_df))
    atomic_write_text(stage / "duplicates.csv", csv_text(duplicates))
    atomic_write_text(stage / "comparison.md",
                      comparison_markdown(tables["sources"], tables["comparison"]))
    atomic_write_text(stage / "articles.jsonl", articles_jsonl(articles))

    atomic_write_bytes(stage / "audit.xlsx", workbook_bytes({
        "Sources": tables["sources"],
        "Comparison": tables["comparison"],
        "Articles": tables["articles"],
        "Spin evidence": tables["spin_evidence"],
        "Sentences": tables["sentences"],
        "Duplicates": duplicates,
        "Errors": errors_df,
    }))

    context = build_context(articles, errors, run_info, tables["articles"], tables["sources"],
                            _report_options(run_info))
    atomic_write_text(stage / "report.html", render_html(context))
    atomic_write_text(stage / "report.md", report_markdown(context, tables["sources"]))
    atomic_write_text(stage / "run.json", json.dumps(run_info, indent=2, sort_keys=True,
                                                     ensure_ascii=False,
                                                     default=_json_default) + "\n")
