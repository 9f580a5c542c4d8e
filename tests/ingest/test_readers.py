"""Format readers (pipeline/ingest/{text,html,records,warc,dispatch}.py)."""

from __future__ import annotations

import json

import pytest

from pipeline.ingest.base import Extracted, RecordError, domain_of
from pipeline.ingest.dispatch import format_of, gunzip, is_documentation, read_bytes
from pipeline.ingest.html import extract_html, fallback_text, looks_like_html, read_html
from pipeline.ingest.records import read_csv, read_json, read_jsonl, record_to_extracted
from pipeline.ingest.text import first_line_title, markdown_to_text, read_text
from pipeline.ingest.warc import read_warc

from .builders import BODY, gz, page, warc_bytes


def _one(items: list) -> Extracted:
    assert len(items) == 1 and isinstance(items[0], Extracted), items
    return items[0]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("", ""),
        ("https://www.Example.com/a/b?c=d", "example.com"),
        ("http://blog.example.org:8080/x", "blog.example.org"),
        ("example.net/path", "example.net"),
        ("not a url at all", ""),
        ("http://[::1", ""),  # hostile: malformed IPv6 netloc
    ],
)
def test_domain_of(url: str, expected: str) -> None:
    assert domain_of(url) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("", ("", False)),
        ("a.txt", ("txt", False)),
        ("A.HTM", ("html", False)),
        ("feed.jsonl.gz", ("jsonl", True)),
        ("crawl.warc.gz", ("warc", True)),
        ("scan.pdf", ("", False)),
        (".hidden", ("", False)),
        ("x.txt\n.png", ("", False)),  # hostile: newline in the name
    ],
)
def test_format_of(name: str, expected: tuple[str, bool]) -> None:
    assert format_of(name) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ""),
        ("A title\n\nBody text.", "A title"),
        ("A first sentence that ends.\nMore.", ""),
        ("\n\n  Indented title  \nx", "Indented title"),
        ("x" * 300, ""),
    ],
)
def test_first_line_title(text: str, expected: str) -> None:
    assert first_line_title(text) == expected


def test_markdown_to_text() -> None:
    text, fields = markdown_to_text(
        "---\ntitle: \"Front title\"\nauthor: Me\n---\n# Heading\n\nSee [the guide](http://x.example) "
        "and **bold** ![alt text](img.png)\n\n---\n"
    )
    assert fields == {"title": "Front title", "author": "Me"}
    assert text.strip() == "Heading\n\nSee the guide and bold alt text"


def test_read_text_plain_and_binary() -> None:
    ex = _one(list(read_text("Title\n\nSome words.".encode("utf-16"))))
    assert ex.text == "Title\n\nSome words." and ex.encoding == "utf-16-le"
    err = list(read_text(b"\x89PNG\r\n\x1a\n\x00\x00"))
    assert err == [RecordError("binary content (PNG image), not text")]
    noise = bytes((i * 131 + 17) % 255 + 1 for i in range(3000))  # binary without any NUL
    assert list(read_text(noise)) == [RecordError("binary content (binary data), not text")]


def test_read_html_extracts_main_text_and_metadata() -> None:
    html = (
        "<html><head><title>Trust | Site</title><meta name='author' content='Ana Ruiz'>"
        "<meta property='og:site_name' content='Calm Site'>"
        "<link rel='canonical' href='https://www.calmsite.example/trust'></head><body>"
        "<nav>Home Blog Contact</nav><article><h1>Trust</h1>"
        f"<p>{BODY}</p><p>{BODY}</p></article><footer>Copyright 2020</footer></body></html>"
    )
    ex = _one(list(read_html(html.encode())))
    assert BODY in ex.text and "Home Blog Contact" not in ex.text
    assert ex.title == "Trust" and ex.author == "Ana Ruiz" and ex.site_name == "Calm Site"
    assert ex.url == "https://www.calmsite.example/trust"


def test_read_html_fast_setting() -> None:
    ex = _one(list(read_html(page().encode(), fast=True)))
    assert BODY in ex.text


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("", ""),
        ("<p>one</p><p>two</p>", "one\n\ntwo"),
        ("<div><script>var x = 1;</script>kept</div>", "kept"),
        ("<p>unclosed <b>tags", "unclosed tags"),
        ("<" * 50 + "&amp;", "<" * 50 + "&"),  # hostile: junk markup
    ],
)
def test_fallback_text(markup: str, expected: str) -> None:
    assert fallback_text(markup).strip() == expected


