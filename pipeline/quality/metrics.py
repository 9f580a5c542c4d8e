"""Text-quality metrics: plain functions of the text (or of ingestion counts), one number each.

Web-text rules follow Gopher (Rae et al. 2021, as implemented in datatrove), C4 (Raffel et al.
2020) and FineWeb; readability follows the standard formulas (as textstat computes them, with
pyphen syllables). The rest are ours: boilerplate ratio, local coherence (neighbour overlap and a
permutation test against a shuffle of the same sentences), keyword stuffing, spam insertions,
content words. Thresholds are not here: see ``resources/config/quality.toml``.
"""

from __future__ import annotations

import importlib.util
import math
import re
from collections import Counter
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
import pyphen

from pipeline.quality.compiled import FAST
from pipeline.quality.prefilter import GatedPattern, Needles, line_needles, lower, may_match
from pipeline.quality.text import WORD_CACHE_SIZE, content_stem, parse, word_list
from pipeline.text import split_sentences

_RES = resources.files("pipeline") / "resources" / "quality"


def _lines_of(name: str) -> list[str]:
    text = (_RES / name).read_text(encoding="utf-8")
    return [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@lru_cache(maxsize=8)
def load_word_set(name: str) -> frozenset[str]:
    """A one-word-per-line resource as a set."""
    return frozenset(ln.strip() for ln in _lines_of(name))


# Lines at the top of a text (title, subtitle) that per-line spam patterns do not read.
SPAM_HEAD_LINES = 2


@dataclass(frozen=True)
class SpamPattern:
    """One row of the spam-pattern table."""

    name: str
    weight: float
    per_line: bool
    needles: tuple[str, ...]
    regex: re.Pattern
    # Literal clauses every match satisfies (``prefilter``; empty: no gate).
    gate: Needles = ()


@lru_cache(maxsize=8)
def load_spam_patterns(name: str = "spam_patterns.tsv") -> tuple[SpamPattern, ...]:
    """The spam-pattern table (name, weight, scope, needles, regex)."""
    rows = []
    for ln in _lines_of(name):
        key, weight, scope, needles, rx = ln.split("\t", 4)
        regex = re.compile(rx)
        rows.append(SpamPattern(key, float(weight), scope == "line",
                                tuple(n for n in needles.split(",") if n), regex,
                                line_needles(rx, regex.flags)))
    return tuple(rows)


@lru_cache(maxsize=8)
def load_line_patterns(name: str = "c4_bad_lines.tsv") -> GatedPattern:
    """The C4 bad-line patterns as one case-insensitive alternation."""
    return GatedPattern((ln.split("\t", 1)[1] for ln in _lines_of(name)), re.IGNORECASE)


@lru_cache(maxsize=1)
def _easy_words() -> frozenset[str]:
    # Dale-Chall's familiar words, read from the textstat package (not copied here). The
    # package is found, not imported: importing textstat pulls in nltk, scikit-learn, scipy
    # and pandas (~2 s and ~300 MB in a process that uses none of them).
    spec = importlib.util.find_spec("textstat")
    if spec is None or spec.origin is None:
        raise ModuleNotFoundError("textstat is not installed (its easy_words.txt is needed)")
    path = Path(spec.origin).parent / "resources" / "en" / "easy_words.txt"
    return frozenset(w.strip().lower() for w in path.read_text(encoding="utf-8").split())


_PYPHEN = pyphen.Pyphen(lang="en_US")
_MAX_HYPHENATED = 40
_VOWEL_GROUPS = re.compile(r"[aeiouy]+")


@lru_cache(maxsize=WORD_CACHE_SIZE)
def syllables(word: str) -> int:
    """Syllables of one word (pyphen hyphenation points + 1; cached, as words repeat)."""
    w = word.lower()
    if not w:
        return 0
    if len(w) > _MAX_HYPHENATED:
        # Hyphenation is slow on junk tokens (a 1 MB "word"): count vowel groups instead.
        return max(1, len(_VOWEL_GROUPS.findall(w)))
    # pyphen caches every word it hyphenates, unbounded: emptied now and then, memory stays
    # flat on a corpus that keeps bringing new word types (our own caches are bounded LRUs).
    cache = getattr(getattr(_PYPHEN, "hd", None), "cache", None)
    if cache is not None and len(cache) > WORD_CACHE_SIZE:
        cache.clear()
    return max(1, _hyphenation_points(w) + 1)


def _py_hyphenation_points(w: str) -> int:
    """pyphen's hyphenation points of ``w`` (the reference of the compiled count)."""
    return len(_PYPHEN.positions(w))


def _fast_hyphenation_points(w: str) -> int:
    hd = _PYPHEN.hd
    n = FAST.syllable_count(w, hd.patterns, hd.maxlen, _PYPHEN.left, _PYPHEN.right)
    return _py_hyphenation_points(w) if n is None else n


_hyphenation_points = _py_hyphenation_points if FAST is None else _fast_hyphenation_points


# Whitespace tokens without any letter/digit (resp. letter): counted in one regex pass.
_NO_ALNUM_TOKEN = re.compile(r"(?<!\S)[^\w\s]+(?!\S)")
_NO_ALPHA_TOKEN = re.compile(r"(?<!\S)(?:[^\w\s]|[\d_])+(?!\S)")


def _ratio(num: float, den: float) -> float:
    return num / den if den else 0.0


# --------------------------------------------------------------------------- Gopher quality
def words(text: str) -> float:
    """Number of words (whitespace tokens with a letter or digit)."""
    return float(len(parse(text).tokens) - len(_NO_ALNUM_TOKEN.findall(text or "")))


def mean_word_length(text: str) -> float:
    """Mean length of the words, punctuation excluded."""
    ws = parse(text).words
    return _ratio(sum(map(len, ws)), len(ws))


def stop_words(text: str, name: str = "gopher_stop_words.txt") -> float:
    """How many words are Gopher stop words (the, be, to, of, and, that, have, with)."""
    return float(sum(map(load_word_set(name).__contains__, _norm_words(text))))


def alpha_words_ratio(text: str) -> float:
    """Share of whitespace tokens with at least one letter."""
    toks = parse(text).tokens
    return _ratio(len(toks) - len(_NO_ALPHA_TOKEN.findall(text or "")), len(toks))


def symbol_word_ratio(text: str) -> float:
    """(hash signs + ellipses) per word."""
    toks = parse(text).tokens
    n = text.count("#") + text.count("...") + text.count("…")
    return _ratio(n, len(toks))


def bullet_lines_ratio(text: str, name: str = "bullet_prefixes.txt") -> float:
    """Share of lines starting with a bullet."""
    prefixes = tuple(load_word_set(name))
    lines = parse(text).lines
    return _ratio(sum(1 for ln in lines if ln.startswith(prefixes)), len(lines))


def ellipsis_lines_ratio(text: str) -> float:
    """Share of lines ending with an ellipsis."""
    lines = parse(text).lines
    return _ratio(sum(1 for ln in lines if ln.endswith(("...", "…"))), len(lines))


_TRUNCATED = re.compile(r"[a-z,](?:\.\.\.|…)$")


def truncated_paragraphs(text: str, min_words: int = 5) -> float:
    """Prose lines (``min_words``+ words) cut off mid-sentence with an ellipsis ("and you will
    eventually start..."): excerpts and teasers rather than the article."""
    return float(sum(1 for ln in parse(text).lines
                     if _TRUNCATED.search(ln) and len(ln.split()) >= min_words))


# --------------------------------------------------------------------------- Gopher repetition
def _dup_frac(units: tuple[str, ...], by_chars: bool) -> float:
    seen: set[str] = set()
    dup = 0
    for u in units:
        if u in seen:
            dup += len(u) if by_chars else 1
        seen.add(u)
    total = sum(map(len, units)) if by_chars else len(units)
    return _ratio(dup, total)


@lru_cache(maxsize=8)
def without_layout_repeats(text: str, chrome_words: int = 8) -> str:
    """The text without the short lines its layout repeats, for the repetition metrics: a line
    of fewer than ``chrome_words`` words said again (a menu item, a "View profile" or "Remote
    only" label under every listing, a call to action under every section) is page chrome, not
    repeated text. Its first occurrence stays, and so does every repeated longer line, paragraph
    or passage: that is the repetition of damaged text. Blank lines are kept, so paragraphs stay
    paragraphs."""
    raw = (text or "").splitlines()
    seen: set[str] = set()
    keep = []
    for ln in raw:
        line = ln.strip()
        if line and line in seen and len(line.split()) < chrome_words:
            continue
        seen.add(line)
        keep.append(ln)
    return text or "" if len(keep) == len(raw) else "\n".join(keep)


def dup_line_frac(text: str) -> float:
    """Share of lines that repeat an earlier line."""
    return _dup_frac(parse(text).lines, by_chars=False)


def dup_para_frac(text: str) -> float:
    """Share of paragraphs that repeat an earlier paragraph."""
    return _dup_frac(parse(text).paragraphs, by_chars=False)


def dup_line_char_frac(text: str) -> float:
    """Share of characters in lines that repeat an earlier line."""
    return _dup_frac(parse(text).lines, by_chars=True)


def dup_para_char_frac(text: str) -> float:
    """Share of characters in paragraphs that repeat an earlier paragraph."""
    return _dup_frac(parse(text).paragraphs, by_chars=True)


@lru_cache(maxsize=8)
def _norm_words(text: str) -> tuple[str, ...]:
    return tuple(map(str.lower, parse(text).words))


@lru_cache(maxsize=8)
def _word_ids(text: str) -> tuple[np.ndarray, int]:
    """The normalised words as integer ids (in order of first occurrence) and the vocabulary size."""
    ws = _norm_words(text)
    vocab = {w: i for i, w in enumerate(dict.fromkeys(ws))}
    ids = np.fromiter(map(vocab.__getitem__, ws), dtype=np.int64, count=len(ws))
    return ids, len(vocab)


def _top_ngram(text: str, n: int) -> tuple[tuple[str, ...], int]:
    """The most frequent n-gram and its count; ties go to the n-gram seen first (as
    ``Counter.most_common``). Counted on integer keys ``sum(id_j * V**(n-1-j))`` with numpy."""
    ws = _norm_words(text)
    ids, v = _word_ids(text)
    if v**n >= 2**62:  # keys would overflow int64: count the word tuples instead
        gram, count = Counter(zip(*(ws[i:] for i in range(n)), strict=False)).most_common(1)[0]
        return gram, count
    m = len(ws) - n + 1
    key = ids[:m].copy()
    for i in range(1, n):
        key = key * v + ids[i : i + m]
    _, first, counts = np.unique(key, return_index=True, return_counts=True)
    count = int(counts.max())
    pos = int(first[counts == count].min())
    return ws[pos : pos + n], count


def top_ngram_char_frac(text: str, n: int) -> float:
    """Characters of the most frequent n-gram (times its count) over all word characters."""
    ws = _norm_words(text)
    if len(ws) < n:
        return 0.0
    gram, count = _top_ngram(text, n)
    if count < 2:
        return 0.0
    return _ratio(sum(map(len, gram)) * count, sum(map(len, ws)))


@lru_cache(maxsize=8)
def _dup_ngram_fracs(text: str, n_min: int = 5, n_max: int = 10) -> dict[int, float]:
    """dup n-gram character fractions for n_min..n_max in one pass.

    Every n-gram gets an integer label (equal labels = equal n-grams): the label of the
    (n+1)-gram at i is the label of the pair (n-gram at i, word at i + n), so each n costs one
    ``np.unique`` over the text, whatever the vocabulary size.
    """
    ws = _norm_words(text)
    total = sum(map(len, ws))
    out = dict.fromkeys(range(n_min, n_max + 1), 0.0)
    if len(ws) < n_min or not total:
        return out
    ids, v = _word_ids(text)
    size = len(ws)
    lens = np.fromiter(map(len, ws), dtype=np.int64, count=size)
    lab = ids
    for k in range(1, n_min):
        lab = np.unique(lab[: size - k] * v + ids[k:], return_inverse=True)[1]
    for n in range(n_min, n_max + 1):
        if n > n_min:
            if size < n:
                break
            lab = np.unique(lab[: size - n + 1] * v + ids[n - 1 :], return_inverse=True)[1]
        starts = np.flatnonzero(np.bincount(lab)[lab] > 1)  # n-grams that occur more than once
        if not len(starts):
            break
        cover = np.cumsum(np.bincount(starts, minlength=size + 1)
                          - np.bincount(starts + n, minlength=size + 1))[:size] > 0
        out[n] = int(lens[cover].sum()) / total
    return out


def dup_ngram_char_frac(text: str, n: int) -> float:
    """Share of word characters covered by n-grams (5 <= n <= 10) that occur more than once."""
    return _dup_ngram_fracs(text).get(n, 0.0)


# --------------------------------------------------------------------------- C4 / FineWeb lines
def c4_bad_lines(text: str, name: str = "c4_bad_lines.tsv") -> float:
    """Lines C4 would drop for javascript, lorem ipsum, curly brackets, policy/cookie notices."""
    rx = load_line_patterns(name).for_text(text or "")
    if rx is None:
        return 0.0
    return float(sum(1 for ln in parse(text).lines if rx.search(ln)))


def line_punct_ratio(text: str) -> float:
    """FineWeb: share of lines ending in terminal punctuation."""
    lines = parse(text).lines
    ends = (".", "!", "?", '"', "”", "’", "'", ")", ":", ";", "…")
    return _ratio(sum(1 for ln in lines if ln.endswith(ends)), len(lines))


def short_line_ratio(text: str, max_chars: int = 30) -> float:
    """FineWeb: share of lines shorter than ``max_chars`` characters."""
    lines = parse(text).lines
    return _ratio(sum(1 for ln in lines if len(ln) < max_chars), len(lines))


def char_dup_ratio(text: str) -> float:
    """FineWeb: characters in duplicated lines over all characters (Gopher-style, by chars)."""
    return dup_line_char_frac(text)


def newline_word_ratio(text: str) -> float:
    """FineWeb list ratio: line breaks per word."""
    toks = parse(text).tokens
    return _ratio(text.count("\n"), len(toks))


# --------------------------------------------------------------------------- readability
@lru_cache(maxsize=8)
def _readability_counts(text: str) -> tuple[int, int, int, int, int]:
    """(sentences, words, syllables, polysyllabic words, words not on the Dale-Chall list)."""
    p = parse(text)
    n_sent = sum(1 for s in p.sentences if any(c.isalpha() for c in s))
    n_words = syl = poly = hard = 0
    for w, k in Counter(p.words).items():  # each distinct word once, times its count
        if w.isdigit():
            continue
        s, h = _word_info(w)
        n_words += k
        syl += s * k
        poly += k if s >= 3 else 0
        hard += h * k
    return n_sent, n_words, syl, poly, hard


@lru_cache(maxsize=WORD_CACHE_SIZE)
def _word_info(word: str) -> tuple[int, int]:
    """(syllables, 1 if not a Dale-Chall familiar word else 0), one cache lookup per word."""
    return syllables(word), int(word.lower() not in _easy_words())


def flesch_reading_ease(text: str) -> float:
    """206.835 - 1.015 words/sentence - 84.6 syllables/word (0 for an empty text)."""
    s, w, syl, _, _ = _readability_counts(text)
    if not s or not w:
        return 0.0
    return 206.835 - 1.015 * w / s - 84.6 * syl / w


def flesch_kincaid_grade(text: str) -> float:
    """0.39 words/sentence + 11.8 syllables/word - 15.59."""
    s, w, syl, _, _ = _readability_counts(text)
    if not s or not w:
        return 0.0
    return 0.39 * w / s + 11.8 * syl / w - 15.59


def smog_index(text: str) -> float:
    """1.043 sqrt(polysyllables * 30 / sentences) + 3.1291."""
    s, w, _, poly, _ = _readability_counts(text)
    if not s or not w:
        return 0.0
    return 1.043 * math.sqrt(poly * 30 / s) + 3.1291


def gunning_fog(text: str) -> float:
    """0.4 (words/sentence + 100 complex/words); complex = 3+ syllables."""
    s, w, _, poly, _ = _readability_counts(text)
    if not s or not w:
        return 0.0
    return 0.4 * (w / s + 100 * poly / w)


def dale_chall(text: str) -> float:
    """0.1579 (100 difficult/words) + 0.0496 words/sentence (+3.6365 above 5% difficult)."""
    s, w, _, _, hard = _readability_counts(text)
    if not s or not w:
        return 0.0
    pct = 100 * hard / w
    return 0.1579 * pct + 0.0496 * w / s + (3.6365 if pct > 5 else 0.0)


def grade(text: str) -> float:
    """Consensus US grade: median of Flesch-Kincaid, SMOG and Gunning fog."""
    vals = sorted((flesch_kincaid_grade(text), smog_index(text), gunning_fog(text)))
    return vals[1]


def grade_band(value: float, bands: list) -> str:
    """Name of the first band whose upper grade is >= ``value`` (bands: [[upper, name], ...])."""
    for upper, name in bands:
        if value <= float(upper):
            return str(name)
    return str(bands[-1][1]) if bands else ""


# --------------------------------------------------------------------------- ours
def boilerplate_ratio(raw_chars: int | float, boilerplate_chars: int | float) -> float:
    """Share of the raw page that ingestion removed as boilerplate (0 when unknown)."""
    if not raw_chars or raw_chars <= 0:
        return 0.0
    return min(1.0, max(0.0, float(boilerplate_chars) / float(raw_chars)))


def _bag(unit: str) -> frozenset[str]:
    return frozenset(filter(None, map(content_stem, word_list(unit))))


@lru_cache(maxsize=8)
def _sentence_words(text: str) -> tuple[tuple[str, ...], ...]:
    """The words of each sentence (computed once per text for the coherence metrics)."""
    return tuple(tuple(word_list(s)) for s in parse(text).sentences)


@lru_cache(maxsize=8)
def _sentence_bags(text: str) -> tuple[frozenset[str], ...]:
    """The content-stem set of each sentence."""
    return tuple(frozenset(filter(None, map(content_stem, ws))) for ws in _sentence_words(text))


def _adjacent_cosine(units: tuple[str, ...], bags: tuple[frozenset[str], ...] | None = None) -> float:
    bags = [b for b in (map(_bag, units) if bags is None else bags) if b]
    if len(bags) < 2:
        return math.nan
    sims = [len(a & b) / math.sqrt(len(a) * len(b)) for a, b in zip(bags, bags[1:], strict=False)]
    return sum(sims) / len(sims)


def sentence_coherence(text: str, window: int = 1) -> float:
    """Mean cosine of content-stem sets of neighbouring sentence windows (NaN if < 2 windows).

    Windows of ``window`` sentences smooth the many short sentences with no overlap; text
    stitched from unrelated sources shares few stems between neighbours.
    """
    sents = parse(text).sentences
    if window == 1:
        return _adjacent_cosine(sents, _sentence_bags(text))
    units = tuple(" ".join(sents[i : i + window]) for i in range(0, len(sents), window))
    return _adjacent_cosine(units)


def paragraph_coherence(text: str) -> float:
    """Mean cosine of content-stem sets of neighbouring paragraphs (NaN if < 2 paragraphs)."""
    return _adjacent_cosine(parse(text).paragraphs)


@lru_cache(maxsize=8)
def load_pronoun_classes(name: str = "pronoun_classes.tsv") -> dict[str, str]:
    """Pronoun -> its class tag ("She" -> "<she>"), from the pronoun-class table (lower case and
    capitalised forms, so words need no lower-casing)."""
    out = {}
    for ln in _lines_of(name):
        cls, words_ = ln.split("\t", 1)
        for w in (w.strip() for w in words_.split(",")):
            if w:
                out.update({w: f"<{cls.strip()}>", w.capitalize(): f"<{cls.strip()}>", w.upper(): f"<{cls.strip()}>"})
    return out


@lru_cache(maxsize=1)
def _blas_controller() -> Any:
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - installed with scikit-learn
        return None
    return ThreadpoolController()


def _one_blas_thread() -> AbstractContextManager[Any]:
    """One BLAS thread for the small pair matrix: with more, the idle BLAS threads spin and
    cost more CPU than the product itself (the result is the same: BLAS splits the output, not
    the sums, between threads)."""
    ctl = _blas_controller()
    return nullcontext() if ctl is None else ctl.limit(limits=1, user_api="blas")


@lru_cache(maxsize=64)
def _closeness(n: int, decay: float) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray, float]:
    """Upper-triangle pair indices of ``n`` sentences, their normalised closeness weights and the
    effective number of pairs those weights average over."""
    upper = np.triu_indices(n, 1)
    k = np.exp(-((upper[1] - upper[0]) - 1) / float(decay))
    k /= k.sum()
    return upper, k, 1.0 / float((k * k).sum())


