"""Where the per-article analysis runs: in this process, in a local process pool, or on Dask.

Every engine calls :func:`analyse_batch` on chunks of articles; each worker process builds the
spaCy pipeline once (cached per configuration digest) and returns plain ``Article`` records (or
an ``IngestError`` in the place of an article whose analysis failed), so results are the same
whichever engine ran them. Chunks come back in input order.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from typing import Any

from pipeline.article import Article, IngestError
from pipeline.config import Settings

_NLP_CACHE: dict[str, Any] = {}


@contextlib.contextmanager
def _loading() -> Iterator[None]:
    """No cyclic garbage collection while the pipeline and its models load, then the loaded
    objects frozen (``gc.freeze``: never scanned again). Loading makes some 100k long-lived
    objects and no garbage worth collecting; the default thresholds rescan the growing heap
    hundreds of times on the way (measured: 10-15% of the start-up), and full collections
    during the analysis would rescan the models for nothing."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def _nlp_for(settings: Settings):
    """This process's pipeline for ``settings``, built on first use with its components' lazy
    models loaded (one tiny Doc, as every pool worker did already: it changes no result)."""
    key = settings.digest()
    if key not in _NLP_CACHE:
        if _NLP_CACHE:
            # Another configuration's pipeline goes: unfrozen, the collector can free it.
            _NLP_CACHE.clear()
            gc.unfreeze()
        with _loading():
            from pipeline.nlp import build_nlp

            nlp = build_nlp(settings)
            for _doc in nlp.pipe(["Warm-up. The therapist and the client agree on goals."]):
                pass
        _NLP_CACHE[key] = nlp
    return _NLP_CACHE[key]


def analyse_batch(articles: list[Article], settings: Settings) -> list[Article | IngestError]:
    """Analyse a chunk of articles with this process's pipeline (built on first use)."""
    nlp = _nlp_for(settings)
    from pipeline.analysis import analyse

    with _no_collection():
        done = list(analyse(articles, nlp, settings))
        # Settled before the collector is on again: turned on with a batch's worth of new
        # objects counted, it would run a full collection of its own at the next allocation
        # and _settle a second one (measured: the first cost more than the second, issue 19).
        _settle()
    bound_memos(settings.run.memo_rss_max_mb, settings.run.memo_rss_regrow_mb)
    return done


# The resident memory (MB) past which the next batch's end empties the memo tables again: set
# after each emptying (what the process then held plus the regrowth allowed).
_MEMO_FLOOR = [0.0]


def rss_mb() -> float | None:
    """This process's resident memory in MB (``/proc/self/statm``; None elsewhere)."""
    try:
        with open("/proc/self/statm", "rb") as fh:
            pages = int(fh.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def bound_memos(limit_mb: int, regrow_mb: int) -> bool:
    """Memo tables bounded by memory (issue 19): when this process holds more than
    ``limit_mb`` (and more than the floor the last emptying set), the spin detector's memo
    tables are emptied and the freed heap handed back. True when they were."""
    if not limit_mb:
        return False
    rss = rss_mb()
    if rss is None or rss <= max(limit_mb, _MEMO_FLOOR[0]):
        return False
    from pipeline.spin.detector import empty_memos

    empty_memos()
    _trim_heap()
    _MEMO_FLOOR[0] = (rss_mb() or rss) + regrow_mb
    return True


@contextlib.contextmanager
def _no_collection() -> Iterator[None]:
    """No cyclic garbage collection during a batch (:func:`_settle` collects after it).

    A batch makes no cyclic garbage worth collecting (measured: the collection after a batch of
    32 bench articles found none), but its new memo entries and decoded table values trigger
    some 2,000 collections over 200 articles that rescan them (about 5% of the analysis, issue
    19). Changes no result."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _settle() -> None:
    """After a batch: its cyclic garbage collected, then every object left frozen.

    What outlives a batch is mostly the spin detector's memo tables and the table blocks it
    decoded, long-lived and cycle-free; unfrozen, each full collection rescans all of them
    (measured: about 10% of `analyze --workers 1`, 23 full collections over 300 articles).
    Frozen objects are still freed when their last reference goes; only a cycle among them
    would wait for :func:`gc.unfreeze` (a batch leaves almost no cyclic garbage: some hundred
    objects over a run). Changes no result."""
    gc.collect()
    gc.freeze()


def release() -> None:
    """Drop this process's pipelines and their models (the next analysis builds them again),
    collect them and hand the freed heap back to the system: with ``--workers 1`` the main
    process analysed, and the reports need no model."""
    if not _NLP_CACHE:
        return
    _NLP_CACHE.clear()
    gc.unfreeze()
    gc.collect()
    _trim_heap()


def _trim_heap() -> None:
    """glibc's ``malloc_trim(0)``: freed heap pages back to the system (no-op elsewhere)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def warm_up(settings: Settings) -> None:
    """Build this process's pipeline and load the components' lazy models."""
    _nlp_for(settings)


def chunked(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def resolve_workers(workers: int) -> int:
    """0 means all cores."""
    return workers if workers > 0 else (os.cpu_count() or 1)


def run_local(
    articles: Iterable[Article],
    settings: Settings,
    workers: int,
    on_done: Callable[[int], None] | None = None,
) -> Iterator[Article | IngestError]:
    """Analyse in a pool of processes, in input order; with one worker, in one child process
    (``run.analysis_process``, so this process never holds the models and the analysis memo
    tables) or in this process."""
    size = settings.run.batch_size
    n = resolve_workers(workers)
    if n <= 1 and not settings.run.analysis_process:
        for chunk in chunked(articles, size):
            yield from analyse_batch(chunk, settings)
            if on_done:
                on_done(len(chunk))
        return
    with ProcessPoolExecutor(max_workers=n) as pool:
        # Workers load their models while this process is still reading the corpus.
        for _ in range(n):
            pool.submit(warm_up, settings)
        yield from _in_order(
            (pool.submit(analyse_batch, chunk, settings) for chunk in chunked(articles, size)),
            2 * n, on_done,
        )


def _in_order(futures: Iterator[Any], limit: int, on_done: Callable[[int], None] | None) -> Iterator[Article | IngestError]:
    """Results of ``futures`` in submission order, at most ``limit`` in flight (flat memory)."""
    window: list = []

    def drain(fut) -> Iterator[Article | IngestError]:
        done = fut.result()
        yield from done
        if on_done:
            on_done(len(done))

    for fut in futures:
        window.append(fut)
        if len(window) >= limit:
            yield from drain(window.pop(0))
    for fut in window:
        yield from drain(fut)


def run_dask(
    articles: Iterable[Article],
    settings: Settings,
    scheduler: str | None,
    workers: int,
    on_done: Callable[[int], None] | None = None,
) -> Iterator[Article | IngestError]:
    """Analyse on a Dask cluster (``scheduler`` address), or a local one when it is None."""
    from distributed import Client, LocalCluster

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(
            n_workers=resolve_workers(workers), threads_per_worker=1, processes=True,
            dashboard_address=None,
        )
        client = Client(cluster)
    try:
        settings_future = client.scatter(settings, broadcast=True)
        limit = 4 * max(1, len(client.scheduler_info().get("workers", {})))
        yield from _in_order(
            (client.submit(analyse_batch, chunk, settings_future, pure=False)
             for chunk in chunked(articles, settings.run.batch_size)),
            limit, on_done,
        )
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
