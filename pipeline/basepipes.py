"""Array versions of the two base pipes: spaCy's ``sentencizer`` and lookup ``lemmatizer``.

Both spaCy pipes create one Python ``Token`` per token (more than half of the base pipeline's
time). These read the token attributes with one ``doc.to_array`` call, decide per distinct
string (a dict lookup) and write the result back with one ``doc.from_array``; the annotations
are the same as the spaCy pipes' (tested token by token), and the pipes keep their names.
"""

from __future__ import annotations

import functools

import numpy as np
from spacy.attrs import IS_PUNCT, LEMMA, ORTH, SENT_START
from spacy.language import Language
from spacy.lookups import load_lookups
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc
from spacy.util import load_language_data, registry


class ArraySentencizer:
    """spaCy's rule-based ``Sentencizer`` (same punctuation set, ``overwrite`` off).

    A token starts a sentence when it is neither punctuation nor a sentence-final character and
    a sentence-final character came after the previous such token; the first token always does.
    """

    def __init__(self, nlp: Language, name: str, punct_chars: list[str] | None) -> None:
        self.name = name
        self.vocab = nlp.vocab
        self.punct_chars = set(punct_chars or Sentencizer.default_punct_chars)
        self._final: dict[int, bool] = {}  # ORTH hash -> is a sentence-final character

    def _is_final(self, orth: int) -> bool:
        hit = self._final.get(orth)
        if hit is None:
            hit = self._final[orth] = self.vocab.strings[orth] in self.punct_chars
        return hit

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if not n:
            return doc
        arr = doc.to_array([ORTH, IS_PUNCT, SENT_START])
        final = np.fromiter(map(self._is_final, arr[:, 0].tolist()), dtype=bool, count=n)
        # Tokens that may start a sentence; a start needs a final character since the last one.
        plain = ~(arr[:, 1].astype(bool) | final)
        finals_before = np.cumsum(final) - final
        idx = np.flatnonzero(plain)
        seen_before = finals_before[idx]
        prev = np.concatenate(([0], seen_before[:-1]))
        starts = idx[seen_before > prev]
        # SENT_START values already set (by an earlier pipe) are kept, as spaCy's pipe does.
        preset = arr[:, 2].astype(np.int64)  # -1 comes back as 2**64 - 1
        guess = np.full(n, -1, dtype=np.int64)
        guess[0] = 1
        guess[starts] = 1
        out = np.where(preset == 0, guess, preset).reshape(n, 1)
        doc.from_array([SENT_START], out.astype(np.uint64))
        return doc


@functools.lru_cache(maxsize=2)
def lemma_table(lang: str = "en") -> dict[str, str]:
    """spacy-lookups-data's lemma table of ``lang``, read once per process (the lemmatizer, the
    alliance lexicon and the duplicate finder share it; look up with ``.get(word)``).
    Read-only.

    The plain dict of the package's file, as ``load_lookups`` reads it: spaCy's ``Table``
    re-keys every entry by its string hash (0.1 s per start) for the same ``.get`` answers."""
    data = registry.lookups.get(lang) if lang in registry.lookups else {}
    if "lemma_lookup" not in data:   # spaCy's own error for a language without the table
        return load_lookups(lang, ["lemma_lookup"]).get_table("lemma_lookup")
    return dict(load_language_data(data["lemma_lookup"]))


class ArrayLookupLemmatizer:
    """spaCy's ``lemmatizer`` in ``lookup`` mode: ``lemma_lookup.get(text, text)`` per token."""

    def __init__(self, nlp: Language, name: str, overwrite: bool) -> None:
        self.name = name
        self.vocab = nlp.vocab
        self.overwrite = overwrite
        self.table = lemma_table(nlp.lang)
        self._lemma: dict[int, int] = {}  # ORTH hash -> LEMMA hash

    def _lemma_of(self, orth: int) -> int:
        lemma = self._lemma.get(orth)
        if lemma is None:
            text = self.vocab.strings[orth]
            lemma = self._lemma[orth] = self.vocab.strings.add(self.table.get(text, text))
        return lemma

    def __call__(self, doc: Doc) -> Doc:
        n = len(doc)
        if not n:
            return doc
        arr = doc.to_array([ORTH, LEMMA])
        orth, old = arr[:, 0].tolist(), arr[:, 1].tolist()
        get = self._lemma_of
        new = [get(o) if (self.overwrite or not lem) else lem for o, lem in zip(orth, old, strict=True)]
        doc.from_array([LEMMA], np.array(new, dtype=np.uint64).reshape(n, 1))
        return doc


@Language.factory(
    "array_sentencizer", default_config={"punct_chars": None},
    assigns=["token.is_sent_start", "doc.sents"],
)
def make_array_sentencizer(nlp: Language, name: str, punct_chars: list[str] | None) -> ArraySentencizer:
    """Factory registered as ``array_sentencizer`` (added under the name ``sentencizer``)."""
    return ArraySentencizer(nlp, name, punct_chars)


@Language.factory(
    "array_lookup_lemmatizer", default_config={"overwrite": False}, assigns=["token.lemma"]
)
def make_array_lookup_lemmatizer(nlp: Language, name: str, overwrite: bool) -> ArrayLookupLemmatizer:
    """Factory registered as ``array_lookup_lemmatizer`` (added under the name ``lemmatizer``)."""
    return ArrayLookupLemmatizer(nlp, name, overwrite)
