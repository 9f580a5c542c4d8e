"""`make bench`: words/s and articles/s per stage, peak memory, and two reference points.

The corpus is generated from the demo corpus's own sentences (seeded shuffles into ~N-word
articles over several sources; a share passed through the spinner simulator), written as .txt,
.html and .jsonl so ingestion is measured too. Reference points on the same texts in the same
run: spaCy's bare tokenizer (the practical ceiling) and, when the separate benchmark environment
exists (``make bench`` creates ``.venv-bench``), TextDescriptives' quality + readability on
en_core_web_sm, which is what a user would otherwise run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.table import Table

from workbench import PROJECT_ROOT
from workbench.bench_corpus import SOURCES, TEXT_SOURCE, generate_texts, write_corpus

BENCH_VENV = PROJECT_ROOT / ".venv-bench"
TD_SCRIPT = Path(__file__).with_name("bench_textdescriptives.py")
TD_SAMPLE = 200


def _count_words(texts: list[str]) -> int:
    return sum(len(re.findall(r"\w+", t)) for t in texts)


def _stage(name: str, seconds: float, words: int, articles: int, **extra: Any) -> dict[str, Any]:
    return {
        "stage": name, "seconds": round(seconds, 3), "words": words, "articles": articles,
        "words_per_s": round(words / seconds) if seconds > 0 else None,
        "articles_per_s": round(articles / seconds, 1) if seconds > 0 else None, **extra,
    }


def _time_components(texts: list[str]) -> list[dict[str, Any]]:
    """Base pipeline and each of our components timed separately on the same Docs."""
    import gc

    from pipeline.article import Article
    from pipeline.config import load_settings
    from pipeline.engine import _loading, _no_collection
    from pipeline.nlp import build_nlp

    settings = load_settings()
    words = _count_words(texts)
    # Warm-up loads lexicons and models outside the timings; loaded as `analyze` loads them
    # (engine._loading: the loaded models frozen, so no full collection rescans them).
    with _loading():
        nlp = build_nlp(settings)
        for _doc in nlp.pipe(texts[:5]):
            pass
    base_names = [n for n in nlp.pipe_names if n in ("sentencizer", "lemmatizer")]
    # Each stage runs as `analyze` runs its batches: without cyclic collection
    # (engine._no_collection), the collection done between stages, outside the timings.
    gc.collect()
    docs = []
    with _no_collection():
        t = time.perf_counter()
        for i, text in enumerate(texts):
            doc = nlp.make_doc(text)
            a = Article(article_id=str(i), path=str(i), source=SOURCES[i % len(SOURCES)],
                        text=text, language="en", raw_chars=len(text))
            doc._.meta = {"article_id": a.article_id, "source": a.source, "language": "en",
                          "applicable": True, "raw_chars": a.raw_chars, "boilerplate_chars": 0,
                          "boilerplate_lines": 0, "title": ""}
            for name in base_names:
                doc = nlp.get_pipe(name)(doc)
            docs.append(doc)
        seconds = time.perf_counter() - t
    rows = [_stage("base (tokenizer+sentencizer+lookup lemmatizer)", seconds, words, len(texts))]
    for name in nlp.pipe_names:
        if name in base_names:
            continue
        proc = nlp.get_pipe(name)
        gc.collect()
        with _no_collection():
            t = time.perf_counter()
            # As `analyze` runs them: batched through `pipe` where the component has one.
            docs = (list(proc.pipe(iter(docs))) if hasattr(proc, "pipe")
                    else [proc(d) for d in docs])
            seconds = time.perf_counter() - t
        rows.append(_stage(f"component {name}", seconds, words, len(texts)))
    return rows


def spin_vs_rest(rows: list[dict[str, Any]]) -> dict[str, float] | None:
    """The spin detector's time against the rest of the per-article analysis (ingest, base
    pipeline, the other components), from the stage rows: issue 4 wants it no larger."""
    spin = [r["seconds"] for r in rows if r["stage"] == "component spin_detector"]
    rest = [r["seconds"] for r in rows if r["stage"].startswith(("ingest", "base"))
            or (r["stage"].startswith("component ") and r["stage"] != "component spin_detector")]
    if not spin or not rest:
        return None
    return {"spin_seconds": round(spin[0], 3), "rest_seconds": round(sum(rest), 3),
            "ratio": round(spin[0] / sum(rest), 2) if sum(rest) else float("inf")}


def _tokenizer_seconds(texts: list[str]) -> float:
    import spacy

    nlp = spacy.blank("en")
    t = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=64):
        pass
    return time.perf_counter() - t


def _tokenizer_row(texts: list[str], seconds: list[float]) -> dict[str, Any]:
    """The tokenizer reference: the median of its timings (taken before, between and after
    the end-to-end runs, so that a slow or fast spell of a shared machine does not skew the
    ratio) with every timing kept."""
    return _stage("reference: spaCy bare tokenizer", float(statistics.median(seconds)),
                  _count_words(texts), len(texts), timings=[round(x, 3) for x in seconds])


def ratio_to_tokenizer(rows: list[dict[str, Any]]) -> dict[str, float]:
    """End-to-end seconds over the tokenizer's, per end-to-end row ("workers 1", "workers 2")."""
    tok = next((r["seconds"] for r in rows if r["stage"].startswith("reference: spaCy")), None)
    out: dict[str, float] = {}
    for r in rows:
        m = re.match(r"end to end `analyze --workers (\d+)`", r["stage"])
        if m and tok:
            out[f"workers {m.group(1)}"] = round(r["seconds"] / tok, 1)
    return out


