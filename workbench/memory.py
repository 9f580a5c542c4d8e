"""Peak memory of a run, per phase: does the main process grow with the corpus? (issue 19)

``python -m workbench.memory run CORPUS OUT --workers N`` runs ``alliance-audit analyze`` in a
fresh process whose phases are measured one by one: the peak resident memory of the main
process (Linux ``VmHWM``, reset at each phase start through ``/proc/self/clear_refs``, so each
phase's figure is its own high-water mark, not an earlier phase's) while it ingests and analyses
("analyse"), while it finds duplicates and decides the actions ("corpus"), and while it writes
every output file ("report"), and the peak of its pool workers (``RUSAGE_CHILDREN``). With
``--workers 1`` the analysis runs in one child process (``run.analysis_process``, the default):
"worker" is that process (models, memo tables), "main" the one that ingests, finds duplicates and
writes the reports. It prints one JSON line. :func:`measure_run` starts it from another process; :func:`growth` compares the
peaks of two corpus sizes.

Without ``clear_refs`` (not Linux, or not permitted) the phases are measured by sampling
``VmRSS`` every 20 ms, which may miss a short spike.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

STATUS = Path("/proc/self/status")
CLEAR_REFS = Path("/proc/self/clear_refs")
PHASES = ("analyse", "corpus", "report")


def status_kb(field: str, status: Path = STATUS) -> int | None:
    """A ``VmRSS``/``VmHWM`` figure of ``/proc/<pid>/status`` in kB (None when unavailable)."""
    try:
        for line in status.read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def reset_peak() -> bool:
    """Reset this process's ``VmHWM`` to its current RSS; False when the kernel refuses."""
    try:
        CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return True


class PhaseMeter:
    """The peak RSS (MB) of this process in each named phase, and its RSS over time.

    ``with meter.phase("report"): ...`` records the phase's peak; a background thread samples
    ``VmRSS`` every ``interval`` seconds (kept for the trace, and the peak when ``VmHWM``
    cannot be reset).
    """

    def __init__(self, interval: float = 0.02, trace_every: float = 0.5) -> None:
        self.peaks: dict[str, float] = {}
        self.start_mb: dict[str, float] = {}
        self.end_mb: dict[str, float] = {}
        self.trace: list[tuple[float, str, float]] = []   # (seconds, phase, RSS MB)
        self.exact = reset_peak()
        self._phase = ""
        self._sampled = 0
        # With an exact high-water mark, the thread only keeps the trace.
        self._interval = trace_every if self.exact else interval
        self._trace_every = trace_every
        self._t0 = time.perf_counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        last = -1e9
        while not self._stop.wait(self._interval):
            rss = status_kb("VmRSS") or 0
            self._sampled = max(self._sampled, rss)
            now = time.perf_counter() - self._t0
            if now - last >= self._trace_every:
                self.trace.append((round(now, 2), self._phase, round(rss / 1024, 1)))
                last = now

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        rss = status_kb("VmRSS") or 0
        self.start_mb[name] = round(rss / 1024, 1)
        self._sampled = rss
        if self.exact:
            reset_peak()
        self._phase = name
        try:
            yield
        finally:
            hwm = status_kb("VmHWM") if self.exact else None
            peak = max(hwm or 0, self._sampled, status_kb("VmRSS") or 0)
            self.peaks[name] = round(max(peak, self.peaks.get(name, 0) * 1024) / 1024, 1)
            self.end_mb[name] = round((status_kb("VmRSS") or 0) / 1024, 1)
            self._phase = ""

    def close(self) -> None:
        self._stop.set()
        self._thread.join()


def _wrap(module: Any, name: str, meter: PhaseMeter, phase: str) -> None:
    inner = getattr(module, name)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with meter.phase(phase):
            return inner(*args, **kwargs)

    setattr(module, name, wrapped)


def _child(corpus: Path, out: Path, workers: int) -> int:
    """``run CORPUS OUT --workers N``: the run measured in this process; one JSON line out."""
    meter = PhaseMeter()
    import pipeline.run as run

    # The run's three steps, as run_analysis calls them (looked up at call time).
    _wrap(run, "_ingest_and_analyse", meter, "analyse")
    _wrap(run, "_corpus_steps", meter, "corpus")
    _wrap(run, "_write_outputs", meter, "report")
    from pipeline.config import load_settings

    t = time.perf_counter()
    # As the command line runs it (`analyze --no-cache --quiet`).
    summary = run.run_analysis(corpus, out, load_settings(), workers=workers, use_cache=False,
                               progress=False, release_models=True)
    seconds = time.perf_counter() - t
    meter.close()
    workers_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({
        "articles": summary.articles, "workers": workers, "seconds": round(seconds, 2),
        "exact": meter.exact, "main_peak_mb": meter.peaks, "main_start_mb": meter.start_mb,
        "main_end_mb": meter.end_mb,
        "worker_peak_mb": round(workers_peak, 1) if workers_peak else None,
        "trace": meter.trace,
    }))
    return 0


def _article(data: dict[str, Any], suffix: str = "") -> Any:
    from pipeline.article import Article, Sentence, SpinSpan

    data = dict(data, sentences=[Sentence(**x) for x in data["sentences"]],
                spin_spans=[SpinSpan(**x) for x in data["spin_spans"]])
    if suffix:
        for key in ("article_id", "path"):
            data[key] += suffix
    return Article(**data)


