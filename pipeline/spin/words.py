"""Word-level evidence: features of every content word in its context, for the word scorer.

A spinner leaves each swapped word a little out of place: its neighbours fit it worse than
they fit one of its thesaurus neighbours, it is rare in clean in-domain text while a synonym is
common there (often in the same article), its part of speech does not fit the slot. None of
these is decisive alone, so a small model trained on simulated spins (``train.py``) weighs them;
the features themselves do not name any spinner, so they carry over to spinners never seen.

``word_features(toks, ref, settings)`` returns the token indices judged, a feature matrix (one
row per judged word, columns :data:`FEATURES`) and the best suggestion per word.
"""

from __future__ import annotations

import itertools
import math
import struct
from typing import Any

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS

from pipeline.config import SpinSettings
from pipeline.spin.compiled import FAST
from pipeline.spin.reference import Reference
from pipeline.spin.signals import candidates
from pipeline.spin.tokens import Tok
from pipeline.text import match_case

# No feature measures in-domain rarity on its own (in-domain count, keyness): trained on one
# domain, such features learn "rare in counsel-chat" = spun and flag clean articles on unusual
# topics. What is left is general-English frequency and *relative* or contextual evidence: how
# much better a thesaurus neighbour fits the same neighbours, whether the word's own bigrams are
# attested (in general English: ``gen_left``/``gen_right``), in-article terminology, POS slot.
FEATURES = (
    "zipf", "word_len", "n_cands",
    "has_left", "assoc_left", "count_left", "zipf_left", "gen_left",
    "has_right", "assoc_right", "count_right", "zipf_right", "gen_right",
    "best_delta", "best_support", "n_near", "near_function",
    "term_gap", "term_any", "capital_inside", "sentence_start",
    "pos_logp", "pos_known",
)
# Columns that depend on the word and its two neighbours only (memoised per triple), and the
# ones that depend on the article or the position (computed per token).
_OWN = ("term_gap", "term_any", "capital_inside", "sentence_start")
_CONTEXT = tuple(f for f in FEATURES if f not in _OWN)
_CONTEXT_COLS = [FEATURES.index(f) for f in _CONTEXT]
_OWN_COLS = [FEATURES.index(f) for f in _OWN]
_PACK = struct.Struct(f"<{len(_CONTEXT)}f").pack
_NO_POS = 0.0
_NO_PAIR = (0.0, 0.0, 0.0)
_UNSEEN = object()


