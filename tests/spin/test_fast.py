"""The compiled spin kernels (``pipeline/spin/_fast.pyx``) give bit-identical results to the
pure-Python reference: function by function, on the demo corpus and on generated text, and
end to end against a process forced to the pure Python (``ALLIANCE_AUDIT_PURE_PYTHON=1``)."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from pipeline.spin import compiled, detector, spans, suggest, terms, thesaurus, tokens, words
from pipeline.spin.signals import base

_fast = pytest.importorskip("pipeline.spin._fast", reason=(
    "pipeline.spin._fast is not built (`make install` compiles it when Cython and a C compiler are "
    "available); the pure-Python code runs, nothing to compare"))

ROOT = Path(__file__).resolve().parents[2]
# Modules that bound the kernels at import: (module, name, pure-Python version).
_PURE = [
    (words, "_rows", words._py_rows),
    (spans, "_ratio", spans._py_ratio),
    (spans, "_key_info", spans._py_key_info),
    (suggest, "_static_cands", suggest._py_static_cands),
    (spans, "_hits", spans._py_hits),
    (spans, "respelt", spans._py_respelt),
    (spans, "_variant", spans._py_variant),
    (suggest, "respelt", spans._py_respelt),
    (suggest, "_best", suggest._py_best),
    *((m, "_inflections", base._py_inflections) for m in (base, spans, suggest, terms, thesaurus)),
    (base, "inflect", base._py_inflect),
    (thesaurus, "inflect", base._py_inflect),
    (base, "candidates", base._py_candidates),
    (words, "candidates", base._py_candidates),
    (detector, "_TREE_RAW", None),
    (tokens, "_tokens", tokens._py_tokens),
    (base, "_hits_loop", base._py_hits_loop),
    (terms, "_windows", terms._py_windows),
    (spans, "text_phrases", spans._py_text_phrases),
    (spans, "_weigh", spans._py_weigh),
    *((spans._Model, name, f) for name, f in spans._PY_METHODS.items()),
]


@contextlib.contextmanager
def _kernels(pure: bool):
    """The pure-Python kernels (or the compiled ones) with every memo table emptied, so each
    side computes its own values instead of reading the other's."""
    saved = [(obj, name, getattr(obj, name)) for obj, name, _ in _PURE]
    if pure:
        for obj, name, f in _PURE:
            setattr(obj, name, f)
    words._STATS.clear()
    spans._MODELS.clear()
    suggest._STATIC.clear()
    thes = thesaurus.load_thesaurus()
    if thes is not None:
        thes.memo.clear()
        thes.extra_memo.clear()
    try:
        yield
    finally:
        for obj, name, f in saved:
            setattr(obj, name, f)


def _corpus_texts() -> list[str]:
    from pipeline.config import load_settings
    from pipeline.ingest import read_corpus

    return [a.text for a in read_corpus(ROOT / "corpus", load_settings().ingest)
            if getattr(a, "language", "") == "en"]


def _outputs(texts: list[str]) -> list:
    """Word features (as bytes), span hits and the detector's result for each text."""
    from pipeline.spin.detector import get_detector
    from pipeline.spin.tokens import tokenize

    det = get_detector()
    out = []
    for text in texts:
        toks = tokenize(text)
        idx, X, sugg = words.word_features(toks, det.ref, det.cfg)
        hits = spans.span_evidence(toks, det.thes, det.ref, det.cfg) if det.thes else []
        out.append((idx, X.tobytes(), sugg, hits))
    return [*out, det.detect_many(texts)]


def _both(texts: list[str]) -> tuple[list, list]:
    with _kernels(pure=True):
        pure = _outputs(texts)
    with _kernels(pure=False):
        fast = _outputs(texts)
    return pure, fast


