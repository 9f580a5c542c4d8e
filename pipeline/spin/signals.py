"""Spin signals: plain functions of a text returning evidence spans and feature values.

Every signal returns a list of evidence dicts ``{"start_char", "end_char", "text",
"suggestion", "signal", "score"}`` (offsets into the text given; ``score`` is a 0..1
confidence) and, where it has them, feature values via :func:`features`. Signals that need
statistics take a :class:`~pipeline.spin.reference.Reference` (default: the shipped one) and the
spin settings (default: ``resources/config/spin.toml``). Tokens may be passed in (``toks``) so
that one tokenisation serves all signals.

Signals: ``spinner_syntax``, ``article_mismatch``, ``fingerprints``, ``function_phrases``,
``collocations``, ``pos_slot``, ``mangled_entities``, ``terminology``; ``analyse`` runs them all
and returns spans plus the length-normalised document features of the verdict model.
"""

from __future__ import annotations

import functools
import math
import re
import tomllib
from collections import Counter
from importlib import resources
from typing import Any

from spacy.lang.en.stop_words import STOP_WORDS

from pipeline.spin.reference import Reference, load_reference, read_tsv, resource_path
from pipeline.spin.tokens import Tok, tokenize

Span = dict[str, Any]

# Leftover spinner syntax: "{a|b}" alternatives, or braces around ordinary words in prose.
_SPIN_ALT = re.compile(r"\{([^{}|\n]{1,80})(?:\|[^{}\n]{0,80})+\}")
_SPIN_BRACE = re.compile(r"\{([A-Za-z][A-Za-z' ]{0,60})\}")
_STRAY = re.compile(r"[{}]")
_CODE_HINT = re.compile(r"[;=<>\\$]|\b(?:function|return|var|const|def|class)\b")


@functools.lru_cache(maxsize=1)
def default_settings() -> dict[str, Any]:
    """The shipped ``[spin]`` settings."""
    path = resources.files("pipeline") / "resources" / "config" / "spin.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


def _cfg(settings: dict[str, Any] | None) -> dict[str, Any]:
    if not settings:
        return default_settings()
    merged = dict(default_settings())
    merged.update(settings)
    return merged


def _ref(ref: Reference | None, settings: dict[str, Any]) -> Reference:
    if ref is not None:
        return ref
    d = settings.get("reference_dir") or None
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


def match_case(suggestion: str, original: str) -> str:
    """Give ``suggestion`` the capitalisation pattern of ``original``."""
    if not suggestion or not original:
        return suggestion
    if original.isupper() and len(original) > 1:
        return suggestion.upper()
    if original[0].isupper():
        if all(w[:1].isupper() for w in original.split()):
            return " ".join(w[:1].upper() + w[1:] for w in suggestion.split())
        return suggestion[0].upper() + suggestion[1:]
    return suggestion


# ---------------------------------------------------------------- spinner syntax


def spinner_syntax(text: str, settings: dict[str, Any] | None = None) -> list[Span]:
    """Leftover spintax: ``{a|b}`` (suggest ``a``), ``{that a}`` (suggest the words), stray braces.

    Braces in text that looks like code or a template (``;``, ``=``, ``$``...) are ignored.
    """
    cfg = _cfg(settings)
    if "{" not in text and "}" not in text:
        return []
    score = cfg["score_syntax"]
    out: list[Span] = []
    taken: list[tuple[int, int]] = []
    for rx in (_SPIN_ALT, _SPIN_BRACE):
        for m in rx.finditer(text):
            if any(s <= m.start() < e for s, e in taken):
                continue
            line_start = text.rfind("\n", 0, m.start()) + 1
            line_end = text.find("\n", m.end())
            line = text[line_start : line_end if line_end >= 0 else len(text)]
            if _CODE_HINT.search(line):
                continue
            taken.append((m.start(), m.end()))
            out.append(_span(text, m.start(), m.end(), m.group(1).strip(), "spinner_syntax", score))
    for m in _STRAY.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        line_start = text.rfind("\n", 0, m.start()) + 1
        line_end = text.find("\n", m.end())
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        # A brace in a line with others or with code is markup, not a spinner's leftover.
        if _CODE_HINT.search(line) or line.count("{") + line.count("}") > 1:
            continue
        out.append(_span(text, m.start(), m.end(), "", "spinner_syntax", score * 0.7))
    return out