def coherence_vs_shuffle(text: str, decay: float = 2.0, max_sentences: int = 400,
                         name: str = "pronoun_classes.tsv") -> float:
    """Local coherence against a shuffle of the same sentences (z; sentence salad is near 0).

    A permutation test that needs no reference data: sentences are sets of content stems plus
    pronoun classes ("she", "they": entity continuity); ``t`` is the mean cosine of sentence
    pairs weighted by closeness ``exp(-(distance - 1) / decay)``. Under a random order of the same
    sentences every pair is equally likely at every distance, so ``t`` would be the mean of all
    pairs; the value is ``(t - mean) / (sd / sqrt(n_eff))`` (pairs taken as independent). Coherent
    writing keeps related sentences together (a median of about 2 on clean counsel-chat texts);
    sentences shuffled together from several articles are no closer to their neighbours than to
    any other sentence (z centred on 0).
    Only the first ``max_sentences`` sentences count (the pair matrix is quadratic). NaN with
    fewer than 4 sentences that have content words.
    """
    pron = load_pronoun_classes(name)
    keys = pron.keys()
    vocab: dict[str, int] = {}
    ids: list[list[int]] = []
    for ws, stems in zip(_sentence_words(text), _sentence_bags(text), strict=True):
        bag = stems | {pron[w] for w in keys & set(ws)}
        if bag:
            ids.append([vocab.setdefault(w, len(vocab)) for w in bag])
            if len(ids) >= max_sentences:
                break
    n = len(ids)
    if n < 4:
        return math.nan
    x = np.zeros((n, len(vocab)))
    x[np.repeat(np.arange(n), [len(i) for i in ids]), list(chain.from_iterable(ids))] = 1.0
    x /= np.sqrt(x.sum(axis=1, keepdims=True))
    upper, k, n_eff = _closeness(n, float(decay))
    with _one_blas_thread():
        sims = x @ x.T
    pairs = sims[upper]
    sd = float(pairs.std())
    if sd < 1e-9:  # every pair alike (rounding aside): nothing to test
        return 0.0
    return (float(pairs @ k) - float(pairs.mean())) / (sd / math.sqrt(n_eff))


