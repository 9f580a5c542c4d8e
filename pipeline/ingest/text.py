"""Plain text and Markdown files: one article each."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.ingest.base import Extracted, RecordError
from pipeline.ingest.encoding import decode_bytes, garbled_text, sniff_binary
from pipeline.ingest.html import extract_html, looks_like_html

# Markdown syntax that is layout, not words: images, link targets, emphasis, heading marks.
_MD_IMAGE = re.compile(r"!\[([^\]\n]{0,500})\]\([^)\n]{0,2000}\)")
_MD_LINK = re.compile(r"\[([^\]\n]{0,500})\]\([^)\n]{0,2000}\)")
_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)[ \t#]*$", re.M)
_MD_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_FENCE = re.compile(r"^[ \t]*(```|~~~).*$", re.M)
_MD_RULE = re.compile(r"^[ \t]*([-*_][ \t]*){3,}$", re.M)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.{0,4000}?)\n---[ \t]*\n", re.S)
_FRONT_FIELD = re.compile(r"^(title|author|date|url|source|site_name)\s*:\s*(.+?)\s*$", re.M | re.I)
_TITLE_MAX = 200


def first_line_title(text: str) -> str:
    """The first non-empty line, if it looks like a title (short, no final full stop)."""
    for line in text.split("\n", 50)[:50]:
        line = line.strip()
        if line:
            if len(line) <= _TITLE_MAX and not line.endswith((".", ",", ";", ":")):
                return line
            return ""
    return ""


def markdown_to_text(text: str) -> tuple[str, dict[str, str]]:
    """Strip Markdown layout syntax; return the text and YAML-ish front-matter fields."""
    fields: dict[str, str] = {}
    m = _FRONT_MATTER.match(text)
    if m:
        for key, value in _FRONT_FIELD.findall(m.group(1)):
            fields[key.lower()] = value.strip().strip("\"'")
        text = text[m.end():]
    text = _MD_FENCE.sub("", text)
    text = _MD_RULE.sub("", text)
    text = _MD_IMAGE.sub(r"\1", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_HEADING.sub(r"\1", text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    return text, fields


def read_text(data: bytes, markdown: bool = False) -> Iterator[Extracted | RecordError]:
    """One :class:`Extracted` from a .txt/.md file's bytes, or a :class:`RecordError`."""
    what = sniff_binary(data)
    if what:
        yield RecordError(f"binary content ({what}), not text")
        return
    text, encoding = decode_bytes(data)
    saved_page = not markdown and text.lstrip()[:1] == "<" and looks_like_html(text)
    # Random bytes without NULs decode to a soup of symbols: binary, not a one-word article.
    # (Markup is mostly symbols too: a saved page is judged by the text extracted from it.)
    what = "" if saved_page else garbled_text(text)
    if what:
        yield RecordError(f"binary content ({what}), not text")
        return
    if saved_page:
        # A saved page under a .txt name: extract it as HTML rather than keep the markup.
        result = extract_html(text)
        if isinstance(result, Extracted):
            result.encoding = encoding
            result.meta["saved_as"] = "html in a text file"
        yield result
        return
    fields: dict[str, str] = {}
    if markdown:
        text, fields = markdown_to_text(text.replace("\r\n", "\n"))
    # Without front matter the title is taken after cleaning (corpus._prepare), so a
    # "≡ Menu" first line is not mistaken for it.
    yield Extracted(
        text=text,
        title=fields.get("title", ""),
        url=fields.get("url", ""),
        author=fields.get("author", ""),
        date=fields.get("date", ""),
        site_name=fields.get("site_name", ""),
        source=fields.get("source", ""),
        encoding=encoding,
    )
