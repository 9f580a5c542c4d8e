"""Fast regex tokenisation shared by the reference builder and the signals.

The detector works on the raw text (offsets are character offsets into it) and needs only
words, numbers and punctuation marks; a regex is ~10x cheaper than walking spaCy tokens.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from pipeline.spin.compiled import FAST
from pipeline.text import GLUED, TOKEN


class Tok(NamedTuple):
    """A token: character offsets into the text, surface form and normalised lower case."""

    start: int
    end: int
    text: str
    low: str
    is_word: bool


def normalise(word: str) -> str:
    """Lower case with typographic apostrophes made plain (the reference is stored this way)."""
    return word.lower().replace("’", "'")


def tokenize(text: str) -> list[Tok]:
    """Tokens of ``text`` with character offsets."""
    low = normalise(text)
    if len(low) != len(text):   # a few characters lower-case to two ("İ"): per token then
        return [Tok(m.start(), m.end(), m.group(), normalise(m.group()), m.group()[0].isalpha())
                for m in TOKEN.finditer(text)]
    return _tokens(text, low, TOKEN, Tok)


def _py_tokens(text: str, low: str, pattern: re.Pattern, tok: type[Tok]) -> list[Tok]:
    """The tokens of ``text`` (``low``: its lower case, as long as it): the reference
    implementation of ``pipeline.spin._fast.tokens``."""
    return [tok(a, b, text[a:b], low[a:b], text[a].isalpha())
            for a, b in (m.span() for m in pattern.finditer(text))]


# The compiled twin when built (the Python above is its reference).
_tokens = FAST.tokens if FAST is not None else _py_tokens


def unglue(text: str) -> str:
    """Repair "word.Next" glued sentences (counsel-chat answers) by adding a space."""
    return GLUED.sub(r"\1 ", text)


def words_with_breaks(text: str) -> list[str | None]:
    """Lower-cased words in order, with ``None`` where punctuation or a number breaks a phrase."""
    out: list[str | None] = []
    for t in tokenize(text):
        if t.is_word:
            out.append(t.low)
        elif out and out[-1] is not None:
            out.append(None)
    return out


# A passage in double quotation marks (straight or curly) inside one paragraph.
QUOTED = re.compile(r'"[^"\n]+"|\u201c[^\u201d\n]+\u201d')


def quoted(text: str, toks: list[Tok], idx: list[int], min_words: int) -> list[bool]:
    """For each token index of ``idx``: whether it lies inside a quoted passage of at least
    ``min_words`` words (scripture, cited speech: another writer's words; a scare-quoted
    term is shorter). ``min_words`` 0: none."""
    if min_words <= 0 or not idx:
        return [False] * len(idx)
    spans = [(m.start(), m.end()) for m in QUOTED.finditer(text)
             if len(m.group().split()) >= min_words]
    if not spans:
        return [False] * len(idx)
    out = []
    k = 0
    for i in idx:   # idx rises, and so do the passages
        a = toks[i].start
        while k < len(spans) and spans[k][1] <= a:
            k += 1
        out.append(k < len(spans) and spans[k][0] <= a)
    return out
