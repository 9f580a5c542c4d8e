"""Property-based tests: every reader takes any bytes without raising, output well-formed."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.article import Article, IngestError
from pipeline.config import load_settings
from pipeline.ingest import read_corpus
from pipeline.ingest.base import Extracted, RecordError
from pipeline.ingest.dispatch import read_bytes
from pipeline.ingest.html import read_html
from pipeline.ingest.records import read_csv, read_json, read_jsonl
from pipeline.ingest.text import read_text
from pipeline.ingest.warc import read_warc

from .builders import gz, page, warc_bytes

READERS: dict[str, Callable[[bytes], Iterator[Extracted | RecordError]]] = {
    "text": read_text,
    "markdown": lambda b: read_text(b, markdown=True),
    "html": read_html,
    "jsonl": read_jsonl,
    "json": read_json,
    "csv": read_csv,
    "warc": read_warc,
    "gzip-jsonl": lambda b: read_bytes(b, "jsonl", True, 10**6),
}

# Bytes that look a little like each format, so the readers get past their first checks.
PREFIXES = st.sampled_from([
    b"", b"<html><body><p>", b'{"text": "', b"[{", b"title,text\n", b"\xef\xbb\xbf",
    b"\xff\xfe", b"WARC/1.0\r\n", b"\x1f\x8b\x08\x00", b"---\ntitle: x\n---\n",
])
TEXTS = st.text(alphabet=st.characters(codec="utf-8"), max_size=300)


def _check(items: list) -> None:
    for item in items:
        assert isinstance(item, Extracted | RecordError)
        if isinstance(item, Extracted):
            assert isinstance(item.text, str) and isinstance(item.meta, dict)
            assert item.record is None or item.record >= 1
            json.dumps(item.meta, default=str)
        else:
            assert isinstance(item.reason, str) and item.reason


@pytest.mark.parametrize("name", sorted(READERS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=PREFIXES, data=st.binary(max_size=600))
def test_reader_any_bytes(name: str, prefix: bytes, data: bytes) -> None:
    _check(list(READERS[name](prefix + data)))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | TEXTS,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(TEXTS, children, max_size=3),
    max_leaves=8,
)
RECORDS = st.dictionaries(
    st.sampled_from(["text", "content", "body", "html", "url", "title", "TITLE", "author", "x"]),
    JSON_VALUES,
    max_size=5,
)


@settings(max_examples=80, deadline=None)
@given(st.lists(RECORDS | JSON_VALUES, max_size=6))
def test_jsonl_and_json_any_records(records: list) -> None:
    lines = "\n".join(json.dumps(r) for r in records).encode()
    items = list(read_jsonl(lines))
    _check(items)
    # One output per non-blank line, numbered by line.
    assert [i.record for i in items] == list(range(1, len(records) + 1))
    _check(list(read_json(json.dumps(records).encode())))


@settings(max_examples=80, deadline=None)
@given(st.lists(st.lists(TEXTS, min_size=1, max_size=4), max_size=6))
def test_csv_any_rows(rows: list[list[str]]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["url", "title", "text"])
    writer.writerows(rows)
    items = list(read_csv(buf.getvalue().encode("utf-8")))
    _check(items)
    assert all(isinstance(i.record, int) for i in items if isinstance(i, Extracted))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(TEXTS, st.sampled_from(["text/html", "image/png", ""]), TEXTS),
                max_size=3), st.booleans())
def test_warc_any_records(records: list[tuple[str, str, str]], compress: bool) -> None:
    data = warc_bytes([(f"https://w.example/{i}", ct, page(body=b).encode())
                       for i, (_, ct, b) in enumerate(records)], compress=compress)
    _check(list(read_warc(data)))


NAMES = st.sampled_from(["a.txt", "b.md", "c.html", "d.jsonl", "e.json", "f.csv", "g.warc",
                         "h.txt.gz", "i.json.gz", "s/j.htm", "s/t/k.txt", "z.bin"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(NAMES, st.one_of(st.binary(max_size=300), TEXTS.map(str.encode),
                                        st.just(gz(b"zipped words"))), max_size=5))
def test_read_corpus_any_tree(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for rel, data in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(data)
        out = list(read_corpus(root, load_settings().ingest))
    keys = [o.article_id if isinstance(o, Article) else o.path for o in out]
    paths = [k.split("#")[0] for k in keys]
    assert paths == sorted(paths)  # deterministic: sorted path order
    for rel in files:
        assert any(k == rel or k.startswith(rel + "#") for k in keys), rel
    for o in out:
        if isinstance(o, Article):
            assert o.text.strip() and o.content_hash and o.language
            json.dumps(o.to_dict(), ensure_ascii=False).encode("utf-8")
        else:
            assert isinstance(o, IngestError) and o.reason
