"""Data rows of a ``constant_memory`` xlsxwriter sheet, written as XML a column at a time.

xlsxwriter spends ~5 µs per cell (argument checks, a cell tuple, then the XML of each cell on
the next row); a large corpus has millions of cells (a row per sentence). :func:`write_rows`
produces the same ``<row>``/``<c>`` XML xlsxwriter writes for strings, numbers and booleans
(inline strings, the column's number format, control characters as ``_xHHHH_``, strings cut
at Excel's 32,767 UTF-16 units) straight into the sheet's row-data file, and returns False
(nothing written) when a value needs xlsxwriter's own writer (NaN/inf, other types).
It relies on xlsxwriter's ``constant_memory`` internals, pinned with the package version;
``tests/report/test_xlsx.py`` compares the sheet XML with xlsxwriter's own, byte for byte.
"""

from __future__ import annotations

import math
from typing import Any

from xlsxwriter.utility import _preserve_whitespace, _utf16_len, _utf16_truncate, xl_col_to_name
from xlsxwriter.xmlwriter import re_control_chars_1, re_control_chars_2

_STR_MAX = 32767  # Excel's cell limit in UTF-16 units (xlsxwriter's xls_strmax)


class _Fallback(Exception):
    """A value the fast path does not write: use xlsxwriter's cell writers."""


def supported(ws: Any) -> bool:
    """The worksheet is in the state this module writes into (constant_memory, open data file)."""
    return (getattr(ws, "constant_memory", False) and hasattr(ws, "row_data_fh")
            and not getattr(ws, "row_data_fh_closed", True) and hasattr(ws, "_write_single_row")
            and hasattr(ws, "previous_row") and hasattr(ws, "_check_dimensions"))


def _string_xml(value: str) -> tuple[str, str]:
    """(escaped text, ``xml:space`` attribute) as xlsxwriter writes an inline string."""
    # Most cells are plain text: nothing to cut, escape or preserve (``\s`` of ``re`` is
    # ``str.isspace``; ``\s$`` also matches before a final newline, itself white space).
    if (len(value) <= _STR_MAX // 2 and not value[:1].isspace() and not value[-1:].isspace()
            and "_x" not in value and "&" not in value and "<" not in value and ">" not in value
            and "\ufffe" not in value and "\uffff" not in value
            and re_control_chars_2.search(value) is None):
        return value, ""
    return _string_xml_full(value)


def _string_xml_full(value: str) -> tuple[str, str]:
    """:func:`_string_xml` the long way (the reference its shortcut must equal)."""
    if len(value) > _STR_MAX // 2 and _utf16_len(value) > _STR_MAX:
        value = _utf16_truncate(value, _STR_MAX)
    if "_x" in value or re_control_chars_2.search(value) or "\ufffe" in value or "\uffff" in value:
        value = re_control_chars_1.sub(r"_x005F\1", value)
        value = re_control_chars_2.sub(lambda m: f"_x{ord(m.group(1)):04X}_", value)
        value = value.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    preserve = ' xml:space="preserve"' if _preserve_whitespace(value) else ""
    if "&" in value or "<" in value or ">" in value:
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value, preserve


def _column_cells(values: list, letter: str, style: str, first_row: int) -> list[str]:
    """The ``<c>`` element of each value ("" for None); ``first_row`` is 0-based."""
    out = []
    append = out.append
    for r, v in enumerate(values, start=first_row + 1):
        if v is None:
            append("")
            continue
        kind = type(v)
        if kind is str:
            text, preserve = _string_xml(v)
            append(f'<c r="{letter}{r}"{style} t="inlineStr"><is><t{preserve}>{text}</t></is></c>')
        elif kind is bool:
            append(f'<c r="{letter}{r}"{style} t="b"><v>{1 if v else 0}</v></c>')
        elif kind is int or (kind is float and math.isfinite(v)):
            append(f'<c r="{letter}{r}"{style}><v>{v:.16G}</v></c>')
        else:
            raise _Fallback
    return out


def write_rows(ws: Any, columns: list[list], first_row: int) -> bool:
    """Write ``columns`` (equal-length lists of plain values, None = empty) as the rows from
    ``first_row`` (0-based, after every row already written). False, and nothing written,
    when some value needs xlsxwriter's own writer (the rows held before are flushed either
    way, as xlsxwriter's next cell would)."""
    if not columns or not columns[0]:
        return True
    # Flush the rows xlsxwriter still holds (the header), then append ours.
    ws._write_single_row(first_row)
    # Column formats get their style index on first use, in row order as xlsxwriter's cells
    # would (the index order is part of the file).
    formats = {}
    for j, col in enumerate(columns):
        info = ws.col_info.get(j)
        if info is not None and info.column_format is not None:
            first = next((i for i, v in enumerate(col) if v is not None), None)
            if first is not None:
                formats[j] = (first, info.column_format)
    for _j, (_, fmt) in sorted(formats.items(), key=lambda kv: (kv[1][0], kv[0])):
        fmt._get_xf_index()
    styles = [f' s="{formats[j][1]._get_xf_index()}"' if j in formats else ""
              for j in range(len(columns))]
    try:
        cells = [_column_cells(col, xl_col_to_name(j), styles[j], first_row)
                 for j, col in enumerate(columns)]
    except _Fallback:
        return False
    parts, last = [], None
    for i, row in enumerate(zip(*cells, strict=True)):
        body = "".join(row)
        if body:  # xlsxwriter writes no element for a row without cells
            parts.append(f'<row r="{first_row + i + 1}">{body}</row>')
            last = first_row + i
    ws.fh.write("".join(parts))
    if last is not None:
        ws._check_dimensions(last, 0)
    ws.previous_row = first_row + len(columns[0])
    return True
