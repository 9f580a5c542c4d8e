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

Each ratio is then weighted by whether the span's best original is written elsewhere in the
same text (:func:`weigh_in_text`): a spinner swaps some occurrences of a word, so the original
usually survives elsewhere in the article, and by whether the span itself is written again
(a swap rarely lands on the same written word twice; clean text repeats its topic words).

``span_evidence(toks, thes, ref, cfg)`` returns the non-overlapping spans with their log
ratios, best originals and word counts (table look-ups memoised per (left, span, right)).
"""

from __future__ import annotations

import functools
import math
import operator
from collections.abc import Container, Mapping, Sequence
from typing import Any, NamedTuple

from spacy.lang.en.stop_words import STOP_WORDS

from pipeline.spin.compiled import FAST
from pipeline.spin.reference import Reference, resource_path
from pipeline.spin.signals.base import _inflections, _py_inflections
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
    """Smoothed bigram probabilities with memo tables (per reference and settings).

    The memo tables (bigrams by first then second word, per word facts, per span key and per
    (left, span, right) context) hold at most ``word_memo_max`` entries together: past that
    they are emptied (:meth:`bound`, between documents), which changes no result."""

    def __init__(self, ref: Reference, cfg: dict[str, Any]):
        self.ref = ref
        self.wd = float(cfg.colloc_dom_weight)
        self.mu = float(cfg.span_mu)
        self.lam = float(cfg.span_lambda)
        self.log_lam = math.log(self.lam)
        self.succ, self.pred = ref.neighbours()
        self.max_near = int(cfg.span_max_near)
        self.rare_zipf = float(cfg.span_rare_zipf)
        self.rare_floor = float(cfg.span_rare_weight) * math.log(10.0)
        self.inner_floor = math.log(float(cfg.span_inner_floor))
        self.max_zipf = float(cfg.span_max_zipf)
        self.n = float(max(ref.dom_words, 1)) * (1.0 + self.wd)
        self.dom_n = float(max(ref.dom_words, 1))
        self.max_memo = int(cfg.word_memo_max)
        self.reset()

    def reset(self) -> None:
        """Empty every memo table."""
        self._keys: dict[str, tuple] = {}
        self._lp: dict[str, float] = {}
        self._p: dict[str, float] = {}
        self._bi: dict[str, dict[str, float]] = {}
        self._rbi: dict[str, dict[str, float]] = {}   # the same values by second word
        self._n_bi = 0
        self._unlisted: dict[str, float] = {}
        self._ctx: dict[tuple, tuple[float, str]] = {}
        self._single: dict[str, bool] = {}
        self._lemmas: dict[str, frozenset[str]] = {}

    def size(self) -> int:
        return (len(self._keys) + len(self._lp) + self._n_bi + len(self._unlisted)
                + len(self._ctx) + len(self._single) + len(self._lemmas))

    def bound(self) -> None:
        if self.size() > self.max_memo:
            self.reset()

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
        row = self._bi.get(a)
        if row is None:
            row = self._bi[a] = {}
        v = row.get(b)
        if v is None:
            after = self.succ.get(a)
            if after is None or b not in after:
                # Unlisted: the count term is exactly 0, so the value is log(lambda P(b)),
                # the same for every ``a`` (no bigram key to build and look up).
                v = self._unlisted.get(b)
                if v is None:
                    v = self._unlisted[b] = math.log(self.lam * self.p(b))
            else:
                k = a + " " + b
                c = self.ref.gen_bi.get(k, 0.0) + self.wd * self.ref.dom_bi.get(k, 0)
                # Interpolated, not Dirichlet: the general list is truncated, so an unlisted
                # bigram is "not frequent", not "never seen" - it keeps a share of independence.
                pb = self.p(b)
                v = math.log((1.0 - self.lam) * c / (self.n * self.p(a) + self.mu)
                             + self.lam * pb)
            row[b] = v
            self._n_bi += 1
        return v

    def rare(self, w: str) -> float | None:
        """What a rare first word gets back (None: not rare)."""
        if self.rare_floor and (z := self.ref.zipf.get(w, 0.0)) < self.rare_zipf:
            # A rare word is one of many a writer could have used in that slot: its own
            # probability is floored so a rare, legitimate word is not a swap by rarity alone.
            return self.rare_floor * (self.rare_zipf - z)
        return None

    def parts(self, words: list[str]) -> tuple:
        """The context-free pieces of :meth:`fit` for ``words``: first word, its rarity
        term, the floored inner bigrams, last word."""
        # Inside a listed phrase a bigram model is blind to its cohesion ("loaf of bread":
        # P(bread | of) is small, P(bread | loaf of) is not): floored.
        inner = tuple(max(self.lbi(a, b), self.inner_floor)
                      for a, b in zip(words, words[1:], strict=False))
        return words[0], self.rare(words[0]), inner, words[-1]

    def fit_parts(self, left: str | None, parts: tuple, right: str | None) -> float:
        """:meth:`fit` from :meth:`parts` (the same sums in the same order)."""
        first, rare, inner, last = parts
        s = self.lbi(left, first) if left else self.lp(first)
        if rare is not None:
            s += rare
        for x in inner:
            s += x
        if right:
            s += self.lbi(last, right)
        return s

    def fit(self, left: str | None, words: list[str], right: str | None) -> float:
        """log P(words | left) + log P(right | last word), unigram start without ``left``."""
        return self.fit_parts(left, self.parts(words), right)


# The reference implementation stays reachable (the parity tests); the compiled one is bound
# as the method when it is built.
_PY_METHODS = {name: getattr(_Model, name) for name in ("lbi", "parts", "fit_parts", "rare")}
if FAST is not None:
    for _name in _PY_METHODS:
        setattr(_Model, _name, getattr(FAST, _name))


_MODELS: dict[tuple, tuple[Reference, _Model]] = {}
# The settings a model's tables and memos depend on.
_MODEL_KEYS = ("colloc_dom_weight", "span_mu", "span_lambda", "span_max_near", "span_rare_zipf",
               "span_rare_weight", "span_inner_floor", "span_max_zipf", "span_gate_pmi",
               "span_max_lr", "word_memo_max")


# The settings' values in one C call (model_for runs for every span suggestion too).
_MODEL_SETTINGS = operator.attrgetter(*_MODEL_KEYS)


def model_for(ref: Reference, cfg: dict[str, Any]) -> _Model:
    key = (id(ref), *_MODEL_SETTINGS(cfg))
    hit = _MODELS.get(key)
    if hit is None or hit[0] is not ref:
        if len(_MODELS) > 4:
            _MODELS.clear()
        hit = _MODELS[key] = (ref, _Model(ref, cfg))
    else:
        hit[1].bound()
    return hit[1]


def _py_variant(a: str, b: str) -> bool:
    """Spelling variants and inflections are not swaps: "generalised" / "generalized",
    "colour" / "color", "bath" / "baths" (at most two letters differ, or one more letter)."""
    if abs(len(a) - len(b)) > 2 or min(len(a), len(b)) < 4:
        return False
    if len(a) == len(b):
        return sum(map(operator.ne, a, b)) <= 2
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return long_.startswith(short) or long_.replace("u", "", 1) == short


# British -> American spellings, applied in this order to both words before comparing.
_RESPELL = (("isation", "ization"), ("ise", "ize"), ("yse", "yze"), ("our", "or"),
            ("ogue", "og"), ("ae", "e"), ("oe", "e"), ("ll", "l"))


def _spelling_key(w: str) -> str:
    for a, b in _RESPELL:
        w = w.replace(a, b)
    if len(w) > 4 and w.endswith("re") and w[-3] not in "aeiou":   # centre / center
        w = w[:-2] + "er"
    return w


def _py_respelt(a: str, b: str) -> bool:
    """Whether ``b`` is ``a`` written differently (not a swap): a British or American spelling
    ("counselling" / "counseling", "paediatric" / "pediatric"), an inflection ("therapies" /
    "therapy", a shared lemma guess) or one of :func:`_variant`'s near spellings; phrases word
    by word ("colour scheme" / "color schemes"). Lower-case words; a word is not its own
    respelling."""
    wa, wb = a.split(), b.split()
    if a == b or not wa or len(wa) != len(wb):
        return False
    return all(x == y or _respelt_word(x, y) for x, y in zip(wa, wb, strict=True))


def _respelt_word(a: str, b: str) -> bool:
    if _py_variant(a, b) or min(len(a), len(b)) >= 4 and _spelling_key(a) == _spelling_key(b):
        return True
    la = {x for x, _ in _py_inflections(a) if len(x) >= 3}
    return not la.isdisjoint(x for x, _ in _py_inflections(b) if len(x) >= 3)


# The compiled twins when built (the Python above is their reference).
_variant = FAST.variant if FAST is not None else _py_variant
respelt = FAST.respelt if FAST is not None else _py_respelt


def function_phrase(key: str, original: str) -> bool:
    """A swap between function-word phrases ("within the" for "in the", "as well as" for
    "and"): every word of both is a stop word and one of them has several words."""
    words = key.split() + original.split()
    return (" " in key or " " in original) and bool(words) and all(
        w in STOP_WORDS for w in words)


def _py_key_info(m: _Model, thes: Thesaurus, key: str) -> tuple | None:
    """Per span (memoised): the single-word originals as {word: (n, log n, rarity term,
    P(c) / n)} and as a set, the multiword ones as (original, log n, fit parts), the
    context-free mass sum P(c) / n(c) of the single words, the best of them, all of them by
    that share, and the span's own fit parts. None: nothing it could have replaced."""
    v = m._keys.get(key)
    if v is None:
        cands = thes.originals(key)
        if not cands:
            v = m._keys[key] = ()
            return None
        ants = thes.antonyms.get(key, frozenset())
        single = {c: (n, math.log(n), m.rare(c), m.p(c) / n) for c, n in cands
                  if " " not in c and c not in ants and not respelt(key, c)}
        multi = tuple((c, math.log(n), m.parts(c.split(" "))) for c, n in cands
                      if " " in c and c not in ants and not respelt(key, c))
        if not single and not multi:
            v = m._keys[key] = ()
            return None
        mass = sum(x[3] for x in single.values())
        order = tuple(sorted(single, key=lambda c: (-single[c][3], c)))
        free = order[0] if order else ""
        v = m._keys[key] = (single, frozenset(single), multi, mass, free, order,
                            m.parts(key.split(" ")))
    return v or None


