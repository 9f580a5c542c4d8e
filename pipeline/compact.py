"""Compact form of the trained models: the arrays prediction needs, loaded with numpy alone.

Loading a ``.skops`` file imports scikit-learn, skops and scipy (about 1.5 s and 150 MB) and
builds estimator objects the run never trains. Next to each model, ``<name>.compact.npz`` holds
only what :meth:`predict_proba` reads, with the sha256 of the ``.skops`` file it came from:

- ``spin_detector``: the word scorer's trees (``HistGradientBoostingClassifier``: per node the
  feature, threshold, missing-value direction, children, leaf value; the baseline) and the
  document model (``StandardScaler`` mean/scale, ``LogisticRegression`` coef/intercept);
- ``alliance_classifier``: each TF-IDF block's terms (in column order), idf and settings, the
  coefficients, intercepts, rule names and thresholds (what ``alliance.model.FastScorer`` uses).

This module only reads them; ``workbench.compact`` writes them (``make compact``). The runtime
reads the compact file when it is there and its sha256 matches the ``.skops`` file,
else the ``.skops`` file (a retrained model without ``python -m workbench compact`` still
runs, only slower). Predictions are bit-identical (``tests/test_compact.py``): the same
float64 operations in the same order as scikit-learn's (tree traversal; ``(x - mean) / scale``,
``x @ coef.T + intercept``; scipy's ``expit`` is ``1 / (1 + exp(-x))`` with the C library's
``exp``, computed here with :func:`math.exp`).
"""

from __future__ import annotations

import hashlib
import json
import marshal
import math
import mmap
import re
import zlib
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.paths import MODELS_DIR

SUFFIX = ".compact.npz"


