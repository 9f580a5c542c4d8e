"""workbench.memory: per-phase peaks of the main process, and their growth with the corpus."""

from __future__ import annotations

import pytest

from workbench.bench import growth_caption, memory_growth
from workbench.memory import PhaseMeter, growth, main_peak, measure_run, status_kb


def test_status_reads_the_resident_size_in_kb():
    rss = status_kb("VmRSS")
    assert rss is None or 10_000 < rss < 16_000_000


@pytest.mark.skipif(status_kb("VmRSS") is None, reason="no /proc/self/status")
def test_each_phase_has_its_own_peak():
    meter = PhaseMeter(interval=0.01)
    try:
        with meter.phase("big"):
            block = b"x" * (120 << 20)   # written, so resident
            assert len(block)
            del block
        with meter.phase("small"):
            small = b"y" * (1 << 20)
            assert len(small)
    finally:
        meter.close()
    # The second phase's peak is not the first one's (the high-water mark was reset between).
    assert meter.peaks["big"] - meter.peaks["small"] > 80
    assert meter.peaks["big"] - meter.start_mb["big"] > 100
    assert set(meter.end_mb) == {"big", "small"}


def _result(articles, analyse, report, workers=2):
    return {"articles": articles, "workers": workers,
            "main_peak_mb": {"analyse": analyse, "corpus": analyse - 5, "report": report}}


def test_growth_per_article_and_per_phase():
    small, large = _result(1000, 200.0, 300.0), _result(4000, 230.0, 360.0)
    assert main_peak(large) == 360.0
    assert main_peak(large, ("analyse",)) == 230.0
    g = growth(large, small)
    assert g == {"articles": [1000, 4000], "peak_mb": [300.0, 360.0], "growth_mb": 60.0,
                 "kb_per_article": 20.48}
    assert growth(large, large)["kb_per_article"] is None
    memory = memory_growth(large, small)
    assert memory["report"]["growth_mb"] == 60.0 and memory["run"]["growth_mb"] == 60.0
    assert "300 MB at 1000 articles, 360 MB at 4000 (+60 MB" in growth_caption(memory)
    assert growth_caption(None) is None


def test_measure_run_reports_every_phase(tiny_corpus, tmp_path):
    result = measure_run(tiny_corpus, tmp_path / "out", 1)
    assert (tmp_path / "out" / "articles.csv").is_file()
    assert set(result["main_peak_mb"]) == {"analyse", "corpus", "report"}
    # MB (not kB or bytes); one worker analyses in a child process (run.analysis_process),
    # which loads the models: the main process, which does not, stays below it while analysing.
    assert 50 < main_peak(result) < 4096 and result["articles"] > 0
    assert result["main_peak_mb"]["analyse"] < result["worker_peak_mb"] < 4096


def test_bench_row_memory_fields():
    from workbench.bench import _memory_fields

    one = {**_result(100, 700.0, 800.0, workers=1), "worker_peak_mb": None}
    assert _memory_fields(one)["peak_rss_mb"] == 800 and _memory_fields(one)["main_peak_mb"] == 800
    two = {**_result(100, 200.0, 300.0), "worker_peak_mb": 650.4}
    fields = _memory_fields(two)
    assert fields["peak_rss_mb"] == 650 and fields["main_peak_mb"] == 300
    assert fields["main_phase_peak_mb"]["report"] == 300.0
