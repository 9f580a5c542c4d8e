"""Domain terms, acronyms and spinner fingerprints: evidence where each word alone is plausible.

- **Terms** (``resources/spin/domain_terms.tsv``): a therapy, diagnosis or service name found
  with one word swapped for a word that thesaurus could have written for it ("Publicity
  Therapy" for exposure therapy, "Dialectical Habits Therapy"). The other words must match
  exactly, the window must not itself be a listed term, and the swapped word must not be an
  attested neighbour of the kept one (then it is a different, real term).
- **Acronyms**: "... (MBCT)" whose preceding words no longer give the letters. A known acronym
  names its expansion and the differing words; an unknown one is evidence only when swapping one
  word for one of its thesaurus originals restores the letters.
- **Bare infinitives**: a verb a thesaurus writes for "help" left before a plain verb ("to
  assist reduce symptoms"): only "help" takes one (:func:`bare_infinitives`).
- **Fingerprints**: the tortured-phrase table (``fingerprints.tsv``) is the older signal; the
  verdict weighs every hit by ``fingerprint_llr``, measured against its rate on clean text.

``analyse(text, toks, thes, ref, cfg)`` returns ``(spans, log-likelihood ratio)``.
"""

from __future__ import annotations

import functools
import os
import re
from difflib import SequenceMatcher
from typing import Any

from spacy.lang.en.stop_words import STOP_WORDS

from pipeline.spin.compiled import FAST
from pipeline.spin.reference import Reference, read_tsv
from pipeline.spin.signals.base import _inflections, _span
from pipeline.spin.thesaurus import Thesaurus
from pipeline.spin.tokens import Tok
from pipeline.text import match_case

_ACRONYM = re.compile(r"\(([A-Z][A-Z&\-]{1,6})\)")
_LINKERS = frozenset({"of", "and", "for", "the", "in", "&", "to", "with", "on"})


@functools.lru_cache(maxsize=1)
def domain_terms() -> tuple[dict[int, set[tuple[str, ...]]], dict[str, list[tuple[str, ...]]],
                            dict[str, list[int]]]:
    """(length -> terms as word tuples, acronym -> expansions, word -> term lengths)."""
    by_len: dict[int, set[tuple[str, ...]]] = {}
    acronyms: dict[str, list[tuple[str, ...]]] = {}
    for row in read_tsv("domain_terms.tsv"):
        words = tuple(row[0].strip().lower().split())
        if len(words) < 2:
            continue
        by_len.setdefault(len(words), set()).add(words)
        if len(row) > 1 and row[1].strip():
            acronyms.setdefault(row[1].strip().upper(), []).append(words)
    index: dict[str, list[int]] = {}
    for n, terms in by_len.items():
        for t in terms:
            for w in t:
                index.setdefault(w, [])
                if n not in index[w]:
                    index[w].append(n)
    return by_len, acronyms, index


def same_family(a: str, b: str, min_ratio: float, min_prefix: int = 5,
                max_suffix: int = 4) -> bool:
    """Whether ``a`` and ``b`` are one word in two forms rather than a swap. Two single words:
    one holds the other ("psychotherapy" / "therapy", at least 4 letters) or they share a
    stem of at least ``min_prefix`` letters followed by at most ``max_suffix`` in each
    ("counseling" / "counselor", "behavior" / "behavioral"). Any two spans: similar by
    ``difflib`` ratio at least ``min_ratio`` once case, spaces and hyphens are dropped (a
    word broken by a stray space, "mindful ness based" / "mindfulness-based"). Thesauri list
    such pairs as related, but a spinner writes another word, and writers use both forms."""
    x, y = a.lower(), b.lower()
    if not x.strip() or not y.strip():
        return False
    if " " not in x and " " not in y:
        short, long_ = (x, y) if len(x) <= len(y) else (y, x)
        if len(short) >= 4 and short in long_:
            return True
        stem = len(os.path.commonprefix([x, y]))
        if stem >= min_prefix and len(x) - stem <= max_suffix and len(y) - stem <= max_suffix:
            return True
    x = x.replace(" ", "").replace("-", "")
    y = y.replace(" ", "").replace("-", "")
    return SequenceMatcher(None, x, y, autojunk=False).ratio() >= min_ratio


def _family(cfg: dict[str, Any]) -> tuple[float, int, int]:
    """:func:`same_family`'s settings from spin.toml."""
    return (float(cfg.term_family_min_ratio), int(cfg.term_family_min_prefix),
            int(cfg.term_family_max_suffix))


def _attested(ref: Reference, a: str, b: str) -> bool:
    k = a + " " + b
    return ref.gen_bi.get(k, 0.0) >= 1.0 or ref.dom_bi.get(k, 0) >= 2