@lru_cache(maxsize=8)
def _word_stems(text: str) -> tuple[str | None, ...]:
    """Per word: its stem if it is a content word, else None."""
    return tuple(map(content_stem, parse(text).words))


@lru_cache(maxsize=8)
def _content_stems(text: str) -> tuple[str, ...]:
    return tuple(s for s in _word_stems(text) if s is not None)


def content_words(text: str) -> float:
    """Number of content words (3+ letters, not stop words)."""
    return float(len(_content_stems(text)))


def keyword_density(text: str) -> float:
    """Share of content words taken by the most frequent content stem."""
    stems = _content_stems(text)
    if not stems:
        return 0.0
    return Counter(stems).most_common(1)[0][1] / len(stems)


def keyphrase_per_100w(text: str, min_count: int = 3) -> float:
    """Occurrences of the most repeated two-content-word phrase per 100 words (0 if it occurs
    fewer than ``min_count`` times: two mentions in a short text are no stuffing)."""
    ws = parse(text).words
    if len(ws) < 2:
        return 0.0
    st = _word_stems(text)
    pairs = Counter((a, b) for a, b in zip(st, st[1:], strict=False) if a and b)
    if not pairs:
        return 0.0
    count = pairs.most_common(1)[0][1]
    return 100.0 * count / len(ws) if count >= min_count else 0.0


