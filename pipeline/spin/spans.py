"""Span evidence: one- to three-word spans that a thesaurus swap explains better than chance.

For a span ``s`` between the words ``l`` and ``r`` and each original ``c`` it could have
replaced (:mod:`pipeline.spin.thesaurus`), a spinner that swapped ``c`` picked ``s`` with chance
``1 / n(c)`` (``n``: the original's synonym count). With a bigram model of clean English the
likelihood ratio of "swapped" against "written" is::

    LR(s) = sum_c P(c | l) P(r | c) / n(c)  /  (P(s | l) P(r | s))

(multiword spans and originals multiply their inner bigrams in). Bigram probabilities are
smoothed toward general English: ``P(b | a) = (C(a b) + mu P(b)) / (C(a) + mu)`` with
``C`` = general bigram counts plus in-domain ones (weighted), ``P(b)`` the wordfreq share.

A span with an original that fits much better is evidence whether or not the pair is mutual;
dividing by ``n(c)`` keeps hub words ("work", "time") from explaining everything. Guards
against known false evidence: capitalised names in mid-sentence are skipped, fixed multiword
terms (``resources/spin/fixed_phrases.txt``) are never spans, originals that are antonyms of
the span are dropped.

``span_evidence(toks, thes, ref, cfg)`` returns the non-overlapping spans with their log
ratios, best originals and word counts (table look-ups memoised per (left, span, right)).
"""

from __future__ import annotations

import functools
import math
from typing import Any, NamedTuple

from spacy.lang.en.stop_words import STOP_WORDS

from pipeline.spin.reference import Reference, resource_path
from pipeline.spin.thesaurus import Thesaurus
from pipeline.spin.tokens import Tok


class SpanHit(NamedTuple):
    """A candidate swap: tokens ``i..j`` (inclusive), its log LR, best original, key."""

    i: int
    j: int
    log_lr: float
    original: str
    key: str


