"""Shared fixtures: small spaCy pipelines with the alliance component."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import spacy

import pipeline.alliance.component  # noqa: F401  (registers the factory)

ROOT = Path(__file__).resolve().parents[2]


def make_nlp(**settings):
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.add_pipe("alliance_components", config={"settings": settings})
    nlp.initialize()
    return nlp


@pytest.fixture(scope="session")
def alliance_nlp():
    """``alliance_nlp(**settings)``: a pipeline with the component and these settings."""
    return make_nlp


@pytest.fixture(scope="session")
def rules_nlp():
    """The component with the rule layer only (no classifier)."""
    return make_nlp(model="", combine="rules")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    shared = Path(os.environ.get("SHARED", "../shared"))
    if not shared.is_absolute():
        shared = ROOT / shared
    if not (shared / "seeds").is_dir():
        pytest.skip(f"shared data not found at {shared} (set SHARED)")
    return shared
