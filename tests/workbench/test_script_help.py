"""Every workbench script answers ``--help`` with its usage and starts nothing.

Regression: several scripts read ``sys.argv`` by hand, so ``--help`` was taken for the shared
folder or ignored, and ``python -m workbench.alliance.train --help`` retrained and overwrote the
models.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from workbench import PROJECT_ROOT

SCRIPTS = sorted(
    ".".join(p.relative_to(PROJECT_ROOT).with_suffix("").parts)
    for p in (PROJECT_ROOT / "workbench").rglob("*.py")
    if 'if __name__ == "__main__"' in p.read_text(encoding="utf-8")
    # Runs inside the TextDescriptives environment (.venv-bench) on a file argument.
    and p.name != "bench_textdescriptives.py"
)


def test_the_scripts_are_found():
    assert "workbench.alliance.train" in SCRIPTS and "workbench.spin.train" in SCRIPTS


@pytest.mark.parametrize("module", SCRIPTS)
def test_help_prints_usage_and_writes_nothing(module, tmp_path):
    before = {p: p.stat().st_mtime_ns for p in (PROJECT_ROOT / "models").iterdir()}
    env = {**os.environ, "SHARED": str(tmp_path / "no-shared"),
           "PYTHONPATH": os.pathsep.join([str(PROJECT_ROOT), os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run([sys.executable, "-m", module, "--help"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.startswith("usage: ") and "--help" in out.stdout, out.stdout[:200]
    assert {p: p.stat().st_mtime_ns for p in (PROJECT_ROOT / "models").iterdir()} == before
    assert list(Path(tmp_path).iterdir()) == []
