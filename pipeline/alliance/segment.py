"""Sentence spans for the alliance labels: the sentencizer's sentences, cut again at line breaks.

Scraped pages put headings, list items and reference entries on their own lines without a full
stop; the punctuation sentencizer would glue them to the next sentence.
"""

from __future__ import annotations

from spacy.tokens import Doc


def sentence_token_spans(doc: Doc, split_on_newlines: bool = True) -> list[tuple[int, int]]:
    """(start, end) token offsets of the sentences, whitespace-only tokens trimmed off."""
    if len(doc) == 0:
        return []
    if doc.has_annotation("SENT_START"):
        bounds = [(s.start, s.end) for s in doc.sents]
    else:
        bounds = [(0, len(doc))]
    out: list[tuple[int, int]] = []
    for start, end in bounds:
        cur = start
        for i in range(start, end):
            tok = doc[i]
            if split_on_newlines and tok.is_space and "\n" in tok.text:
                _push(doc, cur, i, out)
                cur = i + 1
            elif split_on_newlines and i > start and "\n" in doc[i - 1].whitespace_:
                _push(doc, cur, i, out)
                cur = i
        _push(doc, cur, end, out)
    return out


def _push(doc: Doc, start: int, end: int, out: list[tuple[int, int]]) -> None:
    while start < end and doc[start].is_space:
        start += 1
    while end > start and doc[end - 1].is_space:
        end -= 1
    if end > start:
        out.append((start, end))
