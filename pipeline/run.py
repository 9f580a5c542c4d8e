"""Orchestrates one run: ingest -> analyse (cached, local or Dask) -> corpus steps -> outputs."""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pipeline.article import Article, IngestError
from pipeline.cache import ANALYSIS_FIELDS, ResultCache, models_fingerprint
from pipeline.config import Settings
from pipeline.paths import MODELS_DIR
from pipeline.quality.norms import SiteNorms
from pipeline.spool import ArticleStore

# Exit codes of `alliance-audit analyze` (documented in the README and --help).
EXIT_OK = 0
EXIT_NOTHING_ANALYSED = 1
EXIT_USAGE = 2
EXIT_STRICT = 3


class UsageError(Exception):
    """A user mistake (paths, options, configuration) with the exit code to return."""

    def __init__(self, message: str, code: int = EXIT_USAGE):
        super().__init__(message)
        self.code = code


@dataclass
class RunSummary:
    """What a run did, for the terminal summary and ``run.json``."""

    corpus: str
    out: str
    files: int = 0
    articles: int = 0
    analysed: int = 0
    not_applicable: int = 0
    errors: int = 0
    failed_files: int = 0
    cache_hits: int = 0
    seconds: float = 0.0
    words: int = 0
    actions: dict[str, int] = field(default_factory=dict)
    low_quality: int = 0
    spun: int = 0
    near_duplicates: int = 0
    duplicate_kinds: dict[str, int] = field(default_factory=dict)
    # The most common reasons in errors.csv, most frequent first: [(reason, count), ...].
    top_errors: list[tuple[str, int]] = field(default_factory=list)

    def exit_code(self, strict: bool) -> int:
        # README: 1 when nothing could be analysed (no file, every article failed, or none
        # in an analysed language).
        if self.analysed == 0:
            return EXIT_NOTHING_ANALYSED
        if strict and self.errors:
            return EXIT_STRICT
        return EXIT_OK


def check_paths(corpus: Path, out: Path) -> None:
    """Reject the mistakes that would lose data or loop: clear message, usage exit code."""
    if not corpus.exists():
        raise UsageError(f"corpus folder not found: {corpus}")
    if not corpus.is_dir():
        raise UsageError(f"corpus must be a folder, got a file: {corpus}")
    c, o = corpus.resolve(), out.resolve()
    if o == c or c in o.parents:
        raise UsageError(
            f"output folder {out} is inside the corpus {corpus}: its files would be read as "
            "articles on the next run; choose a folder outside the corpus"
        )
    probe_dir = o
    while not probe_dir.exists():
        probe_dir = probe_dir.parent
    if not probe_dir.is_dir() or not os.access(probe_dir, os.W_OK | os.X_OK):
        raise UsageError(f"output folder is not writable: {out}")
    if out.exists() and not out.is_dir():
        raise UsageError(f"output path exists and is not a folder: {out}")


def _normalise(article: Article) -> Article:
    """Round-trip analysis fields through JSON so fresh, cached and remote results are equal."""
    from pipeline.article import Sentence, SpinSpan, load_fields

    data = load_fields(json.dumps({n: _plain(getattr(article, n)) for n in ANALYSIS_FIELDS}))
    for name in ANALYSIS_FIELDS:
        setattr(article, name, data[name])
    article.spin_spans = [SpinSpan(**s) for s in article.spin_spans]
    article.sentences = [Sentence(**s) for s in article.sentences]
    return article


def _row(article: Article, metrics: tuple[str, ...]) -> tuple:
    """What the corpus-level steps need of an article that is on disk: its source, quality
    metrics for the site norms, and the facts of its canonical key (spun, score, date, low
    quality, words)."""
    m = article.quality.get("metrics") or {}
    return (article.source, {k: m[k] for k in metrics if k in m} if m else None,
            bool(article.spin.get("spun")), article.quality.get("score"), article.date,
            bool(article.quality.get("low_quality")), article.words)


def _canonical_key(article_id: str, row: tuple, norms: SiteNorms) -> tuple:
    """:func:`dedup.canonical_key` of a stored article, from its row (quality with site norms)."""
    from pipeline import dedup

    source, metrics, spun, score, date, low, words = row
    stub = Article(article_id, "", source, "", date=date, spin={"spun": spun}, words=words,
                   quality={"score": score, "low_quality": low},
                   site_norms=norms.of(source, metrics))
    return dedup.canonical_key_of(stub)


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [dict(v.__dict__) if hasattr(v, "__dataclass_fields__") else v for v in value]
    return value


def error_kind(reason: str) -> str:
    """The general part of an errors.csv reason ("text too short (12 chars...)" -> "text too
    short"), so reasons that differ only in their details are counted together."""
    for sep in (" (", ": "):
        reason = reason.split(sep, 1)[0]
    return reason.strip() or "unknown"


