"""ArticleTable: the per-article tables a chunk at a time, the same as the whole-table frames."""

from __future__ import annotations

import copy
import math

import pandas as pd
import pyarrow as pa
import pytest

from pipeline.report import article_table, write_reports
from pipeline.report.article_table import ArticleTable
from pipeline.tables import articles_table, comparison_table, sources_table


def _strict(df: pd.DataFrame) -> list:
    """Every cell with its type: None and NaN, 1 and 1.0 and True differ."""
    return [c for c in df.columns] + [str(df.dtypes.tolist())] + [
        [(type(v).__name__, "nan" if isinstance(v, float) and math.isnan(v) else repr(v))
         for v in row] for row in df.itertuples(index=False, name=None)]


def _sorted(articles):
    return sorted(articles, key=lambda a: a.article_id)


@pytest.mark.parametrize("chunk", [1, 2, 3, 100])
def test_chunks_are_the_whole_tables(corpus, chunk):
    articles = _sorted(corpus[0])
    # Gaps of every kind: a column only some articles have, a value missing in one chunk.
    articles[1].alliance = {}
    articles[3].quality = {}
    articles[5].dedup = {**articles[5].dedup, "extra_note": "only here"}
    whole = articles_table(articles)
    with ArticleTable(articles, chunk_rows=chunk, first_rows=chunk) as table:
        sheet = table.articles()
        chunks = list(sheet.chunks())
        assert sheet.rows == len(articles) == len(table)
        assert len(chunks) == math.ceil(len(articles) / chunk)
        assert _strict(pd.concat(chunks, ignore_index=True)) == _strict(whole)
        comparison = pd.concat(list(table.comparison().chunks()), ignore_index=True)
        assert _strict(comparison) == _strict(comparison_table(whole))
        assert _strict(table.sources()) == _strict(sources_table(whole))
        # The Parquet types of the whole table, whatever a chunk holds.
        schema = pa.Schema.from_pandas(whole, preserve_index=False)
        assert sheet.schema.remove_metadata() == schema.remove_metadata()


def test_no_articles():
    with ArticleTable([]) as table:
        assert len(table) == 0 and table.articles().rows == 0
        assert list(table.articles().empty.columns) == list(articles_table([]).columns)
        assert list(table.comparison().empty.columns) == list(
            comparison_table(articles_table([])).columns)
        assert _strict(table.sources()) == _strict(sources_table(articles_table([])))


def test_chunked_reports_are_the_same_files(tmp_path, corpus, run_info, monkeypatch, same_reports):
    articles, errors = corpus
    write_reports(tmp_path / "whole", copy.deepcopy(articles), errors, run_info)
    monkeypatch.setattr(article_table, "CHUNK_ROWS", 2)
    monkeypatch.setattr(article_table, "FIRST_ROWS", 2)
    write_reports(tmp_path / "chunked", copy.deepcopy(articles), errors, run_info)
    # the workbook sizes its columns from the first chunk: compared as files, not bytes
    same_reports(tmp_path / "whole", tmp_path / "chunked", skip_bytes=("audit.xlsx",))
