"""Which original to suggest for an evidence span (issue 16 items 3 and 5).

The likelihood ratio of :mod:`pipeline.spin.spans` asks *whether* a span is a swap; its best
original is the one that maximises ``fit - log n``, which favours originals from short synonym
lists ("study" for "melancholy", "season" for "temper") over the word the writer meant. Here the
candidates are the span's wider set of originals (:meth:`Thesaurus.suggestion_originals`: the
ratio's originals plus pairs ranked by their in-domain probability and one-way Moby pairs read
in both directions), and each original ``c`` of the span ``s`` between ``left`` and ``right`` is
scored::

    fit(left, c, right) - count_weight * log n(c) + domain_weight * keyness(c) + in_text * [c in text]

``fit`` is the smoothed bigram fit of the span model (general English plus the clean in-domain
text), ``keyness`` the log ratio of the original's in-domain share to its general-English share
(clipped to +-``suggest_domain_clip``: therapy writing says "depression", "mood", "therapy", a
spinner's hub words are not therapy words), and ``in_text`` a bonus when the original appears
elsewhere in the same document (a spinner swaps a share of the occurrences: the others keep the
writer's word). Antonyms of the span, respellings, the neighbouring words and, for a span with
a content word, phrases of function words only ("to do" for "nervousness") and, for a single
word, a phrase holding that word ("alarm clock" for "alarm") are never suggested; nor, for one
content word, a closed-class word or a phrase led by one ("them" for "management", "the nod"
for "alarm": :func:`closed_class`). Every weight is a setting (``[spin] suggest_*``).
"""

from __future__ import annotations

import math
from typing import Any

from spacy.lang.en.stop_words import STOP_WORDS

from pipeline.spin.compiled import FAST
from pipeline.spin.reference import Reference
from pipeline.spin.signals.base import _CLOSED_CLASS, _inflections
from pipeline.spin.spans import model_for, respelt
from pipeline.spin.thesaurus import Thesaurus
from pipeline.spin.tokens import Tok
from pipeline.text import match_case


def keyness(ref: Reference, phrase: str, clip: float) -> float:
    """Mean over the words of ``phrase`` of log(in-domain share / general-English share),
    clipped to +-``clip``. (Computed once per original and key: :func:`_static` memoises.)"""
    dom_n = float(max(ref.dom_words, 1))
    words = phrase.split()
    total = 0.0
    for w in words:
        z = ref.zipf.get(w)
        general = 10.0 ** (z - 9.0) if z is not None else 1e-9
        total += math.log(max(ref.dom_uni.get(w, 0) / dom_n, 1e-9) / general)
    return max(min(total / max(len(words), 1), clip), -clip)


def text_words(toks: list[Tok]) -> tuple[frozenset[str], str]:
    """The lemma guesses of every word of the text, and its words joined by spaces (padded)."""
    lows = [t.low for t in toks if t.is_word]
    return (frozenset(x for w in lows for x, _ in _inflections(w)),
            " " + " ".join(lows) + " ")


def _static(thes: Thesaurus, ref: Reference, key: str, cfg: Any) -> tuple[tuple, ...]:
    """The originals ``key`` may be given, with their context-free parts (memoised per key and
    settings): (original, its fit parts, -count_weight log n + domain_weight keyness, its
    lemma guesses or None for a phrase)."""
    m = model_for(ref, cfg)
    share = float(cfg.suggest_closed_class_share)
    sig = (id(thes), id(m), key, float(cfg.suggest_count_weight),
           float(cfg.suggest_domain_weight), float(cfg.suggest_domain_clip), share)
    v = _STATIC.get(sig)
    if v is not None:
        return v
    if len(_STATIC) > _STATIC_MAX:
        _STATIC.clear()
    g, a = float(cfg.suggest_count_weight), float(cfg.suggest_domain_weight)
    clip = float(cfg.suggest_domain_clip)
    v = _static_cands(thes, ref, m, key, g, a, clip)
    if content_word(ref, key):
        # One content word never stood for a closed-class word ("them" for "management"), nor
        # for a phrase led by one ("the nod" for "alarm": its first word fits almost anywhere).
        v = tuple(x for x in v if not closed_class(ref, x[0].split(" ", 1)[0], share))
    _STATIC[sig] = v
    return v


def content_word(ref: Reference, key: str) -> bool:
    """Whether ``key`` is one content word: its usual part of speech (the reference's tags) is
    not a closed class, or, untagged, it is not a stop word."""
    if " " in key:
        return False
    tag = ref.pos.get(key)
    return tag[0] not in _CLOSED_CLASS if tag is not None else key not in STOP_WORDS


