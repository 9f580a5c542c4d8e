"""Sentence spans for the alliance labels: the sentencizer's sentences, cut again at line breaks.

Scraped pages put headings, list items and reference entries on their own lines without a full
stop; the punctuation sentencizer would glue them to the next sentence.
"""

from __future__ import annotations

import numpy as np
from spacy.attrs import IS_SPACE, SENT_START
from spacy.tokens import Doc

_FINAL = ".!?:;\"'”’)"
_MARKERS = frozenset("•●◦▪■□‣∙·*-–—>")


def _is_marker(tok: str) -> bool:
    return bool(tok) and all(ch in _MARKERS for ch in tok)


def sentence_token_spans(doc: Doc, split_on_newlines: bool = True) -> list[tuple[int, int]]:
    """(start, end) token offsets of the sentences, whitespace-only tokens trimmed off."""
    n = len(doc)
    if n == 0:
        return []
    arr = doc.to_array([SENT_START, IS_SPACE])
    # SENT_START is 1 at a sentence start, -1 inside, 0 when no pipe set boundaries.
    starts = np.flatnonzero(arr[:, 0] == 1).tolist()
    if not starts or starts[0] != 0:
        starts = [0, *starts]
    space = np.flatnonzero(arr[:, 1]).tolist()
    cuts = set(starts)
    if split_on_newlines:
        # A newline is its own whitespace token: cut before and after it, unless the line is
        # hard-wrapped (no final punctuation before, lower case after).
        for i in space:
            if "\n" not in doc[i].text:
                continue
            if 0 < i < n - 1 and doc[i].text.count("\n") == 1 and \
                    doc[i + 1].text[:1].islower() and doc[i - 1].text[-1:] not in _FINAL:
                continue
            cuts.add(i)
            cuts.add(i + 1)
    is_space = set(space)
    bounds = sorted(c for c in cuts if c < n) + [n]
    out: list[tuple[int, int]] = []
    for s, e in zip(bounds, bounds[1:], strict=False):
        # Trim whitespace, list markers ("•", "*", "–") before and footnote stars after.
        while s < e and (s in is_space or _is_marker(doc[s].text)):
            s += 1
        while e > s and ((e - 1) in is_space or set(doc[e - 1].text) == {"*"}):
            e -= 1
        if e > s:
            out.append((s, e))
    return out