# The compiled twin when built (the Python above is its reference).
_key_info = FAST.key_info if FAST is not None else _py_key_info


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
    return _ratio(m, info, left, right, max_lr)


def _py_ratio(m: _Model, info: tuple, left: str | None, right: str | None,
              max_lr: float) -> tuple[float, str]:
    """:func:`_score` once the span's facts (:func:`_key_info`) are known: the reference
    implementation of ``pipeline.spin._fast.ratio``."""
    single, cset, multi, mass, free, order, own_parts = info
    lbi = m.lbi
    own = m.fit_parts(left, own_parts, right)
    near = cset & m.succ.get(left, _EMPTY) if left else set()
    if right:
        near = near | (cset & m.pred.get(right, _EMPTY))
    if len(near) > m.max_near:
        # The most probable ones (the others stay in the floored term: an underestimate).
        near = [c for c in order if c in near][: m.max_near]
    total = 0.0
    best, best_v = "", -math.inf
    rest = mass
    # The bigram memo rows of the two neighbours, read directly (the same values as lbi).
    lrow = m._bi.get(left) if left else None
    rrow = m._rbi.get(right) if right else None
    if right and rrow is None:
        rrow = m._rbi[right] = {}
    for c in near:
        _n, log_n, rare, share = single[c]
        rest -= share
        if c in (left, right):
            continue   # "the the", "more more": not a reading
        # fit(left, [c], right), inlined (the same sums in the same order).
        if left:
            v = lrow.get(c) if lrow is not None else None
            if v is None:
                v = lbi(left, c)
                lrow = m._bi[left]
        else:
            v = m.lp(c)
        if rare is not None:
            v += rare
        if right:
            x = rrow.get(c)
            if x is None:
                x = rrow[c] = lbi(c, right)
                m._n_bi += 1
            v += x
        v -= log_n
        total += math.exp(min(v - own, 50.0))
        if v > best_v or v == best_v and c < best:   # set order: ties by name
            best, best_v = c, v
    for c, log_n, (first, rare, inner, last) in multi:
        if left is not None and first == left or right is not None and last == right:
            continue
        # fit_parts(left, parts, right), inlined like the single words above.
        if left:
            v = lrow.get(first) if lrow is not None else None
            if v is None:
                v = lbi(left, first)
                lrow = m._bi[left]
        else:
            v = m.lp(first)
        if rare is not None:
            v += rare
        for x in inner:
            v += x
        if right:
            x = rrow.get(last)
            if x is None:
                x = rrow[last] = lbi(last, right)
                m._n_bi += 1
            v += x
        v -= log_n
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


