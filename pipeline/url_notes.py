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
from urllib.parse import unquote_plus, urlsplit


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


_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_SLOT_X = r"[a-z0-9]+(?: [a-z0-9]+){0,5}?"   # the topic slot of a title template: 1-6 words


def normalise_title(text: str) -> str:
    """``text`` lower-cased with every run of other characters than letters and digits made one
    space ("What's Holding-Back" -> "what s holding back")."""
    return _NON_ALNUM.sub(" ", (text or "").lower()).strip()


@lru_cache(maxsize=8)
def load_title_templates(name: str = "spam_titles.tsv") -> tuple[tuple[str, re.Pattern], ...]:
    """(name, compiled regex) of every title template of ``resources/audit/<name>``: the template's
    words in order, ``{X}`` a topic of one to six words, ``{N}`` a number, a trailing number (a
    script's de-duplicating suffix) allowed; the whole normalised title must match."""
    text = (resources.files("pipeline") / "resources" / "audit" / name).read_text(encoding="utf-8")
    out = []
    for ln in text.splitlines():
        if not ln.strip() or ln.startswith("#"):
            continue
        t_name, template = ln.split("\t")
        body = " ".join(template.lower().split()).replace("{x}", _SLOT_X).replace("{n}", r"\d+")
        out.append((t_name, re.compile(r"^" + body + r"(?: \d+)?$")))
    return tuple(out)


def title_candidates(url: str, title: str, text: str) -> list[str]:
    """The strings that may carry a page's title: ``title``, the first non-empty line of ``text``,
    and of ``url`` the last path segment (without its extension) and a ``title=`` query value."""
    out = [title] if title else []
    first = next((ln for ln in (text or "").splitlines() if ln.strip()), "")
    if first:
        out.append(first)
    if url and "://" in url:
        try:
            parts = urlsplit(url)
        except ValueError:
            return out
        segment = parts.path.rstrip("/").rsplit("/", 1)[-1]
        if segment:
            out.append(segment.rsplit(".", 1)[0] if "." in segment[-6:] else segment)
        out.extend(unquote_plus(v) for k, v in
                   (kv.split("=", 1) for kv in parts.query.split("&") if "=" in kv) if k == "title")
    return out


def spam_title(url: str, title: str, text: str, name: str = "spam_titles.tsv") -> tuple[str, str] | None:
    """(template name, the matched title) when a title of the page (``title_candidates``) follows
    a spam-generator template of ``resources/audit/<name>``; None otherwise or when ``name`` is
    empty (the rule turned off)."""
    if not name:
        return None
    templates = load_title_templates(name)
    for cand in title_candidates(url, title, text):
        norm = normalise_title(cand)
        if not norm or len(norm.split()) > 24:
            continue
        for t_name, rx in templates:
            if rx.match(norm):
                return t_name, cand.strip()
    return None
