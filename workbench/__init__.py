"""Offline work on alliance-audit: training, simulation, data preparation, evaluation and
benchmarks (``python -m workbench train|evaluate|bench``; ``make train``, ``make evaluate``,
``make bench``). Not shipped in the wheel; the runtime package ``pipeline`` never imports it.
"""

import argparse
import os
from pathlib import Path

from pipeline.paths import SOURCE_ROOT

PROJECT_ROOT = SOURCE_ROOT
# Training writes here: the source of the models a wheel ships.
MODELS_DIR = PROJECT_ROOT / "models"


def script_parser(module: str, doc: str | None) -> argparse.ArgumentParser:
    """The argument parser of ``python -m MODULE``, its help text the module docstring.

    Every workbench script parses its arguments, so ``--help`` explains it instead of starting
    a run (a training script would overwrite the models).
    """
    return argparse.ArgumentParser(prog=f"python -m {module}", description=doc,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)


def default_shared() -> Path:
    """``$SHARED``, else the ``shared`` folder beside the checkout."""
    return Path(os.environ.get("SHARED", PROJECT_ROOT / ".." / "shared"))