def _time_textdescriptives(texts: list[str], log: Callable[[str], None]) -> dict[str, Any] | None:
    py = BENCH_VENV / "bin" / "python"
    if not py.exists():
        log(f"(TextDescriptives reference skipped: {BENCH_VENV} not found; `make bench` creates it)")
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(texts, fh)
    try:
        res = subprocess.run([str(py), str(TD_SCRIPT), fh.name], capture_output=True, text=True,
                             timeout=3600, check=False)
    finally:
        os.unlink(fh.name)
    if res.returncode != 0:
        log(f"(TextDescriptives reference failed: {res.stderr.strip()[-300:]})")
        return None
    data = json.loads(res.stdout.strip().splitlines()[-1])
    return _stage("reference: TextDescriptives quality+readability (en_core_web_sm)",
                  data["seconds"], _count_words(texts[: data["articles"]]), data["articles"],
                  peak_rss_mb=data.get("peak_rss_mb"))


_LAUNCHER = (
    "import resource, subprocess, sys\n"
    "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(r.returncode)\n"
)


def _run_cli(corpus: Path, out: Path, workers: int, cache: bool) -> tuple[float, float]:
    """Run `alliance-audit analyze` as a user would; returns (seconds, peak RSS MB of children)."""
    corpus, out = corpus.resolve(), out.resolve()   # the run starts in out's parent folder
    cmd = [sys.executable, "-m", "pipeline.cli", "analyze", str(corpus), "--out", str(out),
           "--workers", str(workers), "--quiet", "--cache" if cache else "--no-cache"]
    # The run is started by a small launcher that reports its children's peak: a process
    # spawned from this one (which holds the texts and the timed Docs) inherits this one's
    # memory high-water mark on Linux, so its own ru_maxrss would be ours.
    t = time.perf_counter()
    res = subprocess.run([sys.executable, "-c", _LAUNCHER, *cmd], cwd=out.parent,
                         capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - t
    if res.returncode:
        raise subprocess.CalledProcessError(res.returncode, cmd, res.stdout, res.stderr)
    return seconds, int(res.stdout.strip().splitlines()[-1]) / 1024


def _run_measured(corpus: Path, out: Path, workers: int) -> tuple[float, dict[str, Any]]:
    """An `analyze` run (no cache) in a fresh process measured per phase
    (:func:`workbench.memory.measure_run`): its wall seconds, start-up included, and figures."""
    from workbench.memory import measure_run

    t = time.perf_counter()
    result = measure_run(corpus, out, workers)
    return time.perf_counter() - t, result


def _memory_fields(result: dict[str, Any]) -> dict[str, Any]:
    """An end-to-end row's memory: the peak of the run's largest process, the main process's
    peak, and the main process's peak per phase (analyse, corpus steps, report)."""
    from workbench.memory import main_peak

    main = main_peak(result)
    return {"peak_rss_mb": round(max(main, result.get("worker_peak_mb") or 0)),
            "main_peak_mb": round(main), "main_phase_peak_mb": result["main_peak_mb"],
            "worker_peak_mb": result.get("worker_peak_mb")}


def memory_growth(large: dict[str, Any], small: dict[str, Any]) -> dict[str, Any]:
    """The main process's peak growth from N/4 to N articles: over the whole run, and in the
    report phase alone (tables, workbook, HTML, Markdown)."""
    from workbench.memory import PHASES, growth

    return {"workers": large.get("workers"),
            "run": growth(large, small, PHASES), "report": growth(large, small, ("report",))}


def growth_caption(memory: dict[str, Any] | None) -> str | None:
    """One line for the bench table: the main process's peak at N/4 and N articles."""
    if not memory:
        return None
    run, rep = memory["run"], memory["report"]
    (a, b), (pa, pb) = run["articles"], run["peak_mb"]
    return (f"main process ({memory['workers']} worker(s)) peak {pa:.0f} MB at {a} articles, "
            f"{pb:.0f} MB at {b} ({run['growth_mb']:+.0f} MB, {run['kb_per_article']} KB an "
            f"article; report phase {rep['growth_mb']:+.0f} MB)")


def run_bench(
    n_articles: int = 2000,
    words: int = 1000,
    out: Path = Path("reports/bench.json"),
    workers: int = 0,
    reference: bool = True,
    seed: int = 0,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Generate the corpus, time every stage, write ``out`` (JSON) and return the results."""
    from pipeline.engine import resolve_workers

    log(f"generating {n_articles} articles of ~{words} words (seed {seed})")
    texts = generate_texts(n_articles, words, seed)
    total_words = _count_words(texts)
    rows: list[dict[str, Any]] = []
    tmp = Path(tempfile.mkdtemp(prefix="aa-bench-"))
    try:
        corpus = tmp / "corpus"
        write_corpus(texts, corpus)

        from pipeline.config import load_settings
        from pipeline.ingest import read_corpus

        t = time.perf_counter()
        n_items = sum(1 for _ in read_corpus(corpus, load_settings().ingest))
        n_files = sum(1 for p in corpus.rglob("*") if p.is_file())
        rows.append(_stage("ingest (read, extract, clean, language id)", time.perf_counter() - t,
                           total_words, n_items, files_per_s=round(n_files / (time.perf_counter() - t), 1)))
        log("timing components")
        rows.extend(_time_components(texts))
        tok_seconds = [_tokenizer_seconds(texts)]

        log("end to end, 1 process")
        secs1, mem1 = _run_measured(corpus, tmp / "out1", 1)
        tok_seconds.append(_tokenizer_seconds(texts))
        e2e = [_stage("end to end `analyze --workers 1` (cold)", secs1, total_words,
                      n_articles, **_memory_fields(mem1))]
        n = resolve_workers(workers)
        mem_n = mem1
        if n > 1:
            log(f"end to end, {n} processes (the default of `make analyze`: all cores)")
            secs_n, mem_n = _run_measured(corpus, tmp / "outn", n)
            tok_seconds.append(_tokenizer_seconds(texts))
            e2e.append(_stage(f"end to end `analyze --workers {n}` (cold)", secs_n, total_words,
                              n_articles, **_memory_fields(mem_n),
                              speedup=round(secs1 / secs_n, 2)))
        # Does the main process grow with the corpus? The same run on a quarter of the corpus.
        quarter = max(1, n_articles // 4)
        log(f"main-process memory growth: {quarter} articles, {n} process(es)")
        write_corpus(texts[:quarter], tmp / "corpus_quarter")
        _, mem_q = _run_measured(tmp / "corpus_quarter", tmp / "outq", n)
        memory = memory_growth(mem_n, mem_q)
        rows.append(_tokenizer_row(texts, tok_seconds))
        rows.extend(e2e)
        log("incremental: warm the cache, change 5% of files, re-run")
        _run_cli(corpus, tmp / "outc", 1, cache=True)
        changed = sorted(corpus.rglob("*.txt"))[: max(1, n_articles // 20)]
        for p in changed:
            p.write_text(p.read_text(encoding="utf-8") + "\n\nOne more closing sentence.", encoding="utf-8")
        secs_inc, _ = _run_cli(corpus, tmp / "outc", 1, cache=True)
        rows.append(_stage(f"incremental re-run ({len(changed)} files changed)", secs_inc,
                           total_words, n_articles))
        # TextDescriptives runs ~4k words/s: time it on a sample, it reports words/s.
        td = _time_textdescriptives(texts[:TD_SAMPLE], log) if reference else None
        if td:
            rows.append(td)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    ratios = ratio_to_tokenizer(rows)
    from pipeline.quality import compiled as quality_kernels
    from pipeline.spin import compiled

    kernels = "compiled" if compiled.active() else "pure Python"
    results = {
        # Which kernels ran (pipeline/<stage>/_fast.pyx or the pure-Python fallback).
        "spin_kernels": kernels,
        "quality_kernels": "compiled" if quality_kernels.active() else "pure Python",
        "spin_vs_rest": spin_vs_rest(rows),
        "articles": n_articles,
        "words": total_words,
        "seed": seed,
        "text_source": TEXT_SOURCE.get("origin", ""),
        "cpu_count": os.cpu_count(),
        "stages": rows,
        # The acceptance check: `make analyze` (all cores) and one worker, against the tokenizer.
        "end_to_end_vs_tokenizer": ratios,
        # The main process's peak at N and N/4 articles (all phases, and the report phase).
        "main_memory_growth": memory,
        "python": sys.version.split()[0],
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    svr = results["spin_vs_rest"]
    caption = (f"spin detector {svr['spin_seconds']:.2f} s vs the rest of the analysis "
               f"(ingest, base, quality, alliance) {svr['rest_seconds']:.2f} s: "
               f"{svr['ratio']:.2f}x" if svr else None)
    shown = ", ".join(f"{k}: {v}x" for k, v in ratios.items())
    caption = "; ".join(c for c in (caption, growth_caption(memory)) if c)
    table = Table(title=f"alliance-audit bench: {n_articles} articles, {total_words:,} words "
                        f"(end to end / tokenizer time: {shown}; spin kernels: {kernels}, "
                        f"quality kernels: {results['quality_kernels']})",
                  caption=caption)
    for col in ("stage", "seconds", "words/s", "articles/s", "peak MB", "main peak MB"):
        table.add_column(col, justify="left" if col == "stage" else "right")
    for r in rows:
        table.add_row(r["stage"], f"{r['seconds']:.2f}", f"{r['words_per_s'] or 0:,}",
                      f"{r['articles_per_s'] or 0:,}", str(r.get("peak_rss_mb", "")),
                      str(r.get("main_peak_mb", "")))
    results["table"] = table
    log(f"results written to {out}")
    return results