def stuffing_index(text: str, head: str = "", topic_allowance: float = 1.6) -> float:
    """Key-phrase repeats per 100 words judged against the page's own topic: a phrase whose
    words are all in the title or opening (``head``) is the subject, and real pages name their
    subject often, so its rate is divided by ``topic_allowance``."""
    rate = keyphrase_per_100w(text)
    if not rate:
        return 0.0
    st = _word_stems(text)
    pairs = Counter((a, b) for a, b in zip(st, st[1:], strict=False) if a and b)
    phrase = pairs.most_common(1)[0][0]
    topic = set(filter(None, _word_stems(head or text[:200])))
    return rate / topic_allowance if all(w in topic for w in phrase) else rate


@lru_cache(maxsize=8)
def load_search_phrases(name: str = "search_phrases.txt") -> GatedPattern:
    """The planted search-query patterns as one case-insensitive, multi-line alternation."""
    return GatedPattern((ln.strip() for ln in _lines_of(name)), re.IGNORECASE | re.MULTILINE)


def search_phrases(text: str, name: str = "search_phrases.txt") -> float:
    """Exact-match search queries written into the text ("best therapist near me")."""
    return float(load_search_phrases(name).count(text or ""))


@lru_cache(maxsize=8)
def load_discourse_markers(name: str = "discourse_markers.tsv") -> dict[str, re.Pattern]:
    """{"opener": regex, "closer": regex}: each position's rows as one alternation."""
    rows: dict[str, list[str]] = {}
    for ln in _lines_of(name):
        pos, rx = ln.split("\t", 1)
        rows.setdefault(pos, []).append(rx)
    return {pos: re.compile("|".join(f"(?:{r})" for r in rxs), re.IGNORECASE)
            for pos, rxs in rows.items()}