def top_errors(errors: list[IngestError], n: int = 3) -> list[tuple[str, int]]:
    """The ``n`` most common error kinds with their counts (ties by name)."""
    counts = Counter(error_kind(e.reason) for e in errors)
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def count_files(corpus: Path, settings: Settings) -> int:
    """How many files the ingest step will read (a walk without reading), for the progress
    total; a failing walk counts what it found."""
    from pipeline.ingest.walk import walk

    ing = settings.ingest
    try:
        return sum(1 for _ in walk(corpus, ing.max_depth, ing.follow_symlinks, ing.max_file_bytes))
    except OSError:
        return 0


def _progress(enabled: bool):
    """A rich progress bar on stderr, or a no-op when stderr is not a terminal."""
    if not enabled or not sys.stderr.isatty():
        return nullcontext(None)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=Console(stderr=True), transient=True,
    )


@dataclass
class _Corpus:
    """What a run keeps while it goes: the articles on disk and, per article, only what the
    corpus-level steps need of it (a row, its site-norm metrics, MinHash signatures)."""

    store: ArticleStore
    finder: Any                 # dedup.DuplicateFinder
    norms: SiteNorms
    rows: dict[str, tuple] = field(default_factory=dict)
    errors: list[IngestError] = field(default_factory=list)
    files_seen: set[str] = field(default_factory=set)
    # Seconds per step, in run.json (the analysis step includes ingestion, which overlaps it).
    steps: Counter[str] = field(default_factory=Counter)

    def finish(self, article: Article) -> None:
        """An analysed article: its row and signatures kept, the article itself to disk."""
        t = time.perf_counter()
        self.rows[article.article_id] = _row(article, tuple(self.norms.directions))
        self.norms.add(article.source, article.quality.get("metrics"))
        self.finder.add(article)
        self.store.put(article)
        self.steps["corpus_steps_per_article"] += time.perf_counter() - t


def run_analysis(
    corpus: Path,
    out: Path,
    settings: Settings,
    *,
    engine: str = "local",
    scheduler: str | None = None,
    workers: int | None = None,
    use_cache: bool | None = None,
    progress: bool = True,
    log: Callable[[str], None] | None = None,
    release_models: bool = False,
) -> RunSummary:
    """Analyse every file under ``corpus`` and write the output contract into ``out``.

    ``release_models``: drop this process's language models before the reports (the command
    line does: with one worker they were loaded here, and the process ends after the reports).
    """
    from pipeline import dedup

    check_paths(corpus, out)
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    summary = RunSummary(corpus=str(corpus), out=str(out))
    workers = settings.run.workers if workers is None else workers
    use_cache = settings.run.cache if use_cache is None else use_cache
    versions, cache = _versions_and_cache(settings, use_cache)
    if engine not in ("local", "dask"):
        raise UsageError(f"unknown engine '{engine}' (use local or dask)")
    # Memory flat in corpus size: each article goes to disk (the store) as soon as its analysis
    # is done; the corpus-level steps keep only what they need of it (a row, MinHash
    # signatures), and the reports read the articles back one at a time.
    state = _Corpus(ArticleStore(), dedup.DuplicateFinder(settings.dedup), SiteNorms(settings.quality))
    _ingest_and_analyse(corpus, settings, state, cache, engine, scheduler, workers, progress)
    state.steps["ingest_and_analyse"] = (
        time.perf_counter() - t0 - state.steps["corpus_steps_per_article"]
    )
    _corpus_steps(state, settings, summary)
    if release_models:
        from pipeline.engine import release

        release()
    _count(summary, state, cache, t0)
    run_info = {
        "config": settings.model_dump(mode="json"),
        "config_digest": settings.digest(),
        "versions": versions,
        "corpus": str(corpus),
        "engine": engine,
        "counts": {k: v for k, v in asdict(summary).items() if isinstance(v, int | dict)},
        "started": started.isoformat(timespec="seconds"),
        "seconds": summary.seconds,
        "step_seconds": {k: round(v, 3) for k, v in state.steps.items()},
    }
    _write_outputs(out, state.store, state.errors, run_info, progress, summary.articles)
    if log:
        log(f"wrote {out}")
    return summary


def _versions_and_cache(settings: Settings, use_cache: bool) -> tuple[dict[str, Any], ResultCache | None]:
    """The versions that change results (models included) and the result cache keyed on them."""
    from pipeline.nlp import pipeline_versions

    versions = pipeline_versions()
    versions["models"] = models_fingerprint(MODELS_DIR)
    if not use_cache:
        return versions, None
    key = json.dumps({"config": settings.digest(), "versions": versions}, sort_keys=True)
    return versions, ResultCache(Path(settings.run.cache_dir), key)