_ratio = FAST.ratio if FAST is not None else _py_ratio


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


def _single_ok(m: _Model, thes: Thesaurus, w: str) -> bool:
    """Whether the word ``w`` alone is judged at all (memoised per word type)."""
    v = m._single.get(w)
    if v is None:
        # A lone function word is never judged: spinners rarely write one for a content word,
        # and "to"/"for", "that"/"this" were false evidence. Very common single words are left
        # to the word scorer: measured on simulated spins, 11% of the swaps with a ratio above
        # 1 but 24% of such candidates on clean text, and most of the look-ups. A word with
        # nothing it could have replaced has no ratio (known before any context).
        v = m._single[w] = not (w in STOP_WORDS or len(w) < 2
                                or m.ref.zipf.get(w, 0.0) > m.max_zipf) \
            and bool(thes.originals(w))
    return v


def _lemmas(m: _Model, w: str) -> frozenset[str]:
    """``w`` and its lemma guesses, the first words a thesaurus key for it may start with."""
    v = m._lemmas.get(w)
    if v is None:
        v = m._lemmas[w] = frozenset(x for x, _ in _inflections(w))
    return v


def _py_hits(m: _Model, thes: Thesaurus, toks: list[Tok], lows: list[str | None],
             spans_ok: list[str | None], max_lr: float, gate: float,
             min_log: float) -> list[SpanHit]:
    """Every candidate span of ``toks`` whose log LR reaches ``min_log`` (overlapping, in text
    order): the loop of :func:`span_evidence` over the padded word lists ``lows`` and
    ``spans_ok`` (the reference implementation of ``pipeline.spin._fast.span_hits``)."""
    memo = m._ctx
    firsts = thes.first_words
    seconds = thes.second_words
    by_second, by_middle = thes.multiword_index()
    single_ok = m._single
    hits: list[SpanHit] = []
    for i in range(len(toks)):
        w = spans_ok[i]
        if w is None:
            continue
        left = lows[i - 1] if i else None
        cands: list[tuple[int, str]] = []
        ok = single_ok.get(w)
        if ok is None:
            ok = _single_ok(m, thes, w)
        if ok:
            cands.append((i, w))
        if w in firsts and (w2 := spans_ok[i + 1]) is not None and w2 in seconds:
            # Only a span whose first word (or its lemma) starts a listed key with this second
            # (or middle) word can have originals: checked before any key is built.
            starts = by_second.get(w2)
            if starts and not starts.isdisjoint(_lemmas(m, w)):
                key = w + " " + w2
                if thes.originals(key):
                    cands.append((i + 1, key))
            if (w3 := spans_ok[i + 2]) is not None:
                starts = by_middle.get(w2)
                if starts and not starts.isdisjoint(_lemmas(m, w)):
                    key = w + " " + w2 + " " + w3
                    if thes.originals(key):
                        cands.append((i + 2, key))
        for j, key in cands:
            right = lows[j + 1]
            ck = (left, key, right)
            v = memo.get(ck)
            if v is None:
                if j == i and left and right and _fits(m, left, key, right, gate):
                    v = memo[ck] = _NO_HIT
                else:
                    v = memo[ck] = _score(m, thes, left, key, right, max_lr)
            if v[0] < min_log:
                continue
            # Names: a capitalised word inside a sentence is left alone (shouted text is not).
            prev = toks[i - 1] if i else None
            sent_start = prev is None or prev.text in ".!?:\"“"
            if any(toks[k].text[0].isupper() and not toks[k].text.isupper()
                   for k in range(i + (1 if sent_start else 0), j + 1)):
                continue
            hits.append(SpanHit(i, j, v[0], v[1], key))
    return hits


