"""Determinism, incremental re-runs and engines: the same answer every way."""

from pathlib import Path

import pytest

from pipeline.config import load_settings
from pipeline.run import UsageError, check_paths, run_analysis

TABLES = ("articles.csv", "sentences.csv", "spin_evidence.csv", "comparison.csv", "errors.csv",
          "comparison.md", "articles.jsonl")


def _tables(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in TABLES}


def _settings(tmp_path: Path, cache: bool = False):
    s = load_settings()
    s.run.cache = cache
    s.run.cache_dir = str(tmp_path / "cache")
    s.run.workers = 1
    return s


def test_same_input_gives_byte_identical_tables(tiny_corpus: Path, tmp_path: Path):
    s = _settings(tmp_path)
    run_analysis(tiny_corpus, tmp_path / "a", s, progress=False)
    run_analysis(tiny_corpus, tmp_path / "b", s, progress=False)
    assert _tables(tmp_path / "a") == _tables(tmp_path / "b")


def test_released_models_change_no_output_and_are_rebuilt(tiny_corpus: Path, tmp_path: Path):
    from pipeline import engine

    s = _settings(tmp_path)
    s.run.analysis_process = False   # one worker analysing in this process
    run_analysis(tiny_corpus, tmp_path / "kept", s, progress=False)
    assert engine._NLP_CACHE    # one worker: the models were loaded in this process
    run_analysis(tiny_corpus, tmp_path / "released", s, progress=False, release_models=True)
    assert not engine._NLP_CACHE    # dropped before the reports
    assert _tables(tmp_path / "kept") == _tables(tmp_path / "released")
    run_analysis(tiny_corpus, tmp_path / "again", s, progress=False)
    assert engine._NLP_CACHE and _tables(tmp_path / "again") == _tables(tmp_path / "kept")


def test_one_worker_in_a_child_process_gives_the_same_outputs(tiny_corpus: Path, tmp_path: Path):
    """``run.analysis_process``: with one worker the analysis runs in one child process, so
    this (main) process never builds a pipeline nor fills the analysis memo tables; the
    outputs are byte-identical to the analysis in this process."""
    from pipeline import engine
    from pipeline.spin import words

    engine.release()
    words._STATS.clear()
    s = _settings(tmp_path)
    s.run.analysis_process = True
    run_analysis(tiny_corpus, tmp_path / "child", s, progress=False)
    assert not engine._NLP_CACHE and not words._STATS   # nothing analysed in this process
    s.run.analysis_process = False
    run_analysis(tiny_corpus, tmp_path / "here", s, progress=False)
    assert engine._NLP_CACHE
    child, here = _tables(tmp_path / "child"), _tables(tmp_path / "here")
    assert child == here


def test_run_json_times_each_step(tiny_corpus: Path, tmp_path: Path):
    import json

    summary = run_analysis(tiny_corpus, tmp_path / "out", _settings(tmp_path), progress=False)
    steps = json.loads((tmp_path / "out" / "run.json").read_text(encoding="utf-8"))["step_seconds"]
    assert set(steps) == {"ingest_and_analyse", "corpus_steps_per_article", "duplicates", "audit",
                          "reports"}
    assert all(v >= 0 for v in steps.values())
    # Every step but the reports happens inside the run's own clock.
    assert sum(v for k, v in steps.items() if k != "reports") <= summary.seconds + 0.01


def test_incremental_run_reanalyses_only_changes_and_equals_cold_run(tiny_corpus: Path, tmp_path: Path):
    s = _settings(tmp_path, cache=True)
    first = run_analysis(tiny_corpus, tmp_path / "warm", s, progress=False)
    assert first.cache_hits == 0
    page = tiny_corpus / "goodsite.example" / "trust.txt"
    page.write_text(page.read_text() + "\n\nYour therapist should welcome questions about the plan.")
    second = run_analysis(tiny_corpus, tmp_path / "warm", s, progress=False)
    assert second.cache_hits == first.articles - 1
    cold = run_analysis(tiny_corpus, tmp_path / "cold", _settings(tmp_path / "c2"), progress=False)
    assert cold.cache_hits == 0
    assert _tables(tmp_path / "warm") == _tables(tmp_path / "cold")


@pytest.mark.slow
def test_process_pool_and_dask_equal_single_process(tiny_corpus: Path, tmp_path: Path):
    s = _settings(tmp_path)
    run_analysis(tiny_corpus, tmp_path / "one", s, workers=1, progress=False)
    run_analysis(tiny_corpus, tmp_path / "pool", s, workers=2, progress=False)
    run_analysis(tiny_corpus, tmp_path / "dask", s, engine="dask", workers=2, progress=False)
    assert _tables(tmp_path / "one") == _tables(tmp_path / "pool") == _tables(tmp_path / "dask")


def test_check_paths_rejects_unwritable_output(tmp_path: Path, monkeypatch):
    corpus = tmp_path / "c"
    corpus.mkdir()
    monkeypatch.setattr("os.access", lambda *a, **k: False)
    with pytest.raises(UsageError, match="not writable"):
        check_paths(corpus, tmp_path / "out")


def test_check_paths_rejects_file_as_corpus(tmp_path: Path):
    f = tmp_path / "x.txt"
    f.write_text("hello")
    with pytest.raises(UsageError, match="must be a folder"):
        check_paths(f, tmp_path / "out")


