"""URL and text fingerprints of copies and farm pages (``resources/audit/review_urls.tsv``,
``review_text.tsv``).

A page's address can show what its text cannot: a random name-and-digits subdomain of a blog
farm, a mirror whose path embeds the original site's domain or a DOI, a raw API dump. The text
can show the rest: a content-farm persona, a planted anchor of another trade, a syndication
notice. The audit turns a match into a ``review`` note with the fingerprint's reason; a match
alone never removes a page (a badly damaged page on a copy's address is removed for its damage,
``audit.low_quality_provenance_action``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=8)
def load_url_fingerprints(name: str = "review_urls.tsv") -> tuple[tuple[str, re.Pattern, str], ...]:
    """(name, compiled regex, reason) of every fingerprint in ``resources/audit/<name>``."""
    text = (resources.files("pipeline") / "resources" / "audit" / name).read_text(encoding="utf-8")
    out = []
    for ln in text.splitlines():
        if not ln.strip() or ln.startswith("#"):
            continue
        fp_name, regex, reason = ln.split("\t")
        out.append((fp_name, re.compile(regex, re.IGNORECASE), reason))
    return tuple(out)


def url_fingerprints(url: str, name: str = "review_urls.tsv") -> list[tuple[str, str]]:
    """(name, reason) of every fingerprint ``url`` matches, in file order."""
    if not url:
        return []
    return [(n, reason) for n, rx, reason in load_url_fingerprints(name) if rx.search(url)]


def text_fingerprints(text: str, name: str = "review_text.tsv") -> list[tuple[str, str]]:
    """(name, reason) of every text fingerprint of ``resources/audit/<name>`` that ``text``
    matches, in file order; none when ``name`` is empty (the note turned off)."""
    if not text or not name:
        return []
    return [(n, reason) for n, rx, reason in load_url_fingerprints(name) if rx.search(text)]
