"""The per-article tables (``articles``, ``comparison``) a chunk at a time, without the whole
table in memory (issue 19: the main process does not grow with the corpus).

One pass over the articles computes each :func:`pipeline.tables.article_row`, writes it to an
anonymous temporary file and keeps what the tables need to be the same as one frame of every
row (:func:`pipeline.tables.articles_table`): the column order, one example value of each kind
a column holds (so each chunk's columns get the dtype pandas would infer over the whole column)
and, per article, its offset in the file and the rank of its source (24 bytes an article, for
the comparison table's order). The per-source summary (``sources``) is computed from a narrow
frame of the few columns it reads (about 130 bytes an article).
"""

from __future__ import annotations

import math
import sys
from array import array
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import pandas as pd

from pipeline.article import Article
from pipeline.report.xlsx import ChunkedSheet
from pipeline.spool import DetailSpool
from pipeline.tables import (
    _FIXED_EXTRAS,
    _INT_COLUMNS,
    ARTICLE_COLUMNS,
    COMPONENTS,
    article_row,
    comparison_columns,
    sources_table,
)

# The columns sources_table reads (the narrow frame kept for it).
SOURCE_INPUTS = ("source", "words", "quality_score", "spun", "low_quality", *COMPONENTS,
                 "near_duplicate_of", "action", "flesch_reading_ease", "readability_grade")
_MISSING = object()   # a key a row does not have: NaN in a frame of dicts
# Rows per chunk (~5 KB a row in a frame); the first chunk holds at least FIRST_ROWS (the
# workbook sizes its columns from the first 500 rows).
CHUNK_ROWS = 2_000
FIRST_ROWS = 500


def _kind(value: Any) -> tuple:
    """What pandas' inference of a column sees of a value: its type (NaN apart)."""
    if isinstance(value, float) and math.isnan(value):
        return (float, "nan")
    return (type(value),)


