"""The ``alliance_components`` factory inside a pipeline (``nlp.add_pipe``)."""

from __future__ import annotations

import pickle

import pytest
from spacy.tokens import Doc

from pipeline.alliance.rules import LABELS

if not Doc.has_extension("spin"):
    Doc.set_extension("spin", default=None)

SENTENCE_KEYS = {"index", "start_char", "end_char", "text", "labels", "evidence"}
TEXT = (
    "Choosing a counsellor\n\n"
    "In the first session, tell your counsellor what you hope to change. "
    "You should feel safe enough to be honest with them. "
    "If an exercise feels pointless, bring it up so the two of you can adjust the plan. "
    "Empathy and unconditional positive regard from a therapist help (Rogers, 1957)."
)


def test_result_shape(rules_nlp):
    doc = rules_nlp(TEXT)
    res = doc._.alliance
    assert set(res) == {"applicable", "counts", "sentences", "elements", "citations",
                        "citations_count"}
    assert res["applicable"] is True
    assert set(res["counts"]) == set(LABELS)
    assert res["citations"] == ["(Rogers, 1957)"] and res["citations_count"] == 1
    for i, s in enumerate(res["sentences"]):
        assert set(s) == SENTENCE_KEYS
        assert s["index"] == i
        assert doc.text[s["start_char"]:s["end_char"]] == s["text"]
        assert set(s["labels"]) == set(LABELS)
    # The heading is its own sentence (split at the blank line).
    assert res["sentences"][0]["text"] == "Choosing a counsellor"
    assert res["counts"]["goals"] >= 1 and res["counts"]["bond"] >= 1
    assert res["counts"]["rupture_repair"] >= 1
    assert res["elements"]["empathy"] >= 1 and res["elements"]["positive_regard"] >= 1
    pickle.dumps(res)  # plain values only


def test_not_applicable(rules_nlp):
    doc = rules_nlp.make_doc(TEXT)
    doc._.meta = {"applicable": False}
    for _, proc in rules_nlp.pipeline:
        doc = proc(doc)
    res = doc._.alliance
    assert res["applicable"] is False
    assert res["counts"] == dict.fromkeys(LABELS, 0)
    assert res["citations"] == [] and res["citations_count"] == 0
    assert all(v == 0 for v in res["elements"].values())
    assert res["sentences"] and all(
        not any(s["labels"].values()) and s["evidence"] == {} for s in res["sentences"]
    )


def test_pipe_matches_call(rules_nlp):
    texts = [TEXT, "", "My partner and I argue about chores.", TEXT.upper()]
    piped = [d._.alliance for d in rules_nlp.pipe(texts, batch_size=2)]
    single = [rules_nlp(t)._.alliance for t in texts]
    assert piped == single


def test_restored_wording_from_spin(rules_nlp):
    # None of these spun words is in the lexicons: only the restored wording can be labelled.
    text = "The shopper and the healer settled on the ends of the cure."
    doc = rules_nlp.make_doc(text)
    for name, proc in rules_nlp.pipeline:
        if name == "alliance_components":
            break
        doc = proc(doc)
    pipe = rules_nlp.get_pipe("alliance_components")
    assert not any(pipe(doc)._.alliance["counts"].values())
    swaps = {"shopper": "client", "healer": "therapist", "ends": "goals", "cure": "therapy"}
    spans = [
        {"start_char": text.index(w), "end_char": text.index(w) + len(w), "text": w,
         "suggestion": s, "signal": "test", "score": 1.0}
        for w, s in swaps.items()
    ]
    doc._.spin = {"spans": spans, "restored_text": ""}
    res = pipe(doc)._.alliance
    assert res["counts"]["goals"] == 1
    assert res["sentences"][0]["text"] == text  # offsets and text stay the original's


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", set()),
        ("Your therapist should show empathy when you talk.", {"empathy"}),
        ("Unconditional positive regard from the counsellor helps clients.", {"positive_regard"}),
        ("Clients notice when a therapist is genuine rather than scripted.", {"genuineness"}),
        ("Therapists who ask clients for feedback every session see fewer dropouts.",
         {"client_feedback"}),
        ("A counsellor should respect the client's cultural background.",
         {"cultural_responsiveness", "positive_regard"}),
        ("A client's hope that therapy will help predicts improvement.",
         {"positive_expectations"}),
        ("Empathy between siblings grows with age.", set()),  # no therapy context
        ("\x00" * 50 + "<<<>>>" * 30, set()),
    ],
)
def test_elements(rules_nlp, text, expected):
    res = rules_nlp(text)._.alliance
    assert {k for k, v in res["elements"].items() if v} == expected


def test_settings_override_window(alliance_nlp):
    nlp = alliance_nlp(model="", combine="rules", gate_window=0)
    doc = nlp("Tell your counsellor early. It matters that you feel safe enough to be honest.")
    assert doc._.alliance["sentences"][1]["labels"]["bond"] == 0


def test_bad_combine_mode_is_an_error(alliance_nlp):
    with pytest.raises(ValueError, match="combine"):
        alliance_nlp(model="", combine="vote")


def test_word_maps_stay_bounded_and_a_reset_changes_no_result(rules_nlp, monkeypatch):
    from pipeline.alliance import extract

    extractor = rules_nlp.get_pipe("alliance_components").extractor
    expected = rules_nlp(TEXT)._.alliance
    monkeypatch.setattr(extract, "WORD_MAP_MAX", 40)
    for i in range(30):
        rules_nlp(f"Session {i}: the client named Quix{chr(97 + i)}ly trusts the therapist.")
        assert len(extractor._low) <= 40 + 15
    assert rules_nlp(TEXT)._.alliance == expected
