"""Words, sentences and letter case: the text patterns the stages share, in one place.

What counts as a word depends on the job, and each stage's results depend on its choice, so
the patterns are named by what they keep:

- :data:`WORD`: letters or digits with inner apostrophes or hyphens ("don't", "drop-out",
  "covid19"): the quality metrics' words;
- :data:`LETTER_WORD`: letters only with inner apostrophes: the wording duplicate detection
  compares (digits and punctuation carry no wording);
- :data:`TOKEN`: the spin detector's tokens, a word (letters with inner apostrophes or
  hyphens), a number or a single mark, with character offsets into the raw text.
"""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher

WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
LETTER_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
TOKEN = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*|\d+(?:[.,]\d+)*|[^\w\s]")
# Glued sentences in scraped answers ("word.Next"): the mark is group 1.
GLUED = re.compile(r"(?<=[a-z])([.!?])(?=[A-Z][a-z])")
# A sentence ends at . ! ? or … followed by space and a capital/digit, or glued ("word.Next").
_SENTENCE_BREAK = re.compile(
    r"(?<=[.!?…])[\"”’')\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])|(?<=[a-z][.!?])(?=[A-Z][a-z])"
)


def words(text: str) -> list[str]:
    """The :data:`WORD` words of ``text`` (no punctuation tokens)."""
    return WORD.findall(text)


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text``; line breaks always end a sentence."""
    out: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if line:
            out.extend(s for s in (p.strip() for p in _SENTENCE_BREAK.split(line)) if s)
    return out


def match_case(suggestion: str, original: str) -> str:
    """Give ``suggestion`` the capitalisation pattern of ``original``."""
    if not suggestion or not original:
        return suggestion
    if original.isupper() and len(original) > 1:
        return suggestion.upper()
    if original[0].isupper():
        if all(w[:1].isupper() for w in original.split()):
            return " ".join(w[:1].upper() + w[1:] for w in suggestion.split())
        return suggestion[0].upper() + suggestion[1:]
    return suggestion


def word_opcodes(a: list[str], b: list[str], max_cost: int) -> list[tuple[str, int, int, int, int]]:
    """:class:`difflib.SequenceMatcher` opcodes of two word lists.

    Common words are kept as anchors (``autojunk`` off: in a short article "the" and "and" hold
    the alignment together), unless the pair's repeated-word cost, the sum over shared words of
    their counts on each side, exceeds ``max_cost``: a text that repeats one word thousands of
    times makes the matcher quadratic, so its popular words are junked for that pair only.
    """
    ca, cb = Counter(a), Counter(b)
    small, big = (ca, cb) if len(ca) <= len(cb) else (cb, ca)
    cost = sum(n * big.get(w, 0) for w, n in small.items())
    return SequenceMatcher(None, a, b, autojunk=cost > max_cost).get_opcodes()