def test_extract_html_falls_back_on_deep_nesting() -> None:
    deep = "<html><body>" + "<div>" * 10_000 + f"<p>{BODY}</p>" + "</div>" * 10_000 + "</body></html>"
    ex = extract_html(deep)
    assert isinstance(ex, Extracted) and BODY in ex.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", False), ("plain words", False), ("<p>a</p><p>b</p>", True), ("a < b and c > d", False)],
)
def test_looks_like_html(text: str, expected: bool) -> None:
    assert looks_like_html(text) is expected


def test_record_fields_and_meta() -> None:
    ex = record_to_extracted(
        {"URL": "https://a.example/x", "Headline": "T", "content": "Words here.", "tags": ["a"],
         "domain": "a.example", "extra": {"k": 1}},
        7,
    )
    assert isinstance(ex, Extracted)
    assert (ex.url, ex.title, ex.text, ex.record, ex.source) == (
        "https://a.example/x", "T", "Words here.", 7, "a.example")
    assert ex.meta == {"tags": '["a"]', "extra": '{"k": 1}'}


def test_record_html_field_and_markup_in_text() -> None:
    ex = record_to_extracted({"html": page(), "title": "Own title"}, 1)
    assert isinstance(ex, Extracted) and BODY in ex.text and ex.title == "Own title"
    ex2 = record_to_extracted({"text": page()}, 2)
    assert isinstance(ex2, Extracted) and "<p>" not in ex2.text and BODY in ex2.text


@pytest.mark.parametrize(
    ("obj", "reason"),
    [
        ({}, "no text/content/body/html field"),
        ({"text": "  "}, "empty 'text' field"),
        ({"text": None}, "empty 'text' field"),
        ({"text": 123}, "'text' field is a JSON number, not text"),
        ({"body": False}, "'body' field is a JSON boolean, not text"),
        ({"content": {"a": "b"}}, "'content' field is a JSON object, not text"),
        ([1, 2], "record is a JSON list, not an object"),
        (None, "record is a JSON NoneType, not an object"),
    ],
)
def test_record_errors(obj: object, reason: str) -> None:
    assert record_to_extracted(obj, 3) == RecordError(reason, 3)


def test_read_jsonl_keeps_good_records_and_numbers_lines() -> None:
    lines = [
        json.dumps({"text": "First record text."}),
        "{broken",
        "",
        json.dumps({"body": "Fourth line text.", "url": "https://b.example/4"}),
        "[]",
    ]
    items = list(read_jsonl("\n".join(lines).encode()))
    assert [(type(i).__name__, i.record) for i in items] == [
        ("Extracted", 1), ("RecordError", 2), ("Extracted", 4), ("RecordError", 5)]
    assert items[1].reason.startswith("invalid JSON")


def test_read_json_array_object_and_wrapper() -> None:
    arr = list(read_json(json.dumps([{"text": "a b c"}, {"text": "d e f"}]).encode()))
    assert [i.record for i in arr] == [1, 2]
    one = _one(list(read_json(json.dumps({"text": "single", "title": "S"}).encode())))
    assert one.record is None and one.title == "S"
    wrapped = list(read_json(json.dumps({"articles": [{"content": "x y"}]}).encode()))
    assert len(wrapped) == 1 and wrapped[0].record == 1
    assert list(read_json(b"[]")) == [RecordError("JSON array has no records")]
    assert list(read_json(b"{bad"))[0].reason.startswith("invalid JSON")


def test_read_csv_rows_and_errors() -> None:
    data = (
        'url,title,text\r\nhttps://c.example/1,One,"Multi\nline text, with comma"\r\n\r\n'
        "https://c.example/2,Two,\r\nhttps://c.example/3,Three,Third text\r\n"
    ).encode("cp1252")
    items = list(read_csv(data))
    assert [(type(i).__name__, i.record) for i in items] == [
        ("Extracted", 1), ("RecordError", 2), ("Extracted", 3)]
    assert items[0].text == "Multi\nline text, with comma"
    assert list(read_csv(b"a,b\n1,2\n"))[0].reason.startswith("CSV header has no text")
    semicolon = list(read_csv(b"title;content\nT;Some text here\n"))
    assert semicolon[0].text == "Some text here"


def test_read_csv_huge_field() -> None:
    big = "word " * 100_000
    items = list(read_csv(f"title,text\nBig,{big}\n".encode()))
    assert len(items) == 1 and items[0].text == big