def misplaced_discourse(text: str, edge: int = 3, name: str = "discourse_markers.tsv",
                        min_words_around: int = 0) -> float:
    """Openers ("Hi", "In this article") after a paragraph's first ``edge`` sentences, closers
    ("Good luck", "In conclusion") in its first half with ``edge`` more sentences after them:
    signs of text stitched from several sources. An opener also needs ``min_words_around``
    words of the text before it, a closer that many after it (a lead after a title and byline
    is no seam)."""
    markers = load_discourse_markers(name)
    opener, closer = markers.get("opener"), markers.get("closer")
    total = len((text or "").split())
    seen = 0
    n = 0
    for para in parse(text).paragraphs:
        sents = split_sentences(para)
        for i, sent in enumerate(sents):
            late_opener = opener is not None and i >= edge and seen >= min_words_around
            early_closer = (closer is not None and i < len(sents) - edge and 2 * i < len(sents)
                            and total - seen - len(sent.split()) >= min_words_around)
            if late_opener or early_closer:
                head = sent.lstrip("\"“‘'([")[:60]
                n += bool((late_opener and opener.match(head)) or (early_closer and closer.match(head)))
            seen += len(sent.split())
    return float(n)


_STRAIGHT_APOS = re.compile(r"[^\W\d_]'[^\W\d_]")
_CURLY_APOS = re.compile(r"[^\W\d_]’[^\W\d_]")


def mixed_typography(text: str) -> float:
    """Paragraphs mixing straight and curly apostrophes ("don't" and "don’t") or quotes: one
    writer's paragraph keeps one style, a paragraph pasted from several sources does not."""
    n = 0
    for para in parse(text).paragraphs:
        if ("'" in para and "’" in para and _STRAIGHT_APOS.search(para) and _CURLY_APOS.search(para)) or (
            '"' in para and ("“" in para or "”" in para)
        ):
            n += 1
    return float(n)


@lru_cache(maxsize=8)
def load_keyword_list_patterns(name: str = "keyword_list_lines.txt") -> GatedPattern:
    """The keyword-list line patterns as one case-insensitive alternation."""
    return GatedPattern((ln.strip() for ln in _lines_of(name)), re.IGNORECASE)


def keyword_list_lines(text: str, name: str = "keyword_list_lines.txt") -> float:
    """Lines that list search keywords ("Tags: online therapy, therapy near me, ...")."""
    rx = load_keyword_list_patterns(name).for_text(text or "")
    if rx is None:
        return 0.0
    return float(sum(1 for ln in parse(text).lines if rx.match(ln)))


@lru_cache(maxsize=8)
def load_placeholder_patterns(name: str = "placeholder_phrases.txt") -> GatedPattern:
    """The placeholder phrases as one case-insensitive alternation."""
    return GatedPattern((ln.strip() for ln in _lines_of(name)), re.IGNORECASE)


def placeholder_phrases(text: str, name: str = "placeholder_phrases.txt") -> float:
    """Phrases of a page whose content is still to come ("coming soon", "check back later")."""
    return float(load_placeholder_patterns(name).count(text or ""))


@lru_cache(maxsize=8)
def load_generator_leftovers(name: str = "generator_leftovers.txt") -> GatedPattern:
    """The generator-leftover patterns (lorem-ipsum runs, SEO brief labels) as one pattern."""
    return GatedPattern((ln.strip() for ln in _lines_of(name)), re.IGNORECASE)


def generator_leftovers(text: str, name: str = "generator_leftovers.txt") -> float:
    """Lines carrying what a page generator or writing tool left in the text (a run of
    lorem-ipsum filler, an SEO writing brief's keyword instructions or labels, chatbot
    boilerplate): the page was published from a draft or a theme demo."""
    rx = load_generator_leftovers(name).for_text(text or "")
    if rx is None:
        return 0.0
    return float(sum(1 for ln in parse(text).lines if rx.search(ln)))