# ---------------------------------------------------------------- a / an


@functools.lru_cache(maxsize=1)
def _sound_prefixes() -> list[tuple[str, bool]]:
    rows = read_tsv("article_sounds.tsv")
    pairs = [(r[0].lower(), r[1].strip() == "vowel") for r in rows]
    return sorted(pairs, key=lambda p: -len(p[0]))


def vowel_sound(word: str) -> bool | None:
    """Whether ``word`` starts with a vowel sound (None: cannot tell, e.g. acronyms, numbers)."""
    if not word or not word[0].isalpha() or (word.isupper() and len(word) > 1):
        return None
    w = word.lower()
    for prefix, vowel in _sound_prefixes():
        if w.startswith(prefix):
            return vowel
    return w[0] in "aeiou"


def _inflections(word: str) -> list[tuple[str, str]]:
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


def inflect(lemma: str, suffix: str, vocab: dict[str, float]) -> str | None:
    """``lemma`` with the suffix class applied, if the result is a known word."""
    if not suffix:
        return lemma
    if " " in lemma:
        head, _, rest = lemma.partition(" ")
        first = inflect(head, suffix, vocab)
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


def candidates(word: str, ref: Reference) -> list[str]:
    """Words ``word`` may have replaced (thesaurus, inflected like ``word``), most common first."""
    out: list[str] = []
    seen = {word}
    for lemma, suffix in _inflections(word):
        for c in ref.synonyms.get(lemma, ()):
            if ref.pos.get(c, ("", 0.0))[0] in _CLOSED_CLASS:  # "is", "by": never the original
                continue
            form = inflect(c, suffix, ref.zipf)
            if form and form not in seen:
                seen.add(form)
                out.append(form)
    return out


def article_mismatch(
    text: str,
    settings: dict[str, Any] | None = None,
    ref: Reference | None = None,
    toks: list[Tok] | None = None,
) -> list[Span]:
    """"an distinctive" / "a exceptional": the article no longer fits the (swapped) next word.

    The suggestion is a synonym of the word that fits the article ("an exceptional"), else the
    other article.
    """
    cfg = _cfg(settings)
    toks = tokenize(text) if toks is None else toks
    out: list[Span] = []
    reference: Reference | None = None
    for i in range(len(toks) - 1):
        t, n = toks[i], toks[i + 1]
        if t.low not in ("a", "an") or not n.is_word or t.text == "A" and text[t.end:t.end + 1] == ".":
            continue
        sound = vowel_sound(n.text)
        if sound is None or sound == (t.low == "an"):
            continue
        if t.low == "a" and n.low in ("a", "an"):
            continue
        reference = reference or _ref(ref, cfg)
        fit = [c for c in candidates(n.low, reference) if vowel_sound(c) == (t.low == "an")]
        if fit:
            suggestion = t.text + " " + match_case(fit[0], n.text)
        else:
            suggestion = match_case("an" if t.low == "a" else "a", t.text) + " " + n.text
        out.append(_span(text, t.start, n.end, suggestion, "article_mismatch", cfg["score_article"]))
    return out


# ---------------------------------------------------------------- phrase lexicons


@functools.lru_cache(maxsize=4)
def _phrase_table(name: str) -> dict[int, dict[str, str]]:
    table: dict[int, dict[str, str]] = {}
    for row in read_tsv(name):
        if len(row) >= 2:
            key = row[0].strip().lower()
            table.setdefault(len(key.split()), {})[key] = row[1].strip()
    return table


