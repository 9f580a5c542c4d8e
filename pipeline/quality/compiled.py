"""The compiled quality kernels (``pipeline/quality/_fast.pyx``), or None for the pure Python.

Built by ``make install`` beside the spin kernels, optional in the same way: without them the
pure-Python functions run, which stay the reference the compiled ones must equal exactly
(``tests/quality/test_fast.py``). ``ALLIANCE_AUDIT_PURE_PYTHON=1`` forces the pure Python here
too (read once, at import).
"""

from __future__ import annotations

import os
from types import ModuleType

from pipeline.spin.compiled import PURE_PYTHON_ENV


def _load() -> ModuleType | None:
    if os.environ.get(PURE_PYTHON_ENV, "").strip() not in ("", "0"):
        return None
    try:
        from pipeline.quality import _fast
    except ImportError:
        return None
    return _fast


FAST: ModuleType | None = _load()


def active() -> bool:
    """Whether the quality metrics run the compiled kernels."""
    return FAST is not None
