"""Splits a text once into the units the quality metrics count: lines, paragraphs, sentences,
words, content stems. Cached, so the metric functions can each take plain ``text``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.lang.en.stop_words import STOP_WORDS

from pipeline.text import WORD, split_sentences, words

_PARA_SPLIT = re.compile(r"\n\s*\n")
# Entries of each per-word cache: the commonest 65k word types cover nearly every token of
# English text, and the caches must not grow with a corpus's vocabulary.
WORD_CACHE_SIZE = 65_536
_SUFFIXES = (("ies", "y"), ("ingly", ""), ("edly", ""), ("ing", ""), ("ed", ""), ("es", ""),
             ("ly", ""), ("s", ""))


@lru_cache(maxsize=WORD_CACHE_SIZE)
def stem(word: str) -> str:
    """A crude suffix-stripping stem: enough to match 'feelings'/'feeling' in overlap measures."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    for _ in range(2):  # two passes: "feelings" -> "feeling" -> "feel"
        for suffix, repl in _SUFFIXES:
            if w.endswith(suffix) and len(w) - len(suffix) >= 3:
                w = w[: len(w) - len(suffix)] + repl
                break
        else:
            break
    return w


@lru_cache(maxsize=WORD_CACHE_SIZE)
def is_content(word: str) -> bool:
    """A word that carries topic: alphabetic, 3+ letters, not a stop word."""
    return len(word) >= 3 and word.isalpha() and word.lower() not in STOP_WORDS


@lru_cache(maxsize=WORD_CACHE_SIZE)
def content_stem(word: str) -> str | None:
    """The stem of a content word, None for any other word (one cache lookup per word)."""
    return stem(word) if is_content(word) else None


@dataclass(frozen=True)
class Parsed:
    """The units of one text. ``tokens`` are whitespace tokens (Gopher's word count)."""

    text: str
    lines: tuple[str, ...]
    paragraphs: tuple[str, ...]
    sentences: tuple[str, ...]
    tokens: tuple[str, ...]
    words: tuple[str, ...]


@lru_cache(maxsize=8)
def parse(text: str) -> Parsed:
    """Split once; every metric of the same text reuses the result."""
    text = text or ""
    lines = tuple(s for s in (ln.strip() for ln in text.splitlines()) if s)
    paragraphs = tuple(s for s in (p.strip() for p in _PARA_SPLIT.split(text)) if s)
    # Single-newline documents (one paragraph per line) count lines as paragraphs.
    if len(paragraphs) <= 1 < len(lines):
        paragraphs = lines
    return Parsed(
        text=text,
        lines=lines,
        paragraphs=paragraphs,
        sentences=tuple(split_sentences(text)),
        tokens=tuple(text.split()),
        words=tuple(WORD.findall(text)),
    )


def word_list(text: str) -> list[str]:
    """The words of ``text`` (no punctuation tokens)."""
    return words(text)