def _ngram_hits(toks: list[Tok], table: dict[int, dict[str, str]]) -> list[tuple[int, int, str, str]]:
    """(first token, last token, phrase, replacement) for every table phrase in the tokens."""
    firsts = _first_words(id(table), table)
    hits = []
    n_toks = len(toks)
    for i, t in enumerate(toks):
        if not t.is_word or t.low not in firsts:
            continue
        for n, phrases in table.items():
            if i + n > n_toks:
                continue
            window = toks[i : i + n]
            if not all(x.is_word for x in window):
                continue
            key = t.low if n == 1 else " ".join(x.low for x in window)
            if key in phrases:
                hits.append((i, i + n - 1, key, phrases[key]))
    return hits


_FIRSTS: dict[int, frozenset] = {}


def _first_words(key: int, table: dict[int, dict[str, str]]) -> frozenset:
    v = _FIRSTS.get(key)
    if v is None:
        v = _FIRSTS[key] = frozenset(p.split()[0] for ps in table.values() for p in ps)
    return v


def fingerprints(
    text: str, settings: dict[str, Any] | None = None, toks: list[Tok] | None = None
) -> list[Span]:
    """Known spun wordings from ``resources/spin/fingerprints.tsv`` with their originals."""
    cfg = _cfg(settings)
    toks = tokenize(text) if toks is None else toks
    out = []
    for i, j, _key, orig in _ngram_hits(toks, _phrase_table("fingerprints.tsv")):
        s, e = toks[i].start, toks[j].end
        out.append(_span(text, s, e, match_case(orig, text[s:e]), "fingerprint", cfg["score_fingerprint"]))
    return out


@functools.lru_cache(maxsize=1)
def _plain_table() -> dict[int, dict[str, str]]:
    """The function-phrase table read the other way (plain -> marked)."""
    out: dict[int, dict[str, str]] = {}
    for phrases in _phrase_table("function_phrases.tsv").values():
        for marked, plain in phrases.items():
            out.setdefault(len(plain.split()), {})[plain] = marked
    return out


def _expected_share(marked: str, plain: str, ref: Reference, prior: float) -> float:
    """Share of the marked form among marked+plain expected in clean text."""
    m = ref.phrase_counts.get(marked, 0)
    p = ref.phrase_counts.get(plain, 0)
    # Weak prior at 10%: most marked forms are the rarer one in plain writing.
    return (m + prior * 0.1) / (m + p + prior)


def function_phrases(
    text: str,
    settings: dict[str, Any] | None = None,
    ref: Reference | None = None,
    toks: list[Tok] | None = None,
) -> tuple[list[Span], dict[str, float]]:
    """Function phrases used at a rate clean text does not show ("within the" for "in the").

    For each (marked, plain) pair the binomial log-likelihood ratio of the observed share of
    the marked form against the expected one is computed; occurrences of pairs whose ratio
    passes ``phrase_min_llr`` become spans. Features: ``phrase_llr`` (sum of positive ratios)
    and ``phrase_marked`` (marked occurrences).
    """
    cfg = _cfg(settings)
    reference = _ref(ref, cfg)
    toks = tokenize(text) if toks is None else toks
    table = _phrase_table("function_phrases.tsv")
    plain_table = _plain_table()
    marked_hits = _ngram_hits(toks, table)
    plain_counts = Counter(k for _, _, k, _ in _ngram_hits(toks, plain_table))
    by_phrase: dict[str, list[tuple[int, int]]] = {}
    plain_of: dict[str, str] = {}
    for i, j, key, plain in marked_hits:
        by_phrase.setdefault(key, []).append((i, j))
        plain_of[key] = plain
    spans: list[Span] = []
    total_llr = 0.0
    for key, occ in by_phrase.items():
        m, p = len(occ), plain_counts[plain_of[key]]
        e = _expected_share(key, plain_of[key], reference, cfg["phrase_prior"])
        q = (m + 0.5) / (m + p + 1.0)
        if q <= e:
            continue
        llr = m * math.log(q / e) + p * math.log((1 - q) / (1 - e))
        total_llr += llr
        if llr >= cfg["phrase_min_llr"] and m >= cfg["phrase_min_count"]:
            conf = 1.0 / (1.0 + math.exp(-(llr - cfg["phrase_min_llr"]) / 2.0))
            conf = 0.5 + conf / 2
            for i, j in occ:
                s, e_ = toks[i].start, toks[j].end
                sug = match_case(plain_of[key], text[s:e_])
                spans.append(_span(text, s, e_, sug, "function_phrase", conf))
    feats = {"phrase_llr": total_llr, "phrase_marked": float(len(marked_hits))}
    return spans, feats


