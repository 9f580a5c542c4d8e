"""Build hook: a wheel carries the trained models as package data.

The top-level ``models/`` stays the one source (``make train`` writes there). Building a wheel
copies its files into ``pipeline/models/`` of the build, where :mod:`pipeline.paths` finds them
in an installed package. An editable install reads the top-level ``models/`` directly.
Everything else about the package is in ``pyproject.toml``.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

MODELS = Path(__file__).resolve().parent / "models"


class BuildPyWithModels(build_py):
    """``build_py`` plus the trained models (top-level files of ``models/``; not ``data/``)."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "pipeline" / "models"
        target.mkdir(parents=True, exist_ok=True)
        for path in sorted(MODELS.iterdir()):
            if path.is_file():
                shutil.copyfile(path, target / path.name)


setup(cmdclass={"build_py": BuildPyWithModels})