def test_the_compiled_kernels_are_the_ones_in_use():
    if os.environ.get(compiled.PURE_PYTHON_ENV, "").strip() not in ("", "0"):
        pytest.skip(f"{compiled.PURE_PYTHON_ENV} is set: the pure Python runs by request")
    assert compiled.active()
    assert words._rows is _fast.rows and spans._ratio is _fast.ratio
    assert spans._Model.lbi is _fast.lbi and base._inflections is _fast.inflections
    assert len(words._CONTEXT) == _fast.N_CONTEXT
    assert base.candidates is _fast.candidates and detector._TREE_RAW is _fast.tree_raw
    assert suggest._best is _fast.best_original and spans._hits is _fast.span_hits
    assert tokens._tokens is _fast.tokens and base._hits_loop is _fast.ngram_hits
    assert terms._windows is _fast.term_windows and spans.text_phrases is _fast.text_phrases
    assert spans._key_info is _fast.key_info and suggest._static_cands is _fast.static_cands
    assert spans._Model.rare is _fast.rare
    assert spans._weigh is _fast.weigh_hits


def test_demo_corpus_is_bit_identical():
    texts = _corpus_texts()
    assert texts
    pure, fast = _both(texts)
    assert pure == fast


_WORDS = ["the", "therapy", "therapist", "restorative", "alliance", "client", "goals", "of",
          "and", "trust", "bond", "feel", "flavors", "colour", "color", "counselling",
          "counseling", "matters", "within", "work", "time", "Session", "agree", "tasks",
          "depended", "on", "marvel", "if", "I", "wonder", "curative", "helpful", "centre"]
_TOKEN = st.one_of(st.sampled_from(_WORDS), st.sampled_from(_WORDS).map(str.capitalize),
                   st.sampled_from([".", ",", "!", "?", ":", "’s", "3", "\n\n", "\"", "“"]),
                   st.text(alphabet="abcdeilnorstuyİé’'", min_size=1, max_size=10))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(_TOKEN, min_size=0, max_size=60), min_size=1, max_size=3))
def test_generated_text_is_bit_identical(docs):
    texts = [" ".join(d) for d in docs]
    pure, fast = _both(texts)
    assert pure == fast


_WORD = st.text(alphabet="abdeilnorsuyzİé’' ", min_size=0, max_size=14)


@settings(max_examples=300, deadline=None)
@given(_WORD, _WORD)
@example("early", "earlier")
@example("tries", "try")
@example("stopped", "stop")
@example("running", "runs")
@example("colour scheme", "color schemes")
@example("centre", "center")
@example("İi", "i̇i")
def test_spelling_kernels_are_bit_identical(a, b):
    assert _fast.inflections(a) == base._py_inflections(a)
    assert _fast.variant(a, b) == spans._py_variant(a, b)
    assert _fast.respelt(a, b) == spans._py_respelt(a, b)
    assert _fast.respelt(a, a + "s") == spans._py_respelt(a, a + "s")


def test_pure_python_process_gives_the_same_results():
    """The whole detector in a process where the switch forces the fallback."""
    texts = _corpus_texts()
    script = ("import json, sys\nfrom pipeline.spin import compiled\n"
              "from pipeline.spin.detector import get_detector\n"
              "assert not compiled.active()\n"
              "print(json.dumps(get_detector().detect_many(json.load(sys.stdin))))\n")
    env = {**os.environ, compiled.PURE_PYTHON_ENV: "1"}
    res = subprocess.run([sys.executable, "-c", script], input=json.dumps(texts), env=env,
                         capture_output=True, text=True, check=True, cwd=ROOT)
    with _kernels(pure=False):
        from pipeline.spin.detector import get_detector

        fast = json.loads(json.dumps(get_detector().detect_many(texts)))
    assert json.loads(res.stdout) == fast


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(_WORDS + ["tries", "stopped", "running", "happily", "hopes", "agreed",
                                 "feelings", "therapies", "worried", "a", ""])
       | st.text(alphabet="abdeilnorsuyé ", min_size=0, max_size=12),
       st.sampled_from(["", "s", "ed", "ing", "ly"]))
def test_candidates_and_inflect_are_identical(word, suffix):
    from pipeline.spin.detector import get_detector

    ref = get_detector().ref
    assert _fast.candidates(word, ref) == base._py_candidates(word, ref)
    assert _fast.inflect(word, suffix, ref.zipf) == base._py_inflect(word, suffix, ref.zipf)