class ArticleTable:
    """The ``articles`` table of ``articles`` (sorted by id, read once here) as frames of
    ``chunk_rows`` rows: :meth:`articles` and :meth:`comparison` (ChunkedSheets, in the
    tables' row orders), :meth:`sources` (a frame), ``len()``."""

    def __init__(self, articles: Iterable[Article], chunk_rows: int | None = None,
                 first_rows: int = FIRST_ROWS) -> None:
        self.chunk_rows = chunk_rows = chunk_rows or CHUNK_ROWS
        self._first_rows = max(first_rows, chunk_rows)
        self._spool = DetailSpool()
        self._at = array("q")          # offset, size of each row, in id order
        self._source = array("q")      # source number of each row
        sources: dict[str, int] = {}
        self._first: list[str] | None = None
        self._kinds: dict[str, dict[tuple, Any]] = {}
        self._count: dict[str, int] = {}
        narrow: list[pd.DataFrame] = []
        block: list[dict] = []
        for a in articles:
            row = article_row(a)
            if self._first is None:
                self._first = list(row)
            for key, value in row.items():
                kinds = self._kinds.setdefault(key, {})
                kinds.setdefault(_kind(value), value)
                self._count[key] = self._count.get(key, 0) + 1
            offset, size = self._spool.write(row)
            self._at.extend((offset, size))
            self._source.append(sources.setdefault(row["source"], len(sources)))
            block.append(row)
            if len(block) >= chunk_rows:
                narrow.append(self._narrow(block))
                block = []
        if block:
            narrow.append(self._narrow(block))
        self.n = len(self._source)
        self.columns = self._column_order()
        self._dtypes = {c: self._dtype(c) for c in self.columns} if self.n else {}
        rank = {s: r for r, s in enumerate(sorted(sources))}
        by_number = np.array([rank[s] for s in sources], dtype=np.int64)
        # comparison.csv: by source, then id (the rows are in id order: a stable sort).
        self._comparison_order = (
            np.argsort(by_number[np.frombuffer(self._source, dtype=np.int64)], kind="stable")
            if self.n else np.empty(0, np.int64))
        self._sources = (sources_table(self._typed(pd.concat(narrow, ignore_index=True)))
                         if narrow else sources_table(pd.DataFrame()))

    def _narrow(self, rows: list[dict]) -> pd.DataFrame:
        # Shared strings: one object per source and action name, not one per article.
        return pd.DataFrame({c: [sys.intern(v) if c in ("source", "action") and isinstance(v, str)
                                 else v for v in (r.get(c, math.nan) for r in rows)]
                             for c in SOURCE_INPUTS}, dtype=object)

    def _typed(self, frame: pd.DataFrame) -> pd.DataFrame:
        return self._frame({c: frame[c].tolist() for c in frame.columns}, list(frame.columns))

    def _column_order(self) -> list[str]:
        """As :func:`pipeline.tables.articles_table` orders them."""
        if self._first is None:
            return list(ARTICLE_COLUMNS)
        fixed = [c for c in self._first if c not in ARTICLE_COLUMNS and c in _FIXED_EXTRAS]
        return ARTICLE_COLUMNS + fixed + sorted(c for c in self._kinds
                                                if c not in ARTICLE_COLUMNS and c not in fixed)

    def _dtype(self, column: str) -> Any:
        """The dtype pandas infers for the whole column: from one value of each kind it holds
        (and a NaN when some row lacks the column)."""
        examples = list(self._kinds[column].values())
        if self._count[column] < self.n:
            examples.append(math.nan)
        return pd.DataFrame([{column: v} for v in examples])[column].dtype

    def _frame(self, values: dict[str, list], columns: list[str]) -> pd.DataFrame:
        """Columns of raw row values as the whole-table frame types them."""
        out = {}
        for c in columns:
            dtype = self._dtypes[c]
            vals = [math.nan if v is _MISSING else v for v in values[c]]
            series = (pd.Series(vals, dtype=object) if pd.api.types.is_object_dtype(dtype)
                      else pd.Series(vals).astype(dtype))
            if c in _INT_COLUMNS or c.startswith("element_"):
                series = pd.to_numeric(series, errors="coerce").round().astype("Int64")
            out[c] = series
        return pd.DataFrame(out, columns=columns)

    def _rows(self, order: Iterable[int], columns: list[str]) -> Iterator[pd.DataFrame]:
        block: list[dict] = []
        size = self._first_rows
        for i in order:
            block.append(self._spool.read(self._at[2 * i], self._at[2 * i + 1]))
            if len(block) >= size:
                size = self.chunk_rows
                yield self._frame({c: [r.get(c, _MISSING) for r in block] for c in columns},
                                  columns)
                block = []
        if block:
            yield self._frame({c: [r.get(c, _MISSING) for r in block] for c in columns}, columns)

    def __len__(self) -> int:
        return self.n

    def _schema(self, columns: list[str]) -> Any:
        """The Parquet schema of the whole table (from one row per kind of value), so that a
        chunk in which a column is all missing is written with the column's type."""
        import pyarrow as pa

        examples: dict[str, list] = {c: [] for c in columns}
        for c in columns:
            vals = list(self._kinds[c].values()) if c in self._kinds else []
            if self._count.get(c, 0) < self.n:
                vals.append(math.nan)
            examples[c] = vals
        depth = max((len(v) for v in examples.values()), default=0)
        padded = {c: v + [v[-1] if v else math.nan] * (depth - len(v)) for c, v in examples.items()}
        return pa.Schema.from_pandas(self._frame(padded, columns), preserve_index=False)

    def articles(self) -> ChunkedSheet:
        return ChunkedSheet(lambda: self._rows(range(self.n), self.columns), self.n,
                            pd.DataFrame(columns=ARTICLE_COLUMNS),
                            self._schema(self.columns) if self.n else None)

    def comparison(self) -> ChunkedSheet:
        columns = comparison_columns(self.columns)
        return ChunkedSheet(lambda: self._rows(self._comparison_order.tolist(), columns), self.n,
                            pd.DataFrame(columns=columns),
                            self._schema(columns) if self.n else None)

    def sources(self) -> pd.DataFrame:
        return self._sources

    def close(self) -> None:
        self._spool.close()

    def __enter__(self) -> ArticleTable:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