class _Stats:
    """Per-reference memo tables (word probabilities, candidates, associations)."""

    def __init__(self, ref: Reference, cfg: SpinSettings):
        self.ref = ref
        self.beta = cfg.colloc_beta
        self.wd = cfg.colloc_dom_weight
        self.n = float(max(ref.dom_words, 1))
        self.min_count = cfg.pos_min_count
        self.min_share = cfg.pos_min_share
        self.succ, self.pred = ref.neighbours()
        self._p: dict[str, float] = {}
        self._cands: dict[str, tuple[tuple[str, ...], frozenset]] = {}
        self._pair: dict[str, tuple[float, float, float]] = {}
        self._tag: dict[str, str | None] = {}
        self._info: dict[str, tuple] = {}
        self._ctx: dict[tuple, tuple[bytes, str, str]] = {}
        self.max_memo = cfg.word_memo_max

    def bound(self) -> None:
        """Empty the memo tables once they hold ``word_memo_max`` entries together: each new
        word type of a corpus (names, typos, codes) adds entries, so unbounded they would grow
        with its vocabulary on long runs."""
        tables = (self._p, self._cands, self._pair, self._tag, self._info, self._ctx)
        if sum(map(len, tables)) > self.max_memo:
            self.clear()

    def clear(self) -> None:
        """Empty every memo table (changes no result)."""
        for table in (self._p, self._cands, self._pair, self._tag, self._info, self._ctx):
            table.clear()

    def p(self, w: str) -> float:
        v = self._p.get(w)
        if v is None:
            z = self.ref.zipf.get(w)
            pg = 10.0 ** (z - 9.0) if z is not None else 1e-9
            v = self._p[w] = max(pg, self.ref.dom_uni.get(w, 0) / self.n)
        return v

    def cands(self, w: str) -> tuple[tuple[str, ...], frozenset]:
        """Candidate originals of ``w``, ranked, and as a set (for C-speed intersections)."""
        v = self._cands.get(w)
        if v is None:
            c = tuple(candidates(w, self.ref))
            v = self._cands[w] = (c, frozenset(c))
        return v

    def cand_set(self, w: str) -> frozenset:
        """The candidate set of ``w`` alone (cached)."""
        v = self._cands.get(w)
        return (v if v is not None else self.cands(w))[1]

    def info(self, w: str) -> tuple:
        """Static facts of a word: (zipf, log10 in-domain count, keyness, log #candidates,
        candidates, candidate set, reliable POS or None)."""
        v = self._info.get(w)
        if v is None:
            z = self.ref.zipf.get(w, 0.0)
            dw = self.ref.dom_uni.get(w, 0)
            keyness = math.log10((dw + 0.5) / self.n) - (z - 9.0) if z else 0.0
            cands, cset = self.cands(w)
            v = self._info[w] = (z, math.log10(dw + 1), keyness, math.log1p(len(cands)),
                                 cands, cset, self.tag(w))
        return v

    def assoc(self, a: str, b: str) -> float:
        """Smoothed log association of the bigram "a b" (observed against independent)."""
        return self.pair(a, b)[0]

    def pair(self, a: str, b: str) -> tuple[float, float, float]:
        """(association, log1p(count), attested in general English) of the bigram "a b"."""
        k = a + " " + b
        v = self._pair.get(k)
        if v is None:
            # count(k), with the general table read once (a look-up in a table of millions of
            # keys is a cache miss: the attested flag reuses it).
            g = self.ref.gen_bi.get(k)
            count = (g if g is not None else 0.0) + self.wd * self.ref.dom_bi.get(k, 0)
            e = self.n * self.p(a) * self.p(b)
            v = self._pair[k] = (math.log((count + self.beta) / (e + self.beta)),
                                 math.log1p(count), 1.0 if g is not None else 0.0)
        return v

    def tag(self, w: str) -> str | None:
        """The word's usual POS when the reference is sure of it, else None (cached)."""
        v = self._tag.get(w, _UNSEEN)
        if v is _UNSEEN:
            p = self.ref.pos.get(w)
            if p is None or p[1] < self.min_share or self.ref.dom_uni.get(w, 0) < self.min_count:
                v = None
            else:
                v = p[0]
            self._tag[w] = v
        return v


_STATS: dict[int, tuple[Reference, _Stats]] = {}


def stats_for(ref: Reference, cfg: SpinSettings) -> _Stats:
    """Memo tables for ``ref`` (kept while the reference lives; a few per process)."""
    hit = _STATS.get(id(ref))
    if hit is None or hit[0] is not ref:
        if len(_STATS) > 4:
            _STATS.clear()
        hit = _STATS[id(ref)] = (ref, _Stats(ref, cfg))
    else:
        hit[1].bound()
    return hit[1]


