"""spaCy without its command line at import time (start-up, issue 19).

``import spacy`` runs ``from .cli.info import info`` (the one line of spaCy's ``__init__`` that
reaches its CLI), and ``spacy.cli`` imports every CLI command with weasel, typer, httpx,
jinja2 and confection's validation (about 0.1-0.2 s of each start-up). The run uses none of it:
:func:`install` (called by ``pipeline/__init__.py``) makes the first ``import spacy`` of the
process see a small stand-in module for ``spacy.cli.info`` whose ``info`` imports the real
one when called, then takes the stand-in away, so ``spacy.cli`` (``python -m spacy``,
``spacy.cli.download``...) imports as always afterwards. Nothing else changes: the pipes,
``nlp.add_pipe`` of our factories and ``spacy.load`` of en_core_web_sm do not touch the CLI.

``ALLIANCE_AUDIT_EAGER_SPACY=1`` turns it off (spaCy imports as it ships).
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import os
import sys
import types
from typing import Any

ENV = "ALLIANCE_AUDIT_EAGER_SPACY"
STUB = "spacy.cli.info"


def info(*args: Any, **kwargs: Any) -> Any:
    """``spacy.info``: spaCy's own, imported on the first call."""
    from spacy.cli.info import info as real

    return real(*args, **kwargs)


class _Loader(importlib.abc.Loader):
    """spaCy's own loader, with the stand-in in place while spaCy's ``__init__`` runs."""

    def __init__(self, loader: importlib.abc.Loader) -> None:
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module: types.ModuleType) -> None:
        # spaCy keeps its own loader (importlib.resources and the like ask it for files).
        module.__loader__ = module.__spec__.loader = self.loader
        stub = types.ModuleType(STUB, "Stand-in for spaCy's CLI info while spaCy imports.")
        stub.info = info
        placed = STUB not in sys.modules
        if placed:
            sys.modules[STUB] = stub
        try:
            self.loader.exec_module(module)
        finally:
            if placed and sys.modules.get(STUB) is stub:
                del sys.modules[STUB]


class _Finder(importlib.abc.MetaPathFinder):
    """Finds ``spacy`` once (as the other finders would), wrapping its loader; then leaves."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "spacy":
            return None
        uninstall()
        spec = importlib.util.find_spec(fullname)   # as the other finders see it
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        spec.loader = _Loader(spec.loader)
        return spec


_FINDER = _Finder()


def install() -> None:
    """Make the process's first ``import spacy`` skip spaCy's CLI (unless spaCy is already
    imported or ``ALLIANCE_AUDIT_EAGER_SPACY=1``)."""
    if "spacy" in sys.modules or os.environ.get(ENV, "") not in ("", "0"):
        return
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)


def uninstall() -> None:
    if _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)