def compact_path(skops_path: Path) -> Path:
    """``models/x.skops`` -> ``models/x.compact.npz``."""
    return skops_path.with_name(skops_path.name.removesuffix(".skops") + SUFFIX)


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _load(skops_path: Path) -> dict[str, np.ndarray] | None:
    """The compact arrays of ``skops_path``, or None (absent, or made from other model bytes)."""
    path = compact_path(skops_path)
    if not path.is_file() or not skops_path.is_file():
        return None
    with np.load(path, allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    if str(arrays.get("skops_sha256", "")) != sha256_of(skops_path):
        return None
    return arrays


def _json(arrays: dict[str, np.ndarray], key: str) -> Any:
    return json.loads(str(arrays[key]))


def _expit(z: np.ndarray) -> np.ndarray:
    """scipy.special.expit, value for value: ``1 / (1 + exp(-x))`` with the C library's exp."""
    return np.array([1.0 / (1.0 + math.exp(-v)) for v in z.ravel().tolist()],
                    dtype=np.float64).reshape(z.shape)


# -- spin detector -------------------------------------------------------------------------
class Trees:
    """``HistGradientBoostingClassifier.predict_proba`` (binary, numeric features)."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.baseline = float(arrays["trees_baseline"])
        self.offsets = arrays["trees_offsets"]
        self.feature = arrays["trees_feature"]
        self.threshold = arrays["trees_threshold"]
        self.missing_left = arrays["trees_missing_left"].astype(bool)
        self.left = arrays["trees_left"]
        self.right = arrays["trees_right"]
        self.is_leaf = arrays["trees_is_leaf"].astype(bool)
        self.value = arrays["trees_value"]
        self.depth = int(arrays["trees_max_depth"])

    def raw(self, X: np.ndarray) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        rows = np.arange(len(X))
        raw = np.zeros(len(X), dtype=np.float64)
        raw += self.baseline
        for start in self.offsets[:-1].tolist():   # tree by tree, as scikit-learn adds them
            node = np.full(len(X), start, dtype=np.int64)
            for _ in range(self.depth + 1):
                leaf = self.is_leaf[node]
                if leaf.all():
                    break
                x = X[rows, self.feature[node]]
                go_left = np.where(np.isnan(x), self.missing_left[node], x <= self.threshold[node])
                nxt = start + np.where(go_left, self.left[node], self.right[node])
                node = np.where(leaf, node, nxt)
            raw += self.value[node]
        return raw

    def predict_proba(self, X: np.ndarray,
                      raw: Callable[[Trees, np.ndarray], np.ndarray] | None = None) -> np.ndarray:
        """Class probabilities; ``raw`` computes :meth:`raw` instead (a compiled twin, equal
        value for value: the spin detector passes ``pipeline.spin._fast.tree_raw``)."""
        p1 = _expit(raw(self, X) if raw is not None else self.raw(X))
        out = np.empty((len(p1), 2), dtype=np.float64)
        out[:, 1] = p1
        out[:, 0] = 1 - out[:, 1]
        return out


class ScaledLogistic:
    """``Pipeline(StandardScaler, LogisticRegression).predict_proba`` (binary)."""

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.mean = arrays["doc_mean"]
        self.scale = arrays["doc_scale"]
        self.coef = arrays["doc_coef"]
        self.intercept = arrays["doc_intercept"]

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        X = np.array(X, dtype=np.float64)
        X -= self.mean
        X /= self.scale
        z = (X @ self.coef.T + self.intercept).reshape(-1)
        p = _expit(z)
        return np.stack([1 - p, p], axis=1)


def load_spin(skops_path: Path) -> dict[str, Any] | None:
    """The spin bundle with numpy predictors, or None (use the ``.skops`` file)."""
    arrays = _load(skops_path)
    if arrays is None:
        return None
    return {"word_model": Trees(arrays), "doc_model": ScaledLogistic(arrays),
            **_json(arrays, "rest_json")}


# -- alliance classifier -------------------------------------------------------------------
VEC_PARAMS = ("sublinear_tf", "norm", "use_idf", "analyzer", "max_features", "max_df",
               "stop_words", "ngram_range", "lowercase", "token_pattern")


class Vectorizer:
    """What ``FastScorer`` reads of a fitted ``TfidfVectorizer``."""

    def __init__(self, terms: np.ndarray, idf: np.ndarray, params: dict[str, Any]) -> None:
        self.vocabulary_ = {t: i for i, t in enumerate(terms.tolist())}
        self.idf_ = idf
        for key in VEC_PARAMS:
            setattr(self, key, params[key])
        self.ngram_range = tuple(params["ngram_range"])

    def build_tokenizer(self):
        return re.compile(self.token_pattern).findall


def load_alliance(skops_path: Path) -> dict[str, Any] | None:
    """The alliance bundle with light vectorisers, or None (use the ``.skops`` file)."""
    arrays = _load(skops_path)
    if arrays is None:
        return None
    rest = _json(arrays, "rest_json")
    blocks = rest.pop("blocks")
    bundle: dict[str, Any] = {key: None for key in ("word", "char", "lemma")}
    for key in blocks:
        bundle[key] = Vectorizer(arrays[f"{key}_terms"], arrays[f"{key}_idf"],
                                 json.loads(str(arrays[f"{key}_params"])))
    bundle["coef"] = arrays["coef"]
    bundle["intercept"] = arrays["intercept"]
    return {**bundle, **rest}


# -- spin reference tables -----------------------------------------------------------------
TABLES_FILE = "spin_tables.compact.bin"
# Each value of a lazy table is its own compressed record: a look-up decodes that value only,
# so the first article touches a few hundred small records instead of every value (measured:
# the eager load took 0.8 s of the start-up), and decoded values stay decoded. Blocks of 8
# values decoded 7 neighbours per look-up the run mostly never read (issue 19: on 120 bench
# articles 2.7 s of marshal and zlib for 1.6 million decoded strings; one-value records, 0.9 s
# for 0.8 million; the file grew from 38 to 46 MB).
# The format in the header: a file written in another format is stale.
TABLES_MAGIC = b"alliance-audit spin tables 6 records\n"
# The word-pair arrays of ``quality.pairs.PairTables`` (stored prebuilt: building them from the
# reference statistics took 0.3-0.5 s of every start-up), in this order, each 8-byte aligned.
PAIR_ARRAYS = (("log_p", "<f8"), ("keys", "<i8"), ("log_count", "<f8"))
# The tables the signals look up a few times per candidate (not per word): loaded lazily.
# ("suggest": the suggestion-only originals, read only on documents judged spun.)
LAZY_TABLES = ("synonyms", "succ", "pred", "thesaurus", "by_second", "by_middle", "suggest")
# A lazy table's record offsets: native unsigned 64-bit integers (``array("Q")`` bytes), read
# through a memoryview (one Python int per look-up, not a list of them per process).
OFFSET_TYPE = "Q"


class LazyTable(Mapping):
    """A read-only dict whose values are decoded on first look-up, one value at a time.

    The keys (in their original order) are an ordinary dict from key to position, so
    membership and misses cost one dict look-up; the values stay compressed in the tables
    file (memory-mapped) until their key is read."""

    __slots__ = ("_index", "_data", "_offsets", "_values", "_by_key")

    def __init__(self, keys: list[str], data: Any, offsets: bytes) -> None:
        self._index = dict(zip(keys, range(len(keys)), strict=True))
        self._data = data            # buffer holding the compressed records
        # value i is data[offsets[i]:offsets[i + 1]]
        self._offsets = memoryview(offsets).cast(OFFSET_TYPE)
        self._values: dict[int, Any] = {}
        # The decoded values by key, filled by the compiled look-up (``pipeline.spin._fast``):
        # a read of a decoded value is one dict look-up there instead of two (the position,
        # then the value). Bounded by the table's keys, as ``_values`` is.
        self._by_key: dict[str, Any] = {}

    def _value(self, i: int) -> Any:
        values = self._values
        if i in values:
            return values[i]
        offsets = self._offsets
        v = values[i] = marshal.loads(zlib.decompress(self._data[offsets[i]:offsets[i + 1]]))
        return v

    def __getitem__(self, key: str) -> Any:
        return self._value(self._index[key])

    def get(self, key: str, default: Any = None) -> Any:
        i = self._index.get(key)
        if i is None:
            return default
        return self._value(i)

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def __iter__(self):
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)


def tables_key(models_dir: Path, sources: tuple[str, ...]) -> bytes:
    """Hex sha256 of the source tables (names and bytes) and the marshal format version."""
    h = hashlib.sha256(f"marshal {marshal.version}".encode())
    for name in sources:
        path = models_dir / name
        h.update(name.encode())
        h.update(hashlib.sha256(path.read_bytes()).digest() if path.is_file() else b"-")
    return h.hexdigest().encode()


@lru_cache(maxsize=2)
def load_tables(models_dir: Path, sources: tuple[str, ...]) -> dict[str, Any] | None:
    """The spin tables (reference statistics, their neighbour sets, the thesaurus and its
    multiword index, the word-pair arrays) of ``models_dir`` from :data:`TABLES_FILE`, or None
    (absent, or made from other sources).

    The file: the header, the lengths of the eager part and of the arrays (8 bytes each), the
    eager part (plain dicts, tuples, sets and strings in :mod:`marshal` form, uncompressed:
    ``marshal`` builds values, it runs no code, and reading it straight from the memory-mapped
    file spares a 13 MB decompression at every start), the word-pair arrays (raw little-endian,
    read in place with ``numpy.frombuffer``; ``tables["pairs"]``, the fields of
    ``quality.pairs.PairTables``), then the compressed records of the tables named in
    :data:`LAZY_TABLES`, which are :class:`LazyTable` s over the memory-mapped file."""
    path = models_dir / TABLES_FILE
    if not path.is_file():
        return None
    head = TABLES_MAGIC + tables_key(models_dir, sources) + b"\n\n"
    with path.open("rb") as fh:
        if fh.read(len(head)) != head:
            return None
        data = memoryview(mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ))
    start = len(head) + 16
    eager_len = int.from_bytes(data[len(head):len(head) + 8], "little")
    arrays_len = int.from_bytes(data[len(head) + 8:start], "little")
    tables = marshal.loads(data[start:start + eager_len])
    arrays = data[start + eager_len:start + eager_len + arrays_len]
    blob = data[start + eager_len + arrays_len:]
    pairs = tables["pairs"]
    for name, dtype in PAIR_ARRAYS:
        offset, count = pairs[name]
        pairs[name] = np.frombuffer(arrays, dtype=dtype, count=count, offset=offset)
    lazy = {name: LazyTable(keys, blob, offsets)
            for name, (keys, offsets) in tables.pop("lazy").items()}
    ref = tables["reference"]
    ref["synonyms"] = lazy["synonyms"]
    tables["neighbours"] = (lazy["succ"], lazy["pred"])
    tables["thesaurus"] = (lazy["thesaurus"], *tables["thesaurus"], lazy["suggest"])
    tables["multiword"] = (lazy["by_second"], lazy["by_middle"])
    return tables


# -- wordfreq's English Zipf frequencies ----------------------------------------------------
WORDFREQ_FILE = "wordfreq_en.compact.bin"
WORDFREQ_MAGIC = b"alliance-audit wordfreq en 1\n"
# The words the runtime looks up are runs of lower-case ASCII letters (glued-word parts, host
# name pieces): wordfreq reads such a word as one token, itself, so its Zipf frequency is the
# stored value of the word, or that of an unknown word. Anything else goes to wordfreq.
_PLAIN_WORD = re.compile(r"[a-z]+")


def wordfreq_key() -> bytes | None:
    """Hex sha256 of wordfreq's code and English word list (found without importing it), or
    None when wordfreq is not installed."""
    from importlib.util import find_spec

    spec = find_spec("wordfreq")
    if spec is None or not spec.origin:
        return None
    root = Path(spec.origin).parent
    h = hashlib.sha256()
    for path in (root / "__init__.py", root / "data" / "large_en.msgpack.gz"):
        h.update(path.name.encode())
        h.update(hashlib.sha256(path.read_bytes()).digest() if path.is_file() else b"-")
    return h.hexdigest().encode()


class ZipfTable:
    """``word -> wordfreq.zipf_frequency(word, "en")`` for the plain words of wordfreq's
    English list: an open-addressing hash table (``zlib.crc32`` of the ASCII bytes, linear
    probing) over the memory-mapped :data:`WORDFREQ_FILE`, read in place.

    The file: the header, then five little-endian 8-byte fields (words ``n``, slots (a power of
    two), blob length, the unknown word's value as float64, 0), the slots (uint32: word index +
    1, 0 empty), the word offsets (uint32, ``n + 1``), the values (float64, ``n``), and the
    words' ASCII bytes one after another."""

    __slots__ = ("_slots", "_offsets", "_values", "_blob", "_mask", "unknown")

    def __init__(self, data: memoryview) -> None:
        n, n_slots, blob_len = (int.from_bytes(data[i:i + 8], "little") for i in (0, 8, 16))
        self.unknown = float(np.frombuffer(data[24:32], dtype="<f8")[0])
        at = 40
        self._slots = data[at:at + 4 * n_slots].cast("I")
        at += 4 * n_slots
        self._offsets = data[at:at + 4 * (n + 1)].cast("I")
        at += 4 * (n + 1)
        self._values = data[at:at + 8 * n].cast("d")
        at += 8 * n
        self._blob = data[at:at + blob_len]
        self._mask = n_slots - 1

    def find(self, word: bytes) -> int:
        """The index of ``word`` (ASCII bytes), or -1."""
        slots, offsets, blob, mask = self._slots, self._offsets, self._blob, self._mask
        h = zlib.crc32(word) & mask
        while True:
            j = slots[h]
            if not j:
                return -1
            if blob[offsets[j - 1]:offsets[j]] == word:
                return j - 1
            h = (h + 1) & mask

    def zipf(self, word: str) -> float | None:
        """The Zipf frequency of a plain word (lower-case ASCII letters), else None."""
        if not _PLAIN_WORD.fullmatch(word):
            return None
        i = self.find(word.encode("ascii"))
        return self._values[i] if i >= 0 else self.unknown


@lru_cache(maxsize=2)
def load_zipf_table(models_dir: Path) -> ZipfTable | None:
    """The :class:`ZipfTable` of ``models_dir``, or None (absent, or made from another
    wordfreq: its code and English list are in the header)."""
    path = models_dir / WORDFREQ_FILE
    if not path.is_file():
        return None
    key = wordfreq_key()
    if key is None:
        return None
    head = WORDFREQ_MAGIC + key + b"\n\n"
    with path.open("rb") as fh:
        if fh.read(len(head)) != head:
            return None
        data = memoryview(mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ))
    return ZipfTable(data[len(head):])


def zipf_en(word: str) -> float:
    """``wordfreq.zipf_frequency(word, "en")``, value for value (``tests/test_compact.py``):
    read from :data:`WORDFREQ_FILE` for plain words, so the run does not import wordfreq and
    load its list (0.15-0.3 s of the start-up); any other word, or without a current file,
    from wordfreq itself."""
    table = load_zipf_table(MODELS_DIR)
    if table is not None:
        value = table.zipf(word)
        if value is not None:
            return value
    from wordfreq import zipf_frequency

    return zipf_frequency(word, "en")
