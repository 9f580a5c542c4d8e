"""The reverse thesaurus at run time: span -> originals it could have replaced.

Reads the two tables ``workbench/spin/thesaurus_build.py`` writes under ``models/`` (no thesaurus package is
needed at run time): ``spin_thesaurus.tsv.gz`` (lemma-form span -> ``(original, synonym
count)`` pairs) and ``spin_antonyms.tsv.gz`` (WordNet antonyms). :meth:`Thesaurus.originals`
looks an inflected span up through its lemma and inflects the originals back. Originals whose
source is marked ``~`` (more pairs, ranked by in-domain probability too) are only considered
when a suggestion is chosen (:meth:`Thesaurus.suggestion_originals`, ``pipeline.spin.suggest``):
the ratio and the verdict see the ``originals`` alone.
"""

from __future__ import annotations

import copy
import functools
import gzip
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.spin.reference import ANTONYM_FILE, MODELS_DIR, TABLE_SOURCES, THESAURUS_FILE
from pipeline.spin.signals.base import _inflections, inflect

__all__ = ["ANTONYM_FILE", "THESAURUS_FILE", "Thesaurus", "load_thesaurus"]
_NONE: tuple = ()
SUGGEST_MARK = "~"   # source prefix of a suggestion-only original (workbench.spin.thesaurus_build)


@dataclass(eq=False)
class Thesaurus:
    """Reverse look-up tables (read-only mappings: ``table`` decodes its values on demand)
    and a per-span memo."""

    table: Mapping[str, tuple[tuple[str, int], ...]]   # a LazyTable from the compact file
    antonyms: dict[str, frozenset[str]]
    vocab: dict[str, float]
    memo: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)
    first_words: frozenset[str] = frozenset()
    second_words: frozenset[str] = frozenset()
    max_memo: int = 200_000
    extra: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)
    extra_memo: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)
    suggest_memo: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)
    # At most this many suggestion originals per span (0: all); ``[spin] suggest_max_originals``.
    suggest_cap: int = 0

    def originals(self, span: str) -> tuple[tuple[str, int], ...]:
        """``(original, synonym count)`` for a lower-case span, inflected like the span."""
        return self._lookup(self.table, self.memo, span)

    def capped(self, cap: int) -> Thesaurus:
        """This thesaurus weighing at most ``cap`` suggestion originals a span (0: all): a copy
        sharing the tables and the cap-free memos (the loaded one is cached and shared by every
        detector of the process), with its own memo of suggestion originals."""
        if cap == self.suggest_cap:
            return self
        view = copy.copy(self)
        view.suggest_cap, view.suggest_memo = cap, {}
        return view

    def suggestion_originals(self, span: str) -> tuple[tuple[str, int], ...]:
        """The originals a suggestion for ``span`` is chosen from: :meth:`originals` and the
        suggestion-only ones, inflected like the span, then those of its lemma.

        A spinner works on lemmas and re-inflects. An inflected span that is a key of its own
        ("signs", listed by Moby) never reaches its lemma's originals through the look-up
        (that reads the lemma only for a span missing from a table), so "symptoms" was not
        among the originals of "signs": here the lemma's originals of both tables, inflected
        like the span, follow the span's own (the ratio's originals are unchanged)."""
        v = self.suggest_memo.get(span)
        if v is not None:
            return v
        if len(self.suggest_memo) > self.max_memo:
            self.suggest_memo.clear()
        own = self.originals(span)
        extra = self._lookup(self.extra, self.extra_memo, span)
        v = own + extra if extra else own
        cap = self.suggest_cap
        if cap and len(v) >= cap:
            v = v[:cap]   # the lemma's originals come last: none is read past the cap
        elif span in self.table or span in self.extra:
            seen = {c for c, _ in v}
            seen.add(span)
            more: list[tuple[str, int]] = []
            words = span.split(" ")
            for k in ((0, -1) if len(words) > 1 else (0,)):
                at = k % len(words)
                for lemma, suffix in _inflections(words[at])[1:]:
                    key = " ".join([*words[:at], lemma, *words[at + 1:]])
                    for table in (self.table, self.extra):
                        for c, n in table.get(key, _NONE):
                            form = _inflect_at(c, suffix, self.vocab, k)
                            if form and form not in seen:
                                seen.add(form)
                                more.append((form, n))
            if more:
                v = (v + tuple(more))[:cap] if cap else v + tuple(more)
        self.suggest_memo[span] = v
        return v

    def _lookup(self, table: dict[str, tuple[tuple[str, int], ...]],
                memo: dict[str, tuple[tuple[str, int], ...]], span: str
                ) -> tuple[tuple[str, int], ...]:
        v = memo.get(span)
        if v is not None:
            return v
        if len(memo) > self.max_memo:
            memo.clear()
        v = table.get(span, _NONE)
        if not v:
            words = span.split(" ")
            # A spinner works on lemmas and re-inflects: "flavors" was "flavor" for "feel(s)".
            # Multiword spans inflect their first word ("depended on") or last ("topper hats").
            out: list[tuple[str, int]] = []
            seen: set[str] = set()
            for k in ((0, -1) if len(words) > 1 and words[-1] not in self.second_words
                      else (0,)):
                for lemma, suffix in _inflections(words[k])[1:]:
                    key_words = list(words)
                    key_words[k] = lemma
                    for c, n in table.get(" ".join(key_words), _NONE):
                        form = _inflect_at(c, suffix, self.vocab, k)
                        if form and form not in seen and form != span:
                            seen.add(form)
                            out.append((form, n))
                if out:
                    break
            v = tuple(out)
        memo[span] = v
        return v

    def multiword_index(self) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
        """First words of the two-word keys by their second word, and of the three-word keys
        by their middle word (built once): a span whose first word and lemmas are in neither
        has no originals, known without building its key."""
        cached = self.__dict__.get("_multiword_index")
        if cached is None:
            cached = self.__dict__["_multiword_index"] = _multiword_index(self.table)
        return cached

    def is_antonym(self, word: str, other: str) -> bool:
        """Whether ``other`` is a WordNet antonym of ``word`` (lemma forms tried too)."""
        for a, _ in _inflections(word):
            ants = self.antonyms.get(a)
            if ants and any(b in ants for b, _ in _inflections(other)):
                return True
        return False