# The compiled twin when built (the Python above is its reference).
_hits = FAST.span_hits if FAST is not None else _py_hits


def original_in_text(original: str, words: Container[str], phrases: Container[str]) -> bool:
    """Whether ``original`` (lower case; a phrase word for word) is written in the text:
    ``words`` its word forms, ``phrases`` its runs of words (:func:`text_phrases`)."""
    if not original:
        return False
    return original in (phrases if " " in original else words)


def _py_text_phrases(lows: list[str | None], lengths: set[int]) -> dict[str, int]:
    """How often each run of ``lengths`` consecutive words of a text is written, the words
    joined by spaces (``lows``: its lower-case words, None where a token is not a word: a phrase
    does not run across punctuation). A dict, so that each look-up is constant time on any
    length of text. (The reference implementation of ``pipeline.spin._fast.text_phrases``.)"""
    out: dict[str, int] = {}
    for n in lengths:
        for k in range(len(lows) - n + 1):
            run = lows[k:k + n]
            if None not in run:
                key = " ".join(run)   # type: ignore[arg-type]
                out[key] = out.get(key, 0) + 1
    return out


# The compiled twin when built (the Python above is its reference).
text_phrases = FAST.text_phrases if FAST is not None else _py_text_phrases


def inner_count(original: str, key: str) -> int:
    """How often ``original`` (lower case; a phrase word for word) is written inside the span
    ``key`` itself ("stay" in "stay on"): those occurrences are the span, not the original
    written elsewhere in the text."""
    ow, kw = original.split(), key.split()
    if not ow or len(ow) >= len(kw):
        return 0
    return sum(1 for k in range(len(kw) - len(ow) + 1) if kw[k:k + len(ow)] == ow)


