"""Writes the compact form the runtime loads (``python -m workbench compact``, ``make compact``).

``pipeline.compact`` documents the forms and reads them: ``models/<name>.compact.npz`` next to
each ``.skops`` model, and ``models/spin_tables.compact.bin`` (the spin reference statistics,
their neighbour sets, the thesaurus and its multiword index). Writing needs scikit-learn and
the parsed TSV tables, so it lives here, off the runtime's import graph.
"""

from __future__ import annotations

import dataclasses
import json
import marshal
import sys
import zipfile
import zlib
from array import array
from pathlib import Path
from typing import Any

import numpy as np

from pipeline import compact
from pipeline.alliance import model as alliance_model
from pipeline.quality import pairs
from pipeline.spin import detector, reference, thesaurus

# Fixed time stamp: the same model gives the same bytes (the cache fingerprint reads them).
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def save_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """An ``.npz`` file numpy reads, written byte-reproducibly."""
    tmp = path.with_name(path.name + ".tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in sorted(arrays):
            info = zipfile.ZipInfo(name + ".npy", date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(info, "w", force_zip64=True) as fh:
                np.lib.format.write_array(fh, np.asanyarray(arrays[name]), allow_pickle=False)
    tmp.replace(path)


def spin_arrays(models: dict[str, Any], sha256: str) -> dict[str, np.ndarray]:
    """The compact arrays of a loaded ``spin_detector.skops`` bundle."""
    word, doc = models["word_model"], models["doc_model"]
    if word.n_trees_per_iteration_ != 1 or word.is_categorical_ is not None:
        raise ValueError("compact form: binary word model with numeric features only")
    scaler, logistic = doc[0], doc[-1]
    if len(doc) != 2 or not (scaler.with_mean and scaler.with_std) or len(logistic.classes_) != 2:
        raise ValueError("compact form: document model must be StandardScaler + binary LogisticRegression")
    nodes = [p[0].nodes for p in word._predictors]
    offsets = np.cumsum([0] + [len(n) for n in nodes]).astype(np.int64)
    allnodes = np.concatenate(nodes)
    if allnodes["is_categorical"].any():
        raise ValueError("compact form: categorical splits are not supported")
    rest = {k: v for k, v in models.items() if k not in ("word_model", "doc_model")}
    return {
        "skops_sha256": np.array(sha256),
        "trees_baseline": np.asarray(word._baseline_prediction, dtype=np.float64).reshape(()),
        "trees_offsets": offsets,
        "trees_feature": allnodes["feature_idx"].astype(np.int64),
        "trees_threshold": allnodes["num_threshold"].astype(np.float64),
        "trees_missing_left": allnodes["missing_go_to_left"].astype(np.uint8),
        "trees_left": allnodes["left"].astype(np.int64),
        "trees_right": allnodes["right"].astype(np.int64),
        "trees_is_leaf": allnodes["is_leaf"].astype(np.uint8),
        "trees_value": allnodes["value"].astype(np.float64),
        "trees_max_depth": np.array(int(allnodes["depth"].max())),
        "doc_mean": np.asarray(scaler.mean_, dtype=np.float64),
        "doc_scale": np.asarray(scaler.scale_, dtype=np.float64),
        "doc_coef": np.asarray(logistic.coef_, dtype=np.float64),
        "doc_intercept": np.asarray(logistic.intercept_, dtype=np.float64),
        "rest_json": np.array(json.dumps(rest, sort_keys=True)),
    }


def alliance_arrays(bundle: dict[str, Any], sha256: str) -> dict[str, np.ndarray]:
    """The compact arrays of a loaded ``alliance_classifier.skops`` bundle."""
    if not alliance_model.FastScorer(bundle).supported:
        raise ValueError("compact form: the bundle needs the scikit-learn path (char n-grams?)")
    arrays: dict[str, np.ndarray] = {"skops_sha256": np.array(sha256)}
    blocks = []
    for key in ("word", "char", "lemma"):
        vec = bundle.get(key)
        if vec is None:
            continue
        if vec.tokenizer is not None or vec.preprocessor is not None:
            raise ValueError(f"compact form: {key} vectoriser has a custom tokenizer")
        terms = sorted(vec.vocabulary_, key=vec.vocabulary_.__getitem__)
        arrays[f"{key}_terms"] = np.array(terms, dtype=str)
        arrays[f"{key}_idf"] = np.asarray(vec.idf_, dtype=np.float64)
        arrays[f"{key}_params"] = np.array(json.dumps({p: getattr(vec, p) for p in compact.VEC_PARAMS}))
        blocks.append(key)
    arrays["coef"] = np.asarray(bundle["coef"], dtype=np.float64)
    arrays["intercept"] = np.asarray(bundle["intercept"], dtype=np.float64)
    rest = {k: v for k, v in bundle.items()
            if k not in ("word", "char", "lemma", "coef", "intercept")}
    rest["blocks"] = blocks
    arrays["rest_json"] = np.array(json.dumps(rest, sort_keys=True))
    return arrays


def interned(value: Any) -> Any:
    """``value`` with every string in it interned, in containers of the same types.

    ``marshal`` writes an interned string as such and interns it again when loading: each word
    of the lazy tables then exists once in a worker however many decoded blocks hold it
    (measured: the fully decoded lazy tables take 148 MB instead of 316 MB). The eager tables
    stay as they are: interning their million strings slowed the start-up and saved nothing."""
    if isinstance(value, str):
        return sys.intern(value)
    if isinstance(value, dict):
        return {interned(k): interned(v) for k, v in value.items()}
    if isinstance(value, (tuple, list, set, frozenset)):
        return type(value)(interned(v) for v in value)
    return value


def pack_lazy(table: dict[str, Any], blob: bytearray) -> tuple[list[str], bytes]:
    """Append ``table``'s values to ``blob``, each a compressed record: (keys, record offsets
    as :data:`compact.OFFSET_TYPE` array bytes)."""
    keys = interned(list(table))
    offsets = array(compact.OFFSET_TYPE, [len(blob)])
    for value in interned(list(table.values())):
        blob += zlib.compress(marshal.dumps(value), 6)
        offsets.append(len(blob))
    return keys, offsets.tobytes()


def write_tables(models_dir: Path, sources: tuple[str, ...], tables: dict[str, Any]) -> Path:
    """Write :data:`compact.TABLES_FILE` from ``tables`` (the structure :func:`load_tables` returns,
    with plain dicts, and ``"pairs"`` the fields of a ``quality.pairs.PairTables``); kept as it
    is when made from the same sources (the sets' order, and so the bytes, changes from process
    to process)."""
    path = models_dir / compact.TABLES_FILE
    head = compact.TABLES_MAGIC + compact.tables_key(models_dir, sources) + b"\n\n"
    if path.is_file():
        with path.open("rb") as fh:
            if fh.read(len(head)) == head:
                return path
    ref_fields = dict(tables["reference"])
    table, *thesaurus_rest, suggest = tables["thesaurus"]
    lazy_tables = {"synonyms": ref_fields.pop("synonyms"), "succ": tables["neighbours"][0],
                   "pred": tables["neighbours"][1], "thesaurus": table,
                   "by_second": tables["multiword"][0], "by_middle": tables["multiword"][1],
                   "suggest": suggest}
    blob = bytearray()
    lazy = {name: pack_lazy(lazy_tables[name], blob) for name in compact.LAZY_TABLES}
    # The pair arrays, raw and 8-byte aligned; the eager part holds their (offset, count) and
    # the rest of the fields. The vocabulary's words are the ``zipf`` dict's own strings, so
    # marshal writes each once (a reference the second time) and the load shares them.
    pairs = dict(tables["pairs"])
    raw = bytearray()
    for name, dtype in compact.PAIR_ARRAYS:
        arr = np.ascontiguousarray(pairs[name], dtype=dtype)
        raw += bytes(-len(raw) % 8)
        pairs[name] = (len(raw), len(arr))
        raw += arr.tobytes()
    eager = marshal.dumps({"reference": ref_fields, "thesaurus": tuple(thesaurus_rest),
                           "lazy": lazy, "pairs": pairs})
    start = len(head) + 16
    eager += bytes(-(start + len(eager)) % 8)     # the arrays start 8-byte aligned in the file
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(head + len(eager).to_bytes(8, "little") + len(raw).to_bytes(8, "little")
                    + eager + raw + blob)
    tmp.replace(path)
    compact.load_tables.cache_clear()
    return path


def compact_tables(models_dir: Path) -> Path | None:
    """Write the compact spin tables of ``models_dir`` (:data:`pipeline.compact.TABLES_FILE`):
    the parsed reference statistics, their neighbour sets, the thesaurus and the word-pair
    arrays the quality rules read (``quality.pairs.build_tables``)."""
    d = Path(models_dir)
    if not all((d / name).is_file() for name in reference.TABLE_SOURCES):
        return None
    ref = reference.parse_reference(d)
    succ, pred = ref.neighbours()
    fields = {name: getattr(ref, name) for name in (
        "zipf", "dom_uni", "gen_bi", "dom_bi", "synonyms", "pos", "pos_bigram_logp",
        "phrase_counts", "dom_words", "meta")}
    parsed = thesaurus._parse_thesaurus(d)
    built = pairs.build_tables(ref)
    pair_fields = {f.name: getattr(built, f.name) for f in dataclasses.fields(built)}
    return write_tables(d, reference.TABLE_SOURCES, {"reference": fields, "neighbours": (succ, pred),
                                                     "thesaurus": parsed,
                                                     "multiword": thesaurus._multiword_index(parsed[0]),
                                                     "pairs": pair_fields})


def compact_wordfreq(models_dir: Path) -> Path | None:
    """Write :data:`pipeline.compact.WORDFREQ_FILE`: ``wordfreq.zipf_frequency(w, "en")`` of
    every plain word (lower-case ASCII letters) of wordfreq's English list, as wordfreq itself
    computes it, and of an unknown plain word (see :class:`pipeline.compact.ZipfTable`). Kept
    as it is when made from the same wordfreq. None without wordfreq."""
    key = compact.wordfreq_key()
    if key is None:
        return None
    path = Path(models_dir) / compact.WORDFREQ_FILE
    head = compact.WORDFREQ_MAGIC + key + b"\n\n"
    if path.is_file():
        with path.open("rb") as fh:
            if fh.read(len(head)) == head:
                return path
    from wordfreq import get_frequency_dict, zipf_frequency

    known = get_frequency_dict("en")
    words = sorted(w for w in known if compact._PLAIN_WORD.fullmatch(w))
    unknown = next(w for w in ("zq" * k for k in range(1, 100)) if w not in known)
    n_slots = 1 << max(2 * len(words), 1).bit_length()      # at most half full
    slots = np.zeros(n_slots, dtype="<u4")
    offsets = np.zeros(len(words) + 1, dtype="<u4")
    blob = bytearray()
    for i, w in enumerate(words):
        b = w.encode("ascii")
        h = zlib.crc32(b) & (n_slots - 1)
        while slots[h]:
            h = (h + 1) & (n_slots - 1)
        slots[h] = i + 1
        blob += b
        offsets[i + 1] = len(blob)
    values = np.array([zipf_frequency(w, "en") for w in words], dtype="<f8")
    fields = (len(words).to_bytes(8, "little") + n_slots.to_bytes(8, "little")
              + len(blob).to_bytes(8, "little")
              + np.array([zipf_frequency(unknown, "en")], dtype="<f8").tobytes() + bytes(8))
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(head + fields + slots.tobytes() + offsets.tobytes() + values.tobytes() + bytes(blob))
    tmp.replace(path)
    compact.load_zipf_table.cache_clear()
    return path


def write_all(models_dir: Path) -> list[Path]:
    """(Re)write the compact file of each ``.skops`` model in ``models_dir``."""
    written = []
    for name, read, convert in (
        ("spin_detector.skops", detector._load_skops, spin_arrays),
        ("alliance_classifier.skops", alliance_model.load_skops, alliance_arrays),
    ):
        skops_path = models_dir / name
        if not skops_path.is_file():
            continue
        out = compact.compact_path(skops_path)
        save_npz(out, convert(read(skops_path), compact.sha256_of(skops_path)))
        written.append(out)
    for derived in (compact_tables(models_dir), compact_wordfreq(models_dir)):
        if derived is not None:
            written.append(derived)
    return written
