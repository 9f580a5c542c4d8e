"""Hostile corpora (issue 8): ingestion never crashes, hangs or drops a file silently."""

from __future__ import annotations

import builtins
import codecs
import gzip
import json
import os
from pathlib import Path

import pytest

from pipeline.article import Article, IngestError
from pipeline.config import load_settings
from pipeline.ingest import read_corpus

ENGLISH = (
    "Telling your therapist what is not working can feel risky. Most therapists welcome it, "
    "because it lets both of you adjust the plan and repair the working relationship."
)
SPANISH = (
    "Decirle a tu terapeuta lo que no funciona puede dar miedo. La mayoría lo agradece, porque "
    "así ambos pueden ajustar el plan y reparar la relación de trabajo."
)
GERMAN = (
    "Es kann schwerfallen, der Therapeutin zu sagen, was nicht hilft. Die meisten freuen sich "
    "darüber, weil beide dann den Plan anpassen und die Beziehung stärken können."
)
LATIN1 = "Le café est prêt. Noël à l'hôtel, déjà vu près de la forêt, très bien. " * 3
CP1252 = "It’s “fine” – really… the therapist’s notes were kept. " * 3


def _w(root: Path, rel: str, data: bytes | str) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _settings(**kw):
    return load_settings(ingest=kw).ingest


def _outcomes(root: Path, **kw) -> dict[str, Article | IngestError]:
    out: dict[str, Article | IngestError] = {}
    for item in read_corpus(root, _settings(**kw)):
        key = item.article_id if isinstance(item, Article) else item.path
        assert key not in out, f"reported twice: {key}"
        out[key] = item
    return out


def _reason(out: dict, key: str) -> str:
    item = out[key]
    assert isinstance(item, IngestError), f"{key} should be an error, got an article"
    return item.reason


