"""The wheel is self-contained: built, installed in a fresh virtualenv and run from a folder
outside the checkout, `alliance-audit analyze` finds its models and resources as package data
and gives the same tables as the checkout."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SKIP = shutil.ignore_patterns(
    ".git", ".venv*", "build", "dist", "*.egg-info", "__pycache__", ".cache", "reports",
    ".pytest_cache", ".ruff_cache", ".hypothesis", ".realweb", "tests",
)


def _run(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True,
                          check=True)


@pytest.mark.slow
def test_wheel_runs_analyze_outside_the_checkout(tiny_corpus, tmp_path):
    # Build from a copy, so the checkout gets no build/ folder.
    src = tmp_path / "src"
    shutil.copytree(ROOT, src, ignore=SKIP)
    dist = tmp_path / "dist"
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", dist, src, cwd=tmp_path)
    (wheel,) = dist.glob("alliance_audit-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "pipeline/models/spin_detector.skops" in names
    assert "pipeline/models/alliance_classifier.skops" in names
    assert "pipeline/resources/config/spin.toml" in names
    assert not [n for n in names if n.startswith(("workbench/", "tests/", "models/"))]

    # A fresh virtualenv with the wheel alone; its dependencies come from this environment's
    # site-packages through a .pth line (no download), placed after the venv's own.
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    py = venv / "bin" / "python"
    _run(sys.executable, "-m", "pip", "--python", py, "install", "--no-deps", "-q", wheel,
         cwd=tmp_path)
    site = Path(_run(py, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                     cwd=tmp_path).stdout.strip())
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")

    where = tmp_path / "elsewhere"
    where.mkdir()
    found = _run(py, "-c", "import pipeline.paths as p; print(p.MODELS_DIR)", cwd=where).stdout
    assert Path(found.strip()) == site / "pipeline" / "models"

    # The components as plain spaCy factories (entry points), without importing the package.
    script = ("import spacy; nlp = spacy.blank('en'); nlp.add_pipe('sentencizer'); "
              "[nlp.add_pipe(n) for n in ('text_quality', 'spin_detector', 'alliance_components')]; "
              "doc = nlp('You and your therapist agree on goals. Trust grows in time.'); "
              "print(sorted(doc._.alliance['counts']), doc._.spin['applicable'])")
    assert _run(py, "-c", script, cwd=where).stdout.split() == [
        "['bond',", "'goals',", "'rupture_repair',", "'tasks']", "True"]

    _run(venv / "bin" / "alliance-audit", "analyze", tiny_corpus, "--out", "out",
         "--workers", "1", "--no-cache", "--quiet", cwd=where)
    for name in ("articles.csv", "sentences.csv", "spin_evidence.csv", "report.html", "run.json"):
        assert (where / "out" / name).is_file(), name

    # The same tables as the checkout's own run: the models were found, not skipped.
    _run(sys.executable, "-m", "pipeline.cli", "analyze", tiny_corpus, "--out", tmp_path / "ref",
         "--workers", "1", "--no-cache", "--quiet", cwd=ROOT)
    for name in ("articles.csv", "sentences.csv", "spin_evidence.csv"):
        assert (where / "out" / name).read_bytes() == (tmp_path / "ref" / name).read_bytes(), name
