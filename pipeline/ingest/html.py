"""HTML pages: main content and metadata with trafilatura, a plain fallback for odd pages."""

from __future__ import annotations

import html as htmllib
import logging
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

from pipeline.ingest.base import Extracted, RecordError
from pipeline.ingest.encoding import decode_bytes, sniff_binary

# trafilatura and its helpers log every odd page at WARNING/ERROR: hostile input is expected.
for _name in ("trafilatura", "htmldate", "courlan", "justext", "charset_normalizer"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)

_LOOKS_HTML = re.compile(r"<\s*(html|body|p|div|article|br|h[1-6]|head|span|li|section)\b", re.I)
# Elements whose text is never article content, for the fallback extractor.
_SKIP = {"script", "style", "noscript", "template", "svg", "head", "nav", "footer", "form",
         "button", "select", "iframe", "title"}
_BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section",
          "article", "blockquote", "pre", "ul", "ol", "table", "header", "main", "dd", "dt"}
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_TITLE = re.compile(r"<title[^>]*>(.{0,1000}?)</title\s*>", re.I | re.S)


def looks_like_html(text: str) -> bool:
    """Text fields sometimes hold markup: two or more block tags in the first 2,000 chars."""
    return len(_LOOKS_HTML.findall(text[:2000])) >= 2


class _TextCollector(HTMLParser):
    """Tree-free text extraction: survives truncation and any nesting depth."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in _SKIP:
            self.skip += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP and self.skip:
            self.skip -= 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def fallback_text(markup: str) -> str:
    """Visible text without a DOM (for pages trafilatura rejects, e.g. 10,000 nested divs)."""
    collector = _TextCollector()
    try:
        collector.feed(markup)
        collector.close()
    except Exception:  # noqa: BLE001 - html.parser is lenient; keep whatever was collected
        pass
    text = "".join(collector.parts)
    return "\n".join(" ".join(line.split()) for line in text.split("\n"))


def _str(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value if v)
    return str(value)


_META_AUTHOR = re.compile(
    r"""<meta\s[^>]{0,200}?(?:name|property)\s*=\s*["'](?:author|article:author)["'][^>]{0,100}?"""
    r"""content\s*=\s*["']([^"'<>]{1,300})["']""", re.I)


def _author(found: str, markup: str) -> str:
    """trafilatura's author, with the page's own commas back ("Ana Ruiz, LCSW" is one author
    with a credential, which trafilatura splits into "Ana Ruiz; LCSW")."""
    if "; " not in found:
        return found
    for m in _META_AUTHOR.finditer(markup[:200_000]):
        raw = " ".join(htmllib.unescape(m.group(1)).split())
        if raw.replace(", ", "; ") == found:
            return raw
    return found


def extract_html(markup: str, url: str = "", fast: bool = False) -> Extracted | RecordError:
    """Main text and metadata of one HTML document (already decoded)."""
    # lxml refuses NUL and most C0 controls; they carry no text anyway.
    markup = _CONTROLS.sub("", markup)
    if not markup.strip():
        return RecordError("empty HTML")
    doc = None
    try:
        import trafilatura
        from trafilatura.settings import set_date_params

        doc = trafilatura.bare_extraction(
            markup,
            url=url or None,
            fast=fast,
            include_comments=False,
            include_tables=True,
            with_metadata=True,
            # Extensive date search runs dateparser over the page text: seconds of regex
            # compilation and ~10x the extraction time, for dates the meta tags usually give.
            date_extraction_params=set_date_params(extensive=False),
        )
    except Exception:  # noqa: BLE001 - any extractor failure falls back to plain text
        doc = None
    if doc is not None and _str(getattr(doc, "text", "")).strip():
        meta = {
            k: _str(getattr(doc, k, None))
            for k in ("hostname", "description", "categories", "tags", "language", "pagetype")
            if getattr(doc, k, None)
        }
        return Extracted(
            text=_str(doc.text),
            url=_str(getattr(doc, "url", "")) or url,
            title=_str(getattr(doc, "title", "")),
            author=_author(_str(getattr(doc, "author", "")), markup),
            date=_str(getattr(doc, "date", "")),
            site_name=_str(getattr(doc, "sitename", "")),
            meta=meta,
        )
    text = fallback_text(markup)
    if not text.strip():
        return RecordError("no text content in HTML")
    m = _TITLE.search(markup)
    title = " ".join(htmllib.unescape(m.group(1)).split()) if m else ""
    return Extracted(text=text, url=url, title=title, meta={"extractor": "fallback"})


def read_html(data: bytes, url: str = "", fast: bool = False) -> Iterator[Extracted | RecordError]:
    """One article from an HTML file's bytes (encoding detected, ``<meta charset>`` honoured)."""
    what = sniff_binary(data)
    if what:
        yield RecordError(f"binary content ({what}), not HTML")
        return
    markup, encoding = decode_bytes(data, html=True)
    result = extract_html(markup, url=url, fast=fast)
    if isinstance(result, Extracted):
        result.encoding = encoding
    yield result
