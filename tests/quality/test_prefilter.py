"""The literal prefilters (``pipeline/quality/prefilter.py``) never change a match: the needles
are sound (every match of a line contains one needle of each clause), a gated pattern finds what
the full alternation finds on the demo corpus, generated and hostile text, and the set of
characters case-insensitive matching maps onto ASCII is recomputed over every code point."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline.quality import metrics as m
from pipeline.quality import prefilter as pf

ROOT = Path(__file__).resolve().parents[2]

# Every gated pattern set the metrics load (name, loader, flags of the alternation).
GATED = {
    "search_phrases": m.load_search_phrases,
    "placeholder_phrases": m.load_placeholder_patterns,
    "encoding_faults": m.load_encoding_faults,
    "error_dumps": m.load_error_dump_patterns,
    "generator_leftovers": m.load_generator_leftovers,
    "markup_patterns": m.load_markup_patterns,
    "c4_bad_lines": m.load_line_patterns,
    "keyword_list_lines": m.load_keyword_list_patterns,
    "teaser_endings": m.load_teaser_endings,
    "joined_on_purpose": lambda: m._JOINED_ON_PURPOSE,
}


def _all_lines() -> list[tuple[str, int]]:
    """(line, flags) of every gated line and every spam pattern."""
    out = []
    for load in GATED.values():
        g = load()
        out.extend((ln, g.flags) for ln in g.lines)
    out.extend((p.regex.pattern, p.regex.flags) for p in m.load_spam_patterns())
    return out


def test_case_fold_set_is_recomputed_over_every_code_point():
    # A character that re.IGNORECASE matches to an ASCII character (as a literal or in a class)
    # while its lower() is not that character's lower() would slip past a lower-case needle.
    everything = "".join(chr(c) for c in range(sys.maxunicode + 1))
    found: set[str] = set()
    for code in range(128):
        x = chr(code)
        for rx in (re.compile(re.escape(x), re.IGNORECASE), re.compile(f"[{re.escape(x)}]", re.IGNORECASE)):
            found.update(c for c in rx.findall(everything) if c.lower() != x.lower())
    whole_class = re.compile(r"[\x00-\x7f]", re.IGNORECASE)
    found.update(c for c in whole_class.findall(everything) if ord(c) >= 128)
    assert found == set(pf.CASE_FOLD_TO_ASCII)


def test_every_pattern_line_has_a_gate_or_is_known_to_run_always():
    # The derivation must not silently lose its grip on the shipped files: lines without
    # needles always run (correct, but slow); these are the ones we accept.
    ungated = [ln for ln, flags in _all_lines() if not pf.line_needles(ln, flags)]
    assert len(ungated) <= 2, ungated


W = pf.WORD_START  # also pf.WORD_END
# A word list longer than the other literal sets may be (pf.MAX_STRINGS).
_WORD_LIST = [f"{chr(97 + i % 26)}{chr(97 + i // 26)}x" for i in range(100)]


@pytest.mark.parametrize(("line", "flags", "expected"), [
    (r"\bcoming soon\b", re.I, [{W + "coming soon" + W}]),
    (r"\bcoming soon", re.I, [{W + "coming soon"}]),
    (r"coming soon\b", re.I, [{"coming soon" + W}]),
    (r"\b(?:ab|cd)[\s,.]+x", 0, [{W + "ab" + W, W + "cd" + W}, {"x"}]),
    (r"\b(?:ab|cd)\w", 0, [{W + "ab", W + "cd"}]),
    (r"\b(?:ab|cd)", 0, [{W + "ab", W + "cd"}]),
    (r"\b(?:" + "|".join(_WORD_LIST) + r")[ ,]", 0, [{W + w + W for w in _WORD_LIST}, {" ", ","}]),
    (r"\b(?:-a|b)", 0, [{"-a", "b"}]),  # a needle starting with a non-word character: no mark
    (r"\b(?:ab|c-)\s", 0, [{W + "ab", W + "c-"}]),
    (r"counsel+ors?", 0, [{"counsel"}, {"or", "ors"}, {"l"}]),
    (r"\?(?:s|t)\b", 0, [{"?s" + W, "?t" + W}]),
    (r"[A-Za-z0-9]+(?:\?[a-z]+)+", 0, [{f"?{c}" for c in "abcdefghijklmnopqrstuvwxyz"}]),
    (r"\w+", 0, []),
    (r"(?:a|\w)bc", 0, [{"bc"}]),
    (r"x?", 0, []),
    (r"(?i:ab)c", 0, [{"c"}]),
    (r"ÄB", re.I, [{"b"}]),  # non-ASCII under IGNORECASE: not a needle (its case forms vary)
    (r"ÄB", 0, [{"ÄB"}]),
])
def test_line_needles(line, flags, expected):
    assert [set(c) for c in pf.line_needles(line, flags)] == expected


def _matches_contain_needles(line: str, flags: int, text: str) -> None:
    needles = pf.line_needles(line, flags)
    ic = bool(re.compile(line, flags).flags & re.IGNORECASE)
    for mt in re.compile(line, flags).finditer(text):
        s = mt.group(0)
        if ic:
            if any(c in s for c in pf.CASE_FOLD_TO_ASCII):
                continue
            s = s.lower()
        for clause in needles:
            assert any(pf._plain(n) in s for n in clause), (line, mt.group(0), clause)


@pytest.mark.parametrize(("line", "flags"), _all_lines())
def test_needles_are_in_every_generated_match(line, flags):
    """Soundness: strings generated to match the line contain a needle of every clause."""
    try:
        strategy = st.from_regex(re.compile(line, flags))
    except Exception:  # lookbehinds and the like: hypothesis cannot generate them
        pytest.skip("hypothesis cannot generate matches of this line")

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def check(text):
        _matches_contain_needles(line, flags, text)

    check()


def _corpus_texts() -> list[str]:
    from pipeline.config import load_settings
    from pipeline.ingest import read_corpus

    return [a.text for a in read_corpus(ROOT / "corpus", load_settings().ingest) if getattr(a, "text", "")]


HOSTILE = [
    "ComİnG soon, lorem ıpsum, privacy polıcy, COOKİES", "ſtay tuned and \u212aeywords: a, b",
    "warning: x in /var/www/a.php on lıne 3", "don?t you?re ???Yes", "â€™ Ã© Â\xa0 ï»¿ \ufffd",
    "<b>x</b> {{x}} {% y %} &amp; &#38; \\/ {a|b} \"key\": 1", "therapists near me\nTHERAPİST NEAR ME",
    "best online therapy in Boston", "Looking for a good counsellor?", "visit www.example.org or x@y.com #tag",
    "", "\x00 \u202e ### ... ¿?",
]


def _same(g: pf.GatedPattern, text: str) -> None:
    assert g.findall(text) == g.full.findall(text)
    assert g.count(text) == len(g.full.findall(text))
    rx = g.for_text(text)
    for ln in text.splitlines():
        assert bool(rx is not None and rx.search(ln)) == bool(g.full.search(ln))
        assert bool(rx is not None and rx.match(ln)) == bool(g.full.match(ln))
    assert (text if rx is None else rx.sub(" ", text)) == g.full.sub(" ", text)


@pytest.mark.parametrize("name", sorted(GATED))
def test_gated_patterns_match_as_the_full_alternation(name):
    g = GATED[name]()
    texts = _corpus_texts() + HOSTILE + ["\n".join(HOSTILE)]
    for text in texts:
        _same(g, text)


_PIECES = st.sampled_from(["coming soon", "near me", "therapist", "best", " ", "\n", "?", "s", "t", "ve",
                           "â€", "Ã©", "<", "/", ">", "&amp;", "{", "}", "|", "%", "on line 3", ".php",
                           "İ", "ı", "ſ", "\u212a", "K", "k", "www.", "http://", ".org", "@", "#", "cookies",
                           "privacy policy", "tags:", "read more", "[...]", "stay tuned", "COMING SOON",
                           "lorem", "ipsum", "dolor", "sit", "amet", "tempor", "temporary", "x", "_", "-",
                           ",", ":", "LSI terms", "as an AI language model", "é", "2"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=6)), max_size=40))
@example(["comİng soon"])
@example(["\u212aeywords: a, b"])
def test_gated_patterns_on_generated_text(pieces):
    text = "".join(pieces)
    for load in GATED.values():
        _same(load(), text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.text(max_size=6)), max_size=40))
def test_spam_gates_never_skip_a_match(pieces):
    text = "".join(pieces)
    for p in m.load_spam_patterns():
        if p.regex.search(text):
            assert pf.may_match(p.gate, bool(p.regex.flags & re.IGNORECASE), text), p.name


@pytest.mark.parametrize(("text", "gated"), [
    ("Temporary and contemporary official distinctions.", False),
    ("Officials in the temporary office.", False),
    ("lorem ipsum dolor sit amet", True),
    ("x-tempor, sit amet", True),  # "-" is no word character: "tempor" starts a word there
    ("_tempor sit sed", False),  # "_" is one: no word boundary, no match
    ("tempora sit sed", True),
    ("TEMPOR SIT AMET", True),
])
def test_word_needles_start_and_end_a_word(text, gated):
    # The lorem-ipsum line needs three such words in a row: "temporary" holds the needle
    # "tempor" but not as a word of its own, so a page with it skips the pattern.
    g = m.load_generator_leftovers()
    assert (g.for_text(text) is not None) == gated
    _same(g, text)
    assert bool(g.full.search(text)) == gated


def test_word_needles_try_every_occurrence():
    assert pf._hit((frozenset({W + "ab" + W}),), "abc xab ab")
    assert not pf._hit((frozenset({W + "ab" + W}),), "abc xab abab")
    assert pf._hit((frozenset({W + "a b" + W, W + "a" + W}),), "a bc a")


def test_a_text_without_needles_runs_no_regex():
    g = m.load_placeholder_patterns()
    assert g.for_text("Plain words about therapy.") is None
    assert g.for_text("Coming soon: more.") is not None
    # A character that folds onto ASCII sends the text to the full alternation.
    assert g.for_text("Plain words\u212a") is g.full
