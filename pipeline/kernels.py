"""Optional compiled kernels (Cython modules built by ``make install``), or None.

Each package with kernels (``pipeline.spin._fast``, ``pipeline.quality._fast``) loads them
here. They are optional: without them (no compiler, a failed build, a wheel for another
platform) the pure-Python functions run, which stay the reference the compiled ones must equal
exactly. ``ALLIANCE_AUDIT_PURE_PYTHON=1`` forces the pure Python everywhere (read at import).
"""

from __future__ import annotations

import importlib
import os
import sys
from types import ModuleType

PURE_PYTHON_ENV = "ALLIANCE_AUDIT_PURE_PYTHON"
MODULES = ("pipeline.spin._fast", "pipeline.quality._fast")


def pure_python_forced() -> bool:
    """Whether the environment asks for the pure Python."""
    return os.environ.get(PURE_PYTHON_ENV, "").strip() not in ("", "0")


def load(module: str) -> ModuleType | None:
    """The compiled ``module``, or None when it is not built or the pure Python is forced."""
    if pure_python_forced():
        return None
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def warn_if_pure() -> None:
    """Print a warning for each kernel module that is not built (``make install`` calls this:
    pip hides the build's own warning)."""
    if pure_python_forced():
        return
    for module in MODULES:
        if load(module) is None:
            print(f"warning: {module} is not built (no Cython or C compiler, or the compile "
                  "failed); its pure-Python code runs: same results, slower", file=sys.stderr)