def closed_class(ref: Reference, word: str, share: float) -> bool:
    """Whether ``word`` is a pronoun, auxiliary, adposition, determiner, conjunction or particle
    at least ``share`` of the time (the reference's tags). A spinner replaces a word by one of
    its synonyms: a noun, verb or adjective it wrote never stood for "them", "can", "on" or
    "be" (chosen by the bigram fit alone, they fit any slot), while "get" for "obtain" and
    "also" for "additionally" stay open-class restorations."""
    tag = ref.pos.get(word)
    return tag is not None and tag[0] in _CLOSED_CLASS and tag[1] >= share


def _py_static_cands(thes: Thesaurus, ref: Reference, m: Any, key: str, g: float, a: float,
                     clip: float) -> tuple[tuple, ...]:
    """What :func:`_static` memoises (the reference implementation of
    ``pipeline.spin._fast.static_cands``)."""
    ants = thes.antonyms.get(key, frozenset())
    content = not all(w in STOP_WORDS for w in key.split(" "))
    own = None if " " in key else frozenset(x for x, _ in _inflections(key))
    out: list[tuple] = []
    seen: set[str] = set()
    for c, n in thes.suggestion_originals(key):
        if c in seen or c in ants or respelt(key, c) or thes.is_antonym(key, c):
            continue
        seen.add(c)
        words = c.split(" ")
        if content and len(words) > 1 and all(w in STOP_WORDS for w in words):
            continue   # a content word was not written for "to do" or "as well"
        if own is not None and len(words) > 1 and any(
                x in own for w in words for x, _ in _inflections(w)):
            continue   # a phrase holding the word itself restores nothing ("alarm clock")
        out.append((c, m.parts(words), -g * math.log(max(n, 1)) + a * keyness(ref, c, clip),
                    None if len(words) > 1 else frozenset(x for x, _ in _inflections(c))))
    return tuple(out)


# The compiled twin when built (the Python above is its reference).
_static_cands = FAST.static_cands if FAST is not None else _py_static_cands


_STATIC: dict[tuple, tuple[tuple, ...]] = {}
_STATIC_MAX = 100_000


def choose(toks: list[Tok], i: int, j: int, thes: Thesaurus, ref: Reference, cfg: Any,
           present: tuple[frozenset[str], str] | None = None) -> str:
    """The suggested original (lower case) for tokens ``i..j``; "" when the span has none."""
    if not all(toks[k].is_word for k in range(i, j + 1)):
        return ""
    key = " ".join(toks[k].low for k in range(i, j + 1))
    cands = _static(thes, ref, key, cfg)
    if not cands:
        return ""
    m = model_for(ref, cfg)
    left = toks[i - 1].low if i > 0 and toks[i - 1].is_word else None
    right = toks[j + 1].low if j + 1 < len(toks) and toks[j + 1].is_word else None
    lemmas, joined = present if present is not None else text_words(toks)
    return _best(m, cands, left, right, lemmas, joined, float(cfg.suggest_in_text))


def _py_best(m: Any, cands: tuple[tuple, ...], left: str | None, right: str | None,
             lemmas: frozenset[str], joined: str, bonus: float) -> str:
    """The loop of :func:`choose` over the span's originals (:func:`_static`): the reference
    implementation of ``pipeline.spin._fast.best_original``."""
    best, best_v = "", -math.inf
    for c, parts, fixed, forms in cands:
        if c in (left, right):
            continue
        v = m.fit_parts(left, parts, right) + fixed
        if bonus and (f" {c} " in joined if forms is None else not forms.isdisjoint(lemmas)):
            v += bonus
        if v > best_v or v == best_v and c < best:
            best, best_v = c, v
    return best


# The compiled twin when built (the Python above is its reference).
_best = FAST.best_original if FAST is not None else _py_best


def resuggest(text: str, toks: list[Tok], spans: list[dict[str, Any]], thes: Thesaurus,
              ref: Reference, cfg: Any) -> list[dict[str, Any]]:
    """``spans`` with the suggestion of every span of a ``suggest_signals`` signal that has one
    chosen by :func:`choose` (kept as it was when the span has no originals)."""
    signals = set(cfg.suggest_signals)
    if not signals:
        return spans
    starts = {t.start: k for k, t in enumerate(toks)}
    ends = {t.end: k for k, t in enumerate(toks)}
    present = None
    for s in spans:
        # A span left without a suggestion stays so: an empty suggestion beats a wrong one
        # (the word scorer names none when no thesaurus neighbour fits its context better;
        # filling those in put "relationship" on the unswapped "alliance" of a spun text).
        if s["signal"] not in signals or not s.get("suggestion"):
            continue
        i, j = starts.get(s["start_char"]), ends.get(s["end_char"])
        if i is None or j is None or j < i:
            continue
        if present is None:
            present = text_words(toks)
        c = choose(toks, i, j, thes, ref, cfg, present)
        if c:
            s["suggestion"] = match_case(c, text[s["start_char"]:s["end_char"]])
    return spans
