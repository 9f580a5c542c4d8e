"""What the format readers return: extracted records or per-record errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit


@dataclass
class Extracted:
    """One article's text and metadata as a reader found it (before cleaning).

    ``record`` is the 1-based record/line number inside a multi-record file, else ``None``.
    """

    text: str
    record: int | None = None
    url: str = ""
    title: str = ""
    author: str = ""
    date: str = ""
    site_name: str = ""
    source: str = ""  # explicit site/domain from metadata, if any
    encoding: str = ""
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class RecordError:
    """A record (``record`` set) or the whole file (``record`` None) that could not be read."""

    reason: str
    record: int | None = None


def domain_of(url: str) -> str:
    """``example.com`` from ``https://www.example.com/x``; ``""`` if ``url`` has no host."""
    if not url or not isinstance(url, str):
        return ""
    text = url.strip()
    if "//" not in text[:12]:
        # Bare "example.com/path" (common in CSV exports) still names a site.
        if " " in text or "." not in text.split("/", 1)[0]:
            return ""
        text = "//" + text
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        return ""
    host = host.strip(".").lower()
    if host.startswith("www."):
        host = host[4:]
    return host