def test_inflect_rejects_an_unknown_suffix_like_the_python():
    with pytest.raises(KeyError):
        base._py_inflect("walk", "er", {})
    with pytest.raises(KeyError):
        _fast.inflect("walk", "er", {})


def test_tree_walk_is_bit_identical():
    """The compiled walk of the word scorer's trees against ``Trees.raw``: real feature rows,
    missing values and values on the thresholds themselves."""
    import numpy as np

    from pipeline.compact import Trees
    from pipeline.spin.detector import get_detector
    from pipeline.spin.tokens import tokenize

    det = get_detector()
    if not isinstance(det.word_model, Trees):
        pytest.skip("the word model is not in its compact form")
    trees = det.word_model
    mats = [words.word_features(tokenize(t), det.ref, det.cfg)[1] for t in _corpus_texts()]
    X = np.vstack(mats).astype(np.float32)
    rng = np.random.default_rng(0)
    X[rng.random(X.shape) < 0.05] = np.nan
    inner = ~trees.is_leaf
    on = X[: int(inner.sum())].astype(np.float64)
    on[np.arange(len(on)), trees.feature[inner][: len(on)]] = trees.threshold[inner][: len(on)]
    X = np.vstack([X, on])
    assert _fast.tree_raw(trees, X).tobytes() == trees.raw(X).tobytes()
    assert _fast.tree_raw(trees, X[:0]).shape == (0,)
    # Rows walk in fours, the rest one by one, in blocks of 64: every remainder, across blocks.
    for n in (1, 2, 3, 4, 5, 7, 63, 64, 65, 66, 67, 68, 131):
        part = X[-n:]
        assert _fast.tree_raw(trees, part).tobytes() == trees.raw(part).tobytes(), n
    assert (trees.predict_proba(X, raw=_fast.tree_raw).tobytes()
            == trees.predict_proba(X).tobytes())


_SPANS = ["restorative", "curative", "helpful", "marvel", "flavors", "therapy", "bond", "trust",
          "depended on", "within the", "remedy", "nervousness", "melancholy", "work", "goals"]
_NEIGHBOURS = [w.lower() for w in _WORDS if w.isalpha()]


def _choice(pure: bool, key: str, left, right, lemmas: frozenset, bonus: float):
    from pipeline.spin.detector import get_detector

    det = get_detector()
    with _kernels(pure=pure):
        m = spans.model_for(det.ref, det.cfg)
        cands = suggest._static(det.thes, det.ref, key, det.cfg)
        joined = " " + " ".join(sorted(lemmas)) + " "
        best = (suggest._py_best if pure else _fast.best_original)(
            m, cands, left, right, lemmas, joined, bonus)
    return cands, best


def test_suggestion_choice_has_originals_to_choose_from():
    cands, best = _choice(False, "restorative", "the", "alliance", frozenset({"therapy"}), 0.5)
    assert len(cands) > 1 and best
    assert (cands, best) == _choice(True, "restorative", "the", "alliance",
                                    frozenset({"therapy"}), 0.5)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_SPANS), st.sampled_from([*_NEIGHBOURS, None]),
       st.sampled_from([*_NEIGHBOURS, None]),
       st.frozensets(st.sampled_from([*_NEIGHBOURS, "healing", "therapeutic", "fear"]), max_size=6),
       st.sampled_from([0.0, 0.7, 2.5]))
def test_suggestion_choice_is_bit_identical(key, left, right, lemmas, bonus):
    """``suggest.choose``'s loop (``best_original``) against ``_py_best``, each with its own
    memo tables, ties and the in-text bonus included."""
    assert _choice(False, key, left, right, lemmas, bonus) == _choice(True, key, left, right,
                                                                      lemmas, bonus)


_TEXT = st.lists(st.one_of(_TOKEN, st.text(min_size=1, max_size=6)), max_size=40).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(_TEXT)
@example("")
@example("Therapy’s goals, agreed: 3 tasks.\n\nTRUST")
def test_tokens_are_identical(text):
    low = tokens.normalise(text)
    assume(len(low) == len(text))   # else tokenize goes token by token, without the kernel
    fast = _fast.tokens(text, low, tokens.TOKEN, tokens.Tok)
    assert fast == tokens._py_tokens(text, low, tokens.TOKEN, tokens.Tok)
    assert all(type(t) is tokens.Tok for t in fast)


