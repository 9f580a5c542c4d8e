"""The compact models (``models/*.compact.npz``) predict exactly what the ``.skops`` models do,
are current (made from the committed ``.skops`` bytes), and are what the runtime loads."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from pipeline import compact
from pipeline.alliance import model as model_io
from pipeline.paths import MODELS_DIR
from pipeline.spin import detector
from workbench import compact as compact_write

SPIN = MODELS_DIR / "spin_detector.skops"
ALLIANCE = MODELS_DIR / "alliance_classifier.skops"
DEMO = Path(__file__).resolve().parents[1] / "corpus" / "mindfulpath.example"


def _demo_texts() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(DEMO.glob("*.txt"))]


@pytest.mark.parametrize("skops_path", [SPIN, ALLIANCE], ids=lambda p: p.name)
def test_committed_compact_file_is_current(skops_path):
    path = compact.compact_path(skops_path)
    assert path.is_file(), f"{path.name} missing: run `make compact`"
    with np.load(path, allow_pickle=False) as npz:
        stored = str(npz["skops_sha256"])
    assert stored == compact.sha256_of(skops_path), (
        f"{path.name} was made from another {skops_path.name}: run `make compact`")


@pytest.fixture(scope="module")
def spin_models():
    return detector._load_skops(SPIN), compact.load_spin(SPIN)


def test_runtime_loads_the_compact_spin_models(spin_models):
    assert isinstance(detector._load_models(SPIN)["word_model"], compact.Trees)
    skops_models, light = spin_models
    for key in skops_models:
        if key not in ("word_model", "doc_model"):
            assert light[key] == skops_models[key]


def test_spin_predictions_are_bit_identical(spin_models):
    skops_models, light = spin_models
    det = detector.Detector(models=skops_models)
    preps = [det._prepare(t) for t in _demo_texts()]
    X = np.vstack([p["X"] for p in preps])
    X = np.vstack([X, X[:5]])
    X[-5:, 0] = np.nan   # missing values go where the trees send them
    assert len(X) > 500
    expected = skops_models["word_model"].predict_proba(X)
    assert np.array_equal(light["word_model"].predict_proba(X), expected)
    p = [skops_models["word_model"].predict_proba(pr["X"])[:, 1] for pr in preps]
    feats = [det._doc_features(pr, pi) for pr, pi in zip(preps, p, strict=True)]
    rows = np.array([[f.get(n, 0.0) for n in det.doc_feature_names] for f in feats])
    rows = np.vstack([rows, np.random.default_rng(0).uniform(0, 5, (200, rows.shape[1]))])
    assert np.array_equal(light["doc_model"].predict_proba(rows),
                          skops_models["doc_model"].predict_proba(rows))


def test_detector_results_are_identical(spin_models):
    skops_models, light = spin_models
    texts = _demo_texts()
    assert (detector.Detector(models=light).detect_many(texts)
            == detector.Detector(models=skops_models).detect_many(texts))


def test_alliance_predictions_are_bit_identical():
    from scipy import sparse

    full, light = model_io.load_skops(ALLIANCE), compact.load_alliance(ALLIANCE)
    # The shipped bundle's TF-IDF blocks (lemmas; word forms only in bundles that use them)
    # come from the compact form.
    loaded = model_io.load(ALLIANCE)
    blocks = [key for key in ("word", "char", "lemma") if loaded[key] is not None]
    assert blocks and all(loaded[key].__class__ is compact.Vectorizer for key in blocks)
    for key in full:
        if key not in ("word", "char", "lemma", "coef", "intercept"):
            assert light[key] == full[key]
    texts = [s for t in _demo_texts() for s in t.split(".") if s.strip()]
    lemmas = [s.lower() for s in texts]
    rng = np.random.default_rng(0)
    n_rules = len(full["rule_names"]) + 5
    rows = [sorted(set(rng.integers(0, n_rules, rng.integers(0, 4)).tolist())) for _ in texts]
    fast_full, fast_light = model_io.FastScorer(full), model_io.FastScorer(light)
    got = fast_light.proba(texts, lemmas, rows)
    assert np.array_equal(got, fast_full.proba(texts, lemmas, rows))

    # FastScorer's own sparse product equals scipy's, which it used before.
    cols, vals, indptr = [], [], [0]
    for text, lemma, rule in zip(texts, lemmas, rows, strict=True):
        for key, vocab, idf, offset, _ in fast_full.blocks:
            fast_full._block(key, lemma if key == "lemma" else text, vocab, idf, offset, cols, vals)
        cols += [fast_full.rule_offset + k for k in rule]
        vals += [fast_full.rule_weight] * len(rule)
        indptr.append(len(cols))
    x = sparse.csr_matrix((vals, cols, indptr), shape=(len(texts), fast_full.coef.shape[1]))
    z = np.asarray(x @ fast_full.coef.T) + fast_full.intercept
    assert np.array_equal(got, 1.0 / (1.0 + np.exp(-z)))


def test_expit_equals_scipy():
    from scipy.special import expit

    z = np.concatenate([np.linspace(-40, 40, 20001), np.random.default_rng(1).normal(0, 5, 20000)])
    assert np.array_equal(compact._expit(z), expit(z))


def test_stale_or_missing_compact_file_falls_back(tmp_path):
    skops_path = tmp_path / "spin_detector.skops"
    skops_path.write_bytes(SPIN.read_bytes())
    assert compact.load_spin(skops_path) is None             # no compact file
    compact.compact_path(skops_path).write_bytes(compact.compact_path(SPIN).read_bytes())
    assert compact.load_spin(skops_path) is not None
    skops_path.write_bytes(SPIN.read_bytes() + b"\0")        # other model bytes
    assert compact.load_spin(skops_path) is None
    assert not isinstance(detector._load_models(skops_path)["word_model"], compact.Trees)


def test_write_all_is_reproducible(tmp_path):
    for src in (SPIN, ALLIANCE):
        (tmp_path / src.name).write_bytes(src.read_bytes())
    written = compact_write.write_all(tmp_path)
    assert [p.name for p in written][:2] == ["spin_detector.compact.npz", "alliance_classifier.compact.npz"]
    for path in written:
        assert path.read_bytes() == (MODELS_DIR / path.name).read_bytes()


def test_loading_compact_models_imports_no_sklearn():
    import subprocess

    code = ("import sys; from pipeline.spin.detector import _load_models; "
            "from pipeline.alliance.model import load; from pipeline.paths import MODELS_DIR; "
            "_load_models(MODELS_DIR / 'spin_detector.skops'); "
            "load(MODELS_DIR / 'alliance_classifier.skops'); "
            "print(sorted(m for m in ('sklearn', 'skops', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_compact_spin_tables_are_current_and_equal_the_parsed_ones():
    from pipeline.spin import reference, thesaurus

    tables = compact.load_tables(MODELS_DIR, reference.TABLE_SOURCES)
    assert tables is not None, "models/spin_tables.compact.bin missing or stale: run `make install` (or `make compact`)"
    parsed = reference.parse_reference(MODELS_DIR)
    for name, value in tables["reference"].items():
        assert value == getattr(parsed, name), name
        assert list(value) == list(getattr(parsed, name)) if isinstance(value, dict) else True
    assert tables["neighbours"] == parsed.neighbours()
    table, antonyms, firsts, seconds, extra = thesaurus._parse_thesaurus(MODELS_DIR)
    assert tables["thesaurus"][0] == table and list(tables["thesaurus"][0]) == list(table)
    assert tables["thesaurus"][1:4] == (antonyms, firsts, seconds)
    assert tables["thesaurus"][4] == extra and list(tables["thesaurus"][4]) == list(extra)
    assert tables["multiword"] == thesaurus._multiword_index(table)
    # What the runtime loads is that.
    ref = reference.load_reference()
    assert ref.zipf == parsed.zipf and ref.meta == parsed.meta


def test_stale_spin_tables_are_not_used(tmp_path):
    from pipeline.spin import reference

    for name in (*reference.TABLE_SOURCES, compact.TABLES_FILE):
        (tmp_path / name).write_bytes((MODELS_DIR / name).read_bytes())
    assert compact.load_tables(tmp_path, reference.TABLE_SOURCES) is not None
    compact.load_tables.cache_clear()
    (tmp_path / "spin_antonyms.tsv.gz").write_bytes(b"")
    assert compact.load_tables(tmp_path, reference.TABLE_SOURCES) is None
    compact.load_tables.cache_clear()


def test_lazy_tables_look_up_like_the_eager_dicts():
    from pipeline.spin import reference, thesaurus

    tables = compact.load_tables(MODELS_DIR, reference.TABLE_SOURCES)
    parsed = reference.parse_reference(MODELS_DIR)
    table = thesaurus._parse_thesaurus(MODELS_DIR)[0]
    lazy = tables["thesaurus"][0]
    assert isinstance(lazy, compact.LazyTable) and isinstance(tables["neighbours"][0], compact.LazyTable)
    keys = list(table)
    # Every key of a few blocks (first, last, a middle one) and keys it does not hold.
    for k in keys[:70] + keys[len(keys) // 2:len(keys) // 2 + 40] + keys[-40:]:
        assert k in lazy and lazy[k] == table[k] and lazy.get(k) == table[k]
        assert lazy.get(k) is lazy[k]          # decoded once
    for k in ("", "no such span at all", keys[0] + " x"):
        assert k not in lazy and lazy.get(k) is None and lazy.get(k, ()) == ()
        with pytest.raises(KeyError):
            lazy[k]
    assert len(lazy) == len(table) and list(lazy) == keys
    syn = tables["reference"]["synonyms"]
    assert dict(syn.items()) == parsed.synonyms and list(syn) == list(parsed.synonyms)


def test_lazy_table_round_trip(tmp_path):
    """A table of any size packs and reads back value for value."""
    for n in (0, 1, 2, 9, 23):
        table = {f"k{i}": ({f"v{i}", "x"} if i % 2 else (f"w{i}", i)) for i in range(n)}
        blob = bytearray()
        keys, offsets = compact_write.pack_lazy(table, blob)
        lazy = compact.LazyTable(keys, memoryview(bytes(blob)), offsets)
        assert dict(lazy.items()) == table and list(lazy) == list(table) and len(lazy) == n
        assert "missing" not in lazy and lazy.get("missing", 1) == 1


def test_interned_keeps_values_and_container_types():
    parts = ["wor", "d"]
    value = {"".join(parts): ({"a" + "b", "c"}, frozenset({"x"}), [("y", 1, 2.5, None)])}
    out = compact_write.interned(value)
    assert out == value
    key = next(iter(out))
    assert key is sys.intern("".join(parts))
    sets, fset, rows = out[key]
    assert type(sets) is set and type(fset) is frozenset and type(rows) is list
    assert all(s is sys.intern(s) for s in sets) and type(rows[0]) is tuple


def test_lazy_values_share_one_string_per_word(tmp_path):
    """Two values naming the same word hold one string object (marshal re-interns), so the
    decoded values of a long run do not hold a copy of a word per value."""
    table = {f"k{i}": frozenset({"shared" + "word".upper().lower(), f"own{i}"})
             for i in range(17)}
    blob = bytearray()
    keys, offsets = compact_write.pack_lazy(table, blob)
    lazy = compact.LazyTable(keys, memoryview(bytes(blob)), offsets)
    first = next(w for w in lazy["k0"] if w.startswith("shared"))
    last = next(w for w in lazy["k16"] if w.startswith("shared"))
    assert first == last == "sharedword" and first is last
    assert dict(lazy.items()) == table


def test_prebuilt_pair_arrays_equal_the_ones_built_at_load_time():
    """``quality.pairs.pair_tables`` reads the word-pair arrays stored in the tables file; they
    are what ``build_tables`` makes of the reference statistics, value for value and in order."""
    import dataclasses

    from pipeline.quality import pairs
    from pipeline.spin import reference

    assert reference.prebuilt_pairs() is not None, "models/spin_tables.compact.bin missing or stale: run `make install`"
    stored = pairs.pair_tables()
    built = pairs.build_tables(reference.parse_reference(MODELS_DIR))
    assert list(stored.vocab.items()) == list(built.vocab.items())
    for field in dataclasses.fields(pairs.PairTables):
        a, b = getattr(stored, field.name), getattr(built, field.name)
        if isinstance(b, np.ndarray):
            assert a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes(), field.name
        elif not isinstance(b, dict):
            assert a == b, field.name
    text = "The of the client is very the goals and and therapist a an session."
    assert pairs.pair_counts(text, stored) == pairs.pair_counts(text, built)


def test_wordfreq_table_is_current():
    assert compact.load_zipf_table(MODELS_DIR) is not None, (
        "models/wordfreq_en.compact.bin missing or made from another wordfreq: run `make install`")


def test_zipf_en_equals_wordfreq_on_a_sample():
    """``compact.zipf_en`` returns exactly ``wordfreq.zipf_frequency(w, "en")``: words of
    wordfreq's list, letter strings it mostly does not know, and words that are not plain
    (wordfreq answers those itself)."""
    import random

    from wordfreq import get_frequency_dict, zipf_frequency

    known = sorted(get_frequency_dict("en"))
    rng = random.Random(19)
    letters = "abcdefghijklmnopqrstuvwxyz"
    sample = rng.sample(known, 5000) + known[:200] + known[-200:]
    sample += ["".join(rng.choice(letters) for _ in range(rng.randint(1, 14))) for _ in range(5000)]
    sample += ["", "a", "i", "the", "The", "THE", "don't", "co-op", "café", "naïve", "16.1",
               "affects16", "1million", " the", "the ", "x" * 60, "\u2019s", "ﬁnd"]
    for word in sample:
        got, expected = compact.zipf_en(word), zipf_frequency(word, "en")
        assert got == expected and type(got) is type(expected), word


def test_stale_wordfreq_table_is_not_used(tmp_path):
    good = (MODELS_DIR / compact.WORDFREQ_FILE).read_bytes()
    (tmp_path / compact.WORDFREQ_FILE).write_bytes(good)
    assert compact.load_zipf_table(tmp_path) is not None
    (tmp_path / compact.WORDFREQ_FILE).write_bytes(good.replace(b"wordfreq en 1", b"wordfreq en 0", 1))
    compact.load_zipf_table.cache_clear()
    assert compact.load_zipf_table(tmp_path) is None
    assert compact.load_zipf_table(tmp_path / "absent") is None
    compact.load_zipf_table.cache_clear()


def test_zipf_table_finds_every_word_it_holds(tmp_path, monkeypatch):
    """The hash table answers for its own words and misses the others (a small table written
    by ``compact_wordfreq`` from a fake word list: probing and wrap-around included)."""
    import wordfreq

    freqs = {w: 10 ** (-k / 10) for k, w in enumerate(["the", "of", "zz", "a", "therapy", "x" * 30])}
    monkeypatch.setattr(wordfreq, "get_frequency_dict", lambda lang: freqs)
    monkeypatch.setattr(wordfreq, "zipf_frequency", lambda w, lang: round(9 + np.log10(freqs.get(w, 1e-9)), 2))
    compact_write.compact_wordfreq(tmp_path)
    table = compact.load_zipf_table(tmp_path)
    assert table is not None
    for w, f in freqs.items():
        assert table.zipf(w) == round(9 + np.log10(f), 2)
    assert table.zipf("therapist") == table.unknown == 0.0
    assert table.zipf("Therapy") is None and table.zipf("") is None
    compact.load_zipf_table.cache_clear()
