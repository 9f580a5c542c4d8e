"""Atomic output writing: a run killed midway leaves the previous outputs intact.

Every file is written to a temporary sibling and moved into place with ``os.replace``; a whole
run is staged in a temporary folder beside the output folder and swapped in file by file only
after every table was written.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

CSV_FLOAT_FORMAT = "%.4f"


def _file_mode() -> int:
    """The mode ``open()`` gives a new file under the current umask (mkstemp's is 0600, which
    would leave some outputs unreadable to the group that reads the others)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so readers see either the old or the new file, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _file_mode())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def csv_text(df: pd.DataFrame) -> str:
    """Deterministic CSV: fixed float format, ``\\n`` line ends, no index."""
    return df.to_csv(index=False, lineterminator="\n", float_format=CSV_FLOAT_FORMAT)


def write_csv(path: Path, df: pd.DataFrame) -> None:
    """:func:`csv_text` streamed into ``path`` (same bytes, without the whole-file string)."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        df.to_csv(fh, index=False, lineterminator="\n", float_format=CSV_FLOAT_FORMAT)


@contextlib.contextmanager
def staged_output(out_dir: Path) -> Iterator[Path]:
    """Yield a staging folder; on success its files replace those in ``out_dir``.

    If the body raises, the staging folder is removed and ``out_dir`` is untouched.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".staging-", dir=out_dir))
    try:
        yield stage
        for src in sorted(stage.rglob("*")):
            if src.is_file():
                dst = out_dir / src.relative_to(stage)
                dst.parent.mkdir(parents=True, exist_ok=True)
                os.replace(src, dst)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
