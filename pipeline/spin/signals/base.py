"""What the spin signals share: settings, the evidence-span shape, the :class:`Signal` record,
thesaurus candidates and the phrase-table lookups.

A signal is one module of this package defining ``SIGNAL = Signal(...)`` (see
:mod:`pipeline.spin.signals.registry`); its ``find(text, cfg, ref, toks)`` returns
``(spans, features)``: evidence dicts ``{"start_char", "end_char", "text", "suggestion",
"signal", "score"}`` (offsets into the text; ``score`` a 0..1 confidence) and raw per-text
feature values (made per 100 words by the registry).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.config import SpinSettings
from pipeline.spin.compiled import FAST
from pipeline.spin.reference import Reference, load_reference, read_tsv
from pipeline.spin.tokens import Tok

Span = dict[str, Any]
Find = Callable[[str, dict[str, Any], Reference, list[Tok]], tuple[list[Span], dict[str, float]]]


@dataclass(frozen=True)
class Signal:
    """One spin signal, described once: the registry, the detector's reasons, ``explain``'s
    colours and the training's list of document features all read it."""

    name: str            # the ``signal`` of its evidence spans
    rank: int            # position among the signals: order of their evidence and features
    label: str           # reasons: "3 x <label> (examples)"
    style: str           # ``explain``'s colour (a rich style)
    find: Find | None    # None: evidence made elsewhere (the detector's word scorer)
    doc_feature: str | None = None  # the document feature training offers the verdict model


@functools.lru_cache(maxsize=1)
def default_settings() -> dict[str, Any]:
    """The shipped ``[spin]`` settings as a dict (a fresh copy)."""
    return SpinSettings.defaults().model_dump()


def _cfg(settings: SpinSettings | dict[str, Any] | None) -> SpinSettings:
    # The typed section; a dict overrides the defaults.
    return SpinSettings.of(settings)


def _ref(ref: Reference | None, settings: SpinSettings) -> Reference:
    if ref is not None:
        return ref
    d = settings.reference_dir or None
    return load_reference(d)


def _span(text: str, start: int, end: int, suggestion: str, signal: str, score: float) -> Span:
    return {
        "start_char": start,
        "end_char": end,
        "text": text[start:end],
        "suggestion": suggestion,
        "signal": signal,
        "score": round(float(score), 3),
    }


def _py_inflections(word: str) -> list[tuple[str, str]]:
    """(lemma guess, suffix class) pairs for ``word``; the word itself first."""
    out = [(word, "")]
    if len(word) > 4 and word.endswith("ies"):
        out.append((word[:-3] + "y", "s"))
    if len(word) > 3 and word.endswith("es"):
        out.append((word[:-2], "s"))
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        out.append((word[:-1], "s"))
    if len(word) > 4 and word.endswith("ed"):
        out += [(word[:-2], "ed"), (word[:-1], "ed")]
        if len(word) > 5 and word[-3] == word[-4]:
            out.append((word[:-3], "ed"))
    if len(word) > 5 and word.endswith("ing"):
        out += [(word[:-3], "ing"), (word[:-3] + "e", "ing")]
        if word[-4] == word[-5]:
            out.append((word[:-4], "ing"))
    if len(word) > 4 and word.endswith("ly"):
        out.append((word[:-2], "ly"))
    return out


# The compiled twin when built (the Python above is its reference).
_inflections = FAST.inflections if FAST is not None else _py_inflections


