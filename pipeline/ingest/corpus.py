"""``read_corpus``: walk, read, clean, identify language and mark exact duplicates.

Two passes keep memory flat: pass 1 reads every file, cleans each record by the line rules,
counts short-line keys per source and spools the records to a temporary JSONL file; pass 2
streams the spool, removes lines that recur across many articles of a source, and yields
articles and errors in sorted path order.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pipeline.article import Article, IngestError
from pipeline.clean import (
    clean_field,
    content_hash,
    line_keys,
    load_rules,
    remove_lines,
    repair_text,
    strip_boilerplate,
    writable,
)
from pipeline.config import IngestSettings
from pipeline.ingest.base import Extracted, RecordError, domain_of
from pipeline.ingest.byline import parse_byline
from pipeline.ingest.dispatch import format_of, read_path
from pipeline.ingest.language import identify
from pipeline.ingest.text import first_line_title
from pipeline.ingest.walk import FoundFile, walk

_FIELDS = ("url", "title", "author", "date", "site_name")


def source_of(url: str, declared: str, rel: str) -> str:
    """Domain of ``url``, else the declared source/domain, else the top folder, else (root)."""
    domain = domain_of(url)
    if domain:
        return domain
    if declared and declared.strip():
        return domain_of(declared) or " ".join(declared.split())[:200]
    parts = rel.split("/")
    return parts[0] if len(parts) > 1 else "(root)"


def _safe_meta(meta: dict[str, Any]) -> dict[str, Any]:
    return {
        writable(str(k)): writable(v) if isinstance(v, str) else v for k, v in meta.items()
    }


def _prepare(found: FoundFile, ex: Extracted, fmt: str, gz: bool) -> dict[str, Any]:
    """Pass-1 record: cleaned by the line rules, with its counts (plain JSON)."""
    rules = load_rules()
    article_id = found.rel if ex.record is None else f"{found.rel}#{ex.record}"
    raw_chars = len(ex.text)
    repaired = repair_text(ex.text)
    stripped = strip_boilerplate(repaired, rules)
    meta = _safe_meta(ex.meta)
    if gz:
        meta["compression"] = "gzip"
    if stripped.rules:
        meta["boilerplate_rules"] = dict(stripped.rules)
    fields = {name: clean_field(getattr(ex, name)) for name in _FIELDS}
    if not fields["title"] and fmt in ("txt", "md"):
        fields["title"] = first_line_title(stripped.text)
    if fmt in ("txt", "md") and not (fields["author"] and fields["date"]):
        # Before the boilerplate rules: they drop the byline line ("post_meta").
        author, date = parse_byline(repaired)
        fields["author"] = fields["author"] or clean_field(author)
        if date and not fields["date"]:
            fields["date"] = date
            meta["date_source"] = "byline"
    return {
        "kind": "article",
        "article_id": article_id,
        "path": found.rel,
        "source": source_of(fields["url"], clean_field(ex.source), found.rel),
        "text": stripped.text,
        **fields,
        "format": fmt,
        "encoding": ex.encoding,
        "raw_chars": raw_chars,
        "boilerplate_lines": stripped.lines,
        "boilerplate_chars": stripped.chars,
        "meta": meta,
    }


def _error(path: str, reason: str) -> dict[str, str]:
    return {"kind": "error", "path": writable(path), "reason": writable(reason)}


def read_corpus(
    corpus: Path,
    settings: IngestSettings,
    progress: Callable[[int], None] | None = None,
) -> Iterator[Article | IngestError]:
    """Every file under ``corpus`` as Articles and/or IngestErrors, in sorted path order.

    ``progress(n)`` is called as files finish with the number just finished (always 1, an
    increment, as ``rich``'s ``advance=n`` expects); walk errors (too deep, loops...) count as
    files too.
    """
    rules = load_rules()
    line_counts: dict[str, Counter[int]] = {}
    articles_per_source: Counter[str] = Counter()
    counted: set[str] = set()  # identical copies count once in the line statistics
    # newline="\n": no newline translation; JSON escapes every "\n" and "\r" inside values.
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8", newline="\n", prefix="ingest-") as spool:

        def put(record: dict[str, Any]) -> None:
            spool.write(json.dumps(record, ensure_ascii=False))
            spool.write("\n")

        for found in walk(Path(corpus), settings.max_depth, settings.follow_symlinks,
                          settings.max_file_bytes):
            if isinstance(found, IngestError):
                put(_error(found.path, found.reason))
            else:
                fmt, gz = format_of(found.path.name)
                yielded = False
                for item in read_path(found.path, settings.max_file_bytes,
                                      settings.trafilatura_fast):
                    yielded = True
                    if isinstance(item, RecordError):
                        where = found.rel if item.record is None else f"{found.rel}#{item.record}"
                        put(_error(where, item.reason))
                        continue
                    try:
                        record = _prepare(found, item, fmt, gz)
                    except Exception as exc:  # noqa: BLE001 - one bad record must not stop the run
                        where = found.rel if item.record is None else f"{found.rel}#{item.record}"
                        put(_error(where, f"cleaning failed: {type(exc).__name__}: {exc}"[:300]))
                        continue
                    text = record["text"]
                    if text:
                        digest = content_hash(text)
                        if digest not in counted:
                            counted.add(digest)
                            source = record["source"]
                            articles_per_source[source] += 1
                            line_counts.setdefault(source, Counter()).update(
                                line_keys(text, rules)
                            )
                    put(record)
                if not yielded:
                    put(_error(found.rel, "no records found"))
            if progress is not None:
                progress(1)
        counted.clear()

        recurring: dict[str, set[int]] = {}
        for source, counts in line_counts.items():
            n = articles_per_source[source]
            keys = {
                key
                for key, seen in counts.items()
                if seen >= settings.recurring_line_min_articles
                and seen / n >= settings.recurring_line_min_share
            }
            if keys:
                recurring[source] = keys
        line_counts.clear()

        spool.seek(0)
        first_of: dict[str, str] = {}
        for line in spool:
            record = json.loads(line)
            if record.pop("kind") == "error":
                yield IngestError(record["path"], record["reason"])
                continue
            article = _finish(record, recurring.get(record["source"]), settings, rules)
            if isinstance(article, IngestError):
                yield article
                continue
            first = first_of.setdefault(article.content_hash, article.article_id)
            if first != article.article_id:
                article.exact_duplicate_of = first
            yield article


def _finish(
    record: dict[str, Any], keys: set[int] | None, settings: IngestSettings, rules: Any
) -> Article | IngestError:
    """Pass 2 for one record: recurring lines out, then checks, language and hash."""
    text = record["text"]
    if keys:
        removed = remove_lines(text, keys, rules)
        if removed.lines:
            text = removed.text
            record["boilerplate_lines"] += removed.lines
            record["boilerplate_chars"] += removed.chars
            record["meta"].setdefault("boilerplate_rules", {})["recurring_line"] = removed.lines
    if len(text.strip()) < max(settings.min_chars, 1):
        if record["boilerplate_lines"] and not text.strip():
            why = f"no text left after removing {record['boilerplate_lines']} boilerplate lines"
        elif not text.strip():
            why = "no text (empty or whitespace only)"
        else:
            why = f"text too short ({len(text.strip())} chars < min_chars={settings.min_chars})"
        return IngestError(record["article_id"], why)
    if len(text) > settings.max_chars:
        return IngestError(record["article_id"], f"text too long ({len(text)} chars > "
                           f"max_chars={settings.max_chars}), not analysed")
    language, score = identify(text, settings.language_min_chars)
    record["text"] = text
    return Article(
        **record,
        language=language,
        language_score=score,
        content_hash=content_hash(text),
    )
