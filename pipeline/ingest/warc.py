"""WARC files (plain or gzip per record): one article per HTML response record."""

from __future__ import annotations

import gzip
import io
import zlib
from collections import Counter
from collections.abc import Iterator

from pipeline.ingest.base import Extracted, RecordError
from pipeline.ingest.encoding import decode_bytes
from pipeline.ingest.html import extract_html

_HTML_TYPES = ("text/html", "application/xhtml+xml")


def _charset(content_type: str) -> str:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip("\"'").lower()
    return ""


# First bytes of a WARC record, or of an ARC file's header record (warcio reads both).
_SIGNATURES = (b"WARC/", b"filedesc://")


def _head(data: bytes, size: int = 64) -> bytes:
    """The first bytes of the (possibly gzip-compressed) archive."""
    if data[:2] != b"\x1f\x8b":
        return data[:size]
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as fh:
            return fh.read(size)
    except (OSError, EOFError, zlib.error):
        return b""   # damaged: reported by _gzip_damage


def _gzip_damage(data: bytes) -> str:
    """Why a (multi-member) gzip stream is damaged, or ``""``; reads it in chunks."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as fh:
            while fh.read(1 << 20):
                pass
    except (OSError, EOFError, zlib.error) as exc:
        return f"damaged gzip ({str(exc)[:150] or type(exc).__name__})"
    return ""


def read_warc(data: bytes, fast: bool = False) -> Iterator[Extracted | RecordError]:
    """HTML ``response`` records become articles; ``record`` = the 1-based WARC record number.

    Requests, metadata and other non-response records are not articles and are passed over;
    non-HTML responses (images, CSS...) are summarised in one error for the file.
    """
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    if data[:2] == b"\x1f\x8b":
        # warcio stops quietly at a truncated gzip member: check the stream first.
        damage = _gzip_damage(data)
        if damage:
            yield RecordError(f"corrupt WARC: {damage}")
    head = _head(data)
    if head.strip() and not head.lstrip().startswith(_SIGNATURES):
        # warcio would read any text as an old-style ARC record and report a "response".
        shown = head.lstrip()[:20].decode("ascii", errors="replace")
        yield RecordError(f"not a WARC file (starts with {shown!r}, not 'WARC/')")
        return
    skipped: Counter[str] = Counter()
    failed = False
    found = 0
    number = 0
    try:
        iterator = iter(ArchiveIterator(io.BytesIO(data)))
        while True:
            try:
                rec = next(iterator)
            except StopIteration:
                break
            number += 1
            if rec.rec_type != "response":
                continue
            found += 1
            url = rec.rec_headers.get_header("WARC-Target-URI") or ""
            status = rec.http_headers.get_statuscode() if rec.http_headers else ""
            ctype = (rec.http_headers.get_header("Content-Type") if rec.http_headers else "") or ""
            if status and not str(status).startswith("2"):
                yield RecordError(f"HTTP status {status} for {url[:200]}", number)
                continue
            if not ctype.lower().startswith(_HTML_TYPES):
                skipped[ctype.split(";")[0].strip().lower() or "no content type"] += 1
                continue
            body = rec.content_stream().read()
            charset = _charset(ctype)
            markup = ""
            encoding = ""
            if charset:
                try:
                    markup, encoding = body.decode(charset, errors="replace"), charset
                except LookupError:
                    markup = ""
            if not markup:
                markup, encoding = decode_bytes(body, html=True)
            result = extract_html(markup, url=url, fast=fast)
            if isinstance(result, Extracted):
                result.record = number
                result.encoding = encoding
                result.meta["warc_date"] = rec.rec_headers.get_header("WARC-Date") or ""
                if url:  # the crawled address is the record's URL, whatever the page says
                    if result.url and result.url != url:
                        result.meta["canonical_url"] = result.url
                    result.url = url
            else:
                result.record = number
            yield result
    except ArchiveLoadFailed as exc:
        failed = True
        yield RecordError(f"corrupt WARC: {str(exc)[:200]}", number + 1 if number else None)
    except (AttributeError, TypeError, KeyError) as exc:
        # warcio's parser trips over records that lack a header it expects (WARC-Target-URI...).
        failed = True
        yield RecordError(f"corrupt WARC: record {number + 1} has malformed or missing headers "
                          f"({type(exc).__name__})", number + 1)
    except Exception as exc:  # noqa: BLE001 - warcio raises many kinds on damaged input
        failed = True
        yield RecordError(
            f"corrupt WARC: {type(exc).__name__}: {str(exc)[:200]}", number + 1 if number else None
        )
    if skipped:
        kinds = ", ".join(f"{k}: {v}" for k, v in sorted(skipped.items()))
        yield RecordError(f"{sum(skipped.values())} non-HTML response records skipped ({kinds})")
    elif failed:
        pass
    elif not found and number:
        yield RecordError("WARC has no response records")
    elif not number:
        yield RecordError("no WARC records found")