def _context(st: _Stats, left: str | None, w: str, right: str | None,
             max_near: int, max_near_function: int) -> tuple[bytes, str, str]:
    """The :data:`_CONTEXT` columns of ``w`` between ``left`` and ``right`` (packed float32),
    the best-fitting candidate and the suggestion among candidates that fit better."""
    z, _dom_log, _keyness, n_cands, cands, cset, tw = st.info(w)
    pair = st.pair
    cand_set = st.cand_set
    a_l, c_l, g_l = pair(left, w) if left else _NO_PAIR
    a_r, c_r, g_r = pair(w, right) if right else _NO_PAIR
    best_delta = best_sup = 0.0
    best = pick = ""
    n_near = 0
    # Candidates are searched next to content neighbours when there are any ("the X" says
    # little); between function words only ("I marvel if") those are all there is, and
    # "I wonder if" against "I marvel if" is still evidence, so they are used then.
    cl = left if left and left not in STOP_WORDS else None
    cr = right if right and right not in STOP_WORDS else None
    via_function = 0.0
    if not (cl or cr):
        cl, cr = left, right
        via_function = 1.0 if (cl or cr) else 0.0
    if cset and (cl or cr):
        empty: frozenset = frozenset()
        near = (cset & st.succ.get(cl, empty)) if cl else set()
        if cr:
            near = near | (cset & st.pred.get(cr, empty))
        n_near = len(near)
        cap = max_near_function if via_function else max_near
        if n_near > cap:   # the most common ones, stopping as soon as there are enough
            near = list(itertools.islice((c for c in cands if c in near), cap))
        sup_w = a_l + a_r
        pick_n = -1.0
        for c in near:
            # Mutual synonyms only (c lists w too): a hub word ("work", "time") that is
            # every word's synonym is not a sense. Checked lazily: candidates of candidates
            # are the detector's main cold-start cost.
            if w not in cand_set(c):
                continue
            p_l = pair(left, c) if left else _NO_PAIR
            p_r = pair(c, right) if right else _NO_PAIR
            sup_c = p_l[0] + p_r[0]
            d = sup_c - sup_w
            if d > best_delta or (d == best_delta and best and c < best):
                best_delta, best_sup, best = d, sup_c, c
            # The suggestion: of the candidates that fit better, the most often seen in
            # this context (raw counts pick the original more often than association:
            # 25% vs 21% top-1 on simulated spins, models/spin_detector_history.md).
            if d > 0:
                n_c = p_l[1] + p_r[1]
                if n_c > pick_n or (n_c == pick_n and c < pick):
                    pick_n, pick = n_c, c
    pos_lp, pos_known = _NO_POS, 0.0
    if tw is not None:
        lps = []
        logp = st.ref.pos_bigram_logp
        # Neighbours need only their POS: info() would also build their candidates.
        if left and (tl := st.tag(left)) is not None:
            lps.append(logp.get(tl + " " + tw, -12.0))
        if right and (tr := st.tag(right)) is not None:
            lps.append(logp.get(tw + " " + tr, -12.0))
        if lps:
            pos_lp, pos_known = min(lps), 1.0
    zipf = st.ref.zipf
    row = _PACK(
        z, float(len(w)), n_cands,
        1.0 if left else 0.0, a_l, c_l, zipf.get(left, 0.0) if left else 0.0, g_l,
        1.0 if right else 0.0, a_r, c_r, zipf.get(right, 0.0) if right else 0.0, g_r,
        best_delta, best_sup, math.log1p(n_near), via_function, pos_lp, pos_known,
    )
    return row, best, pick


