"""Unicode repair and boilerplate removal (pipeline/clean.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.clean import (
    clean_field,
    content_hash,
    line_key,
    line_keys,
    load_rules,
    matching_rule,
    remove_lines,
    repair_text,
    strip_boilerplate,
    writable,
)

HOSTILE = "\x00\ud800<script>" + "\u200b" * 50 + "\r\n\r\n\r\n" + "é" * 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ""),
        ("plain words", "plain words"),
        ("line one\r\nline two\rline three", "line one\nline two\nline three"),
        ("caf\u00c3\u00a9 au lait", "café au lait"),  # UTF-8 read as Latin-1
        ("don\u00e2\u20ac\u2122t stop", "don\u2019t stop"),  # cp1252 mojibake, curly kept
        ("zero\u200bwidth\u200d join\ufeff", "zerowidth join"),
        ("non\u00a0breaking\u202fspace", "non breaking space"),
        ("soft\u00adhyphen", "softhyphen"),
        ("a\x00b\x07c", "abc"),
        ("  indented   line  \n\n\n\n\nnext", "indented line\n\nnext"),
        ("para\u2028next", "para\nnext"),
        ("\n\n  \n", ""),
        (HOSTILE, "\ufffd<script>\n\n\u00e9\u00e9\u00e9"),
        # symbol runs over 40 are cut (quadratic for spaCy's tokenizer); words and URLs are not
        ("wow" + "!?" * 100 + " ok", "wow" + "!?" * 20 + " ok"),
        ("=" * 41 + "\n" + "-" * 40, "=" * 40 + "\n" + "-" * 40),
        ("\U0001F642" * 500, "\U0001F642" * 40),
        ("x" * 5000 + " https://a.example/" + "b/" * 100, "x" * 5000 + " https://a.example/" + "b/" * 100),
    ],
)
def test_repair_text(text: str, expected: str) -> None:
    assert repair_text(text) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("", ""),
        ("≡ Menu", "menu"),
        ("Menu", "menu"),
        ("Skip to content", "skip_link"),
        ("top of page", "page_edge"),
        ("bottom of page", "page_edge"),
        ("Home > Mental Health > Anxiety", "breadcrumb"),
        ("Home » Blog » Therapy basics", "breadcrumb"),
        ("41 views0 comments", "views_comments"),
        ("1 comment… add one", "comment_count"),
        ("Leave a Comment", "comment_form"),
        ("Leave a Reply", "comment_form"),
        ("Please enter your name here", "comment_form"),
        ("Please enter your comment!", "comment_form"),
        ("Your email address will not be published. Required fields are marked *", "comment_form"),
        ("Share on Facebook", "share_buttons"),
        ("Facebook Twitter Pinterest Email", "share_buttons"),
        ("Share this:", "share_buttons"),
        (
            "This website uses cookies to improve your experience. We'll assume you're ok "
            "with this, but you can opt-out if you wish.",
            "cookie_notice",
        ),
        ("Accept all cookies", "cookie_notice"),
        ("Posted in Anxiety, Therapy Tips", "post_meta"),
        ("Posted: Fri, 01 Nov 2019 07:00:00 GMT [source]", "post_meta"),
        ("Tags: trust, goals", "post_meta"),
        ("Related posts", "related"),
        ("You may also like", "related"),
        ("Subscribe to our newsletter!", "subscribe"),
        ("Sign up", "subscribe"),
        ("Sign up for a support group.", ""),
        ("© 2024 Calm Harbor. All rights reserved.", "copyright"),
        ("• Writer's pictureJo Bloggs", "author_widget"),
        ("August 27, 2024", "date_only"),
        ("* * *", "bare_punct"),
        # Real content must survive.
        ("Share your worries with your therapist early on.", ""),
        ("Building trust with a new counsellor", ""),
        ("Home is where many people first practise these skills.", ""),
        ("Leave a comment if you found this useful, and tell us how your first session went "
         "with your new therapist last week.", ""),
        ("Posted in 2019, the review by our team found that agreeing on goals early in therapy "
         "predicts how well clients do.", ""),
        ("The cookies your grandmother baked are not the topic here.", ""),
        ("Menu planning can be a useful homework task for clients with eating concerns.", ""),
        ("x" * 400, ""),  # long lines are never boilerplate
        ("\x00\ud800 Leave a Comment \u200b", ""),  # hostile: stray controls keep it unmatched
    ],
)
def test_matching_rule(line: str, expected: str) -> None:
    assert matching_rule(line) == expected


SEED_LIKE = """Home Mental Health Why the first session matters
Why the first session matters

