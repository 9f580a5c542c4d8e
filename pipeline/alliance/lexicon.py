"""Loads the alliance data files (word sets, Matcher rules, citation patterns) and lemmatises them.

All matching happens on lower-cased lookup lemmas (spacy-lookups-data), the same table the
pipeline's ``lemmatizer`` uses in lookup mode; lower-casing first matters because the lookup
table leaves capitalised words ("Clients") unlemmatised.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from pathlib import Path
from typing import Any

from pipeline.basepipes import lemma_table

RESOURCE_DIR = "alliance"


def resource_path(name: str) -> Path:
    """A data file: absolute paths as given, else under ``pipeline/resources/alliance/``."""
    p = Path(name)
    if p.is_absolute():
        return p
    return Path(str(resources.files("pipeline") / "resources" / RESOURCE_DIR / name))


@functools.lru_cache(maxsize=8)
def load_json(name: str) -> dict[str, Any]:
    return json.loads(resource_path(name).read_text(encoding="utf-8"))


class Lemmas:
    """Lower-case lookup lemmatiser with a cache (the table lookup hashes the string)."""

    def __init__(self) -> None:
        self.table = lemma_table("en")
        self._cache: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        lower = word.lower()
        lemma = self._cache.get(lower)
        if lemma is None:
            lemma = self.table.get(lower, lower)
            self._cache[lower] = lemma
        return lemma


@functools.lru_cache(maxsize=1)
def lemmas() -> Lemmas:
    return Lemmas()