def term_swaps(text: str, toks: list[Tok], thes: Thesaurus, ref: Reference,
               cfg: dict[str, Any]) -> list[dict[str, Any]]:
    """Listed domain terms with exactly one word swapped for a thesaurus neighbour."""
    by_len, _, index = domain_terms()
    out: list[dict[str, Any]] = []
    slots: list[tuple[tuple[str, ...], int, str]] = []   # (term, swapped position, word written)
    done = -1
    # A window ends the search at its first token when it is a term or holds a swap: the
    # token's other windows and those of the tokens it covers are skipped.
    for i, size, words in _windows(toks, index, sorted(by_len, reverse=True)):
        if i <= done:
            continue
        if words in by_len[size]:
            done = i + size - 1
            continue
        hit = _one_swap(words, by_len[size], thes, ref, _family(cfg))
        if hit is None:
            continue
        k, orig, term = hit
        t = toks[i + k]
        # Two-word terms are often reworded by writers ("therapeutic connection"): there
        # only a word clean in-domain text hardly uses, or a capitalised one (a name), counts;
        # a word in capitals is shouted (a heading), not a name.
        if size == 2 and not (ref.dom_uni.get(t.low, 0) <= int(cfg.term_swap_max_dom)
                              or t.text[:1].isupper() and not t.text.isupper() and k > 0):
            continue
        out.append(_span(text, t.start, t.end, match_case(orig, t.text), "domain_term",
                         float(cfg.score_domain_term)))
        slots.append((term, k, t.low))
        done = i + size - 1
    # One slot of one term filled by several different words in the same text ("repetitive /
    # recurring / persistent thoughts" read as "automatic thoughts") is an open slot the writer
    # varies, not a fixed term with a word swapped: none of them counts.
    fillers: dict[tuple[tuple[str, ...], int], set[str]] = {}
    for term, k, w in slots:
        fillers.setdefault((term, k), set()).add(w)
    return [s for s, (term, k, _) in zip(out, slots, strict=True)
            if len(fillers[(term, k)]) < int(cfg.term_open_slot_words)]


def _py_windows(toks: list[Tok], index: dict[str, list[int]],
                sizes: list[int]) -> list[tuple[int, int, tuple[str, ...]]]:
    """The windows :func:`term_swaps` examines, in order: (first token, length, lower-case
    words) of every run of ``size`` words (longest first) starting at a word, all but one of
    them words of terms of that length (the reference implementation of
    ``pipeline.spin._fast.term_windows``)."""
    out = []
    n = len(toks)
    for i in range(n):
        if not toks[i].is_word:
            continue
        # All but one word of a window are term words: one of its first two must be.
        if toks[i].low not in index and (i + 1 >= n or toks[i + 1].low not in index):
            continue
        for size in sizes:
            window = toks[i:i + size]
            if len(window) < size or not all(t.is_word for t in window):
                continue
            words = tuple(t.low for t in window)
            # Cheap gate: all but one word must be term words somewhere.
            if sum(1 for w in words if size in index.get(w, ())) < size - 1:
                continue
            out.append((i, size, words))
    return out


# The compiled twin when built (the Python above is its reference).
_windows = FAST.term_windows if FAST is not None else _py_windows


def _related(w: str, c: str, thes: Thesaurus, ref: Reference) -> bool:
    """Whether a thesaurus could have written ``w`` for ``c`` (either table, either way)."""
    if any(x == c for x, _ in thes.originals(w)) or any(x == w for x, _ in thes.originals(c)):
        return True
    for lemma, _ in _inflections(w):
        if c in ref.synonyms.get(lemma, ()) or lemma in ref.synonyms.get(c, ()):
            return True
    return False


@functools.lru_cache(maxsize=1)
def _holes() -> dict[tuple[int, tuple[str, ...]], list[tuple[str, ...]]]:
    """(position, the term's other words) -> terms: one look-up per window and position."""
    by_len, _, _ = domain_terms()
    out: dict[tuple[int, tuple[str, ...]], list[tuple[str, ...]]] = {}
    for terms in by_len.values():
        for term in sorted(terms):
            for k in range(len(term)):
                out.setdefault((k, term[:k] + term[k + 1:]), []).append(term)
    return out