# ---------------------------------------------------------------- collocations


class _Assoc:
    """Bigram association with smoothing, memoised per call site."""

    def __init__(self, ref: Reference, cfg: dict[str, Any]):
        self.ref = ref
        self.beta = cfg["colloc_beta"]
        self.wd = cfg["colloc_dom_weight"]
        self.n = max(ref.dom_words, 1)

    def p(self, w: str) -> float:
        z = self.ref.zipf.get(w)
        pg = 10.0 ** (z - 9.0) if z is not None else 1e-9
        pd = self.ref.dom_uni.get(w, 0) / self.n
        return max(pg, pd)

    def count(self, a: str, b: str) -> float:
        k = a + " " + b
        return self.ref.gen_bi.get(k, 0.0) + self.wd * self.ref.dom_bi.get(k, 0)

    def assoc(self, a: str, b: str) -> float:
        e = self.n * self.p(a) * self.p(b)
        return math.log((self.count(a, b) + self.beta) / (e + self.beta))


def _context(toks: list[Tok], i: int, j: int) -> tuple[str | None, str | None]:
    """Adjacent words left of token i and right of token j (None across punctuation)."""
    left = toks[i - 1].low if i > 0 and toks[i - 1].is_word else None
    right = toks[j + 1].low if j + 1 < len(toks) and toks[j + 1].is_word else None
    return left, right


def collocations(
    text: str,
    settings: dict[str, Any] | None = None,
    ref: Reference | None = None,
    toks: list[Tok] | None = None,
) -> list[Span]:
    """Words (or 2-3 word phrases) whose neighbours fit a thesaurus neighbour much better.

    For a word w between l and r, support(x) = A(l, x) + A(x, r), A = smoothed association
    of a bigram in clean text. Candidates c are the words w may have replaced (Moby, both
    directions, inflected like w) that are actually seen next to l or r. w is flagged when
    support(c) - support(w) >= ``colloc_min_delta`` and w itself is poorly attested: "restorative
    alliance" -> "therapeutic alliance", "drop-out fee" -> "drop-out rate".
    """
    cfg = _cfg(settings)
    reference = _ref(ref, cfg)
    toks = tokenize(text) if toks is None else toks
    if not toks:
        return []
    A = _Assoc(reference, cfg)
    succ, pred = reference.neighbours()
    syn = reference.synonyms
    min_delta, min_sup = cfg["colloc_min_delta"], cfg["colloc_min_support"]
    max_w_sup, mid = cfg["colloc_max_word_support"], cfg["colloc_score_mid"]
    empty: set = set()
    out: list[Span] = []
    n = len(toks)
    i = 0
    while i < n:
        t = toks[i]
        if not t.is_word or t.low in STOP_WORDS:
            i += 1
            continue
        best: tuple[float, str, int] | None = None
        # phrases first (a spinner may write "depend on" for "trust", "well being" for "health")
        for width in (3, 2, 1):
            j = i + width - 1
            if j >= n or any(not toks[k].is_word for k in range(i, j + 1)):
                continue
            key = t.low if width == 1 else " ".join(toks[k].low for k in range(i, j + 1))
            if width > 1 and key not in syn:
                continue
            left, right = _context(toks, i, j)
            if left is None and right is None:
                continue
            first, last = key.split()[0], key.split()[-1]
            sup_w = (A.assoc(left, first) if left else 0.0) + (A.assoc(last, right) if right else 0.0)
            if sup_w > max_w_sup:
                continue
            pool = set(candidates(key, reference) if width == 1 else syn[key])
            if not pool:
                continue
            near = (pool & succ.get(left, empty) if left else empty) | (
                pool & pred.get(right, empty) if right else empty
            )
            for c in near:
                cw = c.split()
                sup_c = (A.assoc(left, cw[0]) if left else 0.0) + (A.assoc(cw[-1], right) if right else 0.0)
                delta = sup_c - sup_w
                if sup_c >= min_sup and delta >= min_delta and (best is None or delta > best[0]):
                    best = (delta, c, j)
            if best is not None:
                break
        if best is None:
            i += 1
            continue
        delta, c, j = best
        s, e = t.start, toks[j].end
        conf = 1.0 / (1.0 + math.exp(-(delta - mid)))
        out.append(_span(text, s, e, match_case(c, text[s:e]), "collocation", conf))
        i = j + 1
    return out


