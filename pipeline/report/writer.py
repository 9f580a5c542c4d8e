"""``write_reports``: every output file of a run, written into a staging folder.

Tables, Markdown and JSONL are deterministic (sorted rows, fixed float format, no time);
``run.json`` and ``report.html`` show when the run started.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.article import Article, IngestError
from pipeline.config import default_values
from pipeline.report.article_table import ArticleTable
from pipeline.report.html import build_context, write_html
from pipeline.report.markdown import comparison_markdown_lines, report_markdown
from pipeline.report.xlsx import ChunkedSheet, write_workbook
from pipeline.spool import ArticleStore
from pipeline.tables import (
    SENTENCE_COLUMNS,
    SENTENCE_SORT,
    SPIN_COLUMNS,
    SPIN_SORT,
    errors_table,
    sentence_rows,
    spin_rows,
    table_chunks,
)
from pipeline.writers import CSV_FLOAT_FORMAT, atomic_write_text, write_csv


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _jsonl_lines(articles: Iterable[Article]) -> Iterator[str]:
    for a in _by_id(articles):
        yield json.dumps(a.to_dict(), sort_keys=True, ensure_ascii=False, default=_json_default) + "\n"


def _by_id(articles: Iterable[Article]) -> Iterable[Article]:
    """``articles`` in id order: a list is sorted, an :class:`ArticleStore` already is."""
    return articles if isinstance(articles, ArticleStore) else sorted(articles, key=lambda a: a.article_id)


def _report_options(run_info: dict) -> dict[str, Any]:
    """The [audit] settings of the run, and the thresholds the charts draw (spin, quality)."""
    defaults = default_values()
    config = run_info.get("config") or {}
    options = dict(defaults["audit"])
    options.update(config.get("audit") or {})
    spin = {**defaults["spin"], **(config.get("spin") or {})}
    quality = {**defaults["quality"], **(config.get("quality") or {})}
    options["spin_threshold"] = spin.get("threshold", 0.5)
    options["low_quality_below"] = quality.get("low_quality_below", 0.5)
    return options


@dataclass(frozen=True)
class OutputTable:
    """One output table: its file name (``name``.csv), workbook sheet, and whether a Parquet
    copy is written. :data:`TABLES` is the one list of them, in workbook order."""

    name: str
    sheet: str
    parquet: bool = True


TABLES = (
    OutputTable("sources", "Sources"),
    OutputTable("comparison", "Comparison"),
    OutputTable("articles", "Articles"),
    OutputTable("spin_evidence", "Spin evidence"),
    OutputTable("sentences", "Sentences"),
    OutputTable("duplicates", "Duplicates", parquet=False),
    OutputTable("errors", "Errors", parquet=False),
)


def duplicates_table(articles: list[Article]) -> pd.DataFrame:
    """A row per article in a duplicate cluster: cluster, canonical, kind, similarity (and why
    the canonical member was kept, when the duplicate stage says)."""
    columns = ["cluster", "article_id", "source", "canonical", "kind", "similarity",
               "near_duplicate_of", "canonical_reason"]
    rows = [{"cluster": a.dedup.get("cluster"), "article_id": a.article_id, "source": a.source,
             "canonical": a.dedup.get("canonical", ""), "kind": a.dedup.get("kind", ""),
             "similarity": a.dedup.get("similarity", 0.0),
             "near_duplicate_of": a.dedup.get("near_duplicate_of", ""),
             "canonical_reason": a.dedup.get("canonical_reason", "")}
            for a in articles if (a.dedup or {}).get("cluster")]
    if not rows:
        return pd.DataFrame(columns=columns)
    return pd.DataFrame(rows).reindex(columns=columns).sort_values(
        ["cluster", "article_id"], kind="stable").reset_index(drop=True)


def _write_chunked(stage: Path, name: str, sheet: ChunkedSheet) -> None:
    """``name``.csv and ``name``.parquet from the sheet's chunks: the same bytes (CSV) and
    values (Parquet) as writing the whole table at once."""
    if not sheet.rows:
        write_csv(stage / f"{name}.csv", sheet.empty)
        sheet.empty.to_parquet(stage / f"{name}.parquet", index=False)
        return
    writer: pq.ParquetWriter | None = None
    with open(stage / f"{name}.csv", "w", encoding="utf-8", newline="") as fh:
        try:
            for chunk in sheet.chunks():
                chunk.to_csv(fh, index=False, header=writer is None, lineterminator="\n",
                             float_format=CSV_FLOAT_FORMAT)
                table = pa.Table.from_pandas(chunk, preserve_index=False)
                if writer is None:
                    writer = pq.ParquetWriter(stage / f"{name}.parquet",
                                              sheet.schema or table.schema)
                # A chunk whose column is all missing infers "null": the table's (or the first
                # chunk's) types.
                if not table.schema.equals(writer.schema):
                    table = table.cast(writer.schema)
                writer.write_table(table)
        finally:
            if writer is not None:
                writer.close()


def _tables(articles: list[Article] | ArticleStore, errors: list[IngestError],
            per_article: ArticleTable) -> dict[str, pd.DataFrame | ChunkedSheet]:
    """Every table of :data:`TABLES` by name. The tables that grow with the corpus are chunked
    sheets (written a chunk at a time); the per-article ones are plain frames when they fit in
    one chunk (the files are then written exactly as before they were chunked)."""
    out: dict[str, pd.DataFrame | ChunkedSheet] = {}
    for name, sheet in (("articles", per_article.articles()),
                        ("comparison", per_article.comparison())):
        out[name] = (next(sheet.chunks(), sheet.empty) if sheet.rows <= per_article.chunk_rows
                     else sheet)
    out["sources"] = per_article.sources()
    out["sentences"] = ChunkedSheet(
        lambda: table_chunks(articles, sentence_rows, SENTENCE_SORT),
        sum(len(a.sentences) for a in articles), pd.DataFrame(columns=SENTENCE_COLUMNS))
    out["spin_evidence"] = ChunkedSheet(
        lambda: table_chunks(articles, spin_rows, SPIN_SORT),
        sum(len(a.spin_spans) for a in articles), pd.DataFrame(columns=SPIN_COLUMNS))
    out["duplicates"] = duplicates_table(articles)
    out["errors"] = errors_table(errors)
    return out


def _write_table(stage: Path, table: OutputTable, data: pd.DataFrame | ChunkedSheet) -> None:
    if isinstance(data, ChunkedSheet):
        _write_chunked(stage, table.name, data)
        return
    write_csv(stage / f"{table.name}.csv", data)
    if table.parquet:
        # Mixed object columns (e.g. booleans with gaps) are stored as nullable types by pyarrow.
        data.to_parquet(stage / f"{table.name}.parquet", index=False)


def write_reports(stage: Path, articles: list[Article] | ArticleStore, errors: list[IngestError],
                  run_info: dict) -> None:
    """Write all outputs of the contract (see DESIGN.md) into the folder ``stage``.

    ``articles``: a list, or the run's :class:`ArticleStore` (read one article at a time, so
    memory does not grow with the corpus).
    """
    t0 = time.perf_counter()
    stage = Path(stage)
    stage.mkdir(parents=True, exist_ok=True)
    articles = _by_id(articles)
    with closing(ArticleTable(articles)) as per_article:
        tables = _tables(articles, errors, per_article)
        # The stage folder is swapped in only when every file is written (``staged_output``),
        # so the files go straight to disk: no whole-file strings or byte copies in memory.
        for table in TABLES:
            _write_table(stage, table, tables[table.name])
        with open(stage / "comparison.md", "w", encoding="utf-8", newline="") as fh:
            fh.writelines(comparison_markdown_lines(tables["sources"], tables["comparison"]))
        with open(stage / "articles.jsonl", "w", encoding="utf-8", newline="") as fh:
            fh.writelines(_jsonl_lines(articles))
        write_workbook(stage / "audit.xlsx", {t.sheet: tables[t.name] for t in TABLES})

        context = build_context(articles, errors, run_info, tables["articles"],
                                tables["sources"], _report_options(run_info))
    write_html(stage / "report.html", context)
    atomic_write_text(stage / "report.md", report_markdown(context, tables["sources"]))
    steps = {**run_info.get("step_seconds", {}), "reports": round(time.perf_counter() - t0, 3)}
    run_info = {**run_info, "step_seconds": steps}
    atomic_write_text(stage / "run.json", json.dumps(run_info, indent=2, sort_keys=True,
                                                     ensure_ascii=False,
                                                     default=_json_default) + "\n")
