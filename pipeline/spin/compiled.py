"""The compiled spin kernels (``pipeline/spin/_fast.pyx``), or None for the pure Python
(:mod:`pipeline.kernels`; ``tests/spin/test_fast.py`` checks both give the same bytes)."""

from __future__ import annotations

from types import ModuleType

from pipeline.kernels import PURE_PYTHON_ENV, load

__all__ = ["FAST", "PURE_PYTHON_ENV", "active"]

FAST: ModuleType | None = load("pipeline.spin._fast")


def active() -> bool:
    """Whether the spin detector runs the compiled kernels."""
    return FAST is not None
