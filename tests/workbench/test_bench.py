"""bench._run_cli: times one `analyze` run and reports that run's own peak memory."""

from __future__ import annotations

import subprocess

import pytest

from workbench.bench import _run_cli


def test_run_cli_reports_its_own_peak(tiny_corpus, tmp_path):
    seconds, peak_mb = _run_cli(tiny_corpus, tmp_path / "out", 1, cache=False)
    assert seconds > 0
    assert (tmp_path / "out" / "articles.csv").is_file()
    assert 50 < peak_mb < 4096  # a Python process with spaCy loaded, in MB (not kB or bytes)


def test_run_cli_failure_raises_with_the_reason(tmp_path):
    with pytest.raises(subprocess.CalledProcessError) as err:
        _run_cli(tmp_path / "missing", tmp_path / "out", 1, cache=False)
    assert "corpus folder not found" in err.value.stderr


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([{"stage": "ingest (read)", "seconds": 1.0}, {"stage": "base (tok)", "seconds": 1.0},
          {"stage": "component text_quality", "seconds": 2.0},
          {"stage": "component spin_detector", "seconds": 3.0},
          {"stage": "component alliance_components", "seconds": 1.0},
          {"stage": "reference: spaCy bare tokenizer", "seconds": 0.5},
          {"stage": "end to end `analyze --workers 1` (cold)", "seconds": 9.0}],
         {"spin_seconds": 3.0, "rest_seconds": 5.0, "ratio": 0.6}),
        ([{"stage": "component spin_detector", "seconds": 3.0}], None),
        ([], None),
    ],
)
def test_spin_vs_rest(rows, expected):
    from workbench.bench import spin_vs_rest

    assert spin_vs_rest(rows) == expected


def test_ratio_to_tokenizer_per_end_to_end_run():
    from workbench.bench import _tokenizer_row, ratio_to_tokenizer

    tok = _tokenizer_row(["one two three"], [2.0, 1.0, 4.0])
    assert tok["seconds"] == 2.0 and tok["timings"] == [2.0, 1.0, 4.0]
    rows = [tok,
            {"stage": "end to end `analyze --workers 1` (cold)", "seconds": 70.0},
            {"stage": "end to end `analyze --workers 2` (cold)", "seconds": 45.0},
            {"stage": "incremental re-run (5 files changed)", "seconds": 20.0}]
    assert ratio_to_tokenizer(rows) == {"workers 1": 35.0, "workers 2": 22.5}
    assert ratio_to_tokenizer(rows[1:]) == {}
