"""Research citations in an article: author-year (parenthetical, narrative, bracketed),
reference-list entries and DOIs. Patterns live in ``resources/alliance/citations.json``."""

from __future__ import annotations

import functools
import re

from pipeline.alliance.lexicon import load_json

# Pattern names whose matches are bibliography material, not prose to label.
REFERENCE_KINDS = frozenset({"reference_entry", "reference_entry_vancouver", "doi"})


@functools.lru_cache(maxsize=4)
def _compiled(name: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((p["name"], re.compile(p["regex"])) for p in load_json(name)["patterns"])


def citation_spans(text: str, patterns: str = "citations.json") -> list[tuple[int, int, str, str]]:
    """(start, end, kind, citation) in text order; overlapping matches count once (the first
    pattern wins, so a reference entry swallows the DOI inside it)."""
    taken: list[tuple[int, int]] = []
    found: list[tuple[int, int, str, str]] = []
    for kind, rx in _compiled(patterns):
        for m in rx.finditer(text):
            s, e = m.span()
            if e <= s or any(s < te and ts < e for ts, te in taken):
                continue
            taken.append((s, e))
            found.append((s, e, kind, m.group(0).strip()))
    return sorted(found)


def find_citations(text: str, patterns: str = "citations.json") -> list[str]:
    """Citation strings in text order (author-year, reference entries, DOIs)."""
    return [c for _, _, _, c in citation_spans(text, patterns)]