def _one_swap(words: tuple[str, ...], terms: set[tuple[str, ...]], thes: Thesaurus,
              ref: Reference, family: tuple[float, int, int] = (1.01, 99, 0)
              ) -> tuple[int, str, tuple[str, ...]] | None:
    holes = _holes()
    best: tuple[float, int, str, tuple[str, ...]] | None = None
    for k, w in enumerate(words):
        if len(w) < 3 or w in STOP_WORDS:
            continue
        for term in holes.get((k, words[:k] + words[k + 1:]), ()):
            if term[k] == w or len(term) != len(words):
                continue
            if not _related(w, term[k], thes, ref) or same_family(w, term[k], *family):
                continue
            # "group therapy" next to "family therapy": a real pairing is not a swap.
            if k + 1 < len(words) and _attested(ref, w, words[k + 1]):
                continue
            if k > 0 and _attested(ref, words[k - 1], w):
                continue
            # Several terms may fit ("light" / "exposure therapy"): the one clean text uses most.
            use = sum(ref.dom_bi.get(a + " " + b, 0) for a, b in zip(term, term[1:], strict=False))
            if best is None or use > best[0]:
                best = (use, k, term[k], term)
    return None if best is None else (best[1], best[2], best[3])


def _initials(words: list[str]) -> str:
    out = []
    for w in words:
        for part in w.split("-"):
            if part and part.lower() not in _LINKERS:
                out.append(part[0].upper())
    return "".join(out)


def acronym_mismatches(text: str, toks: list[Tok], thes: Thesaurus,
                       cfg: dict[str, Any]) -> list[dict[str, Any]]:
    """"... (ABC)" whose preceding words no longer give its letters (see the module doc)."""
    if "(" not in text:
        return []
    _, known, _ = domain_terms()
    starts = {t.start: k for k, t in enumerate(toks)}
    out: list[dict[str, Any]] = []
    for m in _ACRONYM.finditer(text):
        acr = m.group(1).replace("-", "").replace("&", "")
        k = starts.get(m.start())
        if k is None or k == 0 or len(acr) < 2:
            continue
        # The words just before "(": up to the acronym's length plus linkers and one extra.
        j = k - 1
        prev: list[int] = []
        while j >= 0 and toks[j].is_word and len(prev) < len(acr) + 3:
            prev.insert(0, j)
            j -= 1
        if not prev:
            continue
        if any(_initials([toks[q].text for q in prev[s:]]) == acr for s in range(len(prev))):
            continue
        expansions = known.get(acr, [])
        span = _known_mismatch(text, toks, prev, expansions, cfg)
        if span is None:
            span = _one_word_fix(text, toks, prev, acr, thes, cfg)
        if span is not None:
            out.append(span)
    return out


def _parts(toks: list[Tok], prev: list[int]) -> list[tuple[str, int, int]]:
    """Hyphen parts of the tokens ``prev`` with their character offsets."""
    out = []
    for q in prev:
        t = toks[q]
        pos = t.start
        for part in t.low.split("-"):
            out.append((part, pos, pos + len(part)))
            pos += len(part) + 1
    return out


def _known_mismatch(text: str, toks: list[Tok], prev: list[int],
                    expansions: list[tuple[str, ...]], cfg: dict[str, Any]) -> dict | None:
    """Align the words before a known acronym with its expansion: common tail, common head,
    and the differing run between them is the span (the expansion's words its suggestion)."""
    got = _parts(toks, prev)
    g = [p for p, _, _ in got]
    for exp in expansions:
        e = [p for w in exp for p in w.split("-")]
        tail = 0
        while tail < min(len(g), len(e)) and g[-1 - tail] == e[-1 - tail]:
            tail += 1
        if tail >= len(e):
            continue
        body = len(g) - tail
        starts = [k for k in range(body) if g[k] == e[0]]
        if not tail and not starts:
            continue                       # neither end of the expansion is there
        s = starts[-1] if starts else body - (len(e) - tail)
        if s < 0:
            continue
        head = 0
        while head < len(e) - tail and s + head < body and g[s + head] == e[head]:
            head += 1
        lo, hi = s + head, body            # differing text parts [lo, hi)
        want = e[head:len(e) - tail]       # the expansion's parts there
        if lo >= hi:
            continue                       # a word missing, not swapped
        if not want:                       # a word inserted: take the next part along
            hi += 1
            want = [e[len(e) - tail]]
        if same_family(" ".join(g[lo:hi]), " ".join(want), *_family(cfg)):
            continue                       # the same words in another form, not a swap
        a, b = got[lo][1], got[hi - 1][2]
        sugg = " ".join(want)
        return _span(text, a, b, match_case(sugg, text[a:b]), "acronym",
                     float(cfg.score_acronym))
    return None


def _one_word_fix(text, toks, prev, acr, thes, cfg):
    """An unknown acronym: one word of the expansion swapped back to a thesaurus original
    with the right initial restores the letters."""
    for s in range(len(prev)):
        words = [toks[q].text for q in prev[s:]]
        if len(_initials(words)) != len(acr):
            continue
        for k, q in enumerate(prev[s:]):
            if "-" in toks[q].low or toks[q].low in _LINKERS:
                continue
            for c, _ in thes.originals(toks[q].low):
                trial = words[:k] + [c] + words[k + 1:]
                if " " not in c and _initials(trial) == acr and not same_family(
                        c, toks[q].low, *_family(cfg)):
                    t = toks[q]
                    return _span(text, t.start, t.end, match_case(c, t.text), "acronym",
                                 float(cfg.score_acronym) * 0.8)
    return None


