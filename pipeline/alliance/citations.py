"""Research citations in an article: author-year (parenthetical, narrative, bracketed),
reference-list entries and DOIs. Patterns live in ``resources/alliance/citations.json``."""

from __future__ import annotations

import functools
import re

from pipeline.alliance.lexicon import load_json


@functools.lru_cache(maxsize=4)
def _compiled(name: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p["regex"]) for p in load_json(name)["patterns"])


def find_citations(text: str, patterns: str = "citations.json") -> list[str]:
    """Citation strings in text order; overlapping matches count once (first pattern wins)."""
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, str]] = []
    for rx in _compiled(patterns):
        for m in rx.finditer(text):
            s, e = m.span()
            if e <= s or any(s < te and ts < e for ts, te in taken):
                continue
            taken.append((s, e))
            found.append((s, m.group(0).strip()))
    return [t for _, t in sorted(found)]
