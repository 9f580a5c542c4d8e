"""Corpus discovery (pipeline/ingest/walk.py)."""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.article import IngestError
from pipeline.ingest.walk import FoundFile, display_name, walk


def _walk(root: Path, max_depth: int = 64, follow: bool = True, max_bytes: int = 10**6) -> list:
    return [
        (i.rel, "file") if isinstance(i, FoundFile) else (i.path, i.reason)
        for i in walk(root, max_depth, follow, max_bytes)
    ]


def _touch(root: Path, rel: str, data: bytes = b"text") -> None:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)


def test_sorted_full_path_order(tmp_path: Path) -> None:
    for rel in ["b.txt", "a/z.txt", "a.txt", "a/b/c.txt", "A.txt"]:
        _touch(tmp_path, rel)
    rels = [r for r, _ in _walk(tmp_path)]
    assert rels == sorted(rels) == ["A.txt", "a.txt", "a/b/c.txt", "a/z.txt", "b.txt"]


def test_depth_limit_reported(tmp_path: Path) -> None:
    _touch(tmp_path, "1/2/3/deep.txt")
    _touch(tmp_path, "1/ok.txt")
    assert _walk(tmp_path, max_depth=2) == [
        ("1/2/3/", "folder deeper than max_depth=2, not read"),
        ("1/ok.txt", "file"),
    ]


def test_symlink_loop_and_broken_link(tmp_path: Path) -> None:
    _touch(tmp_path, "d/a.txt")
    os.symlink(tmp_path / "d", tmp_path / "d" / "loop")
    os.symlink(tmp_path / "missing", tmp_path / "dangling.txt")
    out = _walk(tmp_path)
    assert ("d/a.txt", "file") in out
    assert ("d/loop/", "symlink loop: folder contains itself") in out
    assert any(p == "dangling.txt" and r.startswith("broken symlink") for p, r in out)


def test_symlinks_not_followed(tmp_path: Path) -> None:
    _touch(tmp_path, "real.txt")
    os.symlink(tmp_path / "real.txt", tmp_path / "link.txt")
    assert _walk(tmp_path, follow=False) == [
        ("link.txt", "symlink not followed (follow_symlinks = false)"), ("real.txt", "file")]


def test_too_large_and_fifo(tmp_path: Path) -> None:
    _touch(tmp_path, "big.txt", b"x" * 101)
    os.mkfifo(tmp_path / "pipe.txt")
    assert _walk(tmp_path, max_bytes=100) == [
        ("big.txt", "file too large (101 bytes > max_file_bytes=100), not read"),
        ("pipe.txt", "not a regular file (device, FIFO or socket)"),
    ]


def test_single_file_corpus_and_missing(tmp_path: Path) -> None:
    _touch(tmp_path, "one.txt")
    assert _walk(tmp_path / "one.txt") == [("one.txt", "file")]
    out = list(walk(tmp_path / "nope", 4, True, 10))
    assert len(out) == 1 and isinstance(out[0], IngestError)


def test_display_name_undecodable_bytes() -> None:
    raw = os.fsdecode(b"caf\xe9.txt")
    assert display_name(raw) == "caf\ufffd.txt"
    assert display_name("plain.txt") == "plain.txt"


def test_hidden_folder_reported_once(tmp_path: Path) -> None:
    for i in range(5):
        _touch(tmp_path, f".git/objects/{i}")
    _touch(tmp_path, ".hidden-note.txt")
    assert _walk(tmp_path) == [(".git/", "hidden folder, not read"), (".hidden-note.txt", "file")]
