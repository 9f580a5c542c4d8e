"""``audit.xlsx``: one formatted sheet per table (frozen header, filters, widths, colours)."""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd
import xlsxwriter

try:  # xlsxwriter's hyperlink record (pinned version; links are skipped without it)
    from xlsxwriter.url import Url
except ImportError:  # pragma: no cover
    Url = None

from pipeline.report import xlsx_rows

EXCEL_MAX_ROWS = 1_048_575  # data rows under the header
_ACTION_FILL = {"remove": "#f4b6b0", "rewrite": "#f9d9a6", "review": "#fdf2b3", "keep": "#cde8c4"}
# Fixed document date so the same tables give the same workbook.
_FIXED_DATE = datetime(2000, 1, 1)


def _cell_value(value: object) -> object:
    """A plain Python value for a cell, or None for any kind of missing (None, NaN, pd.NA)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item"):  # numpy scalar -> Python
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _width(series: pd.Series, header: str) -> float:
    sample = series.head(500).map(lambda v: len(str(v)) if v is not None else 0)
    longest = int(sample.max()) if len(sample) else 0
    return float(min(max(len(header) + 2, longest + 1, 6), 60))


def _column_values(series: pd.Series) -> list:
    """The column as plain Python values, None for every kind of missing (one pandas pass)."""
    values = series.astype(object)
    return values.where(values.notna(), None).tolist()


def _cell_writers(ws) -> tuple:
    # The undecorated writers: the public ones re-parse their arguments for "A1" notation on
    # each of the ~1M cells of a large corpus; the cell contents are the same.
    names = ("_write_string", "_write_boolean", "_write_number")
    if all(hasattr(ws, n) for n in names):
        return tuple(getattr(ws, n) for n in names)
    return ws.write_string, ws.write_boolean, ws.write_number  # pragma: no cover


@dataclass(frozen=True)
class ChunkedSheet:
    """A sheet too large to hold as one frame: ``chunks()`` yields its rows as frames in order
    (the same columns each; the first one, if the sheet has rows, holds at least 500 rows
    or all of them), ``rows`` is their total and ``empty`` the frame to show when 0."""

    chunks: Callable[[], Iterator[pd.DataFrame]]
    rows: int
    empty: pd.DataFrame
    # The Parquet schema of the whole table when the first chunk's types may not be it.
    schema: Any = None


# Rows converted and written per step: one article may have 100,000 sentences, and a step's
# cell values and XML are held in memory until it is written (~4 KB a row at most).
_ROW_BLOCK = 5_000


def _write_rows(ws, df: pd.DataFrame, n: int, first_row: int = 1) -> None:
    """``n`` data rows of ``df`` from ``first_row``, row by row (as ``constant_memory`` needs),
    a block of rows at a time; missing values stay empty."""
    for start in range(0, min(n, len(df)), _ROW_BLOCK):
        part = df.iloc[start:min(n, start + _ROW_BLOCK)]
        _write_block(ws, part, first_row + start)
        _link_urls(ws, part, first_row + start)


# Excel's limit of hyperlinks per worksheet (xlsxwriter ignores the ones beyond, with a warning).
_MAX_LINKS = 65_530


def _link_urls(ws, part: pd.DataFrame, first_row: int) -> None:
    """Make the web addresses of a ``url`` column clickable. The cells are already written (as
    plain strings, never formulas); only the hyperlink records are added, which xlsxwriter keeps
    apart from the cells and writes when the sheet is closed."""
    if "url" not in part.columns or not hasattr(ws, "hyperlinks") or Url is None:
        return
    j = list(part.columns).index("url")
    # write_url would refuse rows already flushed (constant_memory): record the links directly,
    # as write_url does after writing the cell.
    for i, value in enumerate(part["url"].tolist(), start=first_row):
        if ws.hlink_count >= _MAX_LINKS:
            break
        if isinstance(value, str) and value.lower().startswith(("http://", "https://")) \
                and len(value) <= 2000 and not any(c in value for c in ' "<>#'):
            ws.hlink_count += 1
            ws.hyperlinks[i][j] = Url(value)


def _frozen_columns(columns: list[str]) -> int:
    """Columns kept in view when scrolling sideways: up to the article id (and its title when
    it comes right after), else the first column."""
    if "article_id" in columns[:3]:
        k = columns.index("article_id") + 1
        return k + 1 if k < len(columns) and columns[k] == "title" else k
    return 1 if columns else 0


def _is_share(column: str) -> bool:
    return column.startswith(("share_", "coverage_"))


def _write_block(ws, part: pd.DataFrame, first_row: int) -> None:
    columns = [_column_values(part[c]) for c in part.columns]
    if xlsx_rows.supported(ws) and xlsx_rows.write_rows(ws, columns, first_row):
        return
    write_string, write_boolean, write_number = _cell_writers(ws)
    for i, row in enumerate(zip(*columns, strict=True), start=first_row):
        for j, value in enumerate(row):
            if value is None:
                continue
            kind = type(value)
            if kind is str:
                write_string(i, j, value)
            elif kind is bool:
                write_boolean(i, j, value)
            elif kind is int or kind is float:
                write_number(i, j, value)
            else:  # numpy scalars, NaN in object columns, other types: as before
                value = _cell_value(value)
                if value is None:
                    continue
                if isinstance(value, str):
                    write_string(i, j, value)
                elif isinstance(value, bool):
                    write_boolean(i, j, value)
                elif isinstance(value, int | float):
                    write_number(i, j, value)
                else:
                    write_string(i, j, str(value))


def write_workbook(target: str | Path | BinaryIO,
                   sheets: dict[str, pd.DataFrame | ChunkedSheet]) -> None:
    """Write the workbook to ``target`` (a path or a binary file); sheet names are the dict
    keys (<= 31 chars). Rows go to disk as they are written (``constant_memory``), so memory
    does not grow with the tables; sheets beyond Excel's row limit are cut with a note."""
    # Article text must never become a formula or a link (CSV/formula injection).
    wb = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_formulas": False,
                                      "strings_to_urls": False, "strings_to_numbers": False,
                                      "nan_inf_to_errors": True})
    wb.set_properties({"title": "alliance-audit", "created": _FIXED_DATE})
    head = wb.add_format({"bold": True, "bg_color": "#dde6ee", "bottom": 1, "text_wrap": True,
                          "valign": "top"})
    num = wb.add_format({"num_format": "0.00"})
    pct = wb.add_format({"num_format": "0%"})
    link = wb.add_format({"font_color": "#1f4e9c", "underline": 1})
    fills = {k: wb.add_format({"bg_color": v}) for k, v in _ACTION_FILL.items()}
    flag = wb.add_format({"bg_color": "#f4b6b0"})
    for name, sheet in sheets.items():
        ws = wb.add_worksheet(name[:31])
        if isinstance(sheet, ChunkedSheet):
            total = sheet.rows
            chunks = sheet.chunks() if total else iter(())
            df = next(chunks, sheet.empty)
        else:
            total, chunks, df = len(sheet), iter(()), sheet
        columns = [str(c) for c in df.columns]
        n = min(total, EXCEL_MAX_ROWS)
        for j, col in enumerate(columns):
            ws.write_string(0, j, col, head)
            is_float = pd.api.types.is_float_dtype(df[col])
            fmt = pct if _is_share(col) else num if is_float else link if col == "url" else None
            ws.set_column(j, j, _width(df[col], col), fmt)
        if total > EXCEL_MAX_ROWS:
            ws.write_string(0, len(columns), f"truncated: {total} rows, see the CSV")
        row = 1
        while row <= n:
            _write_rows(ws, df, n - row + 1, row)
            row += min(len(df), n - row + 1)
            df = next(chunks, None)
            if df is None:
                break
        ws.freeze_panes(1, _frozen_columns(columns))
        if columns:
            ws.autofilter(0, 0, max(n, 1), len(columns) - 1)
        if n:
            _conditional(ws, columns, n, fills, flag)
    wb.close()


