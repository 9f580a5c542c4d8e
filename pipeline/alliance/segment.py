"""Sentence spans for the alliance labels: the sentencizer's sentences, cut again at line breaks.

Scraped pages put headings, list items and reference entries on their own lines without a full
stop; the punctuation sentencizer would glue them to the next sentence.
"""

from __future__ import annotations

import numpy as np
from spacy.attrs import IS_SPACE, SENT_START
from spacy.tokens import Doc


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
        # A newline is its own whitespace token: cut before and after it.
        for i in space:
            if "\n" in doc[i].text:
                cuts.add(i)
                cuts.add(i + 1)
    is_space = set(space)
    bounds = sorted(c for c in cuts if c < n) + [n]
    out: list[tuple[int, int]] = []
    for s, e in zip(bounds, bounds[1:], strict=False):
        while s < e and s in is_space:
            s += 1
        while e > s and (e - 1) in is_space:
            e -= 1
        if e > s:
            out.append((s, e))
    return out
