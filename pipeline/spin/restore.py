"""Restoration: the text with the detector's suggestions applied.

Span offsets always refer to the *original* (spun) text. ``restore(text, spans)`` applies every
span that has a suggestion (overlapping spans: the first in order wins) and returns the restored
text. ``restore_range(text, spans, start, end)`` restores one character range of the original
text - e.g. one sentence, as the alliance extractor does - using only the spans fully inside
it, so a consumer never has to map offsets between the two texts::

    sent = doc.sents[k]
    restored_sentence = restore_range(doc.text, doc._.spin["spans"], sent.start_char, sent.end_char)

``offset_map(text, spans)`` gives, for consumers that need it, (original_start, restored_start)
pairs at every applied edit, so an offset in the restored text can be mapped back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def _edits(spans: Iterable[Mapping[str, Any]], start: int, end: int) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    last = start
    for s in sorted(spans, key=lambda s: (s["start_char"], s["end_char"])):
        a, b, sug = int(s["start_char"]), int(s["end_char"]), s.get("suggestion") or ""
        if not sug or a < last or b > end or a < start or b <= a:
            continue
        out.append((a, b, sug))
        last = b
    return out


def restore_range(
    text: str, spans: Iterable[Mapping[str, Any]], start: int = 0, end: int | None = None
) -> str:
    """``text[start:end]`` with the suggestions of the spans inside it applied."""
    end = len(text) if end is None else min(end, len(text))
    start = max(0, start)
    parts: list[str] = []
    pos = start
    for a, b, sug in _edits(spans, start, end):
        parts.append(text[pos:a])
        parts.append(sug)
        pos = b
    parts.append(text[pos:end])
    return "".join(parts)


def restore(text: str, spans: Iterable[Mapping[str, Any]]) -> str:
    """The whole text with every suggestion applied (offsets refer to ``text``)."""
    return restore_range(text, spans, 0, None)


def offset_map(text: str, spans: Iterable[Mapping[str, Any]]) -> list[tuple[int, int]]:
    """(original offset, restored offset) at the start and end of every applied edit."""
    out: list[tuple[int, int]] = [(0, 0)]
    shift = 0
    for a, b, sug in _edits(spans, 0, len(text)):
        out.append((a, a + shift))
        shift += len(sug) - (b - a)
        out.append((b, b + shift))
    return out
