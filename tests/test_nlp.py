from __future__ import annotations

import pytest

from pipeline.config import load_settings
from pipeline.nlp import build_nlp


@pytest.fixture(scope="module")
def nlp():
    return build_nlp(load_settings())


def test_every_requirement_of_a_component_is_assigned_before_it(nlp):
    analysis = nlp.analyze_pipes(pretty=False)
    assert all(not problems for problems in analysis["problems"].values()), analysis["problems"]


def test_components_declare_what_they_read_and_write(nlp):
    summary = nlp.analyze_pipes(pretty=False)["summary"]
    assert summary["text_quality"]["assigns"] == ["doc._.quality"]
    assert summary["spin_detector"]["assigns"] == ["doc._.spin"]
    assert "doc._.spin" in summary["alliance_components"]["requires"]


def test_alliance_without_the_spin_detector_is_reported(nlp):
    import spacy

    bare = spacy.blank("en")
    bare.add_pipe("alliance_components")
    problems = bare.analyze_pipes(pretty=False)["problems"]["alliance_components"]
    assert "doc._.spin" in problems
