"""The compiled quality kernels (``pipeline/quality/_fast.pyx``), or None for the pure Python
(:mod:`pipeline.kernels`; ``tests/quality/test_fast.py`` checks both give the same values)."""

from __future__ import annotations

from types import ModuleType

from pipeline.kernels import PURE_PYTHON_ENV, load

__all__ = ["FAST", "PURE_PYTHON_ENV", "active"]

FAST: ModuleType | None = load("pipeline.quality._fast")


def active() -> bool:
    """Whether the quality metrics run the compiled kernels."""
    return FAST is not None
