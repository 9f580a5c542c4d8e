"""Pick the reader for a file from its name, undo gzip, and never let a reader crash the run."""

from __future__ import annotations

import functools
import gzip
import io
import tomllib
import zlib
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

from pipeline.ingest.base import Extracted, RecordError
from pipeline.ingest.html import read_html
from pipeline.ingest.records import read_csv, read_json, read_jsonl
from pipeline.ingest.text import read_text
from pipeline.ingest.warc import read_warc

# Lower-case suffix -> format name.
SUFFIXES: dict[str, str] = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "csv",
    ".warc": "warc",
}


def format_of(name: str) -> tuple[str, bool]:
    """``(format, gzipped)`` from a file name; format ``""`` when unsupported."""
    lower = name.lower()
    gz = lower.endswith(".gz")
    if gz:
        lower = lower[:-3]
    dot = lower.rfind(".")
    suffix = lower[dot:] if dot > 0 else ""
    return SUFFIXES.get(suffix, ""), gz


def unsupported_reason(name: str) -> str:
    lower = name.lower()
    dot = lower.rfind(".", 0, len(lower) - 3 if lower.endswith(".gz") else len(lower))
    suffix = name[dot:] if dot > 0 else ""
    return f"unsupported format ({suffix or 'no extension'})"


def gunzip(data: bytes, limit: int) -> bytes | RecordError:
    """Decompress (multi-member) gzip data, refusing more than ``limit`` bytes of output."""
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as fh:
            out = fh.read(limit + 1)
    except (OSError, EOFError, zlib.error) as exc:
        return RecordError(f"corrupt gzip: {str(exc)[:200] or type(exc).__name__}")
    if len(out) > limit:
        return RecordError(f"gzip content larger than max_file_bytes={limit}, not read")
    return out


def read_bytes(
    data: bytes, fmt: str, gz: bool, limit: int, fast: bool = False
) -> Iterator[Extracted | RecordError]:
    """Run the reader for ``fmt`` over a file's bytes; exceptions become a RecordError."""
    try:
        if gz and fmt != "warc":  # warcio reads per-record gzip itself
            raw = gunzip(data, limit)
            if isinstance(raw, RecordError):
                yield raw
                return
            data = raw
        if fmt == "warc":
            yield from read_warc(data, fast=fast)
        elif fmt == "html":
            yield from read_html(data, fast=fast)
        elif fmt == "jsonl":
            yield from read_jsonl(data, fast=fast)
        elif fmt == "json":
            yield from read_json(data, fast=fast)
        elif fmt == "csv":
            yield from read_csv(data, fast=fast)
        elif fmt in ("txt", "md"):
            yield from read_text(data, markdown=fmt == "md")
        else:
            yield RecordError(f"unsupported format ({fmt})")
    except MemoryError:
        yield RecordError("out of memory while reading")
    except Exception as exc:  # noqa: BLE001 - a reader bug must not stop the corpus
        yield RecordError(f"reader failed: {type(exc).__name__}: {str(exc)[:200]}")


@functools.cache
def _documentation_stems() -> frozenset[str]:
    path = resources.files("pipeline") / "resources" / "ingest" / "files.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return frozenset(s.lower() for s in data["documentation_stems"])


def is_documentation(name: str) -> bool:
    """README, LICENSE... (by the name before the first dot; list in ``files.toml``)."""
    return name.split(".", 1)[0].strip().lower() in _documentation_stems()


def read_path(path: Path, limit: int, fast: bool = False) -> Iterator[Extracted | RecordError]:
    """Read one file (at most ``limit`` bytes) and yield its records or errors."""
    if is_documentation(path.name):
        yield RecordError("documentation file, not an article")
        return
    fmt, gz = format_of(path.name)
    if not fmt:
        yield RecordError(unsupported_reason(path.name))
        return
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except PermissionError:
        yield RecordError("unreadable: permission denied")
        return
    except IsADirectoryError:
        yield RecordError("unreadable: is a directory")
        return
    except OSError as exc:
        yield RecordError(f"unreadable: {exc.strerror or type(exc).__name__}")
        return
    if len(data) > limit:
        yield RecordError(f"file too large (> max_file_bytes={limit}), not read")
        return
    if not data:
        yield RecordError("empty file")
        return
    yield from read_bytes(data, fmt, gz, limit, fast)