def _multiword_index(table: Mapping[str, Any]) -> tuple[dict[str, frozenset[str]],
                                                         dict[str, frozenset[str]]]:
    """See :meth:`Thesaurus.multiword_index` (stored in the compact tables: building it reads
    every key)."""
    two: dict[str, set[str]] = {}
    three: dict[str, set[str]] = {}
    for k in table:
        words = k.split(" ")
        if len(words) == 2:
            two.setdefault(words[1], set()).add(words[0])
        elif len(words) == 3:
            three.setdefault(words[1], set()).add(words[0])
    return ({k: frozenset(v) for k, v in two.items()},
            {k: frozenset(v) for k, v in three.items()})


def _inflect_at(phrase: str, suffix: str, vocab: dict[str, float], k: int) -> str | None:
    if not suffix:
        return phrase
    words = phrase.split(" ")
    if k == 0 or len(words) == 1:
        return inflect(phrase, suffix, vocab)
    last = inflect(words[-1], suffix, vocab)
    return " ".join([*words[:-1], last]) if last else None


@functools.lru_cache(maxsize=2)
def load_thesaurus(models_dir: Path | str | None = None) -> Thesaurus | None:
    """The tables (built by ``make install`` from pinned packages' thesauri with
    ``workbench.spin.thesaurus_build``), or None when ``spin_thesaurus.tsv.gz`` is missing (the
    detector then runs without the span evidence). Shared (cached): see :meth:`Thesaurus.capped`."""
    from pipeline.compact import load_tables
    from pipeline.spin.reference import load_reference

    d = Path(models_dir) if models_dir is not None else MODELS_DIR
    if not (d / THESAURUS_FILE).is_file():
        return None
    tables = load_tables(d, TABLE_SOURCES)
    table, antonyms, firsts, seconds, extra = (
        tables["thesaurus"] if tables is not None else _parse_thesaurus(d))
    thes = Thesaurus(table, antonyms, load_reference().zipf, first_words=frozenset(firsts),
                     second_words=frozenset(seconds), extra=extra)
    if tables is not None:
        thes.__dict__["_multiword_index"] = tables["multiword"]
    return thes


def _parse_thesaurus(d: Path) -> tuple[dict, dict, set[str], set[str], dict]:
    """The thesaurus and antonym tables of ``d`` read from their TSV files, the first and
    second words of the multiword spans, and the suggestion-only originals."""
    table: dict[str, tuple[tuple[str, int], ...]] = {}
    extra: dict[str, tuple[tuple[str, int], ...]] = {}
    with gzip.open(d / THESAURUS_FILE, "rt", encoding="utf-8") as f:
        for line in f:
            key, _, rest = line.rstrip("\n").partition("\t")
            cands, more = [], []
            for item in rest.split(","):
                c, n, src = item.rsplit(":", 2)
                (more if src.startswith(SUGGEST_MARK) else cands).append((c, int(n)))
            if cands:
                table[key] = tuple(cands)
            if more:
                extra[key] = tuple(more)
    antonyms: dict[str, frozenset[str]] = {}
    if (d / ANTONYM_FILE).is_file():
        with gzip.open(d / ANTONYM_FILE, "rt", encoding="utf-8") as f:
            for line in f:
                key, _, rest = line.rstrip("\n").partition("\t")
                antonyms[key] = frozenset(rest.split(","))
    # First words of multiword spans, with the common inflections a spinner leaves on them.
    firsts = {k.split(" ", 1)[0] for k in table if " " in k}
    firsts |= {w + suf for w in firsts for suf in ("s", "es", "d", "ed", "ing")}
    firsts |= {w[:-1] + suf for w in firsts if w.endswith("e") for suf in ("ing",)}
    firsts |= {w[:-1] + "ies" for w in firsts if w.endswith("y")}
    # Second words: a bigram whose second word never follows in a listed phrase is skipped
    # without a look-up (inflected last words are only tried for two-word phrases).
    seconds = {k.split(" ")[1] for k in table if " " in k}
    seconds |= {w + suf for w in seconds for suf in ("s", "es")}
    return table, antonyms, firsts, seconds, extra
