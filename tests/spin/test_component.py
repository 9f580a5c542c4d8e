"""The spin_detector factory in a spaCy pipeline."""

from __future__ import annotations

import pytest
import spacy

import pipeline.spin.component  # noqa: F401  (registers the factory)
from tests.spin.test_detector import CLEAN, SPUN


@pytest.fixture(scope="module")
def nlp(detector):  # the fixture skips when the model is not trained
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("spin_detector")
    return nlp


@pytest.mark.parametrize(("text", "spun"), [("", False), (CLEAN, False), (SPUN, True)])
def test_component_sets_doc_spin(nlp, text, spun):
    doc = nlp(text)
    assert doc._.spin["applicable"] is True
    assert doc._.spin["spun"] is spun


def test_not_applicable_doc_is_skipped(nlp):
    doc = nlp.make_doc(SPUN)
    doc._.meta = {"applicable": False, "language": "de"}
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    assert doc._.spin["applicable"] is False
    assert doc._.spin["spans"] == [] and doc._.spin["spun"] is False
    assert doc._.spin["restored_text"] == SPUN


def test_meta_none_counts_as_applicable(nlp):
    doc = nlp.make_doc(SPUN)
    doc._.meta = None
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    assert doc._.spin["applicable"] is True


def test_settings_override_threshold(nlp):
    strict = spacy.blank("en")
    strict.add_pipe("spin_detector", config={"settings": {"threshold": 1.01}})
    assert strict(SPUN)._.spin["spun"] is False


def test_results_are_plain_and_picklable(nlp):
    import pickle

    spin = nlp(SPUN)._.spin
    assert pickle.loads(pickle.dumps(spin)) == spin


def test_pipe_batches_give_the_same_results_as_one_doc_at_a_time(nlp):
    texts = ["", CLEAN, SPUN, "🙂" * 50, SPUN + " " + CLEAN]
    one_by_one = [nlp(t)._.spin for t in texts]
    docs = list(nlp.pipe(texts, batch_size=2))
    assert [d._.spin for d in docs] == one_by_one
    # a non-English Doc inside a batch is skipped without shifting the others' results
    mixed = [nlp.make_doc(t) for t in texts]
    mixed[1]._.meta = {"applicable": False}
    proc = nlp.get_pipe("spin_detector")
    out = list(proc.pipe(iter(mixed), batch_size=3))
    assert out[1]._.spin["applicable"] is False
    assert [d._.spin for i, d in enumerate(out) if i != 1] == [
        r for i, r in enumerate(one_by_one) if i != 1]
