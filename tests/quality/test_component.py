"""The ``text_quality`` factory: contract of ``doc._.quality``, every failure listed, settings."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc

import pipeline.quality.component  # noqa: F401  (registers the factory)
from pipeline.quality.component import make_text_quality
from pipeline.quality.rules import assess, default_settings, merged_settings
from tests.quality.texts import CLEAN

ROOT = Path(__file__).resolve().parents[2]



@pytest.fixture(scope="module")
def nlp():
    nlp = spacy.blank("en")
    nlp.add_pipe("text_quality")
    return nlp


def run(nlp, text, meta=None):
    doc = nlp.make_doc(text)
    doc._.meta = meta
    return nlp.get_pipe("text_quality")(doc)._.quality


def test_contract_keys_and_types(nlp):
    q = run(nlp, CLEAN)
    assert set(q) == {"score", "low_quality", "flags", "metrics", "grade_band"}
    assert 0.0 <= q["score"] <= 1.0
    assert isinstance(q["low_quality"], bool)
    assert all(isinstance(v, float) for v in q["metrics"].values())
    assert q["grade_band"] in {"elementary", "middle school", "high school", "college", "graduate"}


def test_clean_text_passes(nlp):
    q = run(nlp, CLEAN, {"raw_chars": len(CLEAN) + 100, "boilerplate_chars": 100})
    assert q["flags"] == [] and q["score"] == 1.0 and not q["low_quality"]


@pytest.mark.parametrize(
    ("text", "meta", "expected_rules"),
    [
        ("", None, {"words", "stop_words", "content_words"}),
        ("\x00\u202e ### ###", {"raw_chars": 10, "boilerplate_chars": 9},
         {"words", "stop_words", "content_words", "alpha_words_ratio", "symbol_word_ratio",
          "boilerplate_ratio"}),
        (CLEAN + " Go here to book. [source]", None, {"spam_insertions"}),
        ("\n\n".join([CLEAN] * 3), None, {"dup_para_frac", "dup_para_char_frac", "dup_line_frac"}),
    ],
)
def test_every_failed_rule_is_listed(nlp, text, meta, expected_rules):
    q = run(nlp, text, meta)
    rules = {f["rule"] for f in q["flags"]}
    assert expected_rules <= rules
    assert q["low_quality"]
    for f in q["flags"]:
        assert set(f) == {"rule", "value", "threshold", "op", "message"}
        assert f["op"] in {"<", ">"}
        assert (f["value"] < f["threshold"]) if f["op"] == "<" else (f["value"] > f["threshold"])
        assert f["message"]


def test_spam_message_names_the_insertion(nlp):
    q = run(nlp, CLEAN + " Be Go here attentive.")
    (flag,) = [f for f in q["flags"] if f["rule"] == "spam_insertions"]
    assert "Go here" in flag["message"]


def test_thresholds_are_configuration():
    nlp = spacy.blank("en")
    nlp.add_pipe("text_quality", config={"settings": {"min_words": 500, "weights": {"min_words": 0.1}}})
    q = nlp(CLEAN)._.quality
    (flag,) = q["flags"]
    assert (flag["rule"], flag["threshold"], flag["op"]) == ("words", 500, "<")
    assert q["score"] == pytest.approx(0.9) and not q["low_quality"]


def test_partial_settings_keep_defaults():
    s = merged_settings({"weights": {"min_words": 0.2}})
    assert s["weights"]["min_words"] == 0.2
    assert s["weights"]["max_spam_insertions"] == default_settings()["weights"]["max_spam_insertions"]


def test_entry_point_target_is_the_factory():
    module, _, attr = "pipeline.quality.component:make_text_quality".partition(":")
    assert getattr(__import__(module, fromlist=[attr]), attr) is make_text_quality


def test_entry_point_declared():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    eps = project.get("entry-points", {}).get("spacy_factories")
    if eps is None:
        pytest.skip("pyproject.toml declares no spacy_factories entry points (lead's file)")
    assert eps["text_quality"] == "pipeline.quality.component:make_text_quality"


def test_pipe_matches_assess(nlp):
    texts = [CLEAN, "", CLEAN + " Click here now."]
    got = [d._.quality for d in nlp.pipe(texts)]
    assert got == [assess(t) for t in texts]
    assert Doc.has_extension("quality")


# Two threads we wrote, six sentences each; each sentence shares a word with its neighbour.
_GARDEN = [
    "Tomatoes need a sunny bed and steady watering.",
    "Watering in the morning keeps the leaves dry.",
    "Dry leaves resist blight, which spreads in damp weather.",
    "Blight shows first as brown spots on the lower leaves.",
    "Remove those lower leaves and burn them away from the bed.",
    "A mulch of straw keeps soil from splashing onto the stems.",
]
_ENGINE = [
    "Engine oil should be changed every few thousand miles.",
    "Old oil turns dark and gritty as it wears.",
    "Gritty oil scores the bearings inside the engine.",
    "Worn bearings knock loudly when the engine is cold.",
    "A cold engine with knocking bearings needs a mechanic soon.",
    "The mechanic will check the filter along with the oil.",
]


def test_shuffle_coherence_is_a_metric_not_a_flag(nlp):
    coherent = " ".join(_GARDEN + _ENGINE)
    # Alternate the threads and spread each thread's links apart, as a shuffle does.
    salad = " ".join(s for i in (0, 3, 1, 4, 2, 5) for s in (_GARDEN[i], _ENGINE[i]))
    good, bad = run(nlp, coherent), run(nlp, salad)
    assert good["metrics"]["coherence_vs_shuffle"] > 0 > bad["metrics"]["coherence_vs_shuffle"]
    # Below 0 on a fifth of sound real pages (workbench/realweb/calibrate.py): reported only.
    for q in (good, bad):
        assert "coherence_vs_shuffle" not in {f["rule"] for f in q["flags"]}


def test_shuffle_coherence_rule_needs_enough_sentences(nlp):
    short = " ".join(s for pair in zip(_GARDEN[:4], _ENGINE[:4], strict=True) for s in pair)
    q = run(nlp, short)  # 8 sentences: measured, not judged
    assert "coherence_vs_shuffle" in q["metrics"]
    assert "coherence_vs_shuffle" not in {f["rule"] for f in q["flags"]}
