"""The ingestion benchmark still runs (numbers are printed by `python -m workbench.ingest.bench`)."""

from __future__ import annotations

from workbench.ingest.bench import run


def test_bench_smoke() -> None:
    result = run(n_html=3, n_txt=2, n_jsonl=4, words=60)
    assert (result["files"], result["articles"], result["errors"]) == (6, 9, 0)
    assert result["words"] > 9 * 40
