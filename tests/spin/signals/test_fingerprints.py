"""Fingerprint phrases: number slots, nested hits, the per-phrase cap (signals/fingerprints.py)."""

from pipeline.spin.signals.base import _ngram_hits
from pipeline.spin.signals.fingerprints import counted_hits, fingerprints, outermost
from pipeline.spin.tokens import tokenize

TABLE = {2: {"remedy periods": "therapy sessions", "# weeks": "a month"},
         3: {"this # months": "this year", "behavioral remedy periods": "behavioral therapy sessions"}}


def _hits(text):
    return [(k, o) for _, _, k, o in _ngram_hits(tokenize(text), TABLE)]


def test_a_hash_matches_any_whole_number_and_nothing_else():
    assert _hits("We met this 12 months and again this 3 months.") == [
        ("this # months", "this year"), ("this # months", "this year")]
    assert _hits("this twelve months, this 1.5 months") == []


def test_a_phrase_never_spans_punctuation():
    assert _hits("remedy, periods") == []


def test_the_empty_text_has_no_hits():
    assert _hits("") == [] and fingerprints("") == []


def test_a_hit_inside_a_longer_one_is_the_same_swap():
    hits = _ngram_hits(tokenize("Try behavioral remedy periods twice."), TABLE)
    assert len(hits) == 2
    assert [h[2] for h in outermost(hits)] == ["behavioral remedy periods"]


def test_of_two_overlapping_hits_of_one_length_the_earlier_is_kept():
    hits = [(0, 1, "a b", "x"), (1, 2, "b c", "y"), (4, 5, "d e", "z")]
    assert outermost(hits) == [(0, 1, "a b", "x"), (4, 5, "d e", "z")]


def test_shipped_table_finds_spinner_phrases_with_their_originals():
    got = {s["text"]: s["suggestion"] for s in fingerprints(
        "Cognitive behavioral remedy helps panic dysfunction; the examine discovered it this 12 months.")}
    assert got == {"Cognitive behavioral remedy": "Cognitive behavioral therapy",
                   "panic dysfunction": "panic disorder", "the examine": "the study",
                   "this 12 months": "this year"}


def test_one_repeated_phrase_counts_at_most_cap_times():
    spans = [{"signal": "fingerprint", "text": t} for t in
             ["Remedy periods", "remedy periods", "remedy periods", "panic dysfunction"]]
    spans.append({"signal": "word_model", "text": "healer"})
    assert counted_hits(spans, 2) == 3
    assert counted_hits(spans, 1) == 2
    assert counted_hits([], 2) == 0


def test_a_page_repeating_fingerprints_keeps_each_outer_hit_once():
    text = "panic dysfunction and cognitive behavioral remedy. " * 3000
    spans = fingerprints(text)
    assert len(spans) == 6000
    assert {s["suggestion"] for s in spans} == {"panic disorder", "cognitive behavioral therapy"}
    assert counted_hits(spans, 2) == 4


def test_shipped_table_knows_the_round_trip_function_phrases():
    """The translate-and-back rewriter's function phrases (issue 16); the plain wording not."""
    got = {s["text"]: s["suggestion"] for s in fingerprints(
        "Low shallowness is common, but it surely can change: stand in entrance of friends and "
        "let praise make you are feeling seen. Habits can embody rest, so you really feel higher "
        "by final 12 months.")}
    assert got == {"shallowness": "self-esteem", "but it surely": "but it",
                   "in entrance of": "in front of", "make you are feeling": "make you feel",
                   "can embody": "can include", "really feel higher": "feel better",
                   "final 12 months": "last year"}
    assert fingerprints("It surely works in front of others, and you feel better this "
                        "year; feeling higher levels of calm can embrace change.") == []


def test_shipped_table_knows_the_derived_dysfunction_and_expression_families():
    """Every "... disorder" domain term in the rewriter's "dysfunction" form, and "-term"
    compounds as "-expression" (issue 16, spin10); the plain wording and the renderings with a
    clinical reading not."""
    got = {s["text"]: s["suggestion"] for s in fingerprints(
        "A mood dysfunction or an alcohol use dysfunction needs prolonged-expression care, and "
        "short-expression relief is not enough.")}
    assert got == {"mood dysfunction": "mood disorder",
                   "alcohol use dysfunction": "alcohol use disorder",
                   "prolonged-expression": "long-term", "short-expression": "short-term"}
    assert fingerprints("A mood disorder needs long-term care; sleep dysfunction and sexual "
                        "dysfunction are clinical terms, and a facial expression is no swap.") == []


def test_shipped_table_knows_the_spin11_families():
    """The phrase rewriter's "mental health" and "clinical" renderings, SpinBot's "in order to",
    "going to <verb>" as "visiting <verb>" and "et al." as "mais aussi al." (issue 16, spin11)."""
    got = {s["text"]: s["suggestion"] for s in fingerprints(
        "Ask a mental medical expert about scientific depression; it is visiting take time, "
        "keeping in mind the end goal to heal (Lee mais aussi al. 2020).")}
    assert got == {"mental medical expert": "mental health professional",
                   "scientific depression": "clinical depression",
                   "visiting take": "going to take",
                   "keeping in mind the end goal to": "in order to",
                   "mais aussi al": "et al"}


def test_spin11_families_leave_the_plain_and_the_legitimate_readings_alone():
    """Left out on purpose: wordings a clean writer can mean (issue 16, spin11)."""
    assert fingerprints(
        "Therapy costs more compared to self-help and is certainly one of the options; work "
        "together with your therapist, whom scientific psychologists trained. Techniques are "
        "utilized as a part of care after visiting sleep clinics, and a mental health "
        "professional treats clinical depression (Lee et al. 2020).") == []