def workbook_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """The workbook as bytes (see :func:`write_workbook`)."""
    buf = io.BytesIO()
    write_workbook(buf, sheets)
    return buf.getvalue()


def _conditional(ws, columns: list[str], n: int, fills: dict, flag) -> None:
    for j, col in enumerate(columns):
        if col == "action":
            for action, fmt in fills.items():
                ws.conditional_format(1, j, n, j, {"type": "cell", "criteria": "==",
                                                   "value": f'"{action}"', "format": fmt})
        elif col in ("quality_score", "quality_mean"):
            ws.conditional_format(1, j, n, j, {"type": "3_color_scale", "min_color": "#f8696b",
                                               "mid_color": "#ffeb84", "max_color": "#63be7b",
                                               "min_type": "num", "min_value": 0,
                                               "mid_type": "num", "mid_value": 0.5,
                                               "max_type": "num", "max_value": 1})
        elif col in ("spin_score", "share_spun", "share_low_quality"):
            ws.conditional_format(1, j, n, j, {"type": "2_color_scale", "min_color": "#ffffff",
                                               "max_color": "#f8696b", "min_type": "num",
                                               "min_value": 0, "max_type": "num", "max_value": 1})
        elif col.startswith("coverage_"):
            ws.conditional_format(1, j, n, j, {"type": "data_bar", "bar_color": "#63a3be",
                                               "min_type": "num", "min_value": 0,
                                               "max_type": "num", "max_value": 1})
        elif col in ("spun", "low_quality"):
            ws.conditional_format(1, j, n, j, {"type": "cell", "criteria": "==",
                                               "value": "TRUE", "format": flag})
