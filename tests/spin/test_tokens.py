import pytest

from pipeline.spin.tokens import normalise, quoted, tokenize, unglue, words_with_breaks


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("Drop-out fee.", ["Drop-out", "fee", "."]),
        ("it’s {that a}", ["it’s", "{", "that", "a", "}"]),
        ("3.5% of 1,000", ["3.5", "%", "of", "1,000"]),
        ("\x00\ufffd🙂", ["\x00", "\ufffd", "🙂"]),
    ],
)
def test_tokenize(text, expected):
    assert [t.text for t in tokenize(text)] == expected


def test_offsets_point_into_text():
    text = "Hello,  wide   world"
    assert all(text[t.start : t.end] == t.text for t in tokenize(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", []), ("In the room, a cat", ["in", "the", "room", None, "a", "cat"]), ("!!!", [])],
)
def test_words_with_breaks(text, expected):
    assert words_with_breaks(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", ""), ("out with.Seriously", "out with. Seriously"), ("Ph.D student", "Ph.D student")],
)
def test_unglue(text, expected):
    assert unglue(text) == expected


def test_normalise():
    assert normalise("Don’T") == "don't"


def test_quoted_marks_long_passages_only():
    text = ('He said "rest for the weary soul" to us, a \u201cso-called\u201d cure, and '
            '\u201cthe lamp unto my feet\u201d.\n"No quote runs\nacross lines" here.')
    toks = tokenize(text)
    idx = [i for i, t in enumerate(toks) if t.is_word]
    inside = {toks[i].text for i, q in zip(idx, quoted(text, toks, idx, 4), strict=True) if q}
    assert inside == {"rest", "for", "the", "weary", "soul", "lamp", "unto", "my", "feet"}
    assert not any(quoted(text, toks, idx, 0))