@lru_cache(maxsize=8)
def load_error_dump_patterns(name: str = "error_dumps.txt") -> GatedPattern:
    """The server-error patterns (PHP warnings, uncaught exceptions) as one pattern."""
    return GatedPattern((ln.strip() for ln in _lines_of(name)), re.IGNORECASE)


def error_dump_lines(text: str, name: str = "error_dumps.txt") -> float:
    """Lines carrying server or script error text ("Warning: ... on line 838", a stack trace):
    the page was scraped while its site was failing."""
    rx = load_error_dump_patterns(name).for_text(text or "")
    if rx is None:
        return 0.0
    return float(sum(1 for ln in parse(text).lines if rx.search(ln)))


@lru_cache(maxsize=8)
def load_markup_patterns(name: str = "markup_patterns.txt") -> GatedPattern:
    """The raw-markup patterns (tags, JSON keys, template tags, entities) as one pattern."""
    return GatedPattern(ln.strip() for ln in _lines_of(name))


def markup_per_100w(text: str, name: str = "markup_patterns.txt") -> float:
    """Raw markup left in the text (HTML tags, JSON keys, template or spintax tags, entities)
    per 100 words: a broken render or a dump of the page source."""
    n = len((text or "").split())
    return _ratio(100.0 * load_markup_patterns(name).count(text or ""), n) if n else 0.0


@lru_cache(maxsize=8)
def load_teaser_endings(name: str = "teaser_endings.txt") -> GatedPattern:
    """The teaser endings ("Read more", "Continue reading", a final ellipsis) as one pattern."""
    return GatedPattern((ln.strip() for ln in _lines_of(name)), re.IGNORECASE)


def teaser_stub(text: str, max_words: int = 150, name: str = "teaser_endings.txt",
                last_lines: int = 2) -> float:
    """Teaser or stub page: a short body (at most ``max_words`` words) that ends in "Read more",
    "Continue reading" or the excerpt mark "[...]" instead of the article (1.0), else 0.0."""
    n = len((text or "").split())
    if not n or n > max_words:
        return 0.0
    tail = parse(text).lines[-last_lines:]
    rx = load_teaser_endings(name).for_text(text)
    return 1.0 if rx is not None and any(rx.search(ln) for ln in tail) else 0.0


def spam_matches(text: str, name: str = "spam_patterns.tsv") -> list[tuple[str, float, str]]:
    """(pattern name, weight, matched text) of every spam insertion."""
    text = text or ""
    low = lower(text)
    out = []
    for p in load_spam_patterns(name):
        if p.needles and not any(n in low for n in p.needles):
            continue
        ic = bool(p.regex.flags & re.IGNORECASE)
        if not may_match(p.gate, ic, text):
            continue
        if p.per_line:
            # A page's own title and subtitle ("Grief – What Helps") open the text: a feed
            # headline is one that turns up further down. A line repeated (a manual's running
            # header) is one insertion, not one per page of the print view.
            # The gate holds for each line on its own too: most lines skip the regex.
            lines = parse(text).lines
            hits = dict.fromkeys(ln for ln in lines[SPAM_HEAD_LINES:]
                                 if len(ln) <= 170 and may_match(p.gate, ic, ln, shared=False)
                                 and p.regex.search(ln))
            out.extend((p.name, p.weight, ln) for ln in hits)
        else:
            out.extend((p.name, p.weight, mt.group(0)) for mt in p.regex.finditer(text))
    return out


def spam_insertions(text: str, name: str = "spam_patterns.tsv") -> float:
    """Weighted count of link-bait/feed-debris insertions ("Go here", "[source]", "Posted: ... GMT")."""
    return float(sum(w for _, w, _ in spam_matches(text, name)))


# --- words glued together by a bad scrape ------------------------------------------------------
# "millionadults", "notyouplace", "depressionDealing", "affects16.1": tokens that are no English
# word but split into common ones. Brand names in CamelCase ("BetterHelp") start with a capital
# and are not read as glue; a lower-case token is glue only when wordfreq does not know it.
_GLUE_TOKEN = re.compile(r"[A-Za-z]+(?:\d[\d.,]*[A-Za-z]*)?|\d[\d.,]*[A-Za-z]+")
_CAMEL = re.compile(r"^([a-z]{3,})([A-Z][a-z]{2,})$")
# A decimal glued to the word before it ("affects16.1"), or any number to the word after it
# ("1million"); a bare digit after a word is usually a flattened footnote mark ("behaviors1").
_LETTERS_DIGITS = re.compile(r"^([a-z]{3,})(\d+[.,]\d+)$|^(\d[\d.,]*)([a-z]{3,})$")


@lru_cache(maxsize=1)
def _zipf_finder() -> Any:
    """The compiled look-up into ``compact.zipf_en``'s table (any other word goes to
    ``zipf_en``), or None without the kernels or the table."""
    if FAST is None:
        return None
    from pipeline.compact import MODELS_DIR, load_zipf_table, zipf_en

    table = load_zipf_table(MODELS_DIR)
    if table is None:
        return None
    return FAST.ZipfFinder(table._slots, table._offsets, table._values, table._blob,
                           table._mask, table.unknown, zipf_en)


def _zipf_en_fn() -> Any:
    """``compact.zipf_en``, or the compiled look-up into the same table when both are there."""
    from pipeline.compact import zipf_en  # wordfreq's value, without loading wordfreq

    finder = _zipf_finder()
    return zipf_en if finder is None else finder.zipf


@lru_cache(maxsize=WORD_CACHE_SIZE)
def _zipf(word: str) -> float:
    return _zipf_en_fn()(word)


# Two-letter English function words that a scrape glues to a longer word ("sessionor").
_SHORT_PARTS = frozenset(["or", "to", "of", "in", "on", "at", "as", "is", "it", "be", "by", "we", "my", "so", "do", "if", "up", "me", "he", "an"])