def _report_child(src: Path, stage: Path, copies: int) -> int:
    """``report RUN_OUT STAGE [--copies K]``: the report phase alone, measured: the articles of
    an earlier run's ``articles.jsonl`` (K copies of each under new ids) put in a store, then
    every output written into STAGE. One JSON line out."""
    meter = PhaseMeter()
    from pipeline import report
    from pipeline.spool import ArticleStore

    store = ArticleStore()
    with meter.phase("load"), open(src / "articles.jsonl", encoding="utf-8") as fh:
        for line in fh:
            data = json.loads(line)
            for k in range(copies):
                store.put(_article(data, f"~{k}" if k else ""))
    run_info = json.loads((src / "run.json").read_text(encoding="utf-8"))
    with meter.phase("report"):
        report.write_reports(stage, store, [], run_info)
    meter.close()
    print(json.dumps({"articles": len(store), "exact": meter.exact,
                      "main_peak_mb": meter.peaks, "main_start_mb": meter.start_mb,
                      "main_end_mb": meter.end_mb}))
    return 0


def measure_run(corpus: Path, out: Path, workers: int) -> dict[str, Any]:
    """Run the analysis of ``corpus`` into ``out`` in a fresh process and return its figures:
    ``main_peak_mb`` per phase, ``worker_peak_mb`` (the analysing child processes; None when
    the main process analysed: one worker with ``run.analysis_process`` off), ``seconds``,
    ``articles`` and the RSS ``trace``."""
    cmd = [sys.executable, "-m", "workbench.memory", "run", str(corpus.resolve()),
           str(out.resolve()), "--workers", str(workers)]
    from workbench import PROJECT_ROOT

    # Started from the project folder (workbench is not an installed package).
    res = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=PROJECT_ROOT,
                         env={**os.environ, "PYTHONUNBUFFERED": "1"})
    if res.returncode:
        raise subprocess.CalledProcessError(res.returncode, cmd, res.stdout, res.stderr)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main_peak(result: dict[str, Any], phases: tuple[str, ...] = PHASES) -> float:
    """The main process's peak over ``phases`` of a :func:`measure_run` result."""
    return max(result["main_peak_mb"].get(p, 0.0) for p in phases)


def growth(large: dict[str, Any], small: dict[str, Any],
           phases: tuple[str, ...] = PHASES) -> dict[str, Any]:
    """How the main process's peak grows from the ``small`` corpus to the ``large`` one:
    MB more, and KB more per article more (what a 10x larger corpus would add, per article)."""
    a, b = main_peak(large, phases), main_peak(small, phases)
    extra = large["articles"] - small["articles"]
    return {"articles": [small["articles"], large["articles"]], "peak_mb": [b, a],
            "growth_mb": round(a - b, 1),
            "kb_per_article": round((a - b) * 1024 / extra, 2) if extra > 0 else None}


def bench_corpus(n_articles: int, root: Path, words: int = 1000, seed: int = 0) -> Path:
    """The bench corpus of ``n_articles`` (:mod:`workbench.bench_corpus`) in ``root``/corpus-N, written
    once and reused (so runs before and after a change read the same files)."""
    from workbench.bench_corpus import generate_texts, write_corpus

    folder = root / f"corpus-{n_articles}-{words}-{seed}"
    if not (folder / ".complete").exists():
        write_corpus(generate_texts(n_articles, words, seed), folder)
        (folder / ".complete").write_text("")
    return folder


def sweep(sizes: list[int], workers: list[int], root: Path,
          log: Callable[[str], None] = print) -> list[dict[str, Any]]:
    """:func:`measure_run` for every corpus size and worker count (outputs under ``root``)."""
    rows = []
    for n in sizes:
        corpus = bench_corpus(n, root)
        for w in workers:
            res = measure_run(corpus, root / f"out-{n}-{w}", w)
            log(json.dumps({k: v for k, v in res.items() if k != "trace"}))
            rows.append({"n": n, **res})
    return rows


def run_cli(argv: list[str] | None = None, log: Callable[[str], None] = print) -> int:
    from workbench import script_parser

    parser = script_parser("workbench.memory", __doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("run", help="one measured run of CORPUS into OUT (one JSON line)")
    one.add_argument("corpus", type=Path)
    one.add_argument("out", type=Path)
    one.add_argument("--workers", type=int, default=1)
    rep = sub.add_parser("report", help="the report phase alone, from an earlier run's "
                                        "articles.jsonl and run.json in RUN_OUT")
    rep.add_argument("run_out", type=Path)
    rep.add_argument("stage", type=Path)
    rep.add_argument("--copies", type=int, default=1)
    sw = sub.add_parser("sweep", help="bench corpora of each SIZE under ROOT, measured with "
                                      "each worker count (JSON lines, ROOT/sweep.json)")
    sw.add_argument("root", type=Path)
    sw.add_argument("sizes", type=int, nargs="+")
    sw.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.command == "run":
        return _child(args.corpus, args.out, args.workers)
    if args.command == "report":
        return _report_child(args.run_out, args.stage, args.copies)
    args.root.mkdir(parents=True, exist_ok=True)
    rows = sweep(args.sizes, args.workers, args.root, log)
    (args.root / "sweep.json").write_text(json.dumps(rows) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(run_cli())