ODDITY_FEATURES = ("odd_pairs", "dom_pairs", "offdomain")


def oddity_rate(
    text: str,
    settings: dict[str, Any] | None = None,
    ref: Reference | None = None,
    toks: list[Tok] | None = None,
) -> dict[str, float]:
    """Spinner-agnostic features over adjacent word pairs.

    ``odd_pairs``: share of adjacent pairs of common words (Zipf >= ``odd_min_zipf``, not both
    stop words) never seen together in the reference; ``dom_pairs``: share of those seen in the
    in-domain text; ``offdomain``: mean log ratio of general
    to in-domain frequency of content words (a spun therapy text uses off-domain synonyms).
    """
    cfg = _cfg(settings)
    reference = _ref(ref, cfg)
    toks = tokenize(text) if toks is None else toks
    zipf, gen, dom = reference.zipf, reference.gen_bi, reference.dom_bi
    dom_uni, n = reference.dom_uni, max(reference.dom_words, 1)
    min_z = cfg["odd_min_zipf"]
    pairs = odd = dom_seen = 0
    off_sum, off_n = 0.0, 0
    prev: Tok | None = None
    for t in toks:
        if not t.is_word:
            prev = None
            continue
        z = zipf.get(t.low)
        if z is not None and t.low not in STOP_WORDS:
            off_sum += math.log10((dom_uni.get(t.low, 0) + 0.5) / n) - (z - 9.0)
            off_n += 1
        if prev is not None and z is not None and z >= min_z:
            zp = zipf.get(prev.low)
            if zp is not None and zp >= min_z and not (t.low in STOP_WORDS and prev.low in STOP_WORDS):
                pairs += 1
                k = prev.low + " " + t.low
                in_dom = k in dom
                dom_seen += in_dom
                if not in_dom and k not in gen:
                    odd += 1
        prev = t
    return {
        "odd_pairs": odd / pairs if pairs else 0.0,
        "dom_pairs": dom_seen / pairs if pairs else 0.0,
        "offdomain": -off_sum / off_n if off_n else 0.0,
    }


# ---------------------------------------------------------------- part of speech


def pos_slot(
    text: str,
    settings: dict[str, Any] | None = None,
    ref: Reference | None = None,
    toks: list[Tok] | None = None,
) -> list[Span]:
    """A word whose usual part of speech cannot follow the previous word's ("mutual depend on").

    Uses the word -> POS table built from tagged clean text; only words with a reliable
    (frequent, unambiguous) POS are judged. The suggestion is a thesaurus neighbour whose POS
    fits the slot, if any.
    """
    cfg = _cfg(settings)
    reference = _ref(ref, cfg)
    toks = tokenize(text) if toks is None else toks
    pos, logp, dom = reference.pos, reference.pos_bigram_logp, reference.dom_uni
    min_count, min_share, max_lp = cfg["pos_min_count"], cfg["pos_min_share"], cfg["pos_max_logp"]

    def tag(w: str) -> str | None:
        p = pos.get(w)
        if p is None or p[1] < min_share or dom.get(w, 0) < min_count:
            return None
        return p[0]

    out: list[Span] = []
    for i in range(1, len(toks)):
        a, b = toks[i - 1], toks[i]
        if not (a.is_word and b.is_word):
            continue
        ta, tb = tag(a.low), tag(b.low)
        if ta is None or tb is None:
            continue
        lp = logp.get(ta + " " + tb, -12.0)
        if lp > max_lp:
            continue
        best = ""
        for c in candidates(b.low, reference):
            tc = tag(c.split()[0])
            if tc is not None and logp.get(ta + " " + tc, -12.0) > max_lp + 2:
                best = c
                break
        out.append(_span(text, b.start, b.end, match_case(best, b.text), "pos_slot", cfg["score_pos"]))
    return out


