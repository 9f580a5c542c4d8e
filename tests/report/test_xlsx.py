"""audit.xlsx: chunked sheets give the same cells as whole frames; Excel's row limit is kept."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest

from pipeline.report import xlsx, xlsx_rows

FRAME = pd.DataFrame({
    "article_id": ["a", "b", "c", "d", "e"],
    "n": pd.array([1, None, 3, 4, 5], dtype="Int64"),
    "score": [0.5, np.nan, 1.25, float("inf"), 0.0],
    "flag": [True, False, None, True, np.bool_(False)],
    "text": ["=SUM(1,2)", "", "\U0001F600 <b>x</b>", "plain", None],
})


def _cells(data: bytes, sheet: str) -> list[tuple]:
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return list(wb[sheet].iter_rows(values_only=True))


def _chunked(df: pd.DataFrame, size: int) -> xlsx.ChunkedSheet:
    return xlsx.ChunkedSheet(lambda: (df.iloc[i:i + size] for i in range(0, len(df), size)),
                             len(df), df.iloc[:0])


@pytest.mark.parametrize("size", [1, 2, 5])
def test_chunked_sheet_equals_whole_frame(size):
    whole = _cells(xlsx.workbook_bytes({"S": FRAME}), "S")
    assert whole[1] == ("a", 1, 0.5, True, "=SUM(1,2)")  # text stays text, never a formula
    assert whole[2][1] is None and whole[2][2] is None  # missing values stay empty
    assert _cells(xlsx.workbook_bytes({"S": _chunked(FRAME, size)}), "S") == whole


@pytest.mark.parametrize(("block", "limit"), [(1, 10), (2, 10), (2, 3), (4, 3)])
def test_rows_written_in_blocks_equal_one_pass(monkeypatch, block, limit):
    """A frame is converted a block of rows at a time (one article can have 100k sentences);
    blocks that meet a fallback value or the row limit still give the same cells."""
    one_pass = {}
    for size in (10_000, block):
        monkeypatch.setattr(xlsx, "_ROW_BLOCK", size)
        monkeypatch.setattr(xlsx, "EXCEL_MAX_ROWS", limit)
        one_pass[size] = [_cells(xlsx.workbook_bytes({"S": s}), "S")
                          for s in (FRAME, _chunked(FRAME, 3))]
    assert one_pass[block] == one_pass[10_000]
    assert len(one_pass[block][0]) == min(limit, len(FRAME)) + 1


def test_empty_sheets_keep_their_header():
    empty = FRAME.iloc[:0]
    for sheet in (empty, xlsx.ChunkedSheet(lambda: iter(()), 0, empty)):
        assert _cells(xlsx.workbook_bytes({"S": sheet}), "S") == [tuple(FRAME.columns)]


@pytest.mark.parametrize("chunked", [False, True])
def test_rows_beyond_the_excel_limit_are_cut_with_a_note(monkeypatch, chunked):
    monkeypatch.setattr(xlsx, "EXCEL_MAX_ROWS", 3)
    sheet = _chunked(FRAME, 2) if chunked else FRAME
    rows = _cells(xlsx.workbook_bytes({"S": sheet}), "S")
    assert len(rows) == 4 and [r[0] for r in rows[1:]] == ["a", "b", "c"]
    assert rows[0][-1] == "truncated: 5 rows, see the CSV"


HOSTILE = pd.DataFrame({
    "text": ["  lead", "trail\n", "_x0041_ \x01\x1f ctrl", "a&b<c>d\"e'", "\ufffe\uffff",
             "x" * 40000, "\U0001F600" * 17000, "", None],
    "num": [1, 2.5, True, None, 1e20, -0.0, 3, 1 / 3, 10**17],
    "score": [0.5, None, 0.25, 1.0, 0.0, 0.125, 2.0, 3.0, 4.0],
})


def _sheet_xml(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: z.read(n) for n in z.namelist()}


@pytest.mark.parametrize("frame", [FRAME.drop(columns=["score", "flag"]), HOSTILE],
                         ids=["plain", "hostile"])
def test_fast_rows_write_the_same_xml_as_xlsxwriter(monkeypatch, frame):
    sheets = {"S": frame, "T": _chunked(frame, 4)}
    taken = []
    real = xlsx_rows.write_rows
    monkeypatch.setattr(xlsx_rows, "write_rows", lambda *a: taken.append(real(*a)) or taken[-1])
    fast = _sheet_xml(xlsx.workbook_bytes(sheets))
    assert taken and all(taken)  # the fast path wrote every chunk
    monkeypatch.setattr(xlsx_rows, "supported", lambda ws: False)
    slow = _sheet_xml(xlsx.workbook_bytes(sheets))
    assert fast.keys() == slow.keys()
    for name in fast:
        assert fast[name] == slow[name], name


def test_values_the_fast_path_cannot_write_fall_back(monkeypatch):
    odd = pd.DataFrame({"x": [1.0, float("inf"), float("-inf")], "y": ["a", "b", "c"]})
    fast = xlsx.workbook_bytes({"S": odd})
    rows = _cells(fast, "S")
    assert [r[1] for r in rows[1:]] == ["a", "b", "c"] and rows[1][0] == 1
    monkeypatch.setattr(xlsx_rows, "supported", lambda ws: False)
    assert _sheet_xml(fast) == _sheet_xml(xlsx.workbook_bytes({"S": odd}))


@pytest.mark.parametrize("value", [
    "plain", "", " lead", "trail ", "line\n", "tab\t", "\u3000wide", "nbsp\xa0", "x\x0by", "a_x0041_b",
    "a_xb", "&amp;", "<b>", "x>y", "\ufffe", "\uffff", "\U0001F600", "é\u2028", "\x1fend", "mid dle",
    "y" * 16_383, "y" * 16_384, "\U0001F600" * 16_400,
])
def test_the_plain_string_shortcut_equals_the_long_way(value):
    assert xlsx_rows._string_xml(value) == xlsx_rows._string_xml_full(value)


def test_the_plain_string_shortcut_on_every_single_character():
    for code in range(0x10000):
        if 0xD800 <= code < 0xE000:
            continue
        for value in (chr(code), f"a{chr(code)}b", f"{chr(code)}ab", f"ab{chr(code)}"):
            assert xlsx_rows._string_xml(value) == xlsx_rows._string_xml_full(value), hex(code)