def test_an_article_whose_analysis_fails_is_listed_and_the_run_goes_on(
        tiny_corpus: Path, tmp_path: Path, fail_analysis_of):
    """One bad record never sinks a run: the batch is retried article by article, and the
    article that still fails is in errors.csv with the reason, not in articles.csv."""
    import pandas as pd

    fail_analysis_of("stalled", RuntimeError("component exploded\nsecond line"))
    summary = run_analysis(tiny_corpus, tmp_path / "out", _settings(tmp_path), progress=False)
    errors = pd.read_csv(tmp_path / "out" / "errors.csv")
    failed = errors[errors.reason.str.startswith("analysis failed")]
    assert failed.to_dict("records") == [{
        "path": "othersite.example/page.html",
        "reason": "analysis failed: RuntimeError: component exploded"}]
    ids = set(pd.read_csv(tmp_path / "out" / "articles.csv").article_id)
    assert "othersite.example/page.html" not in ids and "goodsite.example/trust.txt" in ids
    assert summary.articles == len(ids) == 2 and summary.errors == len(errors)


def test_a_run_keeps_articles_on_disk_not_in_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Memory flat in corpus size: when the reports start (and while the HTML page is written)
    only a bounded number of Article objects is alive, however many articles the corpus has."""
    import gc
    import random

    from pipeline import report
    from pipeline.article import Article
    from pipeline.report import writer

    rng = random.Random(7)
    vocab = ["client", "therapist", "session", "goal", "trust", "week", "plan", "feeling",
             "repair", "talk", "listen", "change", "progress", "worry", "sleep", "habit",
             "notice", "agree", "method", "review"]
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(40):
        words = [rng.choice(vocab) for _ in range(80)]
        text = ". ".join(" ".join(words[j:j + 8]).capitalize() for j in range(0, 80, 8)) + "."
        (corpus / f"note{i:02d}.txt").write_text(f"Note {i}\n\n{text}\n")

    live: dict[str, int] = {}

    def count(where: str) -> None:
        # Frozen objects (engine._settle freezes what outlives each batch) are invisible to
        # gc.get_objects: back into the collector's generations first.
        gc.unfreeze()
        gc.collect()
        # Only this corpus's articles: other tests in the process may hold theirs.
        live[where] = sum(1 for o in gc.get_objects()
                          if type(o) is Article and o.article_id.startswith("note"))

    real_reports, real_html = report.write_reports, writer.write_html

    def write_reports(stage, articles, errors, run_info):
        count("reports")
        return real_reports(stage, articles, errors, run_info)

    def write_html(path, context):
        count("html")
        return real_html(path, context)

    monkeypatch.setattr(report, "write_reports", write_reports)
    monkeypatch.setattr(writer, "write_html", write_html)
    summary = run_analysis(corpus, tmp_path / "out", _settings(tmp_path), progress=False)
    assert summary.articles == 40
    # The loop variables of the last article analysed and audited may still be bound.
    assert live["reports"] <= 2 and live["html"] <= 2, live


@pytest.mark.parametrize("spun, date", [(False, "2024-01-02"), (True, ""), (False, "")])
def test_canonical_key_from_the_kept_row_equals_the_full_articles(spun: bool, date: str):
    """The run ranks duplicates from the small row it keeps of each stored article: the same
    key the full article (with its site norms) would give."""
    from pipeline import dedup
    from pipeline.article import Article
    from pipeline.quality.norms import SiteNorms
    from pipeline.run import _canonical_key, _row

    norms = SiteNorms({"site_min_articles": 3})
    arts = []
    for i, words in enumerate([900, 950, 1000, 120]):   # the last is thin for its site
        a = Article(f"s/{i}", "", "site.example", "Some text.", date=date,
                    spin={"spun": spun, "score": 0.9 if spun else 0.1},
                    quality={"score": 0.8, "low_quality": False, "flags": [],
                             "metrics": {"words": words, "grade": 9.0, "lexical_density": 0.5}})
        norms.add(a.source, a.quality["metrics"])
        arts.append(a)
    for a in arts:
        key = _canonical_key(a.article_id, _row(a, tuple(norms.directions)), norms)
        a.site_norms = norms.of(a.source, a.quality["metrics"])
        assert key == dedup.canonical_key_of(a)
    assert arts[-1].site_norms["flags"] and dedup.canonical_key_of(arts[-1])[2] > -0.8


def test_error_kinds_and_the_most_common_reasons():
    from pipeline.article import IngestError
    from pipeline.run import error_kind, top_errors

    assert error_kind("text too short (12 chars < min_chars=80)") == "text too short"
    assert error_kind("analysis failed: ValueError: boom") == "analysis failed"
    assert error_kind("") == "unknown"
    errors = [IngestError("a", "empty file"), IngestError("b", "empty file"),
              IngestError("c", "binary content (PNG image), not text"),
              IngestError("d", "text too short (3 chars)"), IngestError("e", "<script>")]
    assert top_errors(errors) == [("empty file", 2), ("<script>", 1), ("binary content", 1)]
    assert top_errors([]) == []


def test_count_files_gives_the_progress_total(tmp_path):
    from pipeline.config import load_settings
    from pipeline.run import count_files

    (tmp_path / "s").mkdir()
    for name in ("a.txt", "b.html", "c.jsonl"):
        (tmp_path / "s" / name).write_text("x")
    assert count_files(tmp_path, load_settings()) == 3
    assert count_files(tmp_path / "missing", load_settings()) <= 1