# Characters where a hand scanner of TOKEN could part from ``re``: other scripts' digits and
# letters, numbers that are not decimal digits ("²", "½", "Ⅻ"), the joiners, "_", every kind of
# white space, combining marks, symbols, surrogates and astral characters.
_EDGE = "aZé'’-.,_0123٣४²½Ⅻ \t\n\r\x0b\x0c\x1c\x85\xa0\u2028\u3000\u0301\u200b!?“”$€😀𝟘ǅ"


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), st.text(alphabet=_EDGE, max_size=40),
                 st.lists(st.sampled_from(["don't", "well-being", "3.5", "1,000", "a_b", "’s",
                                           "--", "x-", "2.", "...", "İ"]), max_size=12)
                 .map(" ".join)))
@example("x'y-z’w 1.2,3 ..a")
@example("¹²³ ½ ٣.٤ ⅻ")
def test_token_scan_is_the_regex(text):
    """The compiled scan of TOKEN (no regex) gives the tokens ``re`` finds, on any text: the
    lower case given is ``text`` itself when ``normalise`` would change its length, as the
    kernel reads the offsets and the first character from ``text`` alone."""
    low = tokens.normalise(text)
    if len(low) != len(text):
        low = text
    fast = _fast.tokens(text, low, tokens.TOKEN, tokens.Tok)
    assert fast == tokens._py_tokens(text, low, tokens.TOKEN, tokens.Tok)
    assert [type(t.is_word) for t in fast] == [bool] * len(fast)


def test_token_scan_keeps_another_pattern():
    """A pattern other than TOKEN is matched by ``re`` itself (the scan knows only TOKEN)."""
    import re

    other = re.compile(r"\w+")
    text = "a_b c1 d"
    assert _fast.tokens(text, text, other, tokens.Tok) == tokens._py_tokens(text, text, other,
                                                                             tokens.Tok)
    assert [t.text for t in _fast.tokens(text, text, other, tokens.Tok)] == ["a_b", "c1", "d"]


_PHRASES = {1: {"marvel": "wonder", "tasks": "jobs", "#": "n"},
            2: {"i marvel": "i wonder", "of the": "x", "# months": "a year"},
            3: {"the goals of": "aims", "trust and bond": "y", "this # months": "this year"},
            0: {"": "empty"}}


@settings(max_examples=200, deadline=None)
@given(_TEXT, st.sets(st.sampled_from([0, 1, 2, 3])))
@example("I marvel if the goals of therapy, trust and bond.", {0, 1, 2, 3})
@example("This 12 months, 3 tasks; 4.5 months and ² months", {1, 2, 3})
def test_phrase_hits_are_identical(text, lengths):
    toks = tokens.tokenize(text)
    table = {n: _PHRASES[n] for n in sorted(lengths)}
    firsts = frozenset(p.split()[0] for ps in table.values() for p in ps if p)
    assert _fast.ngram_hits(toks, table, firsts) == base._py_hits_loop(toks, table, firsts)
    if lengths == {1, 2, 3} and text.startswith("This 12"):   # "#": a whole number, no more
        assert [h[2] for h in base._py_hits_loop(toks, table, firsts)] == [
            "this # months", "#", "# months", "#", "tasks"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(sorted(terms.domain_terms()[2])[:300]), _TOKEN),
                max_size=40).map(" ".join))
@example("the therapeutic alliance and the working alliance, goals of therapy")
def test_term_windows_are_identical(text):
    toks = tokens.tokenize(text)
    by_len, _, index = terms.domain_terms()
    sizes = sorted(by_len, reverse=True)
    assert _fast.term_windows(toks, index, sizes) == terms._py_windows(toks, index, sizes)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(_WORDS)), max_size=30),
       st.sets(st.integers(min_value=0, max_value=4)))
