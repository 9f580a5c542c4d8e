"""Start-up time and peak memory of the command line (issue 19, items 2 and 3).

``python -m workbench startup`` runs, each in a fresh process, several times (the median):

- ``explain``: ``alliance-audit explain FILE`` on a demo-corpus file (the console script's
  code, ``pipeline.cli.app``);
- ``analyze one file``: ``alliance-audit analyze`` of a folder holding that one file
  (``--workers 1 --no-cache``: the analysis runs in one child process of the measured one);
- ``first article``: from the process start to the first analysed article (the settings, the
  pipeline and one article through ``engine.analyse_batch``, as ``analyze`` does it);

with the peak resident memory of each process (``os.wait4``'s ``ru_maxrss``).
``--importtime`` adds the slowest imports of the first-article process (``python -X importtime``).
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pipeline.paths import SOURCE_ROOT

DEMO_FILE = SOURCE_ROOT / "corpus" / "mindfulpath.example" / "choosing-a-counsellor.txt"

# From the process start to the first analysed article, as ``analyze`` gets there.
FIRST_ARTICLE = """
import sys, time
from pathlib import Path
from pipeline.config import load_settings
from pipeline.ingest import read_corpus
from pipeline.article import Article
from pipeline.engine import analyse_batch
settings = load_settings(None)
article = next(a for a in read_corpus(Path(sys.argv[1]), settings.ingest) if isinstance(a, Article))
analyse_batch([article], settings)
print(time.time())
"""


CLI = "import sys; from pipeline.cli import app; sys.argv[0] = 'alliance-audit'; app()"


def _run(cmd: list[str], env: dict[str, str] | None, cwd: str) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB and stdout of one process (run in ``cwd``: with ``-c``
    the current folder comes first on ``sys.path``, before ``PYTHONPATH``)."""
    start = time.time()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env=env, cwd=cwd)
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.time() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {proc.returncode}")
    return wall, usage.ru_maxrss / 1024, out


def measure(repeat: int = 3, demo_file: Path = DEMO_FILE,
            baseline: Path | None = None) -> dict[str, dict[str, dict[str, float]]]:
    """Median wall seconds and max peak RSS (MB) of each measured command, for this checkout
    (``"current"``) and, with ``baseline`` (another checkout's folder, e.g. from
    ``git archive``, run with this virtualenv), for that one too, the two taking turns so a
    shared machine's drift hits both alike."""
    setups = {"current": None}
    if baseline is not None:
        setups["baseline"] = {**os.environ, "PYTHONPATH": str(baseline.resolve())}
    walls: dict[tuple[str, str], list[float]] = {}
    rss: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        one = Path(tmp) / "one"
        one.mkdir()
        shutil.copy(demo_file, one / demo_file.name)
        commands = {
            "explain": [sys.executable, "-c", CLI, "explain", str(demo_file)],
            "analyze one file": [sys.executable, "-c", CLI, "analyze", str(one),
                                 "--out", str(Path(tmp) / "out"),
                                 "--workers", "1", "--no-cache", "--quiet"],
            "first article": [sys.executable, "-c", FIRST_ARTICLE, str(one)],
        }
        for _ in range(repeat):
            for name, cmd in commands.items():
                for setup, env in setups.items():
                    start = time.time()
                    wall, peak, out = _run(cmd, env, tmp)
                    if name == "first article":
                        wall = float(out.split()[-1]) - start
                    walls.setdefault((setup, name), []).append(wall)
                    rss.setdefault((setup, name), []).append(peak)
    return {setup: {name: {"seconds": round(statistics.median(walls[setup, name]), 2),
                           "peak_mb": round(max(rss[setup, name]))} for name in commands}
            for setup in setups}


def slowest_imports(top: int = 15, demo_file: Path = DEMO_FILE) -> list[tuple[float, str]]:
    """The imports with the largest cumulative time (seconds) on the way to the first article."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", FIRST_ARTICLE,
                           str(demo_file.parent)], capture_output=True, text=True, check=True,
                          cwd=tempfile.gettempdir())
    rows = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative, name = line[len("import time:"):].split("|")
        rows.append((int(cumulative) / 1e6, name.rstrip()))
    # Imports of the script and their direct imports (depth 0 and 1: up to 3 leading spaces).
    shallow = [(s, n.strip()) for s, n in rows if len(n) - len(n.lstrip()) <= 3]
    return sorted(shallow, reverse=True)[:top]
