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
