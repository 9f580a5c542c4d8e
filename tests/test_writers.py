from pathlib import Path

import pandas as pd
import pytest

from pipeline.writers import atomic_write_text, csv_text, staged_output


def test_atomic_write_replaces_whole_file(tmp_path: Path):
    p = tmp_path / "a.csv"
    atomic_write_text(p, "old\n")
    atomic_write_text(p, "new\n")
    assert p.read_text() == "new\n"
    assert [x.name for x in tmp_path.iterdir()] == ["a.csv"]


def test_failed_stage_leaves_previous_outputs(tmp_path: Path):
    out = tmp_path / "out"
    with staged_output(out) as stage:
        (stage / "articles.csv").write_text("v1\n")
    with pytest.raises(RuntimeError), staged_output(out) as stage:
        (stage / "articles.csv").write_text("v2-partial\n")
        raise RuntimeError("killed midway")
    assert (out / "articles.csv").read_text() == "v1\n"
    assert sorted(p.name for p in out.iterdir()) == ["articles.csv"]


def test_csv_text_is_deterministic():
    df = pd.DataFrame({"a": [1.0 / 3, 2.0], "b": ["x", "y,z"]})
    assert csv_text(df) == csv_text(df.copy())
    assert csv_text(df).splitlines()[1] == "0.3333,x"


def test_atomic_write_gives_the_mode_a_plain_open_gives(tmp_path: Path):
    import os

    old = os.umask(0o027)
    try:
        atomic_write_text(tmp_path / "report.md", "x\n")
        (tmp_path / "plain.csv").write_text("x\n")
    finally:
        os.umask(old)
    modes = {p.name: p.stat().st_mode & 0o777 for p in tmp_path.iterdir()}
    assert modes == {"report.md": 0o640, "plain.csv": 0o640}
