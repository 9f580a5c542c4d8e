"""Where the trained models are: the one place that knows the package's surroundings.

A wheel carries the models as package data (``pipeline/models/``, copied from the top-level
``models/`` at build time by ``setup.py``); a checkout or an editable install reads the
top-level ``models/`` itself. Settings paths such as ``models/alliance_classifier.skops`` are
relative to :data:`DATA_ROOT`, the folder that holds ``models/`` in either case.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# The folder above the package: the repository root in a checkout (training writes there).
SOURCE_ROOT = PACKAGE_DIR.parent
DATA_ROOT = PACKAGE_DIR if (PACKAGE_DIR / "models").is_dir() else SOURCE_ROOT
MODELS_DIR = DATA_ROOT / "models"


def resolve_path(value: str | Path, default: Path | None = None) -> Path | None:
    """A settings path: empty -> ``default``; relative -> against :data:`DATA_ROOT`."""
    if not str(value):
        return default
    p = Path(value)
    return p if p.is_absolute() else DATA_ROOT / p


def user_cache_dir() -> Path:
    """Where files derived from installed packages are kept between runs (e.g. the unpacked
    language model): ``$ALLIANCE_AUDIT_CACHE_DIR``, else ``$XDG_CACHE_HOME/alliance-audit``,
    else ``~/.cache/alliance-audit``."""
    if os.environ.get("ALLIANCE_AUDIT_CACHE_DIR"):
        return Path(os.environ["ALLIANCE_AUDIT_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "alliance-audit"
