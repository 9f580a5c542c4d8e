"""Language identification with py3langid (its model ships inside the package)."""

from __future__ import annotations

import functools
import hashlib
import lzma
import os
import shutil
from pathlib import Path
from typing import Any

from pipeline.clean import unicode_tables
from pipeline.paths import user_cache_dir

UNDETERMINED = "und"


@functools.cache
def _identifier() -> Any:
    """py3langid's identifier, read from the unpacked copy of its model when it can be made:
    py3langid unpacks its xz-compressed model on every load (0.45 s of each start)."""
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    unpacked = _unpacked_model(MODEL_DIR / MODEL_FILE)
    if unpacked is None:
        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    return _from_unpacked(unpacked)


def _unpacked_model(model: Path) -> Path | None:
    """The model's npz (the xz file's content) in the user cache, made on first use; named by
    the sha256 of the xz file, so another py3langid model never reads a stale copy. None when
    the cache folder cannot be written (py3langid then unpacks it itself)."""
    try:
        digest = hashlib.sha256(model.read_bytes()).hexdigest()[:24]
        path = user_cache_dir() / f"py3langid-model-{digest}.npz"
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            try:
                with lzma.open(model) as src, tmp.open("wb") as dst:
                    shutil.copyfileobj(src, dst, length=1 << 20)
                tmp.replace(path)   # atomic: a concurrent run sees the whole file or none
            finally:
                tmp.unlink(missing_ok=True)
        return path
    except OSError:
        return None


def _from_unpacked(path: Path) -> Any:
    """``LanguageIdentifier.from_model_file`` of the unpacked npz (what py3langid's
    ``modelio.load_model`` builds from the same arrays). The arrays are read in place from the
    memory-mapped file (:func:`_npz_in_place`): reading its 68 MB took 0.1-0.3 s of each start,
    and a run touches a small part of the tables. The values are the same."""
    import numpy as np
    from py3langid.langid import LanguageIdentifier
    from py3langid.modelio import _to_array

    data = _npz_in_place(path)
    if data is None:
        with np.load(path, allow_pickle=False) as npz:
            data = {k: npz[k] for k in npz.files}
    return LanguageIdentifier(
        np.asarray(data["ptc"]), np.asarray(data["pc"]), data["classes"].tolist(),
        _as_array(data["nextmove"], _to_array), data["out_feat"].tolist(), norm_probs=True,
        tk_row=_to_array(data["nextmove_row"]))


def _as_array(arr: Any, to_array: Any) -> Any:
    """py3langid's ``_to_array`` (a stdlib ``array`` of the unsigned values) without the copy
    when ``arr`` is read in place: a memoryview of the same item type indexes alike (a Python
    int per item)."""
    if arr.flags.writeable or not arr.flags.c_contiguous or arr.dtype.kind != "u":
        return to_array(arr)
    return memoryview(arr).cast("B").cast(to_array(arr[:0]).typecode)


def _npz_in_place(path: Path) -> dict[str, Any] | None:
    """The arrays of an uncompressed ``.npz`` file as read-only views of the memory-mapped
    file, or None (a compressed member, an object array, or not a zip): each member's ``.npy``
    header is read as numpy reads it, and its data is used where it lies."""
    import io
    import mmap
    import zipfile

    import numpy as np

    try:
        with path.open("rb") as fh:
            mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        arrays = {}
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                if info.compress_type != zipfile.ZIP_STORED or not info.filename.endswith(".npy"):
                    return None
                local = mm[info.header_offset:info.header_offset + 30]
                if local[:4] != b"PK\x03\x04":
                    return None
                start = (info.header_offset + 30 + int.from_bytes(local[26:28], "little")
                         + int.from_bytes(local[28:30], "little"))
                fp = io.BytesIO(mm[start:start + min(info.file_size, 1 << 16)])
                version = np.lib.format.read_magic(fp)
                if version == (1, 0):
                    shape, fortran, dtype = np.lib.format.read_array_header_1_0(fp)
                else:
                    shape, fortran, dtype = np.lib.format.read_array_header_2_0(fp)
                count = int(np.prod(shape, dtype=np.int64))
                if dtype.hasobject or fp.tell() + count * dtype.itemsize != info.file_size:
                    return None
                arr = np.frombuffer(mm, dtype=dtype, count=count, offset=start + fp.tell())
                arrays[info.filename[:-4]] = arr.reshape(shape, order="F" if fortran else "C")
        return arrays
    except (OSError, ValueError, zipfile.BadZipFile):
        return None


def identify(text: str, min_chars: int) -> tuple[str, float]:
    """``(ISO 639-1 code, probability)``; ``("und", 0.0)`` for texts under ``min_chars``.

    Only the first ``[language].sample_chars`` characters are read: enough for a stable
    answer, and the cost stays flat on huge texts.
    """
    stripped = text.strip() if text else ""
    if len(stripped) < max(min_chars, 1):
        return UNDETERMINED, 0.0
    sample = stripped[: int(unicode_tables()[1]["language"]["sample_chars"])]
    if not any(ch.isalpha() for ch in sample):
        return UNDETERMINED, 0.0
    lang, prob = _identifier().classify(sample)
    return str(lang), round(float(prob), 4)
