"""Build hook: a wheel carries the trained models as package data.

The top-level ``models/`` stays the one source (``make train`` writes there). Building a wheel
copies its files into ``pipeline/models/`` of the build, where :mod:`pipeline.paths` finds them
in an installed package. An editable install reads the top-level ``models/`` directly.

It also compiles the spin detector's and the quality metrics' hot loops
(``pipeline/spin/_fast.pyx``, ``pipeline/quality/_fast.pyx``, Cython) when it can. The
extensions are optional: without Cython or a working compiler the build only warns and the
package runs its pure-Python reference code (``pipeline.kernels`` loads what was built).
Everything else about the package is in ``pyproject.toml``.
"""

import shutil
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
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


class OptionalBuildExt(build_ext):
    """``build_ext`` where a failed compile (or copy of the result) of the optional spin
    kernels only warns: setuptools' own ``optional=True`` does not cover editable installs."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # the pure Python is the fallback, never fail the install
            _warn(f"the compiled kernels could not be built ({exc})")

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except Exception as exc:
            _warn(f"{ext.name} could not be built ({exc})")


def _warn(message: str) -> None:
    print(f"warning: {message}; its pure-Python code will run instead", file=sys.stderr)


def compiled_extensions() -> list[Extension]:
    """The Cython spin and quality kernels, or none (with a warning) when Cython cannot
    translate them."""
    try:
        from Cython.Build import cythonize
    except ImportError:
        _warn("Cython is not installed, pipeline.spin._fast is not built")
        return []
    # A compiler error becomes a warning (OptionalBuildExt). No FMA contraction:
    # a fused multiply-add rounds once where Python rounds twice, and the compiled results
    # must equal the Python ones bit for bit.
    exts = [Extension(f"pipeline.{pkg}._fast", [f"pipeline/{pkg}/_fast.pyx"], optional=True,
                      extra_compile_args=["-O2", "-ffp-contract=off"])
            for pkg in ("spin", "quality")]
    out = []
    for ext in exts:
        try:
            # The generated C goes to build/, not next to the .pyx in the checkout.
            out.extend(cythonize([ext], build_dir="build/cython", quiet=True))
        except Exception as exc:  # a Cython error must not fail the install
            _warn(f"Cython could not translate {ext.sources[0]} ({exc})")
    return out


setup(cmdclass={"build_py": BuildPyWithModels, "build_ext": OptionalBuildExt},
      ext_modules=compiled_extensions())
