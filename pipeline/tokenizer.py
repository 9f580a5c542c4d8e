"""spaCy's tokenizer made linear on long runs without spaces, for every way a Doc is made.

spaCy's tokenizer is quadratic on a run without spaces (10,000 ``!?`` characters: 15.7 s,
40,000: 56 s). :func:`tokenizer_text` gives it the text with a space over every ``step``-th
character of each run of at least ``run_chars`` non-space characters: the same length and
offsets, so every token keeps its place, and no word or real URL is that long.
:class:`RunSafeTokenizer` wraps the pipeline's tokenizer so that ``nlp(text)`` and
``nlp.pipe(texts)`` get the same protection as ``analyze``; the Doc records the unchanged text
(:func:`pipeline.doctable.set_doc_text`), which is what our components read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from spacy.tokens import Doc

from pipeline.doctable import set_doc_text


def tokenizer_text(text: str, run_chars: int, step: int) -> str:
    """``text`` with a space over every ``step``-th character of each run of at least
    ``run_chars`` non-space characters: same length and offsets, linear for spaCy's tokenizer."""
    if len(text) < run_chars:
        return text

    def brk(m: re.Match) -> str:
        run = list(m.group())
        run[step::step] = " " * len(run[step::step])
        return "".join(run)

    return re.sub(rf"\S{{{run_chars},}}", brk, text)


class RunSafeTokenizer:
    """A tokenizer (``nlp.tokenizer``) that tokenises :func:`tokenizer_text` of its input with
    ``inner`` and records the input on the Doc. Serialisation goes to ``inner``."""

    def __init__(self, inner: Callable[[str], Doc], run_chars: int, step: int) -> None:
        self.inner = inner
        self.run_chars = run_chars
        self.step = step

    def __call__(self, text: str) -> Doc:
        doc = self.inner(tokenizer_text(text, self.run_chars, self.step))
        set_doc_text(doc, text)
        return doc

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        for text in texts:
            yield self(text)

    def __getattr__(self, name: str) -> Any:
        # vocab, to_disk, from_bytes, explain...: the wrapped tokenizer's.
        return getattr(self.inner, name)
