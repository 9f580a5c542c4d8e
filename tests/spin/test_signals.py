"""Per-signal (text, expected) tests on tiny texts written for these tests."""

import pytest

from pipeline.spin import signals as S


def found(spans):
    return [(s["text"], s["suggestion"]) for s in spans]


HOSTILE = "{|}" * 300 + "\x00\ufffd🙂" + "a " * 200 + "an " * 200


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("We {help|assist} families.", [("{help|assist}", "help")]),
        ("It is vital {that a} parent listens.", [("{that a}", "that a")]),
        ("function f() { return 1; }", []),
        ("A stray } here.", [("}", "")]),
        ("{" * 500, []),
        ("Plain text without any braces.", []),
    ],
)
def test_spinner_syntax(text, expected):
    assert found(S.spinner_syntax(text)) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [("", None), ("apple", True), ("honest", True), ("university", False), ("one", False),
     ("FBI", None), ("house", False), ("3d", None), ("unhappy", True)],
)
def test_vowel_sound(word, expected):
    assert S.vowel_sound(word) == expected


@pytest.mark.parametrize(
    ("text", "expected_texts"),
    [
        ("", []),
        ("They built an distinctive bond.", ["an distinctive"]),
        ("She is a honest guide.", ["a honest"]),
        ("an honest talk, a useful hour, an FBI file, a university", []),
        ("an exceptional bond and a strong one", []),
        (HOSTILE, []),
    ],
)
def test_article_mismatch(ref, text, expected_texts):
    spans = S.article_mismatch(text, ref=ref)
    assert [s["text"] for s in spans] == expected_texts


def test_article_mismatch_suggests_fitting_synonym(ref):
    (span,) = S.article_mismatch("They built an distinctive bond.", ref=ref)
    first = span["suggestion"].split()[1]
    assert span["suggestion"].startswith("an ") and S.vowel_sound(first) is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("The restorative alliance grew.", [("restorative alliance", "therapeutic alliance")]),
        ("Analysis exhibits clear gains.", [("Analysis exhibits", "Research shows")]),
        ("The therapeutic alliance grew.", []),
        (HOSTILE, []),
    ],
)
def test_fingerprints(text, expected):
    assert found(S.fingerprints(text)) == expected


@pytest.mark.parametrize(
    ("text", "n_spans"),
    [
        ("", 0),
        ("Within the week, within the house and within the group, within the end.", 4),
        ("Within the week, in the house, in the group, in the end, in the car.", 0),
        ("In the week, in the house.", 0),
        (HOSTILE, 0),
    ],
)
def test_function_phrases(ref, text, n_spans):
    spans, feats = S.function_phrases(text, ref=ref)
    assert len(spans) == n_spans
    assert all(s["suggestion"].lower() == "in the" for s in spans)
    assert (feats["phrase_llr"] > 5) == (n_spans > 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("the Nationwide Institutes of Well being said", [("Nationwide", "National"), ("Well being", "Health")]),
        ("the National Institutes of Health said", []),
        ("a report of the American Psychological Affiliation", [("Affiliation", "Association")]),
        ("Ardito and Rabellino, Frontiers in Psychology, 2011", []),
        ("national institutes of well being", []),  # not capitalised: not a name
        (HOSTILE, []),
    ],
)
def test_mangled_entities(text, expected):
    got = found(S.mangled_entities(text))
    # a multi-word substitution may be reported as its first word
    assert [(t.split()[0], s) for t, s in got] == [(t.split()[0], s) for t, s in expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("The restorative alliance between client and therapist matters.", [("restorative", "therapeutic")]),
        ("Analysis exhibits that it helps.", [("exhibits", "shows")]),
        ("The therapeutic alliance between client and therapist matters.", []),
        (HOSTILE, []),
    ],
)
def test_collocations(ref, text, expected):
    assert found(S.collocations(text, ref=ref)) == expected


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("", []),
        ("Therapy helps. The customer and the therapist meet; each client is heard in therapy.", ["customer"]),
        ("Therapy helps. The client and the therapist meet; each client is heard in therapy.", []),
        (HOSTILE, []),
    ],
)
def test_terminology(ref, text, flagged):
    assert [s["text"] for s in S.terminology(text, ref=ref)] == flagged


def test_pos_slot_runs_on_edge_cases(ref):
    assert S.pos_slot("", ref=ref) == []
    assert isinstance(S.pos_slot(HOSTILE, ref=ref), list)


@pytest.mark.parametrize(
    ("suggestion", "original", "expected"),
    [("", "X", ""), ("therapy", "Remedy", "Therapy"), ("in the", "WITHIN THE", "IN THE"),
     ("mental health", "Psychological Well", "Mental Health"), ("x", "", "x")],
)
def test_match_case(suggestion, original, expected):
    assert S.match_case(suggestion, original) == expected


def test_candidates_are_inflected_like_the_word(ref):
    assert "shows" in S.candidates("exhibits", ref)
    assert "therapy" in S.candidates("remedy", ref)
    assert S.candidates("", ref) == []


@pytest.mark.parametrize(
    ("text", "key", "low", "high"),
    [
        ("", "odd_pairs", 0.0, 0.0),
        ("The client and the therapist talk about the goals of therapy.", "odd_pairs", 0.0, 0.2),
    ],
)
def test_oddity_rate(ref, text, key, low, high):
    assert low <= S.oddity_rate(text, ref=ref)[key] <= high


def test_analyse_returns_sorted_spans_and_features(ref):
    text = "We {help|assist} an distinctive group within the week, within the day, within the hour."
    spans, feats = S.analyse(text, ref=ref)
    assert [s["start_char"] for s in spans] == sorted(s["start_char"] for s in spans)
    assert {s["signal"] for s in spans} >= {"spinner_syntax", "article_mismatch", "function_phrase"}
    assert feats["spinner_syntax_per100"] > 0
    for s in spans:
        assert text[s["start_char"] : s["end_char"]] == s["text"]