@functools.lru_cache(maxsize=1)
def bare_infinitive_words() -> dict[str, frozenset[str]]:
    """The word lists of :func:`bare_infinitives` (``resources/spin/bare_infinitive.tsv``):
    ``lead`` ("to", modals), ``takes_bare`` (verbs that take a bare infinitive themselves) and
    ``object`` (words between the verb and its infinitive)."""
    return {row[0]: frozenset(row[1].split()) for row in read_tsv("bare_infinitive.tsv")}


def _plain_verb(ref: Reference, w: str, min_share: float) -> bool:
    """A word clean in-domain text tags as a verb (at least ``min_share`` of the time) in
    its plain form (no -ing, -ed or -s; not a stop word)."""
    pos = ref.pos.get(w)
    return (pos is not None and pos[0] == "VERB" and pos[1] >= min_share
            and not w.endswith(("ing", "ed", "s")) and w not in STOP_WORDS)


def bare_infinitives(text: str, toks: list[Tok], thes: Thesaurus, ref: Reference,
                     cfg: dict[str, Any]) -> list[dict[str, Any]]:
    """"to / can ... W [object] V" where W is a verb (not "help" itself, nor another verb that
    takes a bare infinitive) that a thesaurus writes for one of ``bare_infinitive_originals``
    and V a verb's plain form: "help" was swapped and its bare infinitive left behind. The span
    is W, its suggestion the original."""
    words = bare_infinitive_words()
    lead, bare_ok, objects = words["lead"], words["takes_bare"], words["object"]
    originals = frozenset(cfg.bare_infinitive_originals)
    share = float(cfg.bare_infinitive_pos_share)
    max_zipf = float(cfg.bare_infinitive_max_zipf)
    out: list[dict[str, Any]] = []
    n = len(toks)
    for k in range(1, n - 1):
        t = toks[k]
        if (not t.is_word or toks[k - 1].low not in lead or t.low in bare_ok
                or t.low in STOP_WORDS or t.low.endswith("ing")
                or ref.zipf.get(t.low, 0.0) >= max_zipf):
            continue
        pos = ref.pos.get(t.low)
        if pos is None or pos[0] != "VERB":
            continue
        orig = next((c for c, _ in thes.originals(t.low) if c in originals), None)
        if orig is None:
            continue
        nxt = toks[k + 1:k + 4]
        if not nxt or not nxt[0].is_word:
            continue
        hit = _plain_verb(ref, nxt[0].low, share)
        if not hit and nxt[0].low in objects:
            # one or two object words, the second not a stop word ("the individual regain")
            for q in (1, 2):
                if q >= len(nxt) or not all(x.is_word for x in nxt[:q + 1]):
                    break
                if q == 2 and nxt[1].low in STOP_WORDS:
                    break
                if _plain_verb(ref, nxt[q].low, share):
                    hit = True
                    break
        if hit:
            out.append(_span(text, t.start, t.end, match_case(orig, t.text), "bare_infinitive",
                             float(cfg.score_bare_infinitive)))
    return out


def analyse(text: str, toks: list[Tok], thes: Thesaurus | None, ref: Reference,
            cfg: dict[str, Any], fingerprint_hits: int = 0) -> tuple[list[dict[str, Any]], float]:
    """(term and acronym spans, their log-likelihood ratio including ``fingerprint_hits``)."""
    if thes is None:
        return [], 0.0
    spans = term_swaps(text, toks, thes, ref, cfg)
    taken = [(s["start_char"], s["end_char"]) for s in spans]
    spans += [s for s in acronym_mismatches(text, toks, thes, cfg)
              if not any(s["start_char"] < b and a < s["end_char"] for a, b in taken)]
    taken = [(s["start_char"], s["end_char"]) for s in spans]
    bare = [s for s in bare_infinitives(text, toks, thes, ref, cfg)
            if not any(s["start_char"] < b and a < s["end_char"] for a, b in taken)]
    spans += bare
    llr = (float(cfg.term_llr) * sum(1 for s in spans if s["signal"] == "domain_term")
           + float(cfg.acronym_llr) * sum(1 for s in spans if s["signal"] == "acronym")
           + float(cfg.fingerprint_llr) * fingerprint_hits
           + float(cfg.bare_infinitive_llr) * min(len(bare), int(cfg.bare_infinitive_max_hits)))
    return spans, llr