def test_read_warc_html_responses() -> None:
    data = warc_bytes([
        ("https://www.w.example/a", "text/html; charset=utf-8", page("A").encode()),
        ("https://w.example/logo.png", "image/png", b"\x89PNG\r\n\x1a\n"),
        ("https://w.example/b", "text/html", page("B").encode("utf-16")),
    ])
    items = list(read_warc(data))
    arts = [i for i in items if isinstance(i, Extracted)]
    errs = [i for i in items if isinstance(i, RecordError)]
    assert [a.url for a in arts] == ["https://www.w.example/a", "https://w.example/b"]
    assert [a.record for a in arts] == [3, 7]  # warcinfo=1, request=2, response=3, ...
    assert all(BODY in a.text for a in arts)
    assert [e.reason for e in errs] == ["1 non-HTML response records skipped (image/png: 1)"]


def test_read_warc_gzip_and_corrupt() -> None:
    data = warc_bytes([("https://w.example/a", "text/html", page().encode())], compress=True)
    assert sum(isinstance(i, Extracted) for i in read_bytes(data, "warc", True, 10**6)) == 1
    broken = list(read_warc(data[: len(data) // 2]))
    assert any(isinstance(i, RecordError) and "corrupt" in i.reason for i in broken)
    assert list(read_warc(b"")) == [RecordError("no WARC records found")]


def test_read_warc_names_a_record_with_missing_headers() -> None:
    data = (b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 40\r\n\r\n"
            b"HTTP/1.1 200 OK\r\n\r\n<html>cut")
    [err] = list(read_warc(data))
    assert err.reason == "corrupt WARC: record 1 has malformed or missing headers (AttributeError)"
    assert err.record == 1


@pytest.mark.parametrize("data", [b"not a warc at all " * 50, gz(b"not a warc at all " * 50),
                                  b"\n\n<html><body>a page saved as .warc</body></html>"])
def test_read_warc_refuses_what_is_not_a_warc(data: bytes) -> None:
    [err] = list(read_warc(data))
    assert isinstance(err, RecordError) and err.reason.startswith("not a WARC file"), err


def test_gzip_readers_and_limits() -> None:
    data = gz(json.dumps({"text": "zipped"}).encode() + b"\n")
    items = list(read_bytes(data, "jsonl", True, 10**6))
    assert _one(items).text == "zipped"
    assert list(read_bytes(b"\x1f\x8bnot really", "txt", True, 10**6))[0].reason.startswith(
        "corrupt gzip")
    bomb = gz(b"a" * 5000)
    assert "larger than max_file_bytes" in gunzip(bomb, 1000).reason  # type: ignore[union-attr]


def test_json_file_holding_json_lines() -> None:
    data = b'{"text": "first"}\n{"text": "second"}\n'
    items = list(read_json(data))
    assert [(i.text, i.record) for i in items] == [("first", 1), ("second", 2)]


def test_text_file_holding_a_saved_page() -> None:
    ex = _one(list(read_text(page().encode())))
    assert BODY in ex.text and "<p>" not in ex.text
    assert ex.meta["saved_as"] == "html in a text file"
    prose = "Use <b> for bold and <p> for paragraphs, as the guide says."
    assert _one(list(read_text(prose.encode()))).text == prose


def test_text_file_of_mostly_markup_is_a_saved_page_not_binary() -> None:
    # Thousands of empty tags before the text: mostly symbols, but markup, not binary data.
    ex = _one(list(read_text(("<p>" * 5000 + page()).encode())))
    assert BODY in ex.text and "<p>" not in ex.text


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b'title;text\nT;"One; two, three"\n', "One; two, three"),
        (b"title\ttext\nT\tA, b; c\n", "A, b; c"),
        (b'\xef\xbb\xbftitle,text\nT,"Quoted, with comma"\n', "Quoted, with comma"),
    ],
)
def test_csv_delimiter_from_header(data: bytes, expected: str) -> None:
    assert _one(list(read_csv(data))).text == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [("", False), ("README.md", True), ("readme", True), ("LICENSE.txt", True),
     ("readme-first-session.txt", False), ("notes.md", False), (".readme", False)],
)
def test_is_documentation(name: str, expected: bool) -> None:
    assert is_documentation(name) is expected


def test_author_keeps_its_commas() -> None:
    from pipeline.ingest.html import extract_html

    body = "<p>" + "Trust grows slowly between a client and a counsellor over many weeks. " * 8 + "</p>"
    html = ("<html><head><title>T</title><meta name='author' content='Hannah Kowalczyk, LCSW'>"
            f"</head><body><article><h1>T</h1>{body}</article></body></html>")
    ex = extract_html(html)
    assert ex.author == "Hannah Kowalczyk, LCSW"
    two = html.replace("Hannah Kowalczyk, LCSW", "A; B")  # a real list stays a list
    assert extract_html(two).author in ("A; B", "A")
