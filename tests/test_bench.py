"""bench._run_cli: times one `analyze` run and reports that run's own peak memory."""

from __future__ import annotations

import subprocess

import pytest

from pipeline.bench import _run_cli


def test_run_cli_reports_its_own_peak(tiny_corpus, tmp_path):
    seconds, peak_mb = _run_cli(tiny_corpus, tmp_path / "out", 1, cache=False)
    assert seconds > 0
    assert (tmp_path / "out" / "articles.csv").is_file()
    assert 50 < peak_mb < 4096  # a Python process with spaCy loaded, in MB (not kB or bytes)


def test_run_cli_failure_raises_with_the_reason(tmp_path):
    with pytest.raises(subprocess.CalledProcessError) as err:
        _run_cli(tmp_path / "missing", tmp_path / "out", 1, cache=False)
    assert "corpus folder not found" in err.value.stderr
