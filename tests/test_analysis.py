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


def _fields(a: Article) -> dict:
    return {k: v for k, v in dataclasses.asdict(a).items()}


def test_memory_zone_frees_the_batch_vocabulary_and_changes_no_result(settings):
    nlp = _nlp_for(settings)
    list(analyse(_articles(TEXTS[:2]), nlp, settings))  # components warmed up
    before = len(nlp.vocab.strings)
    zoned = list(analyse(_articles(), nlp, settings))
    assert len(nlp.vocab.strings) == before          # "zorblax" & co. were freed
    off = settings.model_copy(deep=True)
    off.run.memory_zone = False
    plain = list(analyse(_articles(), nlp, off))
    assert len(nlp.vocab.strings) > before           # ...and stay without the zone
    assert [_fields(a) for a in zoned] == [_fields(a) for a in plain]
    assert all(isinstance(a, Article) for a in zoned)
    assert zoned[1].words == 16 and zoned[1].sentences and zoned[0].words == 0


def test_a_failing_article_becomes_an_error_in_its_place(settings, monkeypatch):
    import pipeline.analysis as analysis

    real = analysis.fill_from_doc

    def fragile(article, doc):
        if "Zorblax" in article.text:
            raise ValueError("broken component output")
        return real(article, doc)

    monkeypatch.setattr(analysis, "fill_from_doc", fragile)
    out = list(analyse(_articles(), _nlp_for(settings), settings))
    assert [type(x) for x in out] == [Article, Article, IngestError]
    assert out[2].path == "t2" and "ValueError: broken component output" in out[2].reason
