"""``audit.xlsx``: one formatted sheet per table (frozen header, filters, widths, colours)."""

from __future__ import annotations

import io
import math
from datetime import datetime

import pandas as pd
import xlsxwriter

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


def workbook_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """The workbook as bytes; sheet names are the dict keys (<= 31 chars)."""
    buf = io.BytesIO()
    # Article text must never become a formula or a link (CSV/formula injection).
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False,
                                   "strings_to_urls": False, "strings_to_numbers": False,
                                   "nan_inf_to_errors": True})
    wb.set_properties({"title": "alliance-audit", "created": _FIXED_DATE})
    head = wb.add_format({"bold": True, "bg_color": "#dde6ee", "bottom": 1, "text_wrap": True,
                          "valign": "top"})
    num = wb.add_format({"num_format": "0.00"})
    fills = {k: wb.add_format({"bg_color": v}) for k, v in _ACTION_FILL.items()}
    flag = wb.add_format({"bg_color": "#f4b6b0"})
    for name, df in sheets.items():
        ws = wb.add_worksheet(name[:31])
        columns = [str(c) for c in df.columns]
        rows = df.head(EXCEL_MAX_ROWS)
        for j, col in enumerate(columns):
            ws.write_string(0, j, col, head)
            is_float = pd.api.types.is_float_dtype(df[col])
            ws.set_column(j, j, _width(df[col], col), num if is_float else None)
        for i, row in enumerate(rows.itertuples(index=False, name=None), start=1):
            for j, value in enumerate(row):
                value = _cell_value(value)
                if value is None:
                    continue
                if isinstance(value, str):
                    ws.write_string(i, j, value)
                elif isinstance(value, bool):
                    ws.write_boolean(i, j, value)
                elif isinstance(value, int | float):
                    ws.write_number(i, j, value)
                else:
                    ws.write_string(i, j, str(value))
        n = len(rows)
        ws.freeze_panes(1, 0)
        if columns:
            ws.autofilter(0, 0, max(n, 1), len(columns) - 1)
        if n:
            _conditional(ws, columns, n, fills, flag)
        if len(df) > EXCEL_MAX_ROWS:
            ws.write_string(0, len(columns), f"truncated: {len(df)} rows, see the CSV")
    wb.close()
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
