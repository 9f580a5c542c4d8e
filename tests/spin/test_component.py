"""The spin_detector factory in a spaCy pipeline."""

from __future__ import annotations

import pytest
import spacy

import pipeline.spin.component  # noqa: F401  (registers the factory)
from tests.spin.test_detector import CLEAN, SPUN


@pytest.fixture(scope="module")
def nlp():
    from pipeline.spin.detector import get_detector

    try:
        get_detector()
    except FileNotFoundError as exc:
        pytest.skip(f"spin model not trained: {exc}")
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
