"""A clean article must not be flagged because it is on an unusual topic or uses rare words.

The paragraphs are written for this test: clean prose on subjects far from counsel-chat (crofting
as occupational therapy, a lighthouse keeper's grief, bell-ringing), full of rare but correctly
used words and a quotation.
"""

from __future__ import annotations

import pytest

from tests.spin.conftest import ROOT

OFF_TOPIC = [
    (
        "On the croft the occupational therapist met her clients at the peat stack rather than in "
        "an office. They cut turves with a tairsgeir, stacked them to dry on the machair and "
        "talked while the kelp steamed on the shore. One crofter said, \"The bog keeps no "
        "secrets, so I stopped keeping mine.\" The alliance grew out of shared labour: agreeing "
        "which lazybed to dig next was agreeing on a goal, and a wet week that ruined the stack "
        "became a rupture they repaired over tea by the byre."
    ),
    (
        "After thirty years as a lighthouse keeper, Ewan grieved the automation of the light more "
        "than he expected. His counsellor asked him to describe the lamp room: the brass burner, "
        "the paraffin smell, the log book with its tidy columns of barometer readings and passing "
        "trawlers. Naming the ritual helped him see what he had lost, a task that structured every "
        "night. Together they planned small new rituals, a dawn walk to the headland and a diary "
        "of the ferry timetable, to give the days a shape again."
    ),
    (
        "Change ringing asks eight people to trust one another on a rope. The tenor sets the pace, "
        "the treble leads, and a method such as Grandsire Triples is rung from memory without a "
        "conductor shouting every change. A ringer recovering from panic attacks told her therapist "
        "that the belfry was the one place her breathing slowed, because the sally in her hands and "
        "the rhythm of the stroke left no room for rumination. They used that rhythm in session."
    ),
]


@pytest.mark.parametrize("text", OFF_TOPIC)
def test_unusual_topic_is_not_flagged(detector, text):
    r = detector.detect(text)
    assert r["spun"] is False, r["reasons"]
    assert len(r["spans"]) <= 2, r["spans"]


def test_all_unusual_paragraphs_together_are_not_flagged(detector):
    r = detector.detect("\n\n".join(OFF_TOPIC))
    assert r["spun"] is False, r["reasons"]


def test_morita_article_in_the_demo_corpus_is_clean(detector):
    path = ROOT / "corpus" / "mindfulpath.example" / "morita-therapy-and-the-alliance.txt"
    if not path.is_file():
        pytest.skip("demo corpus article missing")
    r = detector.detect(path.read_text(encoding="utf-8"))
    assert r["spun"] is False, r["reasons"]


SPUN_CORPUS = {
    "counselcorner.example/articles.jsonl#3",
    "wellnessdaily.example/therapy/agreeing-on-targets.html",
    "wellnessdaily.example/therapy/know-you-can-belief-your-specialist.html",
}


def test_demo_corpus_verdicts(detector):
    """The three spun demo articles (corpus/README.md) are flagged; the clean ones are not."""
    from pipeline.article import IngestError
    from pipeline.config import load_settings
    from pipeline.ingest import read_corpus

    corpus = ROOT / "corpus"
    if not corpus.is_dir():
        pytest.skip("demo corpus missing")
    verdicts = {a.article_id: detector.detect(a.text)["spun"]
                for a in read_corpus(corpus, load_settings().ingest) if not isinstance(a, IngestError)}
    assert set(verdicts) >= SPUN_CORPUS
    assert {k for k, v in verdicts.items() if v} == SPUN_CORPUS
