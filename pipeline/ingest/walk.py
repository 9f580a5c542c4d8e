"""Discovery: a sorted, bounded, loop-safe walk of the corpus folder."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.article import IngestError


@dataclass(frozen=True)
class FoundFile:
    """A regular file to read: its real path and its POSIX path relative to the corpus."""

    path: Path
    rel: str
    size: int


def display_name(name: str) -> str:
    """A file name as text: undecodable bytes (surrogate escapes) become U+FFFD."""
    return os.fsencode(name).decode("utf-8", errors="replace")


def walk(
    corpus: Path, max_depth: int, follow_symlinks: bool, max_file_bytes: int
) -> Iterator[FoundFile | IngestError]:
    """Yield files in sorted relative-path order, and an error for each thing not read.

    Hidden folders (``.git``...), folders more than ``max_depth`` levels below the corpus, symlink loops, broken links, special files (FIFOs,
    sockets, devices) and files over ``max_file_bytes`` are reported, not read.
    """
    corpus = Path(corpus)
    try:
        root_stat = corpus.stat()
    except OSError as exc:
        yield IngestError(str(corpus), f"corpus not readable: {exc.strerror or exc}")
        return
    if not stat.S_ISDIR(root_stat.st_mode):
        # A single file given as the corpus is read on its own.
        yield FoundFile(corpus, display_name(corpus.name), root_stat.st_size)
        return
    visited = {(root_stat.st_dev, root_stat.st_ino)}
    yield from _walk_dir(corpus, "", 0, (root_stat.st_dev, root_stat.st_ino), visited,
                         (max_depth, follow_symlinks, max_file_bytes), ())


def _walk_dir(
    directory: Path,
    prefix: str,
    depth: int,
    ident: tuple[int, int],
    visited: set[tuple[int, int]],
    limits: tuple[int, bool, int],
    ancestors: tuple[tuple[int, int], ...],
) -> Iterator[FoundFile | IngestError]:
    max_depth, follow, max_bytes = limits
    ancestors = (*ancestors, ident)
    try:
        with os.scandir(directory) as it:
            entries = list(it)
    except OSError as exc:
        yield IngestError(prefix or ".", f"folder not readable: {exc.strerror or exc}")
        return
    items: list[tuple[str, os.DirEntry[str], os.stat_result | None, str]] = []
    for entry in entries:
        rel = prefix + display_name(entry.name)
        try:
            st = entry.stat(follow_symlinks=follow)
        except OSError as exc:
            items.append((rel, entry, None, f"unreadable: {exc.strerror or exc}"))
            continue
        # Sort key: folders as "name/" so the yield order is the sorted order of full paths.
        key = rel + "/" if stat.S_ISDIR(st.st_mode) else rel
        items.append((key, entry, st, ""))
    items.sort(key=lambda item: item[0])
    for key, entry, st, problem in items:
        rel = key.rstrip("/") if key.endswith("/") else key
        link = entry.is_symlink()
        if st is None:
            if link and "Too many levels" in problem:
                problem = "symlink loop"
            elif link:
                problem = f"broken symlink ({problem})"
            yield IngestError(rel, problem)
            continue
        if link and not follow:
            yield IngestError(rel, "symlink not followed (follow_symlinks = false)")
            continue
        mode = st.st_mode
        if stat.S_ISDIR(mode):
            child = (st.st_dev, st.st_ino)
            if entry.name.startswith("."):
                # .git, .cache...: tool folders, not scraped articles; one line, not thousands.
                yield IngestError(rel + "/", "hidden folder, not read")
            elif child in ancestors:
                yield IngestError(rel + "/", "symlink loop: folder contains itself")
            elif child in visited:
                yield IngestError(rel + "/", "folder already read under another path (symlink)")
            elif depth + 1 > max_depth:
                yield IngestError(rel + "/", f"folder deeper than max_depth={max_depth}, not read")
            else:
                visited.add(child)
                yield from _walk_dir(Path(entry.path), rel + "/", depth + 1, child, visited,
                                     limits, ancestors)
        elif stat.S_ISREG(mode):
            if st.st_size > max_bytes:
                yield IngestError(
                    rel, f"file too large ({st.st_size} bytes > max_file_bytes={max_bytes}), not read"
                )
            else:
                yield FoundFile(Path(entry.path), rel, st.st_size)
        else:
            yield IngestError(rel, "not a regular file (device, FIFO or socket)")