def _ingest_and_analyse(corpus: Path, settings: Settings, state: _Corpus,
                        cache: ResultCache | None, engine: str, scheduler: str | None,
                        workers: int, progress: bool) -> None:
    """Read the corpus and analyse each article not in the cache (engine ``local`` or
    ``dask``); every analysed or cached article goes to :meth:`_Corpus.finish`."""
    from pipeline.engine import run_dask, run_local
    from pipeline.ingest import read_corpus

    with _progress(progress) as bar:
        total_files = count_files(corpus, settings) if bar else None
        task = bar.add_task("read files", total=total_files) if bar else None
        # The first results wait for the language models to load: say so until they come.
        analyse_task = (bar.add_task("analyse (loading the language models, first batch...)",
                                     total=None) if bar else None)

        def on_file(n: int) -> None:
            if bar:
                bar.update(task, advance=n)

        by_id: dict[str, Article] = {}   # sent to the engine, not back yet

        def to_analyse() -> Iterator[Article]:
            # A generator: the engine starts on the first articles while ingestion goes on
            # (its second pass yields one article at a time), so pool workers are not idle.
            pending = 0
            for item in read_corpus(corpus, settings.ingest, progress=on_file):
                if isinstance(item, IngestError):
                    state.errors.append(item)
                    state.files_seen.add(item.path.split("#", 1)[0])
                    continue
                state.files_seen.add(item.path)
                if cache is None or not cache.load(item):
                    by_id[item.article_id] = item
                    pending += 1
                    yield item
                else:
                    state.finish(item)
            if bar:
                bar.update(analyse_task, total=pending)

        def on_done(n: int) -> None:
            if bar:
                bar.update(analyse_task, advance=n, description="analyse")

        if engine == "dask":
            results: Iterator[Article | IngestError] = run_dask(to_analyse(), settings, scheduler, workers or 0, on_done)
        else:
            results = run_local(to_analyse(), settings, workers or 0, on_done)
        for done in results:
            if isinstance(done, IngestError):   # analysis failed: listed, the run goes on
                state.errors.append(done)
                by_id.pop(done.path, None)
                continue
            target = by_id.pop(done.article_id)
            for name in ANALYSIS_FIELDS:
                setattr(target, name, getattr(done, name))
            _normalise(target)
            if cache is not None:
                cache.store(target)
            state.finish(target)


def _corpus_steps(state: _Corpus, settings: Settings, summary: RunSummary) -> None:
    """Site norms, duplicates, then the audit, one stored article at a time (counted into
    ``summary``)."""
    from pipeline import audit, dedup

    t = time.perf_counter()
    # The texts of candidate pairs are re-read from the store to align them word by word.
    found = state.finder.resolve(
        {k: _canonical_key(k, row, state.norms) for k, row in state.rows.items()},
        lambda k: state.store.get(k).text,
    )
    state.rows.clear()
    state.steps["duplicates"] = time.perf_counter() - t
    t = time.perf_counter()
    failed_files = {e.path.split("#", 1)[0] for e in state.errors}
    actions: Counter[str] = Counter()
    for a in state.store:
        a.site_norms = state.norms.of(a.source, a.quality.get("metrics"))
        dedup.apply_result(a, found, state.finder.evidence)
        a.action, a.action_reason = audit.decide(a, settings.audit)
        state.store.put(a)
        failed_files.discard(a.path)
        actions[a.action] += 1
        summary.analysed += bool(a.applicable)
        summary.words += a.words
        summary.low_quality += bool(audit.quality_of(a).get("low_quality"))
        summary.spun += bool(a.spin.get("spun"))
        summary.near_duplicates += bool(a.dedup.get("near_duplicate_of"))
        if a.dedup.get("near_duplicate_of"):
            kind = a.dedup.get("kind") or "near"
            summary.duplicate_kinds[kind] = summary.duplicate_kinds.get(kind, 0) + 1
    state.steps["audit"] = time.perf_counter() - t
    summary.duplicate_kinds = dict(sorted(summary.duplicate_kinds.items()))
    summary.failed_files = len(failed_files)
    summary.actions = dict(sorted(actions.items()))


def _count(summary: RunSummary, state: _Corpus, cache: ResultCache | None, t0: float) -> None:
    """The run's totals into ``summary``."""
    summary.files = len(state.files_seen)
    summary.articles = len(state.store)
    summary.not_applicable = summary.articles - summary.analysed
    summary.errors = len(state.errors)
    summary.top_errors = top_errors(state.errors)
    summary.cache_hits = cache.hits if cache else 0
    summary.seconds = round(time.perf_counter() - t0, 3)


def _write_outputs(out: Path, store: ArticleStore, errors: list[IngestError],
                   run_info: dict[str, Any], progress: bool, n_articles: int) -> None:
    """Every output file, staged and moved into ``out`` together."""
    from pipeline import report
    from pipeline.writers import staged_output

    with _progress(progress) as bar, staged_output(out) as stage:
        if bar:
            bar.add_task(f"writing reports ({n_articles:,} articles)", total=None)
        report.write_reports(stage, store, errors, run_info)
    # The store is an unlinked temporary file: closing (or an exception) leaves nothing behind.
    store.close()