def _py_rows(toks: list[Tok], st: _Stats, present: set[str], max_near: int,
             max_near_function: int
             ) -> tuple[list[int], list[bytes], list[tuple[float, float, float, float]], list[str]]:
    """The per-word loop of :func:`word_features`: judged token indices, packed context
    columns, own columns and suggestions (the reference implementation of
    ``pipeline.spin._fast.rows``)."""
    n = len(toks)
    idx: list[int] = []
    ctx_rows: list[bytes] = []
    own_rows: list[tuple[float, float, float, float]] = []
    sugg: list[str] = []
    info = st.info
    cand_set = st.cand_set
    memo = st._ctx
    memo_get = memo.get
    term_memo: dict[str, tuple[float, str]] = {}
    for i, t in enumerate(toks):
        w = t.low
        if not t.is_word or w in STOP_WORDS or len(w) < 3:
            continue
        prev = toks[i - 1] if i > 0 else None
        nxt = toks[i + 1] if i + 1 < n else None
        left = prev.low if prev is not None and prev.is_word else None
        right = nxt.low if nxt is not None and nxt.is_word else None
        # Everything but the in-article and position columns depends on the word and its two
        # neighbours only; a third to almost half of such triples recur within a corpus.
        key = (left, w, right)
        ctx = memo_get(key)
        if ctx is None:
            ctx = memo[key] = _context(st, left, w, right, max_near, max_near_function)
        row, best, pick = ctx
        term = term_memo.get(w)
        if term is None:
            term_gap, term_best = 0.0, ""
            facts = info(w)   # (zipf, log in-domain count, ..., candidate set, POS)
            dom_log = facts[1]
            for c in facts[5] & present:
                if w not in cand_set(c):   # only mutual synonyms count as one concept
                    continue
                gap = info(c)[1] - dom_log
                if gap > term_gap or (gap == term_gap and term_best and c < term_best):
                    term_gap, term_best = gap, c
            term = term_memo[w] = (term_gap, term_best)
        term_gap, term_best = term
        capital_inside = 1.0 if t.text[0].isupper() and prev is not None and prev.text not in ".!?" else 0.0
        sentence_start = 1.0 if prev is None or prev.text in ".!?" else 0.0
        idx.append(i)
        ctx_rows.append(row)
        own_rows.append((term_gap, 1.0 if term_best else 0.0, capital_inside, sentence_start))
        # No blind fallback to the most frequent synonym: an empty suggestion beats a wrong one.
        choice = (pick if best else "") or term_best
        sugg.append(match_case(choice, t.text) if choice else "")
    return idx, ctx_rows, own_rows, sugg


# The compiled loop when it is built and matches this module's columns (a stale build of an
# older column set would silently shift features).
_rows = FAST.rows if FAST is not None and len(_CONTEXT) == FAST.N_CONTEXT else _py_rows


def word_features(
    toks: list[Tok], ref: Reference, cfg: SpinSettings | dict[str, Any] | None
) -> tuple[list[int], np.ndarray, list[str]]:
    """(token indices, features, suggestions) for the content words of ``toks``."""
    cfg = SpinSettings.of(cfg)
    st = stats_for(ref, cfg)
    present = {t.low for t in toks if t.is_word}
    idx, ctx_rows, own_rows, sugg = _rows(list(toks), st, present, cfg.word_max_near,
                                          cfg.word_max_near_function)
    X = np.empty((len(idx), len(FEATURES)), dtype=np.float32)
    if idx:
        X[:, _CONTEXT_COLS] = np.frombuffer(b"".join(ctx_rows), dtype=np.float32).reshape(len(idx), -1)
        X[:, _OWN_COLS] = np.asarray(own_rows, dtype=np.float32)
    # No document-level columns on purpose: tried, they taught the scorer the training
    # spinners' density and cost clean-text false positives on held-out data.
    return idx, X, sugg


def explained(sugg: list[str]) -> np.ndarray:
    """Whether each judged word has a suggestion: a thesaurus neighbour that fits its content
    neighbours better, or a synonym used elsewhere in the same article."""
    return np.fromiter((bool(x) for x in sugg), dtype=bool, count=len(sugg))


def damp_unexplained(p: np.ndarray, sugg: list[str],
                     cfg: SpinSettings | dict[str, Any] | None) -> np.ndarray:
    """Word probabilities with the unexplained ones multiplied by ``unexplained_factor``.

    A swap replaced *something*: a word the scorer rates high but for which nothing in the
    thesaurus fits its context better and no synonym appears in the article is mostly a rare
    word on a rare topic ("machair", "tenor", "treble"), not a swap. Measured on simulated
    spins: 20-49% of swapped words are unexplained, 86-95% of the scorer's hits on clean
    off-topic paragraphs are."""
    if not len(p):
        return p
    return np.where(explained(sugg), p, p * SpinSettings.of(cfg).unexplained_factor)
