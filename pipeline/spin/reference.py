"""Reference statistics of clean English for the spin detector: the loader.

``load_reference(models_dir)`` reads the files that ``workbench.spin.reference`` builds
(``make train``) back into a :class:`Reference` (cached):

- ``spin_unigrams.tsv.gz``: word, wordfreq Zipf frequency, in-domain count, most frequent
  part of speech and its share;
- ``spin_bigrams.tsv.gz``: "a b", general count (rescaled to the in-domain size) and in-domain
  count;
- ``spin_synonyms.tsv.gz``: word or phrase -> the words it may have replaced;
- ``spin_reference.json``: totals, part-of-speech bigram log-probabilities, in-domain counts of
  the function phrases in ``resources/spin/function_phrases.tsv``, sources and versions;
- ``spin_trigrams.tsv.gz`` (optional): in-domain word trigrams seen at least twice, with their
  counts (``Reference.dom_tri``; empty when the file is absent).
"""

from __future__ import annotations

import functools
import gzip
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from pipeline.paths import MODELS_DIR

FILES = {
    "unigrams": "spin_unigrams.tsv.gz",
    "bigrams": "spin_bigrams.tsv.gz",
    "synonyms": "spin_synonyms.tsv.gz",
    "meta": "spin_reference.json",
}
THESAURUS_FILE = "spin_thesaurus.tsv.gz"
# Not one of TABLE_SOURCES: read beside the compact tables (small; absent = no trigram evidence).
TRIGRAM_FILE = "spin_trigrams.tsv.gz"
ANTONYM_FILE = "spin_antonyms.tsv.gz"
# The files behind the compact tables (``pipeline.compact.TABLES_FILE``).
TABLE_SOURCES = (*FILES.values(), THESAURUS_FILE, ANTONYM_FILE)


def resource_path(name: str) -> Path:
    """A data file under ``pipeline/resources/spin/``."""
    return Path(str(resources.files("pipeline") / "resources" / "spin" / name))


def read_tsv(name: str | Path) -> list[list[str]]:
    """Rows of a resource TSV, or of the file at a ``Path`` (``#`` comments and blank lines
    skipped)."""
    path = name if isinstance(name, Path) else resource_path(name)
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


@dataclass(eq=False)
class Reference:
    """Everything the signals look up; plain dicts for speed."""

    zipf: dict[str, float]
    dom_uni: dict[str, int]
    gen_bi: dict[str, float]       # general bigram counts rescaled to the in-domain size
    dom_bi: dict[str, int]
    synonyms: Mapping[str, tuple[str, ...]]   # a LazyTable from the compact file
    pos: dict[str, tuple[str, float]]
    pos_bigram_logp: dict[str, float]
    phrase_counts: dict[str, int]
    dom_words: int
    meta: dict = field(default_factory=dict)
    # In-domain word trigrams ("a b c") seen at least twice, with their counts (spans.py).
    dom_tri: dict[str, int] = field(default_factory=dict)

    def neighbours(self) -> tuple[Mapping[str, set], Mapping[str, set]]:
        """Words seen after / before each word in the bigram tables (computed once)."""
        cached = self.__dict__.get("_neighbours")
        if cached is None:
            succ: dict[str, set] = {}
            pred: dict[str, set] = {}
            for table in (self.gen_bi, self.dom_bi):
                for k in table:
                    a, _, b = k.partition(" ")
                    succ.setdefault(a, set()).add(b)
                    pred.setdefault(b, set()).add(a)
            cached = self.__dict__["_neighbours"] = (succ, pred)
        return cached


def load_reference(models_dir: Path | str | None = None) -> Reference:
    """Read the reference statistics that ``workbench.spin.reference`` builds (once per
    folder: ``load_reference()``, ``load_reference(None)`` and ``load_reference(MODELS_DIR)``
    share one copy)."""
    return _load_reference(Path(models_dir) if models_dir is not None else MODELS_DIR)


@functools.lru_cache(maxsize=2)
def _load_reference(d: Path) -> Reference:
    from pipeline.compact import load_tables

    tables = load_tables(d, TABLE_SOURCES)
    if tables is None:
        return parse_reference(d)
    ref = Reference(**tables["reference"])
    ref.__dict__["_neighbours"] = tables["neighbours"]
    ref.dom_tri = read_trigrams(d / TRIGRAM_FILE)
    return ref


def read_trigrams(path: Path) -> dict[str, int]:
    """``trigram<TAB>count`` lines of ``path`` (a header first) as a dict; {} when absent."""
    if not path.is_file():
        return {}
    out: dict[str, int] = {}
    with gzip.open(path, "rt", encoding="utf-8") as f:
        next(f, None)
        for line in f:
            k, _, c = line.rstrip("\n").partition("\t")
            if k and c:
                out[k] = int(c)
    return out


def prebuilt_pairs(models_dir: Path | str | None = None) -> dict | None:
    """The fields of ``quality.pairs.PairTables`` for the reference statistics of
    ``models_dir`` as the compact tables file stores them, or None (no current file: build them
    from :func:`load_reference`)."""
    from pipeline.compact import load_tables

    tables = load_tables(Path(models_dir) if models_dir is not None else MODELS_DIR, TABLE_SOURCES)
    return None if tables is None else tables.get("pairs")


def parse_reference(d: Path) -> Reference:
    """The reference statistics of ``d`` read from its TSV and JSON files."""
    missing = [v for v in FILES.values() if not (d / v).is_file()]
    if missing:
        raise FileNotFoundError(
            f"spin reference statistics missing in {d}: {missing}; run "
            "`make train` (workbench.spin.reference)"
        )
    zipf: dict[str, float] = {}
    dom_uni: dict[str, int] = {}
    pos: dict[str, tuple[str, float]] = {}
    with gzip.open(d / FILES["unigrams"], "rt", encoding="utf-8") as f:
        next(f)
        for line in f:
            w, z, dc, p, s = line.rstrip("\n").split("\t")
            zipf[w] = float(z)
            if dc != "0":
                dom_uni[w] = int(dc)
            if p:
                pos[w] = (p, float(s))
    gen_bi: dict[str, float] = {}
    dom_bi: dict[str, int] = {}
    with gzip.open(d / FILES["bigrams"], "rt", encoding="utf-8") as f:
        next(f)
        for line in f:
            k, g, dc = line.rstrip("\n").split("\t")
            if g != "0":
                gen_bi[k] = float(g)
            if dc != "0":
                dom_bi[k] = int(dc)
    synonyms: dict[str, tuple[str, ...]] = {}
    with gzip.open(d / FILES["synonyms"], "rt", encoding="utf-8") as f:
        for line in f:
            k, v = line.rstrip("\n").split("\t")
            synonyms[k] = tuple(v.split(","))
    meta = json.loads((d / FILES["meta"]).read_text(encoding="utf-8"))
    return Reference(
        zipf=zipf, dom_uni=dom_uni, gen_bi=gen_bi, dom_bi=dom_bi, synonyms=synonyms, pos=pos,
        pos_bigram_logp=meta.pop("pos_bigram_logp"), phrase_counts=meta.pop("phrase_counts"),
        dom_words=int(meta["dom_words"]), meta=meta, dom_tri=read_trigrams(d / TRIGRAM_FILE),
    )


load_reference.cache_clear = _load_reference.cache_clear  # type: ignore[attr-defined]
