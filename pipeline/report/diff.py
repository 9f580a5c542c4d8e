"""Word-level differences between two copies of an article (the duplicates view of the report).

Computed with :mod:`difflib` at report time, bounded: at most ``max_words`` words of each text are
compared and long runs of equal words are folded, so a pair costs the same on any corpus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from pipeline.text import word_opcodes

_WORDS = re.compile(r"\S+")


@dataclass(frozen=True)
class Diff:
    """The highlighted differences (escaped markup) and how much of the text differs."""

    html: Markup
    changed_words: int
    compared_words: int
    cut: bool


def word_diff(canonical: str, other: str, max_words: int = 4000, context: int = 12,
              max_cost: int = 2_000_000) -> Diff:
    """``other`` against ``canonical``: removed words in ``<del>``, added ones in ``<ins>``,
    equal runs longer than ``2 * context`` words folded to their ends."""
    a_all, b_all = _WORDS.findall(canonical or ""), _WORDS.findall(other or "")
    a, b = a_all[:max_words], b_all[:max_words]
    cut = len(a_all) > max_words or len(b_all) > max_words
    out: list[str] = []
    changed = 0
    for op, i1, i2, j1, j2 in word_opcodes(a, b, max_cost):
        if op == "equal":
            run = a[i1:i2]
            if len(run) > 2 * context:
                head = " ".join(run[:context]) if out else ""
                tail = " ".join(run[-context:]) if i2 < len(a) or j2 < len(b) else ""
                folded = f'<span class="same">\u2026 {len(run) - len(head.split()) - len(tail.split())} same words \u2026</span>'
                out.append(" ".join(p for p in (str(escape(head)), folded, str(escape(tail))) if p))
            else:
                out.append(str(escape(" ".join(run))))
            continue
        if i2 > i1:
            out.append(f"<del>{escape(' '.join(a[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{escape(' '.join(b[j1:j2]))}</ins>")
        changed += max(i2 - i1, j2 - j1)
    return Diff(Markup(" ".join(p for p in out if p)), changed, max(len(a), len(b)), cut)