def _article(out: dict, key: str) -> Article:
    item = out[key]
    assert isinstance(item, Article), f"{key} should be an article: {item}"
    return item


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    root = tmp_path / "corpus"
    _w(root, "empty.txt", b"")
    _w(root, "blank.txt", " \n\t\r\n  \u00a0 \n")
    _w(root, "image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    _w(root, "png-named.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    _w(root, "random.bin.txt", bytes(range(256)) * 8)
    _w(root, "nul.txt", ENGLISH.replace(" ", " \x00", 3))
    _w(root, "enc/utf16le.txt", codecs.BOM_UTF16_LE + ENGLISH.encode("utf-16-le"))
    _w(root, "enc/utf16be.txt", codecs.BOM_UTF16_BE + ENGLISH.encode("utf-16-be"))
    _w(root, "enc/utf8bom.txt", codecs.BOM_UTF8 + ENGLISH.encode())
    _w(root, "enc/latin1.txt", LATIN1.encode("latin-1"))
    _w(root, "enc/cp1252.txt", CP1252.encode("cp1252"))
    _w(root, "enc/crlf.txt", "Title line\r\n\r\n" + ENGLISH + "\r\n")
    _w(root, "enc/mojibake.txt", ENGLISH.replace("what", "donâ€™t know what"))
    _w(root, "html/truncated.html", f"<html><head><title>Cut</title></head><body><p>{ENGLISH}</p><p>And th")
    _w(root, "html/nested.html",
       "<html><body>" + "<div>" * 10_000 + f"<p>{ENGLISH}</p>" + "</div>" * 10_000 + "</body></html>")
    _w(root, "html/scripts-only.html", "<html><head><script>var a=1;</script></head><body></body></html>")
    good = json.dumps({"url": "https://j.example/1", "text": ENGLISH})
    _w(root, "json/mixed.jsonl", "\n".join([good, "{not json", '"a string"', "", good, "[1,"]))
    _w(root, "json/deep.json", "[" * 100_000 + "]" * 100_000)
    _w(root, "json/empty-array.json", "[]")
    _w(root, "gz/good.html.gz", gzip.compress(f"<html><body><p>{ENGLISH}</p></body></html>".encode()))
    _w(root, "gz/good.jsonl.gz", gzip.compress((good + "\n").encode()))
    _w(root, "gz/corrupt.txt.gz", gzip.compress(ENGLISH.encode())[:20])
    _w(root, "gz/not-gzip.csv.gz", b"title,text\nplain,not compressed at all\n")
    with open(root / "huge.txt", "wb") as fh:  # sparse: over the limit without writing 9 MB
        fh.truncate(9_000_000)
    deep = root / "deep" / "/".join(["d"] * 70)
    _w(deep, "lost.txt", ENGLISH)
    _w(root, "loop/a.txt", ENGLISH)
    os.symlink(root / "loop", root / "loop" / "again")
    os.symlink(root / "nowhere.txt", root / "dangling.txt")
    _w(root, "names/with space.txt", ENGLISH)
    _w(root, "names/ünïcödé – name.txt", ENGLISH)
    _w(root, "names/new\nline.txt", ENGLISH)
    _w(root, "unsupported/scan.pdf", b"%PDF-1.4\n")
    _w(root, "unsupported/Makefile", "no extension")
    _w(root, "README.md", "# About this scrape")
    _w(root, "lang/es.txt", SPANISH)
    _w(root, "lang/de.txt", GERMAN)
    _w(root, "long/one-line.txt", ("word " * 190_000).strip())  # 950 kB, no newline
    _w(root, "long/dump.txt", ("word " * 1_000_000).strip())  # 5 MB: over max_chars
    _w(root, "x.txt/inside.txt", ENGLISH)  # a folder named like a file
    _w(root, "locked.txt", ENGLISH)
    return root


def test_hostile_corpus(hostile: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_open = builtins.open

    def fake_open(path, *args, **kwargs):  # tests run as root: chmod 000 would not stop us
        if str(path).endswith("locked.txt"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("pipeline.ingest.dispatch.open", fake_open, raising=False)
    out = _outcomes(hostile, max_file_bytes=8_000_000, max_depth=64)

    assert _reason(out, "empty.txt") == "empty file"
    assert _reason(out, "blank.txt") == "no text (empty or whitespace only)"
    assert _reason(out, "image.png") == "unsupported format (.png)"
    assert _reason(out, "png-named.txt") == "binary content (PNG image), not text"
    assert _reason(out, "random.bin.txt") == "binary content (binary data), not text"
    assert _article(out, "nul.txt").text == ENGLISH
    for name in ("utf16le", "utf16be", "utf8bom"):
        assert _article(out, f"enc/{name}.txt").text == ENGLISH
    assert _article(out, "enc/latin1.txt").text == LATIN1.strip()
    assert _article(out, "enc/cp1252.txt").text == CP1252.strip()
    assert _article(out, "enc/crlf.txt").text == "Title line\n\n" + ENGLISH
    assert "don’t know what" in _article(out, "enc/mojibake.txt").text
    assert ENGLISH in _article(out, "html/truncated.html").text
    assert ENGLISH in _article(out, "html/nested.html").text
    assert _reason(out, "html/scripts-only.html") == "no text content in HTML"
    assert _article(out, "json/mixed.jsonl#1").url == "https://j.example/1"
    assert _reason(out, "json/mixed.jsonl#2").startswith("invalid JSON")
    assert _reason(out, "json/mixed.jsonl#3") == "record is a JSON str, not an object"
    # Same text in many files: every later copy points at the first in sorted order.
    assert _article(out, "json/mixed.jsonl#5").exact_duplicate_of == "enc/utf16be.txt"
    assert _article(out, "enc/utf16be.txt").exact_duplicate_of == ""
    assert _reason(out, "json/mixed.jsonl#6").startswith("invalid JSON")
    assert _reason(out, "json/deep.json").startswith("invalid JSON")
    assert _reason(out, "json/empty-array.json") == "JSON array has no records"
    assert ENGLISH in _article(out, "gz/good.html.gz").text
    assert _article(out, "gz/good.jsonl.gz#1").meta["compression"] == "gzip"
    assert _reason(out, "gz/corrupt.txt.gz").startswith("corrupt gzip")
    assert _reason(out, "gz/not-gzip.csv.gz").startswith("corrupt gzip")
    assert _reason(out, "huge.txt") == (
        "file too large (9000000 bytes > max_file_bytes=8000000), not read")
    deep_errors = [k for k in out if k.startswith("deep/") and "max_depth=64" in _reason(out, k)]
    assert len(deep_errors) == 1 and "lost.txt" not in deep_errors[0]
    assert ENGLISH in _article(out, "loop/a.txt").text
    assert _reason(out, "loop/again/") == "symlink loop: folder contains itself"
    assert _reason(out, "dangling.txt").startswith("broken symlink")
    for name in ("with space.txt", "ünïcödé – name.txt", "new\nline.txt"):
        assert _article(out, f"names/{name}").text == ENGLISH
    assert _reason(out, "unsupported/scan.pdf") == "unsupported format (.pdf)"
    assert _reason(out, "unsupported/Makefile") == "unsupported format (no extension)"
    assert _reason(out, "README.md") == "documentation file, not an article"
    assert _article(out, "lang/es.txt").language == "es"
    assert _article(out, "lang/de.txt").language == "de"
    long = _article(out, "long/one-line.txt")
    assert len(long.text) == 950_000 - 1 and long.boilerplate_lines == 0
    assert _reason(out, "long/dump.txt") == (
        "text too long (4999999 chars > max_chars=1000000), not analysed")
    assert _article(out, "x.txt/inside.txt").source == "x.txt"
    assert _reason(out, "locked.txt") == "unreadable: permission denied"

    # Nothing dropped silently: every file in the tree is accounted for.
    for dirpath, _dirs, files in os.walk(hostile):
        for name in files:
            rel = (Path(dirpath) / name).relative_to(hostile).as_posix()
            if rel.startswith("deep/"):
                continue  # under the folder reported as too deep
            assert any(k == rel or k.startswith(rel + "#") for k in out), rel
    # Everything yielded can be written as UTF-8 JSON.
    for item in out.values():
        json.dumps(item.__dict__ if isinstance(item, IngestError) else item.to_dict(),
                   ensure_ascii=False).encode("utf-8")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads chmod 000 files; mocked above")
def test_unreadable_file_real_permissions(tmp_path: Path) -> None:
    path = _w(tmp_path, "secret.txt", ENGLISH)
    path.chmod(0)
    try:
        out = _outcomes(tmp_path)
    finally:
        path.chmod(0o644)
    assert _reason(out, "secret.txt") == "unreadable: permission denied"


def test_undecodable_file_name(tmp_path: Path) -> None:
    raw = os.path.join(os.fsencode(tmp_path), b"caf\xe9.txt")
    with open(raw, "wb") as fh:
        fh.write(ENGLISH.encode())
    (item,) = list(read_corpus(tmp_path, _settings()))
    assert isinstance(item, Article) and item.article_id == "caf\ufffd.txt"
    assert item.text == ENGLISH


def test_corpus_is_a_file_or_missing(tmp_path: Path) -> None:
    path = _w(tmp_path, "single.jsonl", json.dumps({"text": ENGLISH}) + "\n")
    (item,) = list(read_corpus(path, _settings()))
    assert isinstance(item, Article) and item.article_id == "single.jsonl#1"
    (missing,) = list(read_corpus(tmp_path / "absent", _settings()))
    assert isinstance(missing, IngestError) and missing.reason.startswith("corpus not readable")


def test_gzip_bomb_is_refused(tmp_path: Path) -> None:
    _w(tmp_path, "bomb.txt.gz", gzip.compress(b"a" * 3_000_000))
    (item,) = list(read_corpus(tmp_path, _settings(max_file_bytes=1_000_000)))
    assert isinstance(item, IngestError)
    assert item.reason == "gzip content larger than max_file_bytes=1000000, not read"