@example(["the", "goals", None, "of", "the", "goals"], {1, 2, 3})
def test_phrase_counts_are_identical(lows, lengths):
    assert _fast.text_phrases(lows, lengths) == spans._py_text_phrases(lows, lengths)


_PIECE = st.one_of(st.sampled_from(["the", "goals", "of", "therapy", "", "a b", "’s"]),
                   st.text(alphabet="ab é", max_size=4))


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECE, max_size=12), st.lists(_PIECE, min_size=1, max_size=4),
       st.sampled_from([" {} ", "{}", " {}", "{} ", "  {}  "]))
@example(["the", "goals", "of", "therapy"], ["goals", "of"], " {} ")
@example([], [""], " {} ")
@example(["a", "", "b"], ["", "b"], " {} ")
def test_phrase_in_text_is_identical(words, phrase, frame):
    """``best_original``'s in-text test of a phrase (runs of the text's words, the text read
    once) against the substring test of ``_py_best``, odd spacing included."""
    joined = frame.format(" ".join(words))
    c = " ".join(phrase)
    assert _fast.in_joined(c, joined) == (" " + c + " " in joined)
    # The same text again (its runs are kept): still the substring test's answer.
    assert _fast.in_joined(c + " x", joined) == (" " + c + " x " in joined)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([*_SPANS, *_NEIGHBOURS, "remedies", "healing process", "fears"]))
def test_span_facts_and_suggestion_originals_are_identical(key):
    """``spans._key_info`` and ``suggest._static_cands`` (each side with its own memo tables)."""
    from pipeline.spin.detector import get_detector

    det = get_detector()
    out = []
    for pure in (True, False):
        with _kernels(pure=pure):
            m = spans.model_for(det.ref, det.cfg)
            out.append((spans._key_info(m, det.thes, key),
                        suggest._static_cands(det.thes, det.ref, m, key, 0.5, 0.3, 2.0)))
    assert out[0] == out[1]


_SPAN_WORDS = ["stay", "on", "the", "goals", "of", "and", "trust", "bond", "for", "allows"]
_SPAN = st.lists(st.sampled_from(_SPAN_WORDS), min_size=1, max_size=3).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from(_SPAN_WORDS)), max_size=30),
       st.lists(st.tuples(st.integers(0, 29), st.integers(0, 2),
                          st.floats(-5, 5, allow_nan=False) | st.just(float("-inf")),
                          st.one_of(st.just(""), _SPAN), _SPAN), max_size=8),
       st.dictionaries(st.lists(st.sampled_from(_SPAN_WORDS), min_size=3, max_size=3)
                       .map(" ".join), st.integers(1, 9), max_size=12),
       st.lists(st.floats(-3, 3, allow_nan=False) | st.just(0.0), min_size=8, max_size=8),
       st.lists(st.integers(1, 6), max_size=3))
@example([None, "stay", "on", None], [(1, 1, 0.5, "stay on", "stay")], {}, [0.0] * 8, [])
def test_hit_weights_are_bit_identical(lows, raw_hits, tri, logs, steps):
    """``spans.weigh_in_text``'s loop (``weigh_hits``) against ``_py_weigh``: written counts,
    a span holding its original, shapes, stop words and trigram steps (ties and zeros too)."""
    lows = [*lows, None]
    hits = [spans.SpanHit(i, min(i + d, len(lows) - 1), lr, orig, key)
            for i, d, lr, orig, key in raw_hits if i < len(lows)]
    counts: dict[str, int] = {}
    for w in lows:
        if w is not None:
            counts[w] = counts.get(w, 0) + 1
    phrases = spans._py_text_phrases(lows, {1, 2, 3})
    factors = tuple(logs[:7])
    tri_steps = [(k, logs[7] + k) for k in sorted(set(steps))]
    args = (hits, lows, counts, phrases, factors, tri, tri_steps, logs[6])
    fast = _fast.weigh_hits(*args)
    pure = spans._py_weigh(*args)
    assert repr(fast) == repr(pure)   # repr: -0.0 and 0.0 differ too
    assert [type(h) for h in fast] == [spans.SpanHit] * len(pure)
    assert [type(h.log_lr) for h in fast] == [type(h.log_lr) for h in pure]
