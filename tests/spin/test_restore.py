import pytest

from pipeline.spin.restore import offset_map, restore, restore_range


def sp(a, b, s):
    return {"start_char": a, "end_char": b, "suggestion": s}


TEXT = "the remedy works within the week"


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        ("", [], ""),
        (TEXT, [], TEXT),
        (TEXT, [sp(4, 10, "therapy")], "the therapy works within the week"),
        (TEXT, [sp(17, 27, "in the"), sp(4, 10, "therapy")], "the therapy works in the week"),
        (TEXT, [sp(4, 10, "")], TEXT),  # no suggestion: left as written
        (TEXT, [sp(4, 10, "a"), sp(5, 12, "b")], "the a works within the week"),  # overlap: first wins
        (TEXT, [sp(30, 99, "x")], TEXT),  # out of range: ignored
        ("{}|\x00", [sp(0, 2, "")], "{}|\x00"),
    ],
)
def test_restore(text, spans, expected):
    assert restore(text, spans) == expected


def test_restore_range_uses_spans_inside_only():
    spans = [sp(4, 10, "therapy"), sp(17, 23, "in")]
    assert restore_range(TEXT, spans, 0, 16) == "the therapy works"
    assert restore_range(TEXT, spans, 17, len(TEXT)) == "in the week"
    assert restore_range(TEXT, spans, 8, 20) == TEXT[8:20]  # a span cut by the range is not applied


def test_offset_map():
    spans = [sp(4, 10, "therapy")]
    assert offset_map(TEXT, spans) == [(0, 0), (4, 4), (10, 11)]
