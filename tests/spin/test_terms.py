"""Domain terms, acronyms and fingerprints (pipeline/spin/terms.py)."""

from __future__ import annotations

import pytest

from pipeline.config import SpinSettings
from pipeline.spin import terms
from pipeline.spin.tokens import tokenize


def _run(text, thes, ref, fp=0):
    return terms.analyse(text, tokenize(text), thes, ref, SpinSettings.defaults(), fp)


def test_term_with_a_swapped_word_is_found(thes, ref):
    spans, llr = _run("We offer Publicity Therapy for phobias.", thes, ref)
    assert [(s["text"], s["suggestion"], s["signal"]) for s in spans] == [
        ("Publicity", "Exposure", "domain_term")]
    assert llr > 0


def test_listed_terms_and_ordinary_rewording_are_not_evidence(thes, ref):
    text = ("Exposure therapy, group therapy and family therapy help. The therapeutic "
            "connection matters. Cognitive Behavioral Therapy (CBT) works.")
    assert _run(text, thes, ref) == ([], 0.0)


@pytest.mark.parametrize(("text", "written", "original"), [
    ("Many clinics treat medicine addiction in young adults.", "medicine", "drug"),
    ("A good Addiction Restoration program helps.", "Restoration", "Recovery"),
    ("Parents ask about Early Interference for toddlers.", "Interference", "Intervention"),
])
def test_addiction_and_child_development_terms_with_a_swapped_word(text, written, original,
                                                                  thes, ref):
    # Terms of the addiction and child-development pages (stop 32): listed since real spins of
    # them were missed for want of the term.
    spans, llr = _run(text, thes, ref)
    assert [(s["text"], s["suggestion"]) for s in spans] == [(written, original)] and llr > 0


def test_a_listed_term_is_not_read_as_another_one_swapped(thes, ref):
    # "substance dependence" is a term of its own, not "substance abuse" with a word swapped
    # (three clean real-web pages had that false evidence before it was listed).
    assert _run("Patients with substance dependence often need support.", thes, ref) == ([], 0.0)


def test_acronym_whose_expansion_no_longer_fits(thes, ref):
    spans, _ = _run("Mindfulness-Primarily based Cognitive Therapy (MBCT) helps.", thes, ref)
    assert [(s["text"], s["suggestion"], s["signal"]) for s in spans] == [
        ("Primarily based", "Based", "acronym")]


def test_fingerprint_hits_add_to_the_ratio(thes, ref):
    _, none = _run("Plain text.", thes, ref, 0)
    _, two = _run("Plain text.", thes, ref, 2)
    assert none == 0.0 and two == 2 * SpinSettings.defaults().fingerprint_llr


def test_empty_hostile_and_no_thesaurus(thes, ref):
    assert _run("", thes, ref) == ([], 0.0)
    assert _run("((((( ) (AB) ( (X) (" + "(" * 50, thes, ref)[1] >= 0.0
    assert terms.analyse("Publicity Therapy", tokenize("Publicity Therapy"), None, ref,
                         SpinSettings.defaults()) == ([], 0.0)


@pytest.mark.parametrize(("a", "b", "expected"), [
    ("", "", False),
    ("", "therapy", False),
    ("counseling", "counselor", True),              # one stem, two suffixes
    ("behavior", "behavioral", True),
    ("psychotherapy", "therapy", True),             # a compound holding the other
    ("mindful ness based", "mindfulness-based", True),   # a word broken by a space
    ("Behavior", "behaviour", True),                # a respelling, any case
    ("habits", "behavior", False),                  # the swaps of issue 16
    ("shortlist", "waitlist", False),
    ("scientific", "clinical", False),
    ("publicity", "exposure", False),
    ("primarily based", "based", False),            # a phrase around the word is not a form of it
    ("considerable", "consider", True),
    ("therapy", "the", False),                      # too short to hold
])
def test_same_family(a, b, expected):
    from pipeline.spin.terms import same_family

    assert same_family(a, b, 0.8, 5, 4) is expected



def test_one_term_slot_filled_by_several_words_is_not_evidence(thes, ref):
    # each alone reads as a swap of "exposure"; two different words there: a slot writers vary
    one = "We offer Revelation Therapy for phobias."
    assert [s["suggestion"] for s in _run(one, thes, ref)[0]] == ["Exposure"]
    assert _run(one + " We offer Publicity Therapy too.", thes, ref) == ([], 0.0)
    # the same word written twice is still one swap, twice
    spans, _ = _run("Publicity Therapy helps. Publicity Therapy works.", thes, ref)
    assert [s["text"] for s in spans] == ["Publicity", "Publicity"]


@pytest.mark.parametrize(("text", "expected"), [
    ("Therapy has been shown to assist reduce symptoms.", [("assist", "help")]),
    ("Medication can aid the client regain some balance.", [("aid", "help")]),
    # grammatical: "help" itself, "assist in", a plain verb not after the object, no lead word
    ("Therapy has been shown to help reduce symptoms.", []),
    ("Therapy has been shown to assist in reducing symptoms.", []),
    ("Nurses assist patients and families.", []),
    ("We aim to assist clients with their goals.", []),
])
def test_help_swapped_before_a_bare_infinitive(text, expected, thes, ref):
    got = terms.bare_infinitives(text, tokenize(text), thes, ref, SpinSettings.defaults())
    assert [(s["text"], s["suggestion"], s["signal"]) for s in got] == [
        (w, sug, "bare_infinitive") for w, sug in expected]


def test_bare_infinitive_hits_add_to_the_ratio_up_to_a_cap(thes, ref):
    cfg = SpinSettings.defaults()
    one = "Rest can assist reduce pain."
    _, llr1 = _run(one, thes, ref)
    _, llr3 = _run(" ".join([one] * 3), thes, ref)
    assert llr1 == cfg.bare_infinitive_llr
    assert llr3 == cfg.bare_infinitive_llr * cfg.bare_infinitive_max_hits
