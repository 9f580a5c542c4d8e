"""The compiled spin kernels (``pipeline/spin/_fast.pyx``), or None for the pure Python.

``make install`` builds the extension with Cython when it can; it is optional: without it (no
compiler, a failed build, a wheel for another platform) the pure-Python functions run, which
stay the reference the compiled ones must equal bit for bit (``tests/spin/test_fast.py``).
``ALLIANCE_AUDIT_PURE_PYTHON=1`` forces the pure Python (read once, at import).
"""

from __future__ import annotations

import os
from types import ModuleType

PURE_PYTHON_ENV = "ALLIANCE_AUDIT_PURE_PYTHON"


def _load() -> ModuleType | None:
    if os.environ.get(PURE_PYTHON_ENV, "").strip() not in ("", "0"):
        return None
    try:
        from pipeline.spin import _fast
    except ImportError:
        return None
    return _fast


FAST: ModuleType | None = _load()


def active() -> bool:
    """Whether the spin detector runs the compiled kernels."""
    return FAST is not None


def warn_if_pure() -> None:
    """Print a warning when the pure Python runs (``make install`` calls this: pip hides the
    build's own warning)."""
    if FAST is None and os.environ.get(PURE_PYTHON_ENV, "").strip() in ("", "0"):
        import sys

        print("warning: pipeline.spin._fast is not built (no Cython or C compiler, or the "
              "compile failed); the spin detector runs its pure-Python code: same results, "
              "slower", file=sys.stderr)