def _part_ok(part: str, min_zipf: float, beside: str = "") -> bool:
    # Parts of three letters or more, or a two-letter function word beside a word of five or
    # more: shorter parts ("de", "la") would split the words of any language.
    if len(part) == 2:
        return part in _SHORT_PARTS and len(beside) >= 5 and _zipf(beside) >= min_zipf
    if len(part) == 3:  # only the commonest ("the", "and", "you"), or typos split too
        return _zipf(part) >= min_zipf + 2.0
    return len(part) >= 4 and _zipf(part) >= min_zipf


@lru_cache(maxsize=WORD_CACHE_SIZE)
def _splits_into_words(token: str, min_zipf: float, parts: int = 3) -> bool:
    """True when ``token`` is 2..``parts`` common words written without spaces."""
    for i in range(2, len(token) - 1):
        head, tail = token[:i], token[i:]
        if not _part_ok(head, min_zipf, tail):
            continue
        if _part_ok(tail, min_zipf, head) or (parts > 2 and _splits_into_words(tail, min_zipf, parts - 1)):
            return True
    return False


@lru_cache(maxsize=WORD_CACHE_SIZE)
def is_glued(token: str, min_len: int = 8, min_zipf: float = 3.1, max_len: int = 45) -> bool:
    """One token that is really several words run together (see the module comment); tokens
    longer than ``max_len`` characters are never split (no run of a few words is that long)."""
    if len(token) > max_len:
        return False
    if _CAMEL.match(token):
        a, b = _CAMEL.match(token).groups()
        return _zipf(a) >= min_zipf and _zipf(b.lower()) >= min_zipf and _zipf(token.lower()) == 0
    mt = _LETTERS_DIGITS.match(token)
    if mt:
        word = mt.group(1) or mt.group(4)
        return _zipf(word) >= min_zipf + 1.0
    if not (token.isalpha() and token.islower()) or len(token) < min_len or _zipf(token) > 0:
        return False
    return _splits_into_words(token, min_zipf)


# Addresses, handles and hashtags join words on purpose ("goodtherapy.org", "#marriagetips").
# Matches start only where a token or a dotted name starts: starting inside a run of letters would
# rescan the run from every position (quadratic on a hostile 200,000-letter token).
# One alternative per line, gated by their literals (``prefilter``): most prose has none of them.
_JOINED_ON_PURPOSE = GatedPattern([
    r"(?:https?://|www\.)\S+",
    r"(?<!\S)\S+@\S+",
    r"[@#]\w+",
    r"(?<![\w-])(?<!\w\.)[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|edu|gov|io|co|uk|au|ca|us|info|health)\b\S*",
], re.IGNORECASE)


# Two sentences run together at the full stop with the next one in lower case ("independent.if",
# "types.we"): sound pages write "up.So" now and then (a lost space before a capital, counted by
# nobody), but a lower-case word glued after a stop is a scrape or typing fault. File names
# ("index.html") and abbreviations ("e.g.") are left alone: both parts must be common words of
# two letters or more, neither may continue with another dot or a slash.
_STOP_GLUE = re.compile(r"(?<![\w.@/-])([A-Za-z]{2,})\.([a-z]{2,})(?![\w.@/-])")


def _stop_glued(head: str, tail: str, min_zipf: float = 3.1) -> bool:
    return _zipf(head.lower()) >= min_zipf and _zipf(tail) >= min_zipf + 1.0


def glued_words(text: str, min_count: int = 2, max_token_chars: int = 45) -> float:
    """Distinct words run together by a bad scrape ("millionadults", "affects16.1", "types.we")
    per 100 words (0 when fewer than ``min_count``: one odd compound such as "sandtray" is no
    damage, however often the page uses it; tokens over ``max_token_chars`` are not candidates)."""
    ws = parse(text).words
    if not ws:
        return 0.0
    prose = text or ""
    joined = _JOINED_ON_PURPOSE.for_text(prose)
    if joined is not None:
        prose = joined.sub(" ", prose)
    # A scrape glues a different pair each time; a token the page repeats is its own word
    # ("cleanouts" three times on a hoarding page), so each distinct token counts once.
    n = sum(1 for t in set(_GLUE_TOKEN.findall(prose)) if is_glued(t, max_len=max_token_chars))
    n += len({(a, b) for a, b in _STOP_GLUE.findall(prose) if _stop_glued(a, b)})
    return 100.0 * n / len(ws) if n >= min_count else 0.0



@lru_cache(maxsize=8)
def load_encoding_faults(name: str = "encoding_faults.txt") -> GatedPattern:
    """The encoding-fault patterns (question-mark apostrophes, mojibake) as one pattern."""
    return GatedPattern(ln.strip() for ln in _lines_of(name))


def encoding_damage(text: str, name: str = "encoding_faults.txt", min_count: int = 2) -> float:
    """Characters garbled by a wrong text encoding ("don?t", mojibake) per 100 words (0 when
    fewer than ``min_count``: one stray sequence is no damage)."""
    n_words = len((text or "").split())
    n = load_encoding_faults(name).count(text or "") if n_words else 0
    return 100.0 * n / n_words if n >= min_count else 0.0


# Two letter runs one space apart on one line, neither joined to other word characters.
_SPLIT_PAIR = re.compile(r"(?<![\w'’.-])(?=([A-Za-z]+) ([a-z]+)(?![\w'’-]))")


def split_words(text: str, min_count: int = 2, max_part_zipf: float = 3.0,
                min_joined_zipf: float = 3.0, min_joined_len: int = 6,
                unlisted_min_zipf: float = 3.5, unlisted_min_len: int = 7) -> float:
    """Words split by stray spaces ("anxie ty", "sympt oms") per 100 words (0 when fewer than
    ``min_count``: one split word is a typo, not damage).

    A pair counts when the two parts written together are a common word (Zipf >=
    ``min_joined_zipf``) and at least one part is rare or no word at all (Zipf <
    ``max_part_zipf``). Two common parts ("compass ion", "at tempt") count when written
    together they make a common word of at least ``unlisted_min_len`` letters (Zipf >=
    ``unlisted_min_zipf``) and the reference bigram tables do not list them as a pair
    (``quality.pairs.pair_listed``): "some times", "every one", "health care" are listed."""
    from pipeline.quality.pairs import pair_listed

    ws = parse(text).words
    if not ws:
        return 0.0
    pairs = (_SPLIT_PAIR.findall if FAST is None else FAST.split_pair_words)(text or "")
    finder = _zipf_finder()
    count = _py_split_pairs if finder is None else FAST.split_pairs
    n = count(pairs, finder, pair_listed, min_joined_len, max_part_zipf, min_joined_zipf,
              unlisted_min_len, unlisted_min_zipf)
    return 100.0 * n / len(ws) if n >= min_count else 0.0


