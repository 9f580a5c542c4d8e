from __future__ import annotations

import json
from pathlib import Path

import jinja2
import pytest

from workbench.cards import TEMPLATES, render

ROOT = Path(__file__).resolve().parents[2]


def test_alliance_card_from_the_shipped_metrics_is_the_shipped_card():
    from workbench.alliance.train import model_card

    metrics = json.loads((ROOT / "models" / "alliance_classifier.metrics.json").read_text("utf-8"))
    assert model_card(metrics) == (ROOT / "models" / "alliance_classifier.md").read_text("utf-8")


def test_spin_card_renders_the_shipped_scores(tmp_path, ref):
    from workbench.spin.train import write_model_card

    scores = json.loads((ROOT / "models" / "spin_detector_scores.json").read_text("utf-8"))
    path = tmp_path / "spin_detector.md"
    write_model_card(path, scores, ref)
    text = path.read_text("utf-8")
    assert text.startswith("# spin_detector\n") and text.endswith("mostly missed.\n")
    assert f"{scores['held_out']['clean_fpr']:.3f}" in text


@pytest.mark.parametrize("context", [{}, {"m": {"n_sentences": "\x00<script>"}}])
def test_a_missing_value_is_an_error_not_a_blank(context):
    with pytest.raises(jinja2.UndefinedError):
        render("alliance_classifier.md.j2", **context)


def test_templates_are_ours():
    assert sorted(p.name for p in TEMPLATES.glob("*.j2")) == [
        "alliance_classifier.md.j2", "spin_detector.md.j2"]


def test_the_shipped_spin_card_is_its_render(tmp_path, ref):
    # The card is generated (scores + template + the hand-written history beside it): a pass
    # records its measurements in spin_detector_history.md and renders the card, never edits it.
    import shutil

    from workbench.spin.train import write_model_card

    scores = json.loads((ROOT / "models" / "spin_detector_scores.json").read_text("utf-8"))
    shutil.copy(ROOT / "models" / "spin_detector_history.md", tmp_path / "spin_detector_history.md")
    write_model_card(tmp_path / "spin_detector.md", scores, ref)
    assert (tmp_path / "spin_detector.md").read_text("utf-8") == (
        ROOT / "models" / "spin_detector.md").read_text("utf-8")
