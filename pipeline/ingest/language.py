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
    ``modelio.load_model`` builds from the same arrays)."""
    import numpy as np
    from py3langid.langid import LanguageIdentifier
    from py3langid.modelio import _to_array

    with np.load(path, allow_pickle=False) as data:
        return LanguageIdentifier(
            np.asarray(data["ptc"]), np.asarray(data["pc"]), data["classes"].tolist(),
            _to_array(data["nextmove"]), data["out_feat"].tolist(), norm_probs=True,
            tk_row=_to_array(data["nextmove_row"]))


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