def written_count(span: str, counts: dict[str, int], phrases: dict[str, int]) -> int:
    """How often ``span`` (lower case; a phrase word for word) is written in the text:
    ``counts`` its word counts, ``phrases`` as in :func:`original_in_text`."""
    return (phrases if " " in span else counts).get(span, 0)


def shape_weight(key: str, original: str, shorter: float, longer: float, stop: float) -> float:
    """The log factor of a span's shape (logs of ``span_shorter_factor``,
    ``span_longer_factor``, ``span_stop_original_factor``): ``shorter`` when the original has
    more words than the span (clean writing often has one word where a phrase could stand:
    "leaves" for "allows for"), ``longer`` when the span has more (a multiword lemma written
    for one word: "fourth dimension" for time), plus ``stop`` when every word of the original
    is a stop word and the span has a content word ("furthermore" for "and"). A longer span
    that holds every word of its original ("humanly possible" for possible, "medical
    treatment" for treatment) is the word with a modifier, as clean writers put it: no
    ``longer`` factor."""
    if not original:
        return 0.0
    ow, kw = original.split(), key.split()
    w = (shorter if len(ow) > len(kw)
         else longer if len(kw) > len(ow) and not set(ow) <= set(kw) else 0.0)
    if all(x in STOP_WORDS for x in ow) and not all(x in STOP_WORDS for x in kw):
        w += stop
    return w


def trigram_counts(lows: list[str | None], i: int, j: int, key: str, original: str,
                   tri: Mapping[str, int]) -> tuple[int, int]:
    """(original's, span's) largest in-domain count of a word trigram that holds at least one
    of its words, read with the span (tokens ``i..j`` of the text's lower-case words ``lows``,
    None where a token is not a word) replaced by ``original`` and as written (``key``). Two
    words of context on each side; a trigram never runs across a non-word. (0, 0) without an
    original or a table."""
    if not original or not tri:
        return 0, 0
    n = len(lows)
    w = [lows[k] if 0 <= k < n else None for k in (i - 2, i - 1, j + 1, j + 2)]
    left = [w[0] if w[1] is not None else None, w[1]]
    right = [w[2], w[3] if w[2] is not None else None]

    def best(words: list[str]) -> int:
        seq = left + words + right
        top = 0
        for a in range(len(seq) - 2):   # every window holds a word of ``words``
            win = seq[a:a + 3]
            if None not in win:
                top = max(top, tri.get(" ".join(win), 0))   # type: ignore[arg-type]
        return top

    return best(original.split(" ")), best(key.split(" "))


def trigram_weight(orig_count: int, span_count: int, steps: Sequence[tuple[int, float]],
                   unattested: float) -> float:
    """The log factor of in-domain trigram evidence. ``steps``: (count, log factor) pairs by
    rising count (``span_trigram_factors``), ``unattested`` the log of
    ``span_no_trigram_factor``. 0 (no factor) when the span as written sits in a trigram seen
    at least the first step's count (a phrase clean writers use); the factor of the highest step the
    original's count reaches when only the reading with the original does (the original is
    part of a common phrase there, "state of mind" read in "country of mind": the more common,
    the stronger); ``unattested`` when neither does. No steps: no factor."""
    if not steps or span_count >= steps[0][0]:
        return 0.0
    w = unattested
    for k, f in steps:
        if orig_count >= k:
            w = f
    return w