@functools.lru_cache(maxsize=1)
def fixed_phrases() -> frozenset[str]:
    """Multiword names and terms that are never a spinner's phrase (lower case)."""
    lines = resource_path("fixed_phrases.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(x.strip().lower() for x in lines if x.strip() and not x.startswith("#"))


class _Model:
    """Smoothed bigram probabilities with memo tables (per reference and settings)."""

    def __init__(self, ref: Reference, cfg: dict[str, Any]):
        self.ref = ref
        self.wd = float(cfg.colloc_dom_weight)
        self.mu = float(cfg.span_mu)
        self.lam = float(cfg.span_lambda)
        self.log_lam = math.log(self.lam)
        self.succ, self.pred = ref.neighbours()
        self._keys: dict[str, tuple] = {}
        self.max_near = int(cfg.span_max_near)
        self.rare_zipf = float(cfg.span_rare_zipf)
        self.rare_floor = float(cfg.span_rare_weight) * math.log(10.0)
        self.inner_floor = math.log(float(cfg.span_inner_floor))
        self.n = float(max(ref.dom_words, 1)) * (1.0 + self.wd)
        self.dom_n = float(max(ref.dom_words, 1))
        self._lp: dict[str, float] = {}
        self._p: dict[str, float] = {}
        self._bi: dict[str, float] = {}
        self._ctx: dict[tuple, tuple[float, str]] = {}
        self.max_memo = int(cfg.word_memo_max)

    def bound(self) -> None:
        if len(self._lp) + len(self._bi) + len(self._ctx) + len(self._keys) > self.max_memo:
            self._lp.clear()
            self._p.clear()
            self._keys.clear()
            self._bi.clear()
            self._ctx.clear()

    def p(self, w: str) -> float:
        v = self._p.get(w)
        if v is None:
            z = self.ref.zipf.get(w)
            pg = 10.0 ** (z - 9.0) if z is not None else 1e-9
            v = self._p[w] = max(pg, self.ref.dom_uni.get(w, 0) / self.dom_n)
        return v

    def lp(self, w: str) -> float:
        v = self._lp.get(w)
        if v is None:
            v = self._lp[w] = math.log(self.p(w))
        return v

    def lbi(self, a: str, b: str) -> float:
        """log P(b | a), smoothed toward P(b)."""
        k = a + " " + b
        v = self._bi.get(k)
        if v is None:
            c = self.ref.gen_bi.get(k, 0.0) + self.wd * self.ref.dom_bi.get(k, 0)
            # Interpolated, not Dirichlet: the general list is truncated, so an unlisted bigram
            # is "not frequent", not "never seen" - it keeps a share of independence.
            pb = self.p(b)
            v = self._bi[k] = math.log((1.0 - self.lam) * c / (self.n * self.p(a) + self.mu)
                                       + self.lam * pb)
        return v

    def fit(self, left: str | None, words: list[str], right: str | None) -> float:
        """log P(words | left) + log P(right | last word), unigram start without ``left``."""
        lbi = self.lbi
        s = lbi(left, words[0]) if left else self.lp(words[0])
        if self.rare_floor and (z := self.ref.zipf.get(words[0], 0.0)) < self.rare_zipf:
            # A rare word is one of many a writer could have used in that slot: its own
            # probability is floored so a rare, legitimate word is not a swap by rarity alone.
            s += self.rare_floor * (self.rare_zipf - z)
        for a, b in zip(words, words[1:], strict=False):
            # Inside a listed phrase a bigram model is blind to its cohesion ("loaf of bread":
            # P(bread | of) is small, P(bread | loaf of) is not): floored.
            s += max(lbi(a, b), self.inner_floor)
        if right:
            s += lbi(words[-1], right)
        return s


_MODELS: dict[int, tuple[Reference, _Model]] = {}


def model_for(ref: Reference, cfg: dict[str, Any]) -> _Model:
    hit = _MODELS.get(id(ref))
    if hit is None or hit[0] is not ref:
        if len(_MODELS) > 4:
            _MODELS.clear()
        hit = _MODELS[id(ref)] = (ref, _Model(ref, cfg))
    else:
        hit[1].bound()
    return hit[1]


def _variant(a: str, b: str) -> bool:
    """Spelling variants and inflections are not swaps: "generalised" / "generalized",
    "colour" / "color", "bath" / "baths" (at most two letters differ, or one more letter)."""
    if abs(len(a) - len(b)) > 2 or min(len(a), len(b)) < 4:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 2
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return long_.startswith(short) or long_.replace("u", "", 1) == short


def _key_info(m: _Model, thes: Thesaurus, key: str) -> tuple | None:
    """Per span (memoised): single-word originals as {word: n} and as a set, multiword ones,
    the context-free mass sum P(c) / n(c) of the single words, and the best of them."""
    v = m._keys.get(key)
    if v is None:
        cands = thes.originals(key)
        if not cands:
            v = m._keys[key] = ()
            return None
        ants = thes.antonyms.get(key, frozenset())
        single = {c: n for c, n in cands
                  if " " not in c and c not in ants and not _variant(key, c)}
        multi = tuple((c, n) for c, n in cands if " " in c and c not in ants)
        mass = sum(m.p(c) / n for c, n in single.items())
        order = tuple(sorted(single, key=lambda c: (-m.p(c) / single[c], c)))
        free = order[0] if order else ""
        v = m._keys[key] = (single, frozenset(single), multi, mass, free, order)
    return v or None


_EMPTY: frozenset = frozenset()
_NO_HIT = (-math.inf, "")


def _fits(m: _Model, left: str, w: str, right: str, gate: float) -> bool:
    """A word attested with both neighbours well above chance (log PMI over ``gate`` on each
    side) is not judged: measured, such words are 2% of the hits on clean and spun text alike,
    and skipping them saves most of the look-ups."""
    lw = m.lp(w)
    return m.lbi(left, w) - lw > gate and m.lbi(w, right) - m.lp(right) > gate


def _score(m: _Model, thes: Thesaurus, left: str | None, key: str, right: str | None,
           max_lr: float) -> tuple[float, str]:
    """(log LR, best original) of ``key`` between ``left`` and ``right``.

    Originals attested next to ``left`` or ``right`` (and multiword ones) are scored exactly;
    the others share one term: with both bigrams unlisted their fit is lambda-floored, so their
    sum is ``lambda^2 P(right) x`` their context-free mass (no per-candidate look-ups)."""
    info = _key_info(m, thes, key)
    if info is None:
        return -math.inf, ""
    single, cset, multi, mass, free, order = info
    words = key.split(" ")
    own = m.fit(left, words, right)
    near = cset & m.succ.get(left, _EMPTY) if left else set()
    if right:
        near = near | (cset & m.pred.get(right, _EMPTY))
    if len(near) > m.max_near:
        # The most probable ones (the others stay in the floored term: an underestimate).
        near = [c for c in order if c in near][: m.max_near]
    total = 0.0
    best, best_v = "", -math.inf
    rest = mass
    for c in near:
        n = single[c]
        rest -= m.p(c) / n
        if c in (left, right):
            continue   # "the the", "more more": not a reading
        v = m.fit(left, [c], right) - math.log(n)
        total += math.exp(min(v - own, 50.0))
        if v > best_v or v == best_v and c < best:   # set order: ties by name
            best, best_v = c, v
    for c, n in multi:
        cw = c.split(" ")
        if left is not None and cw[0] == left or right is not None and cw[-1] == right:
            continue
        v = m.fit(left, cw, right) - math.log(n)
        total += math.exp(min(v - own, 50.0))
        if v > best_v:
            best, best_v = c, v
    if rest > 0.0:
        floor = math.log(rest) + (m.log_lam if left else 0.0) + (
            m.log_lam + m.lp(right) if right else 0.0)
        total += math.exp(min(floor - own, 50.0))
        if not best:
            best = free
    if total <= 0.0:
        return -math.inf, ""
    return min(math.log(total), math.log(max_lr)), best


def _fixed_cover(toks: list[Tok]) -> set[int]:
    """Token indexes inside a fixed multiword term ("table of contents")."""
    fixed, firsts = fixed_phrases(), _fixed_firsts()
    out: set[int] = set()
    for i, t in enumerate(toks):
        if t.low not in firsts:
            continue
        key = t.low
        for j in range(i + 1, min(i + 4, len(toks))):
            if not toks[j].is_word:
                break
            key += " " + toks[j].low
            if key in fixed:
                out.update(range(i, j + 1))
    return out


@functools.lru_cache(maxsize=1)
def _fixed_firsts() -> frozenset[str]:
    return frozenset(p.split(" ")[0] for p in fixed_phrases())


def span_evidence(toks: list[Tok], thes: Thesaurus, ref: Reference,
                  cfg: dict[str, Any]) -> list[SpanHit]:
    """Candidate swaps of ``toks`` (non-overlapping, best log LR first when they compete)."""
    m = model_for(ref, cfg)
    memo = m._ctx
    firsts = thes.first_words
    seconds = thes.second_words
    max_lr = float(cfg.span_max_lr)
    gate = float(cfg.span_gate_pmi)
    # Very common single words are left to the word scorer: measured on simulated spins, 11%
    # of the swaps with a ratio above 1 but 24% of such candidates on clean text, and most of
    # the look-ups.
    max_zipf = float(cfg.span_max_zipf)
    zipf = ref.zipf
    min_log = math.log(float(cfg.span_min_lr))
    n = len(toks)
    blocked = _fixed_cover(toks)
    hits: list[SpanHit] = []
    for i in range(n):
        t = toks[i]
        if not t.is_word or i in blocked:
            continue
        prev = toks[i - 1] if i else None
        sent_start = prev is None or prev.text in ".!?:\"“"
        left = prev.low if prev is not None and prev.is_word else None
        multi = t.low in firsts
        key = t.low
        for width in (1, 2, 3):
            j = i + width - 1
            if j >= n or not toks[j].is_word or j in blocked:
                break
            if width == 1:
                # A lone function word is never judged: spinners rarely write one for a
                # content word, and "to"/"for", "that"/"this" were false evidence.
                if key in STOP_WORDS or len(key) < 2 or zipf.get(key, 0.0) > max_zipf:
                    continue
            else:
                if not multi or width == 2 and toks[j].low not in seconds:
                    break
                key = key + " " + toks[j].low
                if not thes.originals(key):
                    continue
            nxt = toks[j + 1] if j + 1 < n else None
            right = nxt.low if nxt is not None and nxt.is_word else None
            ck = (left, key, right)
            v = memo.get(ck)
            if v is None:
                if width == 1 and left and right and _fits(m, left, key, right, gate):
                    v = memo[ck] = _NO_HIT
                else:
                    v = memo[ck] = _score(m, thes, left, key, right, max_lr)
            if v[0] < min_log:
                continue
            # Names: a capitalised word inside a sentence is left alone (shouted text is not).
            if any(toks[k].text[0].isupper() and not toks[k].text.isupper()
                   for k in range(i + (1 if sent_start else 0), j + 1)):
                continue
            hits.append(SpanHit(i, j, v[0], v[1], key))
    # Non-overlapping: the strongest span wins its tokens.
    hits.sort(key=lambda h: (-h.log_lr, h.i))
    taken: set[int] = set()
    out: list[SpanHit] = []
    for h in hits:
        if any(k in taken for k in range(h.i, h.j + 1)):
            continue
        taken.update(range(h.i, h.j + 1))
        out.append(h)
    return out
