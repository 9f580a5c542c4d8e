"""The analysis step: plain records out, vocabulary freed per batch, failures listed in place."""

from __future__ import annotations

import dataclasses

import pytest

from pipeline.analysis import analyse
from pipeline.article import Article, IngestError
from pipeline.config import load_settings
from pipeline.engine import _nlp_for

TEXTS = [
    "",
    "The therapist and the client agreed on the goals of therapy. Trust grew over the weeks.",
    "Zorblax quintavorous mellifrond. The glimbering snarfwidget frobulates each Tuesday.",
]


def _articles(texts=TEXTS) -> list[Article]:
    return [Article(article_id=f"t{i}", path=f"t{i}.txt", source="s", text=t, language="en")
            for i, t in enumerate(texts)]


@pytest.fixture(scope="module")
def settings():
    s = load_settings()
    s.run.batch_size = 2
    return s


def test_past_the_vocabulary_bound_batches_free_their_strings_and_no_result_changes(settings):
    nlp = _nlp_for(settings)
    list(analyse(_articles(TEXTS[:2]), nlp, settings))  # components warmed up
    before = len(nlp.vocab.strings)
    zoned = settings.model_copy(deep=True)
    zoned.run.vocab_max_strings = before   # reached: every batch runs in a memory zone
    in_zone = list(analyse(_articles(), nlp, zoned))
    assert len(nlp.vocab.strings) == before          # "zorblax" & co. were freed
    free = settings.model_copy(deep=True)
    free.run.vocab_max_strings = before + 10_000   # not reached: the vocabulary grows
    plain = list(analyse(_articles(), nlp, free))
    assert len(nlp.vocab.strings) > before
    assert [dataclasses.asdict(a) for a in in_zone] == [dataclasses.asdict(a) for a in plain]
    assert all(isinstance(a, Article) for a in in_zone)
    assert in_zone[1].words == 16 and in_zone[1].sentences and in_zone[0].words == 0


def test_a_failing_article_becomes_an_error_in_its_place(settings, fail_analysis_of):
    fail_analysis_of("Zorblax", ValueError("broken component output"))
    out = list(analyse(_articles(), _nlp_for(settings), settings))
    assert [type(x) for x in out] == [Article, Article, IngestError]
    assert out[2].path == "t2" and "ValueError: broken component output" in out[2].reason


def test_a_batch_leaves_its_survivors_frozen_and_no_result_changes(settings):
    """engine.analyse_batch collects and freezes what outlives a batch (the spin memos): the
    records equal a plain run's, the collector stays on, and unfreezing frees nothing wrong."""
    import gc

    from pipeline.engine import analyse_batch

    nlp = _nlp_for(settings)
    plain = [dataclasses.asdict(a) for a in analyse(_articles(), nlp, settings)]
    gc.unfreeze()
    settled = [dataclasses.asdict(a) for a in analyse_batch(_articles(), settings)]
    assert settled == plain
    assert gc.get_freeze_count() > 0 and gc.isenabled()
    gc.unfreeze()
    gc.collect()
    again = [dataclasses.asdict(a) for a in analyse_batch(_articles(), settings)]
    assert again == plain


def test_a_batch_runs_without_collections_and_restores_the_collector(settings, monkeypatch):
    """engine.analyse_batch turns the cyclic collector off while the batch runs (its memo
    entries would be rescanned for nothing), on again after, also when the batch raises."""
    import gc

    from pipeline import analysis, engine

    seen = []
    real = analysis.analyse

    def spy(articles, nlp, s):
        seen.append(gc.isenabled())
        return real(articles, nlp, s)

    monkeypatch.setattr(analysis, "analyse", spy)
    out = engine.analyse_batch(_articles(), settings)
    assert seen == [False] and gc.isenabled() and len(out) == len(TEXTS)

    def boom(articles, nlp, s):
        raise RuntimeError("batch failed")

    monkeypatch.setattr(analysis, "analyse", boom)
    with pytest.raises(RuntimeError):
        engine.analyse_batch(_articles(), settings)
    assert gc.isenabled()


def test_a_batch_is_collected_once(settings, monkeypatch):
    """engine.analyse_batch collects once after the batch (its settle), not also on the
    collector's own thresholds when it is turned on again with the batch's objects counted."""
    import gc

    from pipeline import analysis, engine

    engine.analyse_batch(_articles(), settings)  # pipeline built, memos warm
    runs: list = []
    real = analysis.analyse

    def spy(articles, nlp, s):
        yield from real(articles, nlp, s)
        runs.append("batch done")

    def seen(phase, info):
        if phase == "start":
            runs.append(info["generation"])

    monkeypatch.setattr(analysis, "analyse", spy)
    threshold = gc.get_threshold()
    gc.set_threshold(100)  # a batch allocates far more: past it whenever the collector is on
    gc.callbacks.append(seen)
    try:
        engine.analyse_batch(_articles(), settings)
    finally:
        gc.callbacks.remove(seen)
        gc.set_threshold(*threshold)
    assert runs[runs.index("batch done") + 1:] == [2]
