"""Multi-record files: JSON Lines, JSON (one object or an array) and CSV.

A record's text is the first non-empty of the ``text``/``content``/``body`` fields, else the
``html`` field run through the HTML extractor (a text field that holds markup is treated as
HTML too). ``url``, ``title``, ``author``, ``date`` and ``site_name`` fill the article; every
other field is kept in ``meta``.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from typing import Any

from pipeline.ingest.base import Extracted, RecordError
from pipeline.ingest.encoding import decode_bytes, sniff_binary
from pipeline.ingest.html import extract_html, looks_like_html

TEXT_FIELDS = ("text", "content", "body", "article", "article_text", "main_text")
HTML_FIELDS = ("html", "raw_html", "content_html", "body_html")
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "url": ("url", "link", "canonical_url", "source_url", "uri", "href"),
    "title": ("title", "headline", "name"),
    "author": ("author", "authors", "byline", "writer"),
    "date": ("date", "published", "date_published", "published_at", "pub_date", "datetime"),
    "site_name": ("site_name", "sitename", "site", "publisher"),
    "source": ("source", "domain", "hostname", "host"),
}
# Wrapper keys of a JSON object that holds a list of articles.
LIST_KEYS = ("articles", "items", "records", "data", "results", "pages", "documents", "posts")
_DELIMITERS = (",", ";", "\t", "|")
_META_VALUE_MAX = 2000  # long metadata values are cut: meta is for reporting, not content


def _text_of(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return "\n\n".join(value)  # paragraphs as a list
    return ""


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return "; ".join(_scalar(v) for v in value if _scalar(v))
    if isinstance(value, dict):
        return _scalar(value.get("name") or value.get("url") or "")
    return str(value)


def _meta_value(value: Any) -> Any:
    if isinstance(value, str):
        return value[:_META_VALUE_MAX]
    if value is None or isinstance(value, bool | int | float):
        return value
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text[:_META_VALUE_MAX]


def record_to_extracted(
    obj: Any, record: int | None, fast: bool = False
) -> Extracted | RecordError:
    """An article from one JSON object / CSV row (keys matched case-insensitively)."""
    if not isinstance(obj, dict):
        return RecordError(f"record is a JSON {type(obj).__name__}, not an object", record)
    fields = {str(k).strip().lower(): v for k, v in obj.items() if k is not None}
    used: set[str] = set()
    text = ""
    html = ""
    for key in TEXT_FIELDS:
        value = _text_of(fields.get(key))
        if value.strip():
            text, used = value, used | {key}
            break
    if not text:
        for key in HTML_FIELDS:
            value = _text_of(fields.get(key))
            if value.strip():
                html, used = value, used | {key}
                break
    elif looks_like_html(text):
        html, text = text, ""
    values: dict[str, str] = {}
    for name, aliases in FIELD_ALIASES.items():
        for key in aliases:
            value = _scalar(fields.get(key))
            if value:
                values[name], used = value, used | {key}
                break
    if not text and not html:
        present = [k for k in (*TEXT_FIELDS, *HTML_FIELDS) if k in fields]
        value = fields.get(present[0]) if present else None
        if not present:
            why = "no text/content/body/html field"
        elif isinstance(value, bool | int | float | dict):
            why = f"{present[0]!r} field is a JSON {_json_type(value)}, not text"
        else:
            why = f"empty {present[0]!r} field"
        return RecordError(why, record)
    if html:
        result = extract_html(html, url=values.get("url", ""), fast=fast)
        if isinstance(result, RecordError):
            return RecordError(f"field html: {result.reason}", record)
        extracted = result
        extracted.meta = {f"html_{k}": v for k, v in extracted.meta.items()}
        for name in ("url", "title", "author", "date", "site_name"):
            if values.get(name):  # the record's own metadata wins over the page's
                setattr(extracted, name, values[name])
    else:
        extracted = Extracted(
            text=text,
            url=values.get("url", ""),
            title=values.get("title", ""),
            author=values.get("author", ""),
            date=values.get("date", ""),
            site_name=values.get("site_name", ""),
        )
    extracted.source = values.get("source", "")
    extracted.record = record
    for key, value in fields.items():
        if key not in used and key:
            extracted.meta[key] = _meta_value(value)
    return extracted


def _safe_record(obj: Any, record: int | None, fast: bool, encoding: str) -> Extracted | RecordError:
    """:func:`record_to_extracted` tagged with the file's encoding; a crash on one odd record
    is reported for that record."""
    try:
        result = record_to_extracted(obj, record, fast)
        if isinstance(result, Extracted):
            result.encoding = encoding
        return result
    except RecursionError:
        return RecordError("record nested too deeply", record)
    except Exception as exc:  # noqa: BLE001 - keep the file's other records
        return RecordError(f"unreadable record: {type(exc).__name__}: {_short(exc)}", record)


def read_jsonl(data: bytes, fast: bool = False) -> Iterator[Extracted | RecordError]:
    """One article per non-blank line; ``record`` = the 1-based line number."""
    what = sniff_binary(data)
    if what:
        yield RecordError(f"binary content ({what}), not JSON Lines")
        return
    text, encoding = decode_bytes(data)
    # Split on "\n" only (not splitlines: U+2028 etc. may sit raw inside JSON strings), so
    # line numbers match what editors and `sed -n` show.
    for number, line in enumerate(io.StringIO(text, newline="\n"), start=1):
        line = line.strip()
        if not line:
            continue
        try:
            obj = json.loads(line)
        except (ValueError, RecursionError) as exc:
            yield RecordError(f"invalid JSON: {_short(exc)}", number)
            continue
        yield _safe_record(obj, number, fast, encoding)


def read_json(data: bytes, fast: bool = False) -> Iterator[Extracted | RecordError]:
    """A JSON object (one article, or a wrapper with an article list) or a JSON array."""
    what = sniff_binary(data)
    if what:
        yield RecordError(f"binary content ({what}), not JSON")
        return
    text, encoding = decode_bytes(data)
    if not text.strip():
        yield RecordError("empty JSON file")
        return
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and text.lstrip().startswith("{"):
            # One object per line under a .json name: read it as JSON Lines.
            yield from read_jsonl(data, fast)
            return
        yield RecordError(f"invalid JSON: {_short(exc)}")
        return
    except (ValueError, RecursionError) as exc:
        yield RecordError(f"invalid JSON: {_short(exc)}")
        return
    items: list[Any] | None = None
    if isinstance(obj, list):
        items = obj
    elif isinstance(obj, dict):
        lowered = {str(k).lower(): v for k, v in obj.items()}
        has_text = any(k in lowered for k in (*TEXT_FIELDS, *HTML_FIELDS))
        if not has_text:
            for key in LIST_KEYS:
                if isinstance(lowered.get(key), list):
                    items = lowered[key]
                    break
    if items is None:
        yield _safe_record(obj, None, fast, encoding)
        return
    if not items:
        yield RecordError("JSON array has no records")
        return
    for number, item in enumerate(items, start=1):
        yield _safe_record(item, number, fast, encoding)


def read_csv(data: bytes, fast: bool = False) -> Iterator[Extracted | RecordError]:
    """One article per data row (header required); ``record`` = the 1-based row number."""
    what = sniff_binary(data)
    if what:
        yield RecordError(f"binary content ({what}), not CSV")
        return
    text, encoding = decode_bytes(data)
    if not text.strip():
        yield RecordError("empty CSV file")
        return
    # Article bodies exceed the csv module's default 128 KiB field limit.
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    # The delimiter is read off the header line only: csv.Sniffer guesses from article
    # bodies full of commas and semicolons and often guesses wrong.
    header_line = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = max(_DELIMITERS, key=header_line.count)
    if not header_line.count(delimiter):
        delimiter = ","
    reader = csv.reader(io.StringIO(text.replace("\x00", ""), newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        yield RecordError(f"unreadable CSV header: {_short(exc) or 'no rows'}")
        return
    names = [h.strip().lower() for h in header]
    if not any(n in TEXT_FIELDS or n in HTML_FIELDS for n in names):
        yield RecordError(
            "CSV header has no text/content/body/html column "
            f"(columns: {', '.join(names[:12])[:200]})"
        )
        return
    number = 0
    while True:
        number += 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            yield RecordError(f"malformed CSV row: {_short(exc)}", number)
            break
        if not any(cell.strip() for cell in row):
            number -= 1  # blank lines are not records
            continue
        obj = dict(zip(names, row, strict=False))
        if len(row) > len(names):
            obj["_extra_columns"] = row[len(names):]
        yield _safe_record(obj, number, fast, encoding)


def _json_type(value: object) -> str:
    return {bool: "boolean", dict: "object"}.get(type(value), "number")


def _short(exc: BaseException) -> str:
    return str(exc).replace("\n", " ")[:200]