def _py_split_pairs(pairs: list[tuple[str, str]], finder: Any, pair_listed: Any,
                    min_joined_len: int, max_part_zipf: float, min_joined_zipf: float,
                    unlisted_min_len: int, unlisted_min_zipf: float) -> int:
    """How many of the letter pairs of ``split_words`` are one word split (the reference of
    the compiled ``split_pairs``; ``finder`` unused: the Zipf values come from ``_zipf``)."""
    zipf_en = _zipf_en_fn()
    n = 0
    for a, b in pairs:
        joined = (a + b).lower()
        if len(joined) < min_joined_len:
            continue
        if min(_zipf(a.lower()), _zipf(b)) < max_part_zipf:
            n += _zipf(joined) >= min_joined_zipf
        elif (len(joined) >= unlisted_min_len and min(len(a), len(b)) >= 2
              and zipf_en(joined) >= unlisted_min_zipf):  # uncached: any two words make one
            n += not pair_listed(a.lower(), b)
    return n


# A heading run onto the end of the sentence before it ("...each night.Sleep Well Tonight"):
# a lower-case letter, the sentence's stop, then with no space a capitalised run of at most
# twelve words and no stop of its own (a question mark may end it) up to the end of the line.
_GLUED_HEADING = re.compile(
    r"[a-z)][.!?][\"”’]?[A-Z][A-Za-z’'-]*(?: [A-Za-z][A-Za-z’'-]*){0,11}\??[ \t]*$", re.MULTILINE)


# A heading run into the start of its paragraph ("How to cope with grief Take care of..."): at a
# line start, a sentence-case run of 2-7 words without punctuation that ends on a content word,
# then a capitalised common word opening a sentence of lower-case words that ends with a stop on
# that line. Bounded repeats keep the match linear on long lines.
_HEADING_INTO_SENTENCE = re.compile(
    r"^[ \t]*[A-Z][a-z]+(?: [a-z]+){0,5} ([a-z]+) ([A-Z][a-z]+)(?: [a-z,]+){3}([^\n]*)", re.MULTILINE)
# The same with a title-case heading ("What To Expect It is ..."): a run of 2-6 capitalised words
# is as often a name ("American Addiction Centers offers ..."), so the word that opens the
# sentence must be a function word ("It", "If", "You", "First"), which no name ends on, one
# contracted ("I’ve", "You're", "It's": a name takes no contraction) or a text's opening formula
# ("Hello, and thank you"). The sentence's next one to three words are lower case or the pronoun
# "I" ("Why It Matters I understand", "Practical Steps This takes time.") and go on in lower case
# or stop (a title-case heading has short lower-case words too: "How Long Does It Take to Build
# Trust?"), and it ends with a stop on that line or, hard-wrapped, on the next.
_TITLE_HEADING_INTO_SENTENCE = re.compile(
    r"^[ \t]*[A-Z][a-z]+(?: [A-Z][a-z]*){0,4} ([A-Z][a-z]*) ([A-Z][a-z]*)(?:['’][a-z]{1,2})?,?(?: (?:[a-z,’']+|I(?:['’][a-z]{1,2})?)){1,3}(?=[.!?]| [a-z])([^\n]*[.!?]|[^\n]*\n[^\n]*?[.!?])",
    re.MULTILINE)
_STOP = re.compile(r"[.!?]")


def _heading_into_sentence(m: re.Match, min_opener_zipf: float = 4.0) -> bool:
    from spacy.lang.en.stop_words import STOP_WORDS

    # A function word at the end ("is", "the") means the line is one sentence with a name in it.
    return (m.group(1) not in STOP_WORDS and _zipf(m.group(2).lower()) >= min_opener_zipf
            and _STOP.search(m.group(3)) is not None)


def _title_heading_into_sentence(m: re.Match, markers: str = "discourse_markers.tsv") -> bool:
    from spacy.lang.en.stop_words import STOP_WORDS

    if _STOP.search(m.group(3)) is None:
        return False
    if m.group(2).lower() in STOP_WORDS:
        return True
    # A text's opening formula ("Hello, and thank you for ...", discourse_markers.tsv) after a
    # title-case run: a greeting ends no name either.
    opener = load_discourse_markers(markers).get("opener")
    return opener is not None and opener.match(m.string[m.start(2):m.start(2) + 60]) is not None


def glued_headings(text: str, min_count: int = 2, markers: str = "discourse_markers.tsv") -> float:
    """Headings run onto the end of the previous sentence or into the start of the next without a
    line break, per 100 words (0 when fewer than ``min_count``: one glued label is no damage).
    ``markers``: the discourse-marker file whose openers a title-case heading may run into."""
    ws = parse(text).words
    if not ws:
        return 0.0
    n = len(_GLUED_HEADING.findall(text or ""))
    n += sum(1 for mt in _HEADING_INTO_SENTENCE.finditer(text or "") if _heading_into_sentence(mt))
    n += sum(1 for mt in _TITLE_HEADING_INTO_SENTENCE.finditer(text or "")
             if _title_heading_into_sentence(mt, markers))
    return 100.0 * n / len(ws) if n >= min_count else 0.0


def improbable_pairs(text: str, min_pairs: int = 20) -> float:
    """Adjacent word pairs English puts together less often than chance (word salad, stitched
    fragments), as a share of the judged pairs (``quality.pairs``; NaN under ``min_pairs``)."""
    from pipeline.quality.pairs import pair_counts

    judged, improbable = pair_counts(text)
    return improbable / judged if judged >= min_pairs and judged else float("nan")