def weigh_in_text(hits: list[SpanHit], lows: list[str | None],
                  cfg: dict[str, Any], tri: Mapping[str, int] | None = None) -> list[SpanHit]:
    """Each hit's ratio weighted by what the rest of the text and the span's shape say:

    - times ``span_in_text_factor`` when its original is written elsewhere in the text (a
      spinner swaps some occurrences of a word, so the original usually survives elsewhere in
      the article), times ``span_not_in_text_factor`` when not;
    - times ``span_twice_factor`` when the span itself is written twice in the text and
      ``span_repeated_factor`` when three times or more (a swap at a low rate rarely lands on
      the same written word again, while clean text repeats its topic words);
    - times the shape factors of :func:`shape_weight`;
    - times the trigram factors of :func:`trigram_weight` (``tri``: in-domain trigram counts;
      None or empty: no trigram factor).

    Each factor is the ratio of how often swaps and clean text's candidates show the property
    (measured on two simulated spinners against clean pages; spin.toml). ``lows``: the text's
    lower-case words, None where a token is not a word. The span itself is never its original
    (a respelling or the same word is not a candidate), so any occurrence is elsewhere, except
    inside a multiword span that holds it (:func:`inner_count`)."""
    if not hits:
        return hits
    up = math.log(float(cfg.span_in_text_factor))
    down = math.log(float(cfg.span_not_in_text_factor))
    twice = math.log(float(cfg.span_twice_factor))
    more = math.log(float(cfg.span_repeated_factor))
    shape = (math.log(float(cfg.span_shorter_factor)), math.log(float(cfg.span_longer_factor)),
             math.log(float(cfg.span_stop_original_factor)))
    tri_steps = [(int(k), math.log(float(f))) for k, f in cfg.span_trigram_factors]
    tri_none = math.log(float(cfg.span_no_trigram_factor))
    counts: dict[str, int] = {}
    for w in lows:
        if w is not None:
            counts[w] = counts.get(w, 0) + 1
    phrases = text_phrases(lows, {p.count(" ") + 1 for h in hits for p in (h.original, h.key)
                                  if " " in p})
    return _weigh(hits, lows, counts, phrases, (up, down, twice, more, *shape),
                  tri, tri_steps, tri_none)


def _py_weigh(hits: list[SpanHit], lows: list[str | None], counts: dict[str, int],
              phrases: dict[str, int], factors: tuple[float, ...], tri: Mapping[str, int] | None,
              tri_steps: list[tuple[int, float]], tri_none: float) -> list[SpanHit]:
    """The loop of :func:`weigh_in_text` over the hits (``factors``: the logs of the in-text,
    not-in-text, twice, repeated, shorter, longer and stop-original factors): the reference
    implementation of ``pipeline.spin._fast.weigh_hits``."""
    up, down, twice, more, *shape = factors
    out = []
    for h in hits:
        n = written_count(h.key, counts, phrases)
        inner = inner_count(h.original, h.key)
        # A multiword span that holds its original ("stay on" for stay) writes the original
        # once per occurrence of the span: only further occurrences are "elsewhere".
        elsewhere = (written_count(h.original, counts, phrases) > inner * n if inner
                     else original_in_text(h.original, counts, phrases))
        w = up if elsewhere else down
        w += twice if n == 2 else more if n >= 3 else 0.0
        w += shape_weight(h.key, h.original, *shape)
        if tri and h.original:
            w += trigram_weight(*trigram_counts(lows, h.i, h.j, h.key, h.original, tri),
                                tri_steps, tri_none)
        out.append(h._replace(log_lr=h.log_lr + w) if w != 0.0 else h)
    return out


# The compiled twin when built (the Python above is its reference).
_weigh = FAST.weigh_hits if FAST is not None else _py_weigh


def span_evidence(toks: list[Tok], thes: Thesaurus, ref: Reference,
                  cfg: dict[str, Any]) -> list[SpanHit]:
    """Candidate swaps of ``toks`` (non-overlapping, best log LR first when they compete), each
    ratio weighted by whether its original is written elsewhere in the text
    (:func:`weigh_in_text`)."""
    m = model_for(ref, cfg)
    max_lr = float(cfg.span_max_lr)
    gate = float(cfg.span_gate_pmi)
    min_log = math.log(float(cfg.span_min_lr))
    blocked = _fixed_cover(toks)
    # Neighbours: None where a token is not a word. Span words: None also inside a fixed
    # term. Padded so that i + 1 .. i + 3 never run past the end.
    lows = [t.low if t.is_word else None for t in toks]
    spans_ok = list(lows) if not blocked else [
        None if k in blocked else w for k, w in enumerate(lows)]
    lows.append(None)
    spans_ok += [None, None, None]
    hits = _hits(m, thes, toks, lows, spans_ok, max_lr, gate, min_log)
    # Originals no spinner replaces (an article: "magic" for "the" is a thesaurus artefact):
    # dropped before they are weighed.
    never = frozenset(cfg.span_never_originals)
    if never:
        hits = [h for h in hits if h.original not in never]
    hits = weigh_in_text(hits, lows, cfg, ref.dom_tri)
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