def _py_inflect(lemma: str, suffix: str, vocab: dict[str, float]) -> str | None:
    """``lemma`` with the suffix class applied, if the result is a known word."""
    if not suffix:
        return lemma
    if " " in lemma:
        head, _, rest = lemma.partition(" ")
        first = _py_inflect(head, suffix, vocab)
        return f"{first} {rest}" if first else None
    # Only the suffix asked for is built (called for every candidate of every new word).
    if suffix == "s":
        forms = (lemma + "s", lemma + "es", lemma[:-1] + "ies")
    elif suffix == "ed":
        forms = (lemma + "ed", lemma + "d", lemma[:-1] + "ied", lemma + lemma[-1:] + "ed")
    elif suffix == "ing":
        forms = (lemma + "ing", lemma[:-1] + "ing", lemma + lemma[-1:] + "ing")
    elif suffix == "ly":
        forms = (lemma + "ly", lemma[:-1] + "ily", lemma[:-2] + "ly")
    else:
        raise KeyError(suffix)
    best, best_z = None, None
    for f in forms:
        z = vocab.get(f)
        if z is not None and (best_z is None or z > best_z):
            best, best_z = f, z
    return best


# Closed-class parts of speech: thesaurus neighbours tagged so are never suggested.
_CLOSED_CLASS = frozenset({"AUX", "ADP", "DET", "PRON", "CCONJ", "SCONJ", "PART"})


def _py_candidates(word: str, ref: Reference) -> list[str]:
    """Words ``word`` may have replaced (thesaurus, inflected like ``word``), most common first."""
    out: list[str] = []
    seen = {word}
    for lemma, suffix in _inflections(word):
        for c in ref.synonyms.get(lemma, ()):
            if ref.pos.get(c, ("", 0.0))[0] in _CLOSED_CLASS:  # "is", "by": never the original
                continue
            form = _py_inflect(c, suffix, ref.zipf)
            if form and form not in seen:
                seen.add(form)
                out.append(form)
    return out


# The compiled twins when built (the Python above is their reference).
inflect = FAST.inflect if FAST is not None else _py_inflect
candidates = FAST.candidates if FAST is not None else _py_candidates


# ---------------------------------------------------------------- phrase tables


@functools.lru_cache(maxsize=4)
def _phrase_table(name: str | Path) -> dict[int, dict[str, str]]:
    """``{length: {phrase: replacement}}`` of a resource TSV (or of the file at a ``Path``)."""
    table: dict[int, dict[str, str]] = {}
    for row in read_tsv(name):
        if len(row) >= 2:
            key = row[0].strip().lower()
            table.setdefault(len(key.split()), {})[key] = row[1].strip()
    return table


def _ngram_hits(toks: list[Tok], table: dict[int, dict[str, str]]) -> list[tuple[int, int, str, str]]:
    """(first token, last token, phrase, replacement) for every table phrase in the tokens.

    A ``#`` in a phrase stands for any number ("this # months": "this 12 months").
    """
    return _hits_loop(toks, table, _first_words(id(table), table))


def _py_hits_loop(toks: list[Tok], table: dict[int, dict[str, str]],
                  firsts: frozenset) -> list[tuple[int, int, str, str]]:
    """The token loop of :func:`_ngram_hits` (``firsts``: the first words of the table's
    phrases); the reference implementation of ``pipeline.spin._fast.ngram_hits``."""
    hits = []
    n_toks = len(toks)
    keys = [_phrase_word(t) for t in toks]
    for i, w in enumerate(keys):
        if w is None or w not in firsts:
            continue
        for n, phrases in table.items():
            if i + n > n_toks:
                continue
            window = keys[i : i + n]
            if None in window:
                continue
            key = w if n == 1 else " ".join(window)
            if key in phrases:
                hits.append((i, i + n - 1, key, phrases[key]))
    return hits


def _phrase_word(t: Tok) -> str | None:
    # Words match themselves, whole numbers match "#", punctuation breaks a phrase.
    if t.is_word:
        return t.low
    return "#" if t.low.isdecimal() else None


# The compiled twin when built (the Python above is its reference).
_hits_loop = FAST.ngram_hits if FAST is not None else _py_hits_loop


_FIRSTS: dict[int, frozenset] = {}


def _first_words(key: int, table: dict[int, dict[str, str]]) -> frozenset:
    v = _FIRSTS.get(key)
    if v is None:
        v = _FIRSTS[key] = frozenset(p.split()[0] for ps in table.values() for p in ps)
    return v
