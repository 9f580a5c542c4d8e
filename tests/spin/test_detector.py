"""The assembled detector on tiny texts written for these tests."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.spin.detector import reasons, resolve_overlaps

KEYS = {"score", "spun", "applicable", "spans", "restored_text", "reasons", "features"}
SPAN_KEYS = {"start_char", "end_char", "text", "suggestion", "signal", "score"}

CLEAN = (
    "When a client starts therapy, the first session matters. The therapist listens, asks about "
    "goals and explains how the work will go. Research shows that a strong therapeutic alliance "
    "predicts better outcomes, so it is worth finding someone you trust. If something feels off, "
    "say so: a good therapist wants to hear it and will adjust the plan with you."
)
SPUN = (
    "When a consumer begins remedy, the primary session issues. The specialist listens, asks "
    "about targets and explains how the work will go. Analysis exhibits that a sturdy restorative "
    "alliance predicts higher outcomes, so it's price discovering somebody you depend on. If "
    "one thing feels off, say so: an excellent specialist desires to listen to it and can regulate "
    "the plan with you. {That is|This is} {the important thing}."
)


@pytest.mark.parametrize(
    ("text", "spun"),
    [("", False), (CLEAN, False), (SPUN, True), ("{|}" * 2000, None), ("🙂 " * 500, False)],
)
def test_detect_shape_and_verdict(detector, text, spun):
    r = detector.detect(text)
    assert set(r) == KEYS
    assert 0.0 <= r["score"] <= 1.0
    if spun is not None:
        assert r["spun"] is spun, r["reasons"]
    for s in r["spans"]:
        assert set(s) == SPAN_KEYS
        assert text[s["start_char"] : s["end_char"]] == s["text"]


def test_spun_text_is_restored(detector):
    r = detector.detect(SPUN)
    assert r["restored_text"] != SPUN
    assert "therapeutic alliance" in r["restored_text"] or "Research shows" in r["restored_text"]
    starts = [s["start_char"] for s in r["spans"]]
    assert starts == sorted(starts)


def test_clean_text_keeps_little_evidence(detector):
    r = detector.detect(CLEAN)
    assert len(r["spans"]) <= 2


def test_resolve_overlaps_prefers_higher_score():
    a = {"start_char": 0, "end_char": 5, "score": 0.9}
    b = {"start_char": 3, "end_char": 9, "score": 0.6}
    c = {"start_char": 10, "end_char": 12, "score": 0.5}
    assert resolve_overlaps([b, a, c]) == [a, c]
    assert resolve_overlaps([]) == []


def test_reasons_name_the_evidence():
    spans = [{"text": "remedy", "suggestion": "therapy", "signal": "word_model", "score": 0.9}]
    out = reasons(0.9, True, spans, {"word_p_per100": 3.0}, {"threshold": 0.5})
    assert out[0].startswith("spin score 0.90 >=")
    assert any('"remedy" -> "therapy"' in r for r in out)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 12), st.integers(0, 9)), max_size=40))
def test_resolve_overlaps_matches_the_pairwise_definition(raw):
    spans = [{"start_char": a, "end_char": a + n, "score": sc / 10} for a, n, sc in raw]
    kept, taken = [], []
    for s in sorted(spans, key=lambda s: (-s["score"], -(s["end_char"] - s["start_char"]))):
        if not any(s["start_char"] < e and b < s["end_char"] for b, e in taken):
            kept.append(s)
            taken.append((s["start_char"], s["end_char"]))
    assert resolve_overlaps(spans) == kept


def test_detect_many_equals_detect_one_at_a_time(detector):
    texts = [SPUN, "", CLEAN, "{a|b} " * 30, SPUN.upper()]
    assert detector.detect_many(texts) == [detector.detect(t) for t in texts]
    assert detector.detect_many([]) == []


# -- issue 16: thesaurus spans, the likelihood-ratio verdict, checked suggestions

LIGHT_WORDNET_SPIN = (
    "It can take a long fourth dimension to find the topper healer for you. On that point is "
    "no single right answer, and you are in truth operative things through at your own pace. "
    "Many people flavor so relieved after the first session. Thomas More than once, clients "
    "tell me they wish they had started sooner. NOTHING TO WORRY NIGH AT ALL.\n\n"
    "In that respect are options for every budget, and a good healer will excuse how the "
    "sessions work before you get down. Bring your questions to the initiative meeting and "
    "ask how they approach goals; it is your clip as much as theirs."
)


def test_wordnet_multiword_spin_is_flagged_with_originals(detector):
    r = detector.detect(LIGHT_WORDNET_SPIN)
    assert r["spun"] is True, r["reasons"]
    found = {s["text"].lower(): s["suggestion"].lower() for s in r["spans"]}
    assert found.get("fourth dimension") == "time"
    assert "span_llr_z" in r["features"]


def test_clean_document_shows_no_suggestions(detector):
    r = detector.detect("It can take a long time to find the best therapist for you. There is "
                        "no single right answer, and you are working things through at your "
                        "own pace.")
    assert r["spun"] is False
    assert all(s["suggestion"] == "" for s in r["spans"])
    assert r["restored_text"].startswith("It can take a long time")


def test_suggestion_is_never_an_antonym(detector):
    spans = [{"start_char": 0, "end_char": 10, "text": "positively", "suggestion": "negatively",
              "signal": "word_model", "score": 0.9}]
    assert detector._checked_suggestions(spans, True)[0]["suggestion"] == ""


def test_span_evidence_can_be_switched_off():
    from pipeline.spin.detector import Detector

    d = Detector({"span_evidence": False})
    r = d.detect("It can take a long fourth dimension to find the topper healer.")
    assert d.thes is None and r["features"]["span_llr"] == 0.0
    assert not any(s["signal"] == "thesaurus_span" for s in r["spans"])


def test_quoted_passage_leaves_the_word_aggregates(detector):
    """A long quoted passage is another writer's words: the document model's word aggregates
    count its words as 0 (the evidence spans still read them)."""
    plain = ("The counselor met the family every week. Come unto me all ye that labour and are "
             "heavy laden, and I will give you rest, for my yoke is easy and my burden is light "
             "upon thee. They talked about their worries.")
    cited = plain.replace("Come unto", '"Come unto').replace("thee.", 'thee."')
    a = detector.detect(plain)["features"]
    b = detector.detect(cited)["features"]
    assert b["word_p_per100"] < a["word_p_per100"]
    off = detector.cfg.model_copy(update={"quote_min_words": 0})
    from pipeline.spin.detector import Detector
    c = Detector(off).detect(cited)["features"]
    assert c["word_p_per100"] > b["word_p_per100"]   # the quotation marks alone move little