# ---------------------------------------------------------------- entities


@functools.lru_cache(maxsize=1)
def _entities() -> tuple[list[list[str]], dict[str, list[tuple[int, int]]]]:
    names = []
    for line in resource_path("entities.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            names.append(line.split())
    index: dict[str, list[tuple[int, int]]] = {}
    for e, words in enumerate(names):
        for k, w in enumerate(words):
            if w[0].isupper():
                index.setdefault(w.lower(), []).append((e, k))
    return names, index


def _align(entity: list[str], words: list[str]) -> tuple[int, list[tuple[int, int, int, int]]]:
    """Token alignment (Levenshtein, substitutions may cover 1 entity word -> 1-2 text words).

    Returns (matched words, substitutions as (entity_from, entity_to, text_from, text_to)).
    """
    n, m = len(entity), len(words)
    INF = 10**9
    cost = [[INF] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int, str] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0
    for i in range(n + 1):
        for j in range(m + 1):
            c = cost[i][j]
            if c == INF:
                continue
            if i < n and j < m:
                same = entity[i].lower() == words[j].lower()
                nc = c + (0 if same else 1)
                if nc < cost[i + 1][j + 1]:
                    cost[i + 1][j + 1], back[i + 1][j + 1] = nc, (i, j, "m" if same else "s")
            if i < n and j + 1 < m:
                nc = c + 1
                if nc < cost[i + 1][j + 2]:
                    cost[i + 1][j + 2], back[i + 1][j + 2] = nc, (i, j, "s2")
    if cost[n][m] == INF:
        return 0, []
    matched, subs = 0, []
    i, j = n, m
    while (i, j) != (0, 0):
        step = back[i][j]
        if step is None:
            return 0, []
        pi, pj, kind = step
        if kind == "m":
            matched += 1
        else:
            subs.append((pi, i, pj, j))
        i, j = pi, pj
    return matched, subs[::-1]


def mangled_entities(
    text: str, settings: dict[str, Any] | None = None, toks: list[Tok] | None = None
) -> list[Span]:
    """Organisation / journal names with a word swapped ("Nationwide Institutes of Well being").

    A run of words around a capitalised word of a known name (``resources/spin/entities.txt``)
    is aligned with the name; at least ``entity_min_match`` of its words must match exactly and
    the differing words must be capitalised (as a name would be). An exact mention is fine.
    """
    cfg = _cfg(settings)
    toks = tokenize(text) if toks is None else toks
    names, index = _entities()
    out: list[Span] = []
    covered = -1
    for i, t in enumerate(toks):
        if i <= covered or not t.is_word or t.low not in index or not t.text[0].isupper():
            continue
        best: tuple[float, int, int, list[tuple[int, int, int, int]], list[str]] | None = None
        for e, k in index[t.low]:
            entity = names[e]
            if len(entity) < 2:
                continue
            start = i - k
            for extra in (0, 1, -1, 2):
                lo, hi = start, start + len(entity) + extra
                for shift in (0, -1):
                    a, b = lo + shift, hi + shift
                    if a < 0 or b > len(toks) or b - a < 2 or not all(x.is_word for x in toks[a:b]):
                        continue
                    words = [x.text for x in toks[a:b]]
                    matched, subs = _align(entity, words)
                    share = matched / len(entity)
                    if not subs or share < cfg["entity_min_match"] or share == 1.0:
                        continue
                    if not all(toks[a + tj].text[0].isupper() for _, _, tf, tt in subs for tj in range(tf, tt)):
                        continue
                    if best is None or share > best[0]:
                        best = (share, a, b, subs, entity)
        if best is None:
            continue
        share, a, b, subs, entity = best
        for ef, et, tf, tt in subs:
            s, e_ = toks[a + tf].start, toks[a + tt - 1].end
            out.append(_span(text, s, e_, " ".join(entity[ef:et]), "entity", cfg["score_entity"] * share))
        covered = b - 1
    return out


# ---------------------------------------------------------------- terminology


def terminology(
    text: str,
    settings: dict[str, Any] | None = None,
    ref: Reference | None = None,
    toks: list[Tok] | None = None,
) -> list[Span]:
    """One concept named several ways: a word rare in clean in-domain text used in an article
    that also uses its common synonym ("remedy" beside "therapy", "consumer" beside "client")."""
    cfg = _cfg(settings)
    reference = _ref(ref, cfg)
    toks = tokenize(text) if toks is None else toks
    dom = reference.dom_uni
    present = {t.low for t in toks if t.is_word}
    ratio, max_dom = cfg["term_min_ratio"], cfg["term_max_dom"]
    verdict: dict[str, str | None] = {}
    out: list[Span] = []
    for t in toks:
        w = t.low
        if not t.is_word or w in STOP_WORDS:
            continue
        if w not in verdict:
            verdict[w] = None
            dw = dom.get(w, 0)
            if dw <= max_dom and not t.text[0].isupper():
                for c in candidates(w, reference):
                    if c in present and dom.get(c, 0) >= ratio * (dw + 1):
                        verdict[w] = c
                        break
        c = verdict[w]
        if c:
            out.append(_span(text, t.start, t.end, match_case(c, t.text), "terminology", cfg["score_term"]))
    return out


# ---------------------------------------------------------------- all together

# Rule signals run by ``analyse``; word-level evidence (collocation, terminology, POS slot)
# is weighed by the word scorer in ``words.py`` / ``detector.py`` instead.
RULE_SIGNALS = ("spinner_syntax", "article_mismatch", "fingerprint", "function_phrase", "entity")


def analyse(
    text: str,
    settings: dict[str, Any] | None = None,
    ref: Reference | None = None,
    toks: list[Tok] | None = None,
    oddity: bool = True,
) -> tuple[list[Span], dict[str, float]]:
    """The rule signals over ``text``: (evidence spans sorted by offset, document features).

    Features are length-normalised (per 100 words, or shares) so the verdict model sees
    articles of any length alike. ``oddity=False`` skips :func:`oddity_rate` (features only,
    no spans) when the document model does not use them.
    """
    cfg = _cfg(settings)
    reference = _ref(ref, cfg)
    toks = tokenize(text) if toks is None else toks
    words = sum(1 for t in toks if t.is_word)
    per100 = 100.0 / max(words, int(cfg["norm_min_words"]))
    spans: list[Span] = []
    spans += spinner_syntax(text, cfg)
    spans += article_mismatch(text, cfg, reference, toks)
    spans += fingerprints(text, cfg, toks)
    fp_spans, fp_feats = function_phrases(text, cfg, reference, toks)
    spans += fp_spans
    spans += mangled_entities(text, cfg, toks)
    # No length feature: trained on spun texts of every length, a model given one learns
    # "short means spun" and flags clean paragraphs.
    feats: dict[str, float] = {}
    for sig in RULE_SIGNALS:
        hits = [s for s in spans if s["signal"] == sig]
        feats[f"{sig}_per100"] = len(hits) * per100
    feats["phrase_llr"] = fp_feats["phrase_llr"] * per100
    feats["phrase_marked_per100"] = fp_feats["phrase_marked"] * per100
    if oddity:
        feats.update(oddity_rate(text, cfg, reference, toks))
    spans.sort(key=lambda s: (s["start_char"], -s["end_char"]))
    return spans, feats