Why the first session matters
The first session sets the tone for the work that follows, and most clients remember it well.
≡ Menu
Please enter your name here
41 views0 comments"""


@pytest.mark.parametrize(
    ("text", "expected_text", "lines", "chars"),
    [
        ("", "", 0, 0),
        ("Just one honest sentence about therapy.", "Just one honest sentence about therapy.", 0, 0),
        ("top of page\nReal text stays here.\nbottom of page", "Real text stays here.", 2, 25),
        (
            SEED_LIKE,
            "Why the first session matters\n\nThe first session sets the tone for the work that "
            "follows, and most clients remember it well.",
            5,
            len("Home Mental Health Why the first session matters")
            + len("Why the first session matters")
            + len("≡ Menu")
            + len("Please enter your name here")
            + len("41 views0 comments"),
        ),
        ("Leave a Comment\n\n\n\nPlease enter your name here", "", 2, 42),
        (HOSTILE, HOSTILE.strip("\n "), 0, 0),  # unrepaired input: nothing matches, no crash
    ],
)
def test_strip_boilerplate(text: str, expected_text: str, lines: int, chars: int) -> None:
    result = strip_boilerplate(text)
    assert (result.text, result.lines, result.chars) == (expected_text, lines, chars)


def test_strip_boilerplate_counts_rules() -> None:
    result = strip_boilerplate("≡ Menu\nContent line.\nShare on Facebook\nShare on Twitter")
    assert result.rules == {"menu": 1, "share_buttons": 2}


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("", "", True),
        ("Same words here", "same   words\nhere ", True),
        ("Same words here", "Same words there", False),
        ("\x00\ud800", "\x00\ud800", True),
    ],
)
def test_content_hash(a: str, b: str, same: bool) -> None:
    assert (content_hash(a) == content_hash(b)) is same
    assert len(content_hash(a)) == 32


@pytest.mark.parametrize(
    ("line", "has_key"),
    [
        ("", False),
        ("*", False),  # too short to count
        ("Subscribe to the Calm Harbor letter", True),
        ("word " * 60, False),  # long lines never get a key
        ("Subscribe to the Quay Street newsletter for a new article every month.", True),
        ("A sentence of more than a hundred and twenty characters reads as prose, and prose of "
         "that length is never recurring boilerplate.", False),
        ("\ud800\x00 footer", True),
    ],
)
def test_line_key(line: str, has_key: bool) -> None:
    assert (line_key(line) is not None) is has_key


def test_line_key_ignores_case_and_punctuation() -> None:
    assert line_key("Follow us on Mastodon!") == line_key("follow us on mastodon")


def test_remove_lines() -> None:
    text = "Intro sentence of the article.\nFollow us on Mastodon\nClosing sentence."
    keys = {line_key("Follow us on Mastodon")}
    result = remove_lines(text, keys)  # type: ignore[arg-type]
    assert result.text == "Intro sentence of the article.\nClosing sentence."
    assert (result.lines, result.chars) == (1, len("Follow us on Mastodon"))
    assert remove_lines("", keys).text == ""  # type: ignore[arg-type]
    assert line_keys("a line\na line\nanother line") == {line_key("a line"), line_key("another line")}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", ""),
        ("  A   title\nwith a break ", "A title with a break"),
        ("\ud800Bad\x00 title\u200b", "\ufffdBad title"),
    ],
)
def test_clean_field(value: str, expected: str) -> None:
    assert clean_field(value) == expected


def test_writable() -> None:
    assert writable("ok") == "ok"
    assert writable("a\ud800b") == "a\ufffdb"


def test_rules_file_is_valid() -> None:
    rules = load_rules()
    names = [r.name for r in rules.rules]
    assert len(names) == len(set(names)) and "comment_form" in names
    assert all(r.max_chars <= rules.max_line_chars for r in rules.rules)


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_repair_text_any_string(text: str) -> None:
    out = repair_text(text)
    out.encode("utf-8")  # always writable
    assert "\r" not in out and "\x00" not in out and "\u200b" not in out
    assert "\n\n\n" not in out
    assert repair_text(out) == repair_text(out)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_strip_boilerplate_any_string(text: str) -> None:
    result = strip_boilerplate(repair_text(text))
    assert result.lines >= 0 and result.chars >= 0
    assert len(result.text) <= len(repair_text(text))
    # Nothing is invented: every kept line was a line of the input.
    source_lines = set(repair_text(text).split("\n"))
    assert all(line in source_lines for line in result.text.split("\n") if line)
