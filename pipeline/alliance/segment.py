"""Sentence spans for the alliance labels: the sentencizer's sentences, cut again at line breaks.

Scraped pages put headings, list items and reference entries on their own lines without a full
stop; the punctuation sentencizer would glue them to the next sentence.
"""

from __future__ import annotations

from spacy.tokens import Doc

from pipeline.doctable import doc_table

_FINAL = ".!?:;\"'”’)"
_MARKERS = frozenset("•●◦▪■□‣∙·*-–—>")


def _is_marker(tok: str) -> bool:
    return bool(tok) and all(ch in _MARKERS for ch in tok)


def sentence_token_spans(doc: Doc, split_on_newlines: bool = True) -> list[tuple[int, int]]:
    """(start, end) token offsets of the sentences, whitespace-only tokens trimmed off."""
    n = len(doc)
    if n == 0:
        return []
    table = doc_table(doc)
    tok = table.token_text
    starts = table.sent_starts
    if not starts or starts[0] != 0:
        starts = [0, *starts]
    is_space = table.is_space
    space = [i for i, sp in enumerate(is_space) if sp]
    cuts = set(starts)
    if split_on_newlines:
        # A newline is its own whitespace token: cut before and after it, unless the line is
        # hard-wrapped (no final punctuation before, lower case after).
        for i in space:
            t = tok(i)
            if "\n" not in t:
                continue
            if 0 < i < n - 1 and t.count("\n") == 1 and \
                    tok(i + 1)[:1].islower() and tok(i - 1)[-1:] not in _FINAL:
                continue
            cuts.add(i)
            cuts.add(i + 1)
    bounds = sorted(c for c in cuts if c < n) + [n]
    out: list[tuple[int, int]] = []
    for s, e in zip(bounds, bounds[1:], strict=False):
        # Trim whitespace, list markers ("•", "*", "–") before and footnote stars after.
        while s < e and (is_space[s] or _is_marker(tok(s))):
            s += 1
        while e > s and (is_space[e - 1] or set(tok(e - 1)) == {"*"}):
            e -= 1
        if e > s:
            out.append((s, e))
    return out
