"""Exact duplicates, near-duplicates and spun copies across the corpus (MinHash LSH).

Every article gets three readings (see ``resources/config/dedup.toml``): the *surface*
(lower-cased words, 5-word shingles) finds exact and near copies; the *frame* (function words
kept, each run of content words one placeholder, 5-token shingles) finds spun copies, which
share few surface shingles with their source; the *normalised* reading (the spin detector's
restored text, function words dropped, lemmas, 2-word shingles) finds spun copies whose
wording was restored; the *pairs* reading (word bigrams holding a content word) proposes, by a
join on the bigrams few articles share, each article's best few candidates for spins heavier
than the frame survives (two spins of one lost source). LSH proposes candidate pairs (at most ``max_candidates`` per article and
reading: the closest by MinHash estimate); those whose estimate comes near a threshold are
decided on the exact Jaccard of their shingle hashes. Near and spun-copy pairs are then aligned
word by word (their texts re-read from the run's store): a spun copy must align (long equal
runs, the rest single swaps), and each swap's worse-fitting side (rarer words, unseen bigrams)
tells the copy from its source; the swaps become the copy's ``aligned_copy`` spin evidence.
A heavier spin whose equal runs are too short for that still aligns through its swaps when
many of them are listed synonyms (:func:`synonym_aligned`): clustered, but without a direction.
A pair whose swaps are often grammatical edits (a function word for an unrelated word: a
machine translation or an editor's rewrite, not a thesaurus swap) is a near copy, neither side
a spin (:func:`spinner_shaped`).

Clusters are stars around the articles an editor would keep (:data:`RANK_FIELDS`, in the order
of ``keep_order``: named as canonical by another member, not a synonym-swapped copy, sound text
when a member is undated, earliest date, not at an archive address, not on a site named for
something other than therapy, fewer worse-fitting words in undecided swaps, not spun, sound text,
the complete text over an excerpt, best quality, smallest id); every duplicate points to a kept
article it is directly similar to, never through a chain, and ``canonical_reason`` says why that
one is kept. When the kept article is itself a swapped copy, every member is a spin of a source that
is not in the corpus (``all_spun``); so is a member the others outvote (its words differ where
they agree, and are the worse ones), and one whose worse words show against each of two or more
others (the lightest spin of a lost source, which the heavier spins rarely outvote).
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import tempfile
import zlib
from array import array
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from pipeline.article import Article, SpinSpan
from pipeline.audit import quality_of
from pipeline.config import DedupSettings
from pipeline.host_topic import host_names
from pipeline.text import LETTER_WORD as _WORD
from pipeline.text import word_opcodes

KINDS = ("exact", "near", "spun_copy")


@lru_cache(maxsize=1)
def _lemma_table():
    """spacy-lookups-data's English lemma table (keys are string hashes: use ``.get(word)``)."""
    from pipeline.basepipes import lemma_table

    return lemma_table("en")


@lru_cache(maxsize=1)
def _function_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def words(text: str) -> list[str]:
    """Lower-cased word tokens of ``text`` (letters only)."""
    # ’ and ' are both inner apostrophes to _WORD: replacing first gives the same tokens.
    return _WORD.findall(text.lower().replace("\u2019", "'"))


_LEMMAS: dict[str, str] = {}  # memo: the lookup table hashes every query
# Entries per memo before it is emptied: a corpus keeps bringing new word types (names, typos),
# and these memos live for the whole run in the main process.
MEMO_MAX = 200_000


def _lemma(word: str) -> str:
    lemma = _LEMMAS.get(word)
    if lemma is None:
        lemma = _LEMMAS[word] = _lemma_table().get(word) or _plural_stem(word)
    return lemma


_NORMAL: dict[bool, dict[str, str | None]] = {True: {}, False: {}}  # word -> lemma, None = dropped


def _normalise(tokens: list[str], drop_function_words: bool) -> list[str]:
    memo = _NORMAL[drop_function_words]
    if len(memo) > MEMO_MAX or len(_LEMMAS) > MEMO_MAX:
        memo.clear()
        _LEMMAS.clear()
    missing = set(tokens).difference(memo)
    if missing:
        stop = _function_words() if drop_function_words else frozenset()
        for w in missing:
            lemma = _lemma(w)
            memo[w] = None if (w in stop or lemma in stop) else lemma
    # One C-level lookup per token: the words of a corpus repeat, the memo is filled once.
    return [x for x in map(memo.__getitem__, tokens) if x is not None]


def normalised_words(text: str, drop_function_words: bool = True) -> list[str]:
    """Content-word lemmas: the reading that survives inflection and function-phrase swaps."""
    return _normalise(words(text), drop_function_words)


def _plural_stem(word: str) -> str:
    # The lookup table misses many regular plurals ("therapists"); strip a plain -s.
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "'s")):
        return word[:-1]
    return word


def _skeleton(tokens: list[str], placeholder: str = "_") -> list[str]:
    stop = _function_words()
    out: list[str] = []
    for w in tokens:
        if w in stop:
            out.append(w)
        elif not out or out[-1] != placeholder:
            out.append(placeholder)
    return out


def shingles(tokens: list[str], n: int) -> set[str]:
    """Word ``n``-grams as strings; a text shorter than ``n`` is one shingle (or none if empty)."""
    if not tokens:
        return set()
    if len(tokens) < n:
        return {" ".join(tokens)}
    return {" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


def jaccard(a: set, b: set) -> float:
    """Exact Jaccard similarity of two sets (0.0 when both are empty)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


_TOKEN_HASH: dict[str, int] = {}


def _token_hash(token: str) -> int:
    h = _TOKEN_HASH.get(token)
    if h is None:
        h = _TOKEN_HASH[token] = zlib.crc32(token.encode("utf-8"))
    return h


def shingle_hashes(tokens: list[str], n: int) -> np.ndarray:
    """32-bit hashes of the distinct word ``n``-grams (a text shorter than ``n`` is one).

    Rolling polynomial over per-token CRC32s in numpy: no n-gram string is ever built.
    """
    if not tokens:
        return np.zeros(0, dtype=np.uint64)
    if len(_TOKEN_HASH) > MEMO_MAX:   # bounded like the other word memos
        _TOKEN_HASH.clear()
    for token in set(tokens).difference(_TOKEN_HASH):
        _token_hash(token)
    th = np.fromiter(map(_TOKEN_HASH.__getitem__, tokens), dtype=np.uint64, count=len(tokens))
    n = min(n, len(tokens))
    k = len(tokens) - n + 1
    h = np.zeros(k, dtype=np.uint64)
    for j in range(n):
        # uint64 arithmetic wraps; the mask keeps 32 bits for datasketch's affine32 scheme.
        h = (h * np.uint64(1_000_003) + th[j:j + k]) & np.uint64(0xFFFFFFFF)
    return np.unique(h)


# datasketch's "affine32" scheme (its default since 2.0), computed here with numpy alone so a
# run imports neither datasketch nor scipy before the LSH bands are chosen: the MurmurHash3
# 32-bit finalizer, then h -> a * h + b mod 2^32 per permutation, the minimum over the set.
# Equal to ``datasketch.MinHash(num_perm, seed, hashfunc=identity).update_batch(hashes)``
# value for value (tests/test_dedup.py compares them).
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35),
           np.uint32(16))
_EMPTY = np.uint32(0xFFFFFFFF)


@lru_cache(maxsize=4)
def _permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 permutation parameters ``(a, b)`` for ``seed``."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def minhash(hashes: np.ndarray, num_perm: int, seed: int) -> np.ndarray:
    """MinHash signature (``num_perm`` uint32 values) of pre-hashed 32-bit shingles."""
    out = np.full(num_perm, _EMPTY, dtype=np.uint32)
    if not len(hashes):
        return out
    a, b = _permutations(num_perm, seed)
    s1, m1, s2, m2, s3 = _FMIX32
    hv = np.asarray(hashes, dtype=np.uint64).astype(np.uint32).reshape(-1, 1)
    hv = hv ^ (hv >> s1)
    hv = hv * m1
    hv = hv ^ (hv >> s2)
    hv = hv * m2
    hv = hv ^ (hv >> s3)
    return np.minimum(out, (hv * a + b).min(axis=0))


def pair_hashes(tokens: list[str]) -> np.ndarray:
    """32-bit hashes of the distinct word bigrams holding at least one content word (two
    function words, "of the", say nothing of a copy): the reading that survives swaps."""
    if len(tokens) < 2:
        return np.zeros(0, dtype=np.uint64)
    if len(_TOKEN_HASH) > MEMO_MAX:
        _TOKEN_HASH.clear()
    for token in set(tokens).difference(_TOKEN_HASH):
        _token_hash(token)
    th = np.fromiter(map(_TOKEN_HASH.__getitem__, tokens), dtype=np.uint64, count=len(tokens))
    stop = _function_words()
    function = np.fromiter(map(stop.__contains__, tokens), dtype=bool, count=len(tokens))
    h = (th[:-1] * np.uint64(1_000_003) + th[1:]) & np.uint64(0xFFFFFFFF)
    return np.unique(h[~(function[:-1] & function[1:])])


def _tokens_hash(tokens: list[str]) -> str:
    return hashlib.sha256(" ".join(tokens).encode("utf-8")).hexdigest()


READINGS = ("surface", "normal", "frame")     # MinHash LSH readings
SPOOLED = (*READINGS, "pairs")                # "pairs": joined on rare bigrams, no signature


@dataclass(frozen=True)
class _Params:
    num_perm: int
    seed: int
    n_surface: int
    n_normal: int
    n_frame: int
    min_words: int
    drop: bool
    threshold: float
    spun_threshold: float
    frame_threshold: float
    gain: float
    lead: float
    verify_factor: float
    lsh_factor: float
    max_candidates: int
    max_swap_words: int
    max_align_cost: int
    max_align_words: int
    min_aligned: float
    min_equal: float
    fit_margin: float
    smoothing: float
    shared_weight: float
    min_swaps: int
    min_swap_rate: float
    dominance: float
    both_min_share: float
    min_consistent: int
    min_outvoted: int
    outvoted_share: float
    light_min_pairs: int
    light_min_worse: int
    light_min_share: float
    shape_min_swaps: int
    shape_max_edit: float
    texts_kept: int
    max_near_aligned: int
    near_aligned: float
    near_min_equal: float
    near_min_run: int
    pair_max_df: int
    pair_min_shared: int
    pair_min_share: float
    pair_candidates: int
    pair_chunk: int
    min_swapped: float
    min_runs: float
    min_synonym_swaps: int
    min_synonym_rate: float
    archive: re.Pattern[str] | None
    keep_order: tuple[str, ...]
    topical_stems: tuple[str, ...]
    truncated_share: float

    @classmethod
    def of(cls, s: DedupSettings) -> _Params:
        # Every key has a default in dedup.toml (load_settings rejects unknown keys).
        archive = "|".join(f"(?:{x})" for x in s.archive_patterns)
        return cls(int(s.num_perm), int(s.seed), int(s.shingle_words),
                   int(s.spun_shingle_words), int(s.frame_shingle_words), int(s.min_words),
                   bool(s.drop_function_words), float(s.threshold), float(s.spun_threshold),
                   float(s.frame_threshold), float(s.spun_min_gain), float(s.spun_min_lead),
                   float(s.verify_factor), float(s.lsh_factor), int(s.max_candidates),
                   int(s.align_max_swap_words), int(s.align_max_cost), int(s.align_max_words),
                   float(s.align_min_matched),
                   float(s.align_min_equal), float(s.swap_fit_margin),
                   float(s.swap_smoothing), float(s.swap_shared_weight), int(s.copy_min_swaps),
                   float(s.copy_min_swap_rate), float(s.copy_dominance),
                   float(s.both_spun_min_share), int(s.both_spun_min_consistent),
                   int(s.spin_min_outvoted), float(s.spin_outvoted_share),
                   int(s.spin_min_pairs), int(s.spin_min_worse_each),
                   float(s.spin_min_worse_share),
                   int(s.shape_min_swaps), float(s.shape_max_edit_share),
                   int(s.align_texts_kept), int(s.align_max_near),
                   float(s.near_aligned_threshold), float(s.near_min_equal),
                   int(s.near_min_run_words),
                   int(s.pair_max_df), int(s.pair_min_shared), float(s.pair_min_share),
                   int(s.pair_candidates), int(s.pair_chunk), float(s.align_min_swapped),
                   float(s.align_min_runs), int(s.align_min_synonym_swaps),
                   float(s.align_min_synonym_rate),
                   re.compile(archive, re.IGNORECASE) if archive else None,
                   (*(f for f in s.keep_order if f != "id"), "id"),
                   tuple(s.topical_host_stems), float(s.truncated_share))


def _readings(a: Article, p: _Params, normal: bool = True,
              tokens: list[str] | None = None) -> dict[str, np.ndarray]:
    """Shingle hashes of the readings; empty when the text is too short to compare.

    ``normal=False`` skips the normalised reading (no article of the corpus has a restored
    text, so it would never be used). ``tokens``: ``words(a.text)`` when already known.
    """
    tokens = words(a.text) if tokens is None else tokens
    if len(tokens) < p.min_words:
        return {}
    frames = shingle_hashes(_skeleton(tokens), p.n_frame)
    out = {"surface": shingle_hashes(tokens, p.n_surface),
           "frame": frames if len(frames) >= p.min_words else frames[:0],
           "pairs": pair_hashes(tokens)}
    if normal:
        restored = a.restored_text if a.restored_text.strip() else ""
        out["normal"] = shingle_hashes(_normalise(words(restored) if restored else tokens, p.drop),
                                       p.n_normal)
    return out


def _jaccard_hashes(a: np.ndarray, b: np.ndarray) -> float:
    if not len(a) or not len(b):
        return 0.0
    inter = np.intersect1d(a, b, assume_unique=True).size
    return inter / (a.size + b.size - inter)


def _is_spun(a: Article) -> bool:
    return bool(a.spin.get("spun")) if a.spin else False


def canonical_key(spun: bool, quality: float, date: str, article_id: str,
                  damaged: bool = False, words: int = 0) -> tuple:
    """Sort key of the copy to keep, from the article alone: not spun, sound text (not low
    quality), higher quality, published earlier (undated last), the smallest id (so the choice
    is deterministic), then more words. :func:`DuplicateFinder.resolve` reads these facts into
    the cluster's own order (``keep_order`` in dedup.toml)."""
    return (spun, damaged, -quality, date or "\uffff", article_id, -int(words))


def canonical_key_of(a: Article) -> tuple:
    """:func:`canonical_key` of an article (its quality verdict includes the site norms)."""
    q = quality_of(a)   # once: with site norms it re-runs the quality verdict
    score = q.get("score")
    return canonical_key(_is_spun(a), float(score) if isinstance(score, int | float) else 0.0,
                         a.date, a.article_id, bool(q.get("low_quality")), a.words)


def _decide(sims: dict[str, float], restored: bool, p: _Params,
            aligned: bool = False) -> tuple[str, float]:
    """(kind, similarity) from a pair's similarities per reading ("" when not a duplicate).

    A spun copy matches on a spin reading *much* better than on the surface (at least
    ``spun_min_gain`` times, or by ``spun_min_lead``): a pair sharing a few verbatim passages
    matches every reading about equally and is not a spun copy. The normalised reading counts only when one of the
    two has a restored text; otherwise it mostly repeats the surface reading. ``aligned``: the
    pair will be aligned word by word, which tells a partial copy from a spun one far better
    than the gain does (a spun copy that kept much of its wording fails the gain test).
    """
    surface = sims.get("surface", 0.0)
    if surface >= p.threshold:
        return "near", surface
    # Heavy spinning leaves the frame; a restored text brings the content words back.
    checks = [(sims.get("frame", 0.0), p.frame_threshold)]
    if restored:
        checks.append((sims.get("normal", 0.0), p.spun_threshold))
    passed = [sim for sim, threshold in checks
              if sim >= threshold
              and (aligned or sim >= p.gain * surface or sim - surface >= p.lead)]
    if passed:
        return "spun_copy", max(passed)
    if aligned and surface >= p.near_aligned:
        return "near_aligned", surface   # a near copy if the alignment finds long equal runs
    return "", 0.0


def empty_result(article_id: str) -> dict:
    """``article.dedup`` of an article in no cluster."""
    return {"cluster": "", "canonical": article_id, "similarity": 0.0,
            "near_duplicate_of": "", "kind": "", "canonical_reason": "", "all_spun": False}


class _HashSpool:
    """The shingle hashes of every reading, in an anonymous temporary file: the exact check of
    a borderline pair reads them back instead of recomputing them from the text (which took
    most of the time of resolve). The hashes are 32-bit values (``shingle_hashes``), stored as
    uint32: about 12 KB a 1,000-word article on disk, 8 bytes a reading in memory."""

    def __init__(self) -> None:
        # Open for the finder's life (closed by resolve); deleted by the OS however it ends.
        self._file = tempfile.TemporaryFile()  # noqa: SIM115
        self._size = 0
        self._spans: dict[str, array] = {r: array("q") for r in SPOOLED}  # (offset, count)

    def add(self, readings: Mapping[str, np.ndarray]) -> None:
        for r in SPOOLED:
            hashes = readings.get(r)
            if hashes is None:
                self._spans[r].extend((-1, 0))
                continue
            data = hashes.astype(np.uint32).tobytes()
            self._file.write(data)
            self._spans[r].extend((self._size, len(hashes)))
            self._size += len(data)

    def get(self, number: int, reading: str) -> np.ndarray:
        offset, count = self._spans[reading][2 * number: 2 * number + 2]
        if offset < 0:
            return np.zeros(0, dtype=np.uint64)
        data = os.pread(self._file.fileno(), 4 * count, offset)
        return np.frombuffer(data, dtype=np.uint32).astype(np.uint64)

    def size(self, number: int, reading: str) -> int:
        """How many hashes ``reading`` of article ``number`` holds."""
        return int(self._spans[reading][2 * number + 1])

    def flush(self) -> None:
        """Write what add buffered, before get reads the file (get bypasses the buffer)."""
        self._file.flush()

    def close(self) -> None:
        self._file.close()


class _Signatures:
    """MinHash signatures of one reading, a row per article, in a matrix grown by doubling."""

    def __init__(self, num_perm: int, dtype: np.dtype):
        self.rows = np.empty((64, num_perm), dtype=dtype)
        self.numbers: list[int] = []   # the article number of each row (increasing)

    def add(self, number: int, values: np.ndarray) -> None:
        if len(self.numbers) == len(self.rows):
            self.rows = np.resize(self.rows, (2 * len(self.rows), self.rows.shape[1]))
        self.rows[len(self.numbers)] = values
        self.numbers.append(number)


# ---------------------------------------------------------------- which member is the original

_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*://")
_INDEX_PAGE = re.compile(r"/(?:index|default)\.(?:html?|php|aspx?)$")
_EXTENSION = re.compile(r"\.(?:html?|php|aspx?|shtml|jsp)$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def address_key(address: str) -> str:
    """``host/path`` of a URL or corpus path, lower-cased, without scheme, ``www.``, query,
    fragment, index page, extension and final slash: the file ``site.example/blog/post.html``
    and the URL ``https://www.site.example/blog/post/`` have the same key."""
    text = _SCHEME.sub("", (address or "").strip().lower())
    text = text.split("#", 1)[0].split("?", 1)[0]
    text = text.removeprefix("www.")
    text = _EXTENSION.sub("", _INDEX_PAGE.sub("", text))
    return text.rstrip("/")


def _facts(a: Article, topical: tuple[str, ...]) -> tuple[str, str, tuple[str, ...], str, str,
                                                          bool]:
    """(own address, its key, keys of the addresses the page declares, date, date source,
    whether its site's name has none of the ``topical`` stems: therapy, psychology...).

    A file's own address is its corpus path (``url`` of a saved page is the address the page
    declares: trafilatura reads it from ``rel=canonical`` or ``og:url``); a record's (JSONL,
    CSV, WARC) is its ``url``, and a WARC page's declared canonical is ``meta.canonical_url``.
    """
    meta = a.meta if isinstance(a.meta, dict) else {}
    canonical = str(meta.get("canonical_url") or "")
    own = a.url if ("#" in a.article_id and a.url) else (a.path or a.article_id)
    declared = tuple(sorted({address_key(u) for u in (canonical, a.url) if u} - {""}))
    return (own, address_key(own), declared, a.date or "", str(meta.get("date_source") or ""),
            host_names(a.url or own, topical) is False)


def _iso_date(date: str) -> str:
    """``YYYY-MM-DD`` of a metadata date, ``""`` when there is none (dateparser for the rest)."""
    if not date:
        return ""
    if _ISO_DATE.match(date):
        return date[:10]
    from pipeline.ingest.byline import parse_date

    return parse_date(date)


def _long_date(iso: str) -> str:
    try:
        y, m, d = (int(x) for x in iso.split("-"))
        return f"{d} {_MONTHS[m - 1]} {y}"
    except (ValueError, IndexError):
        return iso


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


# ---------------------------------------------------------------- word alignment of a pair


def word_tokens(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """Lower-cased words of ``text`` (as :func:`words`) with their character offsets."""
    # ’ -> ' keeps every offset (one character for one); lower() per word for the same reason.
    found = list(_WORD.finditer(text.replace("\u2019", "'")))
    return [m.group().lower() for m in found], [m.span() for m in found]


@dataclass
class Swap:
    """One substituted span: token ranges on each side, and the side with the worse wording
    (``"x"``, ``"y"`` or ``""`` when neither is clearly worse)."""

    x: tuple[int, int]
    y: tuple[int, int]
    worse: str = ""
    words: tuple[str, str] = ("", "")   # the words of each side, set by judge_swaps


@dataclass
class PairAlignment:
    """The word alignment of two texts (``x`` the smaller number of the pair)."""

    matched: float           # share of the shorter side's words aligned: equal or swapped
    equal: float             # share of the shorter side's words in equal runs
    swaps: list[Swap]
    direction: str = ""      # "x"/"y": that side is the synonym-swapped copy; "both"; ""
    equal_runs: list[tuple[int, int]] = field(default_factory=list)   # token ranges in x
    swapped: float = 0.0     # share of a side's words in swaps (the larger of the two)
    runs: float = 0.0        # share of the shorter side's words in equal runs of 2+ words
    reworded: bool = False   # translated, edited or aligned through synonyms alone: no side
                             # is read as the swapped copy

    def votes(self, side: str) -> int:
        """Swaps whose worse wording is on ``side``."""
        return sum(1 for s in self.swaps if s.worse == side)


def align_words(x: list[str], y: list[str], max_swap_words: int,
                max_cost: int = 2_000_000, max_words: int = 10_000) -> PairAlignment:
    """Align the first ``max_words`` tokens of two token lists (difflib on words,
    :func:`pipeline.text.word_opcodes` within ``max_cost``): equal runs, and replaced blocks of
    at most ``max_swap_words`` words a side as swaps (longer blocks are rewrites, not
    synonyms). The shares are of the aligned tokens."""
    # The matcher is quadratic on long texts of a small vocabulary (dedup.toml).
    x, y = x[:max_words], y[:max_words]
    if not x or not y:
        return PairAlignment(0.0, 0.0, [])
    equal = swapped_x = swapped_y = 0
    swaps: list[Swap] = []
    runs: list[tuple[int, int]] = []
    for tag, i1, i2, j1, j2 in word_opcodes(x, y, max_cost):
        if tag == "equal":
            equal += i2 - i1
            runs.append((i1, i2))
        elif i2 == len(x) and j2 == len(y):
            # The last words of both texts: two captures (excerpts) that stop at different
            # points, one often mid-word ("assume c" / "as"), not a wording difference.
            continue
        elif tag == "replace" and i2 - i1 <= max_swap_words and j2 - j1 <= max_swap_words:
            if i2 - i1 == j2 - j1:   # word for word: each word its own swap (finer evidence)
                swaps.extend(Swap((i, i + 1), (j, j + 1))
                             for i, j in zip(range(i1, i2), range(j1, j2), strict=True))
            else:
                swaps.append(Swap((i1, i2), (j1, j2)))
            swapped_x += i2 - i1
            swapped_y += j2 - j1
    shorter = min(len(x), len(y))
    matched = max((equal + swapped_x) / len(x), (equal + swapped_y) / len(y))
    return PairAlignment(min(matched, 1.0), min(equal / shorter, 1.0), swaps, "", runs,
                         max(swapped_x / len(x), swapped_y / len(y)),
                         run_share(runs, 2, shorter))


def run_share(runs: list[tuple[int, int]], min_len: int, shorter: int) -> float:
    """Share of ``shorter`` words in the equal ``runs`` of at least ``min_len`` words."""
    if shorter <= 0:
        return 0.0
    return min(sum(b - a for a, b in runs if b - a >= min_len) / shorter, 1.0)


def spin_aligned(al: PairAlignment, p: _Params) -> bool:
    """The alignment of a spun copy: nearly every word equal or swapped, or long equal runs
    with many short swaps between them (two spins of one source each keep a different part
    of its wording, so less of them is equal)."""
    return ((al.matched >= p.min_aligned and al.equal >= p.min_equal)
            or (al.swapped >= p.min_swapped and al.runs >= p.min_runs))


def synonym_aligned(al: PairAlignment, p: _Params, x: list[str], y: list[str]) -> bool:
    """The alignment of a heavier spin (up to one word in three swapped, equal runs too short
    for :func:`spin_aligned`): at least ``min_synonym_swaps`` swaps, and ``min_synonym_rate``
    of the shorter text's words, put a listed synonym in the other's place
    (:func:`synonym_swaps`)."""
    if len(al.swaps) < p.min_synonym_swaps:
        return False
    n = synonym_swaps(al, x, y)
    return n >= p.min_synonym_swaps and n >= p.min_synonym_rate * min(len(x), len(y))


def synonym_swaps(al: PairAlignment, x: list[str], y: list[str]) -> int:
    """How many swaps of the alignment put a listed synonym for a word (:func:`_synonyms`: the
    spin thesaurus and synonym table, spinner function phrases, contractions): what a spinner
    leaves in place of each word it swaps, however much it swapped ("up to one word in three"
    leaves short equal runs). Two texts on one topic that align only by chance rarely differ
    by a listed synonym in the same place."""
    n = 0
    for s in al.swaps:
        a, b = " ".join(x[s.x[0]:s.x[1]]), " ".join(y[s.y[0]:s.y[1]])
        if a != b and not _respaced(a, b) and _synonyms(a, b):
            n += 1
    return n


@lru_cache(maxsize=1)
def _fit_tables():
    """The spin detector's reference statistics (wordfreq Zipf frequencies, general and
    in-domain bigram and unigram counts), loaded once, when a swap is first judged."""
    from pipeline.spin.reference import load_reference

    return load_reference()


def _p_word(word: str, ref, n: float) -> float:
    z = ref.zipf.get(word)
    if z is None:
        from pipeline.compact import zipf_en  # wordfreq's value, without loading wordfreq

        z = zipf_en(word) or 0.0
    return max(10.0 ** (z - 9.0), ref.dom_uni.get(word, 0) / n, 1e-9)


def side_fit(tokens: list[str], span: tuple[int, int], smoothing: float) -> float:
    """log10 probability of the words ``tokens[i:j]`` and the word after them, given the word
    before: a bigram model (general and in-domain counts) smoothed toward word frequencies, so
    a rare word, or a pair never seen together, costs."""
    ref = _fit_tables()
    n = float(max(ref.dom_words, 1))
    i, j = span
    chain = tokens[max(i - 1, 0):j + 1]
    logp = 0.0 if i > 0 else math.log10(_p_word(chain[0], ref, n))
    for a, b in zip(chain, chain[1:], strict=False):
        k = f"{a} {b}"
        count = ref.gen_bi.get(k, 0.0) + ref.dom_bi.get(k, 0)
        logp += math.log10((count + smoothing * _p_word(b, ref, n))
                           / (n * _p_word(a, ref, n) + smoothing))
    return logp


def _respaced(a: str, b: str) -> bool:
    """The same letters split or joined differently ("anxie ty" / "anxiety", "well being" /
    "well-being"): a damaged or re-typeset copy, not a synonym swap."""
    return a.replace(" ", "").replace("-", "") == b.replace(" ", "").replace("-", "")


def judge_swaps(al: PairAlignment, x: list[str], y: list[str], p: _Params) -> None:
    """Mark the worse side of every swap, then the pair's direction: the side holding most of
    the rarer, worse-fitting words is the spun copy; both sides holding many is two spins."""
    shared = Counter(w for a, b in al.equal_runs for w in x[a:b])

    def fit(tokens: list[str], span: tuple[int, int]) -> float:
        # A word the two texts also share elsewhere is the article's own (its topic): the
        # spinner swaps each occurrence on its own, so its words rarely recur unchanged.
        inner = tokens[span[0]:span[1]]
        own = sum(math.log10(1 + shared[w]) for w in inner) / len(inner)
        return side_fit(tokens, span, p.smoothing) + p.shared_weight * own

    for s in al.swaps:
        s.words = (" ".join(x[s.x[0]:s.x[1]]), " ".join(y[s.y[0]:s.y[1]]))
        if x[s.x[0]:s.x[1]] == y[s.y[0]:s.y[1]] or _respaced(s.words[0], s.words[1]):
            continue
        gap = fit(x, s.x) - fit(y, s.y)
        s.worse = "y" if gap >= p.fit_margin else "x" if gap <= -p.fit_margin else ""
    vx, vy = al.votes("x"), al.votes("y")
    shorter = max(min(len(x), len(y)), 1)
    enough = {side: v >= p.min_swaps and v / shorter >= p.min_swap_rate
              for side, v in (("x", vx), ("y", vy))}
    total = vx + vy
    if enough["y"] and vy >= p.dominance * total:
        al.direction = "y"
    elif enough["x"] and vx >= p.dominance * total:
        al.direction = "x"
    elif enough["x"] and enough["y"] and min(vx, vy) >= p.both_min_share * total:
        al.direction = "both"


@lru_cache(maxsize=1)
def _thesaurus():
    from pipeline.spin.thesaurus import load_thesaurus

    return load_thesaurus()


_CONTRACTIONS = (("n't", " not"), ("'re", " are"), ("'ve", " have"), ("'ll", " will"),
                 ("'m", " am"), ("'d", " would"), ("'s", " is"))


def _expanded(words: str) -> str:
    for short, long in _CONTRACTIONS:
        words = words.replace(short, long)
    return words.replace("ca not", "can not").replace("wo not", "will not")


@lru_cache(maxsize=1)
def _function_pairs() -> frozenset[tuple[str, str]]:
    """The spinner's function phrases and their plain forms (``function_phrases.tsv``), both
    ways."""
    from pipeline.spin.reference import read_tsv

    rows = [r for r in read_tsv("function_phrases.tsv") if len(r) >= 2]
    return frozenset((r[0], r[1]) for r in rows) | frozenset((r[1], r[0]) for r in rows)


def _synonyms(a: str, b: str) -> bool:
    """One word (or phrase) is listed as the other's synonym, either way (the spin reference's
    synonym table, as written, lemmatised or without a plural -s; the spin thesaurus's reverse
    look-up; the spinner function phrases), or one wording with and without a contraction."""
    if _expanded(a) == _expanded(b) or (a, b) in _function_pairs():
        return True
    table = _fit_tables().synonyms
    fa = {a, _lemma(a), _plural_stem(a)}
    fb = {b, _lemma(b), _plural_stem(b)}
    if (any(not fb.isdisjoint(table.get(w) or ()) for w in fa)
            or any(not fa.isdisjoint(table.get(w) or ()) for w in fb)):
        return True
    thes = _thesaurus()
    return thes is not None and (any(o == b for o, _ in thes.originals(a))
                                 or any(o == a for o, _ in thes.originals(b)))


def swap_kind(a: str, b: str) -> str:
    """``"content"``: both sides hold a content word (a spinner's word-for-word swap);
    ``"synonym"``: a function phrase or a listed synonym ("within the" / "in the", "regarding" /
    "about"); ``"edit"``: a function word for an unrelated word ("the" / "a", "they" /
    "therapists"), the grammar of a translation or a rewrite, not a thesaurus swap."""
    from pipeline.spin.spans import function_phrase

    stop = _function_words()
    if any(w not in stop for w in a.split()) and any(w not in stop for w in b.split()):
        return "content"
    if function_phrase(a, b) or _synonyms(a, b):
        return "synonym"
    return "edit"


def edit_share(al: PairAlignment) -> tuple[float, int]:
    """Share of a pair's swaps that are grammatical edits (:func:`swap_kind`), and the number
    of swaps (after :func:`judge_swaps` has set their words; respaced words are no swap)."""
    # A replaced block of equal length is split word by word (align_words); its words are read
    # together here ("in addition to" / "as well as" is one phrase, not three edits).
    blocks: list[list[Swap]] = []
    for sw in al.swaps:
        if blocks and blocks[-1][-1].x[1] == sw.x[0] and blocks[-1][-1].y[1] == sw.y[0]:
            blocks[-1].append(sw)
        else:
            blocks.append([sw])
    kinds = []
    for block in blocks:
        a = " ".join(sw.words[0] for sw in block)
        b = " ".join(sw.words[1] for sw in block)
        if a != b and not _respaced(a, b):
            kinds.append(swap_kind(a, b))
    return (kinds.count("edit") / len(kinds) if kinds else 0.0), len(kinds)


def spinner_shaped(al: PairAlignment, p: _Params) -> bool:
    """The differences of a synonym-spun pair: at most ``shape_max_edit`` of its swaps are
    grammatical edits (or too few swaps to tell)."""
    share, n = edit_share(al)
    return n < p.shape_min_swaps or share <= p.shape_max_edit


# ---------------------------------------------------------------- resolve, step by step


@dataclass
class _Index:
    """The added articles in id order (the result does not depend on the order of adding):
    ``order[n]`` is the position at which article ``n`` was added."""

    order: list[int]
    ids: list[str]
    digests: list[str]
    restored: list[bool]
    sigs: dict[str, tuple[np.ndarray, np.ndarray]]   # reading -> (numbers, rows)
    row_of: dict[str, list[int]]                     # reading -> row of each article, -1: none


class _Linker:
    """Candidate pairs, checked: ``edges[x][y] = (kind, similarity)``."""

    def __init__(self, index: _Index, hashes: _HashSpool, p: _Params, aligned: bool):
        self.ix, self.hashes, self.p, self.aligned = index, hashes, p, aligned
        self.edges: dict[int, dict[int, tuple[str, float]]] = {}
        # Aligned pairs are confirmed word by word: the surface reading may propose less
        # similar pairs (a copy inside another page's boilerplate).
        self.limits = {"surface": min(p.threshold, p.near_aligned) if aligned else p.threshold,
                       "frame": p.frame_threshold, "normal": p.spun_threshold}

    def _exact(self, n: int, reading: str) -> np.ndarray:
        return self.hashes.get(self.ix.order[n], reading)

    def _add(self, x: int, y: int, kind: str, sim: float) -> None:
        self.edges.setdefault(x, {})[y] = self.edges.setdefault(y, {})[x] = (kind, sim)

    def link(self, x: int, y: int) -> None:
        """Decide the pair (x, y) on its exact Jaccard per reading when the MinHash estimate
        of one reading comes near its threshold."""
        ix, p = self.ix, self.p
        if x == y or y in self.edges.get(x, ()):
            return
        if ix.digests[x] == ix.digests[y]:
            self._add(x, y, "exact", 1.0)
            return
        restored = ix.restored[x] or ix.restored[y]
        both = [r for r in ix.sigs if ix.row_of[r][x] >= 0 and ix.row_of[r][y] >= 0
                and (r != "normal" or restored)]
        # The share of equal MinHash values estimates the Jaccard (one template: same seed,
        # scheme and permutations for every signature).
        rows = {r: ix.sigs[r][1] for r in both}
        estimates = {r: np.count_nonzero(rows[r][ix.row_of[r][x]] == rows[r][ix.row_of[r][y]])
                     / p.num_perm for r in both}
        if not any(estimates[r] >= self.limits[r] * p.verify_factor for r in estimates):
            return
        sims = {r: _jaccard_hashes(self._exact(x, r), self._exact(y, r)) for r in both}
        kind, sim = _decide(sims, restored, p, self.aligned)
        if kind:
            self._add(x, y, kind, sim)

    def link_known(self, linked: Mapping[int, str], renumber: np.ndarray) -> None:
        """Same digest, and ingest's exact-duplicate links."""
        ix = self.ix
        first: dict[str, int] = {}
        for n, digest in enumerate(ix.digests):
            if digest in first:
                self.link(first[digest], n)
            else:
                first[digest] = n
        index = {key: n for n, key in enumerate(ix.ids)}
        for number, other in sorted((int(renumber[k]), v) for k, v in linked.items()):
            if other in index:
                self.link(number, index[other])

    def link_candidates(self) -> None:
        """LSH candidates of every reading, from bands tuned a little below its threshold
        (datasketch cannot band for thresholds near 0 or 1)."""
        p = self.p
        worth = self._worth_linking()
        for reading, (numbers, rows) in self.ix.sigs.items():
            if len(rows) < 2:
                continue     # no pair to band: datasketch (and scipy, 0.4 s) stay unimported
            from datasketch import MinHashLSH  # imports scipy: only when bands are chosen

            threshold = min(max(self.limits[reading] * p.lsh_factor, 0.05), 0.9)
            bands = MinHashLSH(threshold=threshold, num_perm=p.num_perm)  # its b and r only
            for k, earlier in _band_candidates(rows, bands.b, bands.r):
                if len(earlier) > p.max_candidates:
                    earlier = _closest(earlier, rows, k, p.max_candidates)
                y = int(numbers[k])
                xs = numbers[earlier]
                for x in xs[worth(xs, y)].tolist():
                    self.link(x, y)

    def link_pairs(self) -> None:
        """Candidate spun copies from the ``pairs`` reading: articles sharing bigrams that
        few articles of the corpus use (at most ``pair_max_df``), at least
        ``pair_min_shared`` of them and ``pair_min_share`` of the smaller set; each article's
        ``pair_candidates`` best become ``spun_copy`` candidates, confirmed by the alignment.
        An inverted index over the rare bigrams (each pairs at most ``pair_max_df`` articles),
        built from buckets of hash values (:class:`_PairJoin`): at most about ``pair_chunk``
        hashes, and as many counted pairs, are in memory at once; no all-pairs comparison."""
        ix, p = self.ix, self.p
        n = len(ix.ids)
        sizes = np.array([self.hashes.size(ix.order[k], "pairs") for k in range(n)],
                         dtype=np.int64)
        total = int(sizes.sum())
        if n < 2 or not total:
            return
        with _PairJoin(n, -(-total // p.pair_chunk), p.pair_chunk) as join:
            for k in range(n):
                join.add(k, self.hashes.get(ix.order[k], "pairs"))
            x, y, share = join.shared(sizes, p.pair_max_df, p.pair_min_shared,
                                      p.pair_min_share)
        best: set[tuple[int, int]] = set()
        # Each article's best partners, either side of the pair (ties: the smaller number).
        for side in (x, y):
            order = np.lexsort((x, y, -share, side))
            first = np.r_[0, np.flatnonzero(side[order][1:] != side[order][:-1]) + 1]
            rank = np.arange(len(order)) - np.repeat(first, np.diff(np.r_[first, len(order)]))
            pick = order[rank < p.pair_candidates]
            best.update(zip(x[pick].tolist(), y[pick].tolist(), strict=True))
        sims = dict(zip(zip(x.tolist(), y.tolist(), strict=True), share.tolist(), strict=True))
        for a, b in sorted(best):
            if b not in self.edges.get(a, ()):
                self._add(a, b, "spun_copy", float(sims[(a, b)]))

    def _worth_linking(self):
        """The first test of :meth:`link` for all of an article's candidates at once: same
        digest, or a MinHash estimate near a threshold."""
        ix, p = self.ix, self.p
        digest_arr = np.asarray(ix.digests, dtype=object)
        restored_arr = np.asarray(ix.restored, dtype=bool)
        rows_arr = {r: np.asarray(ix.row_of[r], dtype=np.int64) for r in ix.sigs}

        def worth(xs: np.ndarray, y: int) -> np.ndarray:
            keep = digest_arr[xs] == ix.digests[y]
            for r, (_, table) in ix.sigs.items():
                rx, ry = rows_arr[r][xs], ix.row_of[r][y]
                if ry < 0:
                    continue
                ok = rx >= 0
                if r == "normal" and not ix.restored[y]:
                    ok &= restored_arr[xs]
                same = np.count_nonzero(table[rx[ok]] == table[ry], axis=1) / p.num_perm
                keep[np.flatnonzero(ok)[same >= self.limits[r] * p.verify_factor]] = True
            return keep

        return worth


class _PairJoin:
    """The join of :meth:`_Linker.link_pairs` in bounded memory, through anonymous temporary
    files: :meth:`add` puts each article's ``pairs`` hashes (uint32) into one of ``buckets``
    files by hash value (every article holding a hash lands in the same bucket, articles in
    increasing order); :meth:`shared` reads one bucket at a time, writes its rare-bigram pair
    counts (sorted codes ``x * n + y``) as a run to a second file, then sums the runs over
    ranges of pair codes holding about ``chunk`` entries and keeps only the pairs that pass.
    The result does not depend on the bucket or range counts (only memory does)."""

    _ENTRY = np.dtype([("hash", "<u4"), ("article", "<u4")])
    _COUNT = np.dtype([("code", "<i8"), ("count", "<i8")])

    def __init__(self, n: int, buckets: int, chunk: int) -> None:
        self.n, self.buckets, self.chunk = n, max(1, buckets), max(1, chunk)
        self._files = [tempfile.TemporaryFile() for _ in range(self.buckets)]  # noqa: SIM115

    def __enter__(self) -> _PairJoin:
        return self

    def __exit__(self, *exc: object) -> None:
        for f in self._files:
            f.close()

    def add(self, k: int, hashes: np.ndarray) -> None:
        """Article number ``k``'s hashes (call with k increasing)."""
        if not len(hashes):
            return
        entries = np.empty(len(hashes), dtype=self._ENTRY)
        entries["hash"] = hashes
        entries["article"] = k
        if self.buckets == 1:
            self._files[0].write(entries.tobytes())
            return
        where = (hashes.astype(np.uint64) * np.uint64(self.buckets)) >> np.uint64(32)
        by = np.argsort(where, kind="stable")
        bounds = np.searchsorted(where[by], np.arange(self.buckets + 1))
        entries = entries[by]
        for b in np.flatnonzero(np.diff(bounds)).tolist():
            self._files[b].write(entries[bounds[b]:bounds[b + 1]].tobytes())

    def _bucket(self, b: int) -> tuple[np.ndarray, np.ndarray]:
        f = self._files[b]
        f.flush()
        f.seek(0)
        entries = np.frombuffer(f.read(), dtype=self._ENTRY)
        f.truncate(0)   # read once: its disk space goes back now
        return entries["hash"], entries["article"]

    def shared(self, sizes: np.ndarray, max_df: int, min_shared: int,
               min_share: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(x, y, share) of the pairs sharing at least ``min_shared`` bigrams held by at most
        ``max_df`` articles and at least ``min_share`` of the smaller set, in code order."""
        n = self.n
        with tempfile.TemporaryFile() as runs:
            bounds = [0]
            for b in range(self.buckets):
                codes, counts = _rare_pairs(self._bucket(b), max_df, n)
                run = np.empty(len(codes), dtype=self._COUNT)
                run["code"], run["count"] = codes, counts
                runs.write(run.tobytes())
                bounds.append(bounds[-1] + len(run))
            runs.flush()
            if not bounds[-1]:
                empty = np.zeros(0, dtype=np.int64)
                return empty, empty, np.zeros(0, dtype=np.float64)
            table = np.memmap(runs, dtype=self._COUNT, mode="r", shape=(bounds[-1],))
            # Equal ranges of codes: pairs (x < y) are densest at small x, at most twice the
            # mean density when spread evenly, hence twice as many ranges as chunks.
            ranges = max(1, 2 * -(-bounds[-1] // self.chunk))
            edges = np.linspace(0, n * n, ranges + 1).astype(np.int64)
            edges[-1] = n * n
            out_x, out_y, out_share = [], [], []
            for lo, hi in zip(edges[:-1].tolist(), edges[1:].tolist(), strict=True):
                parts = []
                for a, b in zip(bounds[:-1], bounds[1:], strict=True):
                    codes = table["code"][a:b]
                    i, j = np.searchsorted(codes, [lo, hi])
                    if j > i:
                        parts.append(np.array(table[a + i:a + j]))
                if not parts:
                    continue
                both = np.concatenate(parts)
                code, inverse = np.unique(both["code"], return_inverse=True)
                shared = np.bincount(inverse, weights=both["count"]).astype(np.int64)
                x, y = code // n, code % n
                share = shared / np.maximum(np.minimum(sizes[x], sizes[y]), 1)
                ok = (shared >= min_shared) & (share >= min_share)
                out_x.append(x[ok])
                out_y.append(y[ok])
                out_share.append(share[ok])
            del table
        if not out_x:
            empty = np.zeros(0, dtype=np.int64)
            return empty, empty, np.zeros(0, dtype=np.float64)
        return np.concatenate(out_x), np.concatenate(out_y), np.concatenate(out_share)


class _Texts:
    """Word tokens of articles re-read through ``text_of`` (the run's article store), a few
    kept at a time: memory stays flat however many pairs are aligned."""

    def __init__(self, ids: list[str], text_of: Callable[[str], str], keep: int):
        self.ids, self.text_of, self.keep = ids, text_of, max(keep, 2)
        self._memo: dict[int, tuple[list[str], list[tuple[int, int]], str]] = {}

    def get(self, n: int) -> tuple[list[str], list[tuple[int, int]], str]:
        hit = self._memo.pop(n, None)
        if hit is None:
            text = self.text_of(self.ids[n]) or ""
            hit = (*word_tokens(text), text)
            if len(self._memo) >= self.keep:
                self._memo.pop(next(iter(self._memo)))   # the least recently used
        self._memo[n] = hit
        return hit


def _align_edges(edges: dict[int, dict[int, tuple[str, float]]], texts: _Texts | None,
                 p: _Params) -> dict[tuple[int, int], PairAlignment]:
    """Word alignment of the spun-copy pairs and of each article's ``align_max_near`` most
    similar near pairs (x < y): templated pages can be near copies of hundreds of others, and
    an alignment takes milliseconds. A spun copy found on a reading that survives swaps must
    align word by word (long equal runs, the rest single swaps); pairs that do not are dropped
    from ``edges``."""
    aligned: dict[tuple[int, int], PairAlignment] = {}
    if texts is None:
        return aligned
    for x, y in _pairs_to_align(edges, p.max_near_aligned):
        kind, sim = edges[x][y]
        undirected = False
        tx, ty = texts.get(x)[0], texts.get(y)[0]
        al = align_words(tx, ty, p.max_swap_words, p.max_align_cost, p.max_align_words)
        if kind in ("spun_copy", "near_aligned"):
            # Confirmed by the words: a long shared text is a near copy (a swapped side found
            # by judge_swaps still becomes a spun copy), swaps between equal runs a spun one.
            kind = ("near" if equal_in_runs(al, len(tx), len(ty), p) >= p.near_min_equal
                    else "spun_copy" if spin_aligned(al, p) else "")
            if not kind and synonym_aligned(al, p, tx, ty):
                # Short equal runs and many synonyms: spun, but too little of the pair aligns
                # for its word-fit votes to say which side (a reworded passage votes too).
                kind, undirected = "spun_copy", True
            if not kind:
                del edges[x][y], edges[y][x]
                continue
            edges[x][y] = edges[y][x] = (kind, sim)
        judge_swaps(al, tx, ty, p)
        if undirected:
            al.reworded, al.direction = True, ""
        elif not spinner_shaped(al, p):
            # A translation or a rewrite of one text: a near copy, neither side a spin.
            al.reworded, al.direction = True, ""
            if kind == "spun_copy":
                edges[x][y] = edges[y][x] = ("near", sim)
        aligned[(x, y)] = al
    for n in [n for n, ys in edges.items() if not ys]:
        del edges[n]
    return aligned


def equal_in_runs(al: PairAlignment, nx: int, ny: int, p: _Params) -> float:
    """Share of the shorter aligned side's words in equal runs of at least ``near_min_run``
    words: two texts repeating the same two-word phrase ("therapy text") align in short runs,
    a copy in long ones."""
    return run_share(al.equal_runs, p.near_min_run, min(nx, ny, p.max_align_words))


def _pairs_to_align(edges: Mapping[int, Mapping[int, tuple[str, float]]],
                    near_per_article: int) -> list[tuple[int, int]]:
    """Every spun-copy pair, and the near pairs among the ``near_per_article`` most similar of
    either article (x < y, sorted)."""
    pairs = set()
    for x, ys in edges.items():
        near = sorted((y for y in ys if ys[y][0] == "near"), key=lambda y: (-ys[y][1], y))
        pairs.update((min(x, y), max(x, y)) for y in near[:near_per_article])
        pairs.update((min(x, y), max(x, y)) for y in ys
                     if ys[y][0] in ("spun_copy", "near_aligned"))
    return sorted(pairs)


def _copy_sides(aligned: Mapping[tuple[int, int], PairAlignment],
                min_consistent: int, min_outvoted: int,
                min_share: float,
                light: tuple[int, int, float] | None = None) -> dict[int, int]:
    """Articles that are the synonym-swapped side of an aligned pair, with their swaps counted.
    A side of a "both" pair counts only when it is no pair's clear source (one noisy pair must
    not turn an original into a spin), or when at least ``min_consistent`` of its words are
    the worse side against two or more others (see :func:`_consistent_swaps`). So is an
    article the others outvote (:func:`_outvoted_swaps`) and, with ``light`` = (pairs, worse,
    share), one whose worse words show against every other member (:func:`_light_spins`)."""
    copy_of: dict[int, int] = {}
    both: dict[int, int] = {}
    source: set[int] = set()
    # A reworded pair (a translation or an edit) says nothing of which side is a spin.
    aligned = {xy: al for xy, al in aligned.items() if not al.reworded}
    for (x, y), al in aligned.items():
        if al.direction in ("x", "y"):
            copy, other = (x, y) if al.direction == "x" else (y, x)
            copy_of[copy] = copy_of.get(copy, 0) + al.votes(al.direction)
            source.add(other)
        elif al.direction == "both":
            both[x] = both.get(x, 0) + al.votes("x")
            both[y] = both.get(y, 0) + al.votes("y")
    consistent = _consistent_swaps(aligned)
    for n, votes in both.items():
        if n in copy_of or n not in source or consistent.get(n, 0) >= min_consistent:
            copy_of[n] = copy_of.get(n, 0) + votes
    for n, count in _outvoted_swaps(aligned, min_share).items():
        if n not in copy_of and count >= min_outvoted:
            copy_of[n] = count
    if light is not None:
        for n, count in _light_spins(aligned, *light).items():
            copy_of.setdefault(n, count)
    return copy_of


def _light_spins(aligned: Mapping[tuple[int, int], PairAlignment], min_pairs: int,
                 min_worse: int, min_share: float) -> dict[int, int]:
    """Articles aligned with at least ``min_pairs`` others that hold the worse wording of at
    least ``min_worse`` swaps, and ``min_share`` of the decided ones, in every one of those
    pairs (counted: the fewest of any pair). The lightest spin of a lost source is the better
    side of each of its pairs, but its own swaps still show against every other spin, which
    swapped the same places otherwise (spinners pick the same swappable words); a source's
    chance worse words are few against its lightest copy, which differs from it only where
    that copy swapped."""
    pairs: dict[int, list[tuple[int, int]]] = {}
    for (x, y), al in aligned.items():
        vx, vy = al.votes("x"), al.votes("y")
        pairs.setdefault(x, []).append((vx, vy))
        pairs.setdefault(y, []).append((vy, vx))
    return {n: min(w for w, _ in votes) for n, votes in pairs.items()
            if len(votes) >= min_pairs
            and all(w >= min_worse and w >= min_share * (w + b) for w, b in votes)}


def _outvoted_swaps(aligned: Mapping[tuple[int, int], PairAlignment],
                    min_share: float) -> dict[int, int]:
    """Per article, its words that differ from two or more others which agree with each other
    there (the same words) and are the worse side against them: it alone changed the wording
    the others kept. Counted only when such words are at least ``min_share`` of the places
    where it differs from agreeing others: when the others made the same swap (one spinner's
    habits), the source differs from them too, but its words are mostly the better ones."""
    seen: dict[int, dict[int, Counter]] = {}
    for (x, y), al in aligned.items():
        for s in al.swaps:
            if s.worse not in ("x", "y"):
                continue
            for n, span, other, worse in ((x, s.x, s.words[1], s.worse == "x"),
                                          (y, s.y, s.words[0], s.worse == "y")):
                seen.setdefault(n, {}).setdefault(span[0], Counter())[(other, worse)] += 1
    out = {}
    for n, spots in seen.items():
        outvoted = upheld = 0
        for votes in spots.values():
            others = Counter()
            for (other, _), count in votes.items():
                others[other] += count
            words, agree = others.most_common(1)[0]
            if agree < 2:
                continue
            if votes[(words, True)] > votes[(words, False)]:
                outvoted += 1
            else:
                upheld += 1
        if outvoted and outvoted >= min_share * (outvoted + upheld):
            out[n] = outvoted
    return out

def _consistent_swaps(aligned: Mapping[tuple[int, int], PairAlignment]) -> dict[int, int]:
    """Per article, its words that are the worse side of a swap against two or more of the
    others. A spin's own swaps are worse against every text that kept the original word; an
    original's chance "worse" words differ from pair to pair (each copy's spinner chose
    otherwise), so they seldom recur."""
    seen: dict[int, Counter] = {}
    for (x, y), al in aligned.items():
        for s in al.swaps:
            if s.worse in ("x", "y"):
                n, span = (x, s.x) if s.worse == "x" else (y, s.y)
                seen.setdefault(n, Counter())[span[0]] += 1
    return {n: sum(1 for c in counts.values() if c >= 2) for n, counts in seen.items()}


def _spread_over_exact(copies: dict[int, int],
                       edges: Mapping[int, Mapping[int, tuple[str, float]]]) -> None:
    """An exact duplicate of a synonym-swapped copy is one too (exact pairs are not aligned)."""
    todo = [n for n in copies if n in edges]
    while todo:
        n = todo.pop()
        for m, (kind, _) in edges[n].items():
            if kind == "exact" and m not in copies:
                copies[m] = copies[n]
                todo.append(m)


def _lean(aligned: Mapping[tuple[int, int], PairAlignment]) -> dict[int, int]:
    """Per article, the swaps where it holds the worse wording minus those where the other side
    does, in its most telling aligned pair (the largest): the weaker reading of direction when
    no pair is decided. An original leans negative against each of its copies; a copy leans
    positive against its source, whatever it shows against rougher copies."""
    out: dict[int, int] = {}
    for (x, y), al in aligned.items():
        lean = al.votes("x") - al.votes("y")
        out[x] = max(out.get(x, lean), lean)
        out[y] = max(out.get(y, -lean), -lean)
    return out


def _named(edges: Mapping[int, Mapping[int, tuple]], facts: list[tuple]) -> set[int]:
    """Articles whose own address another member of their pairs declares as its address
    (``rel=canonical``, ``og:url``, the record's ``canonical_url``)."""
    return {n for n, ys in edges.items() if any(facts[n][1] in facts[m][2] for m in ys)}


# The facts that rank the members of a cluster (the order is ``keep_order`` in dedup.toml, the
# id always last): each field in that order, the first difference decides.
RANK_FIELDS = ("declared_canonical", "aligned_copy", "damaged_if_undated", "date", "archive",
               "off_topic_host", "swap_lean", "spun", "damaged", "truncated", "quality", "id")


def _components(edges: Mapping[int, Mapping[int, tuple]]) -> dict[int, int]:
    """The connected group of every linked article (its smallest member)."""
    group: dict[int, int] = {}
    for start in sorted(edges):
        if start in group:
            continue
        group[start] = start
        todo = [start]
        while todo:
            for m in edges[todo.pop()]:
                if m not in group:
                    group[m] = start
                    todo.append(m)
    return group


def _rank_keys(edges: Mapping[int, Mapping[int, tuple]], ids: list[str], facts: list[tuple],
               aligned: Mapping[tuple[int, int], PairAlignment], copies: Mapping[int, int],
               keys: Mapping[str, tuple], p: _Params) -> dict[int, tuple]:
    """Sort key of each linked article, its :data:`RANK_FIELDS` in ``p.keep_order``: named
    canonical by another member; not a synonym-swapped copy (a decided pair: exact evidence
    in the text, ahead of dates, which a copier sets); sound text when the dates cannot decide
    (a member of its group is undated: a date read from one copy only says nothing of the
    others); earliest date (undated last); not at an archive, print, feed or mirror address;
    not on a site whose name lacks every ``topical_host_stems`` stem; fewer worse words in
    undecided swaps; not spun; sound text (not low quality); the complete text, not an excerpt
    (fewer words than ``truncated_share`` of its group's longest member);
    higher quality score; then the id."""
    named = _named(edges, facts)
    lean = _lean(aligned)
    group = _components(edges)
    dates = {n: _iso_date(facts[n][3]) for n in edges}
    undated = {group[n] for n in edges if not dates[n]}
    longest: dict[int, int] = {}
    for n in edges:
        longest[group[n]] = max(longest.get(group[n], 0), -keys[ids[n]][5])
    out = {}
    for n in edges:
        spun, damaged, neg_quality, _, article_id, neg_words = keys[ids[n]]
        value = {
            "declared_canonical": n not in named, "aligned_copy": n in copies,
            "damaged_if_undated": damaged and group[n] in undated,
            "date": dates[n] or "\uffff",
            "archive": bool(p.archive and p.archive.search(facts[n][0].lower())),
            "off_topic_host": facts[n][5],
            "swap_lean": lean.get(n, 0), "spun": spun, "damaged": damaged,
            "truncated": -neg_words < p.truncated_share * longest[group[n]],
            "quality": neg_quality, "id": article_id,
        }
        out[n] = tuple(value[f] for f in p.keep_order)
    return out


def _hub_first(edges: Mapping[int, Mapping[int, tuple[str, float]]],
               copies: Mapping[int, int], rank: Mapping[int, tuple]) -> dict[int, tuple]:
    """The order in which :func:`_stars` keeps articles: ``rank``, except that in a linked
    group whose every member is a synonym-swapped copy (no original to keep) the member
    directly similar to the most others comes first, so that the star around it holds as many
    of them as it can (no chains: a spin linked only to a member that is not kept would be
    left out of the cluster)."""
    group = _components(edges)
    spun = {g: True for g in group.values()}
    for n, g in group.items():
        if n not in copies:
            spun[g] = False
    return {n: (-len(edges[n]) if spun[group[n]] else 0, *rank[n]) for n in edges}


def _stars(edges: Mapping[int, Mapping[int, tuple[str, float]]],
           rank: Mapping[int, tuple]) -> tuple[dict[int, list[int]], dict[int, int]]:
    """Star clusters, best article first: an article directly similar to one already kept joins
    that one's cluster; otherwise it is kept. No chains: every duplicate is directly similar to
    the article it points to (A~B and B~C never makes C a copy of A). Returns (kept -> its
    members, member -> its kept article)."""
    kept: dict[int, list[int]] = {}
    order: dict[int, int] = {}
    target_of: dict[int, int] = {}
    for n in sorted(edges, key=rank.__getitem__):
        keepers = [k for k in edges[n] if k in kept]
        if not keepers:
            kept[n], order[n] = [], len(order)
            continue
        # The most similar kept article; on a tie the better one (kept earlier).
        target = max(keepers, key=lambda k: (edges[n][k][1], -order[k]))
        kept[target].append(n)
        target_of[n] = target
    return kept, target_of


def _all_spun(k: int, members: list[int], copies: Mapping[int, int]) -> bool:
    """Every member of the cluster around ``k`` is a synonym-swapped copy: none is the source."""
    return k in copies and all(m in copies for m in members)


def _why_kept(k: int, members: list[int], rank: Mapping[int, tuple], facts: list[tuple],
              copies: Mapping[int, int], order: tuple[str, ...],
              words_of: Mapping[int, int]) -> str:
    """The plain reason the kept article ``k`` ranks before the best of its members
    (``order``: the :data:`RANK_FIELDS` of the rank tuples, in their order)."""
    if _all_spun(k, members, copies):
        return (f"none kept as the original: all {len(members) + 1} members are "
                "synonym-swapped copies of each other (their source is not in the corpus)")
    best = min(members, key=rank.__getitem__)
    field = next((f for f, a, b in zip(order, rank[k], rank[best], strict=True)
                  if a != b), "id")
    at = {f: i for i, f in enumerate(order)}
    if field == "declared_canonical":
        return "kept: declared canonical URL"
    if field == "aligned_copy":
        swaps = sum(copies.get(m, 0) for m in members)
        return f"kept: the others are synonym-swapped copies of it ({swaps} swaps)"
    if field == "damaged_if_undated":
        return ("kept: its text is sound, the others' is flagged low quality (damaged, markup "
                "or boilerplate); no date on every member to decide")
    if field == "date":
        source = "byline date" if facts[k][4] == "byline" else "date"
        mine, theirs = rank[k][at["date"]], rank[best][at["date"]]
        if theirs == "\uffff":
            return f"kept: its {source} {_long_date(mine)}; the others are undated"
        return f"kept: earliest {source} {_long_date(mine)}"
    if field == "archive":
        return "kept: the others are at archive, print, feed or mirror addresses"
    if field == "off_topic_host":
        return ("kept: its site is about therapy, psychology or mental health; the others' "
                "sites are about something else (where copies are republished)")
    if field == "swap_lean":
        return ("kept: where the wording differs, its words are the more common and "
                "better-fitting ones")
    if field == "spun":
        return "kept: the others are flagged spun"
    if field == "damaged":
        return "kept: its text is sound, the others' is flagged low quality"
    if field == "truncated":
        return (f"kept: the complete text ({words_of[k]} words); the others are shorter "
                f"excerpts ({max(words_of[m] for m in members)} words at most)")
    if field == "quality":
        i = at["quality"]
        return f"kept: higher quality score ({-rank[k][i]:.2f} against {-rank[best][i]:.2f})"
    return "kept: no difference in address, date, wording or quality; first by id"


def _evidence(kept: Mapping[int, list[int]], target_of: Mapping[int, int],
              aligned: Mapping[tuple[int, int], PairAlignment], texts: _Texts | None,
              ids: list[str]) -> dict[str, list[SpinSpan]]:
    """Spin evidence of every synonym-swapped copy: each swap where its wording is the worse,
    with the other text's words as the suggestion (signal ``aligned_copy``). A copy's swaps
    are read against the article it points to; a kept article that is itself a copy (its
    source not in the corpus) against each of its members."""
    out: dict[str, list[SpinSpan]] = {}
    if texts is None:
        return out
    pairs = [(n, t) for n, t in target_of.items()]
    pairs += [(k, m) for k, members in kept.items() for m in members]
    for n, other in sorted(pairs):
        al = aligned.get((min(n, other), max(n, other)))
        side = "x" if n < other else "y"
        if al is None or al.direction not in (side, "both"):
            continue
        spans = out.setdefault(ids[n], [])
        tokens, offsets, text = texts.get(n)
        o_tokens, o_offsets, o_text = texts.get(other)
        taken = {(s.start_char, s.end_char) for s in spans}
        for s in al.swaps:
            if s.worse != side:
                continue
            mine, theirs = (s.x, s.y) if side == "x" else (s.y, s.x)
            start, end = offsets[mine[0]][0], offsets[mine[1] - 1][1]
            if (start, end) in taken:
                continue
            taken.add((start, end))
            suggestion = o_text[o_offsets[theirs[0]][0]:o_offsets[theirs[1] - 1][1]]
            spans.append(SpinSpan(start, end, text[start:end], suggestion, "aligned_copy", 1.0))
        spans.sort(key=lambda s: (s.start_char, s.end_char))
    return {k: v for k, v in out.items() if v}


def _results(kept: Mapping[int, list[int]], target_of: Mapping[int, int],
             edges: Mapping[int, Mapping[int, tuple[str, float]]], ids: list[str],
             reasons: Mapping[int, str], copies: Mapping[int, int]) -> dict[str, dict]:
    """``article.dedup`` of every article in a cluster."""
    result: dict[str, dict] = {}
    for k, members in kept.items():
        if not members:
            continue
        cluster, all_spun = _cluster_id(ids[k]), _all_spun(k, members, copies)
        best = max(edges[m][k][1] for m in members)
        result[ids[k]] = {"cluster": cluster, "canonical": ids[k], "similarity": round(best, 4),
                          "near_duplicate_of": "", "kind": "", "canonical_reason": reasons[k],
                          "all_spun": all_spun}
        for m in members:
            kind, sim = edges[m][k]
            if m in copies and kind == "near":
                kind = "spun_copy"   # the swaps say what the surface similarity did not
            result[ids[m]] = {"cluster": cluster, "canonical": ids[k],
                              "similarity": round(sim, 4), "near_duplicate_of": ids[k],
                              "kind": kind, "canonical_reason": reasons[k],
                              "all_spun": all_spun}
    return result


class DuplicateFinder:
    """Duplicates across a corpus that streams by: :meth:`add` each article as it is analysed
    (its text is read then and not kept: a MinHash signature per reading, 512 bytes each, a
    digest and its address and date stay), then :meth:`resolve` once.

    Candidate pairs come from LSH banding done here in numpy, with the band count and width
    datasketch picks for each threshold: datasketch's ``MinHashLSH`` keeps a Python dict entry
    per band and article (11-20 KB an article, measured), which would grow past the memory
    budget on large corpora; the bands here take 8 bytes each, and only while resolving.
    After :meth:`resolve`, ``evidence`` holds the ``aligned_copy`` spin spans of the
    synonym-swapped copies (see :func:`apply_result`).
    """

    def __init__(self, settings: DedupSettings):
        self.p = _Params.of(settings)
        self._ids: list[str] = []
        self._digests: list[str] = []
        self._restored = bytearray()
        self._facts: list[tuple] = []
        self._linked: dict[int, str] = {}          # ingest's exact_duplicate_of
        self._sigs = {r: _Signatures(self.p.num_perm, np.dtype(np.uint32)) for r in READINGS}
        self._hashes = _HashSpool()
        self.evidence: dict[str, list[SpinSpan]] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, a: Article) -> None:
        """Take in ``a``'s readings (an empty text is in no cluster)."""
        if not a.text.strip():
            return
        number = len(self._ids)
        tokens = words(a.text)
        readings = _readings(a, self.p, True, tokens)
        for reading, hashes in readings.items():
            if len(hashes) and reading in self._sigs:
                self._sigs[reading].add(number, minhash(hashes, self.p.num_perm,
                                                        self.p.seed))
        self._hashes.add(readings)
        self._ids.append(a.article_id)
        self._digests.append(_tokens_hash(tokens))
        self._restored.append(bool(a.restored_text.strip()))
        self._facts.append(_facts(a, self.p.topical_stems))
        if a.exact_duplicate_of:
            self._linked[number] = a.exact_duplicate_of

    def resolve(self, keys: Mapping[str, tuple],
                text_of: Callable[[str], str] | None = None) -> dict[str, dict]:
        """``article.dedup`` of every added article in a cluster (others: :func:`empty_result`).

        ``keys``: :func:`canonical_key` of every added article. ``text_of(article_id)``: its
        text, re-read to align the pairs word by word (without it, pairs are decided on their
        readings alone and no swap is known). Closes the finder's temporary file: call it once.
        """
        try:
            self._hashes.flush()
            return self._resolve(keys, text_of)
        finally:
            self._hashes.close()

    def _index(self) -> tuple[_Index, np.ndarray]:
        """The articles in id order, their signature rows per reading; and the renumbering
        from the order of adding."""
        order = sorted(range(len(self._ids)), key=self._ids.__getitem__)
        restored = [bool(self._restored[i]) for i in order]
        renumber = np.empty(len(order), dtype=np.int64)
        renumber[order] = np.arange(len(order))
        sigs: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        row_of: dict[str, list[int]] = {}
        for reading, table in self._sigs.items():
            if reading == "normal" and not any(restored):
                continue  # no restored text: the normalised reading repeats the surface one
            numbers = renumber[np.array(table.numbers, dtype=np.int64)]
            by = np.argsort(numbers, kind="stable")
            sigs[reading] = (numbers[by], table.rows[:len(numbers)][by])
            rows_of = np.full(len(order), -1, dtype=np.int64)
            rows_of[numbers[by]] = np.arange(len(numbers))
            row_of[reading] = rows_of.tolist()   # read per pair in link: plain ints are fastest
        ix = _Index(order, [self._ids[i] for i in order], [self._digests[i] for i in order],
                    restored, sigs, row_of)
        return ix, renumber

    def _resolve(self, keys: Mapping[str, tuple],
                 text_of: Callable[[str], str] | None) -> dict[str, dict]:
        p = self.p
        ix, renumber = self._index()
        linker = _Linker(ix, self._hashes, p, text_of is not None)
        linker.link_known(self._linked, renumber)
        linker.link_candidates()
        if text_of is not None:
            linker.link_pairs()
        edges = linker.edges
        texts = _Texts(ix.ids, text_of, p.texts_kept) if text_of is not None else None
        aligned = _align_edges(edges, texts, p)
        facts = [self._facts[i] for i in ix.order]
        copies = _copy_sides(aligned, p.min_consistent, p.min_outvoted, p.outvoted_share,
                             (p.light_min_pairs, p.light_min_worse, p.light_min_share))
        _spread_over_exact(copies, edges)
        rank = _rank_keys(edges, ix.ids, facts, aligned, copies, keys, p)
        kept, target_of = _stars(edges, _hub_first(edges, copies, rank))
        words_of = {n: -keys[ix.ids[n]][5] for n in edges}
        reasons = {k: _why_kept(k, members, rank, facts, copies, p.keep_order, words_of)
                   for k, members in kept.items() if members}
        self.evidence = _evidence(kept, target_of, aligned, texts, ix.ids)
        return _results(kept, target_of, edges, ix.ids, reasons, copies)


def merge_aligned_evidence(a: Article, spans: list[SpinSpan]) -> None:
    """Add a synonym-swapped copy's ``aligned_copy`` spans to its spin result and mark it spun:
    the swaps are exact (the other text holds the original words). Spans of the detector that
    overlap an aligned one give way to it."""
    if not spans:
        return
    kept = [s for s in a.spin_spans
            if not any(s.start_char < t.end_char and t.start_char < s.end_char for t in spans)]
    a.spin_spans = sorted([*kept, *spans], key=lambda s: (s.start_char, s.end_char, s.signal))
    _mark_spun(a, f"aligned copy: {len(spans)} words swapped against another article of the "
                  "corpus (the suggestions are its words)")


def _mark_spun(a: Article, reason: str) -> None:
    spin = dict(a.spin or {})
    spin["spun"] = True
    spin["reasons"] = [*spin.get("reasons", []), reason]
    a.spin = spin


def apply_result(a: Article, found: Mapping[str, dict],
                 evidence: Mapping[str, list[SpinSpan]]) -> None:
    """Set ``a.dedup`` from :meth:`DuplicateFinder.resolve` and merge its aligned evidence.
    A member of an all-spun cluster is spun even without aligned spans of its own (the
    lightest spin of a lost source is the better side of each of its pairs)."""
    a.dedup = found.get(a.article_id) or empty_result(a.article_id)
    merge_aligned_evidence(a, evidence.get(a.article_id, []))
    if a.dedup.get("all_spun") and not (a.spin or {}).get("spun"):
        _mark_spun(a, "one of several synonym-swapped copies of a source that is not in the "
                      "corpus: every member of its cluster shows swaps against the others")


def find_duplicates(articles: list[Article], settings: DedupSettings) -> None:
    """Fill ``article.dedup`` for every article (see the module docstring for the method) and
    merge the aligned evidence of synonym-swapped copies into their spin results.

    ``dedup = {"cluster", "canonical", "similarity", "near_duplicate_of", "kind",
    "canonical_reason", "all_spun"}``; an article in no cluster has an empty cluster, itself
    as canonical and an empty kind.
    """
    finder = DuplicateFinder(settings)
    by_id = {a.article_id: a for a in articles}
    for a in articles:
        finder.add(a)
    found = finder.resolve({k: canonical_key_of(a) for k, a in by_id.items()},
                           lambda k: by_id[k].text)
    for a in articles:
        apply_result(a, found, finder.evidence)


def _rare_pairs(chunk: tuple[np.ndarray, np.ndarray], max_df: int,
                n: int) -> tuple[np.ndarray, np.ndarray]:
    """(pair codes ``x * n + y``, x < y, and how many of the hashes the two share) over the
    hashes of ``chunk`` held by 2 to ``max_df`` articles (each article's hashes are distinct)."""
    hashes, owners = chunk
    empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    if not len(hashes):
        return empty
    by = np.argsort(hashes, kind="stable")        # owners stay in increasing order per hash
    hashes, owners = hashes[by], owners[by]
    start = np.flatnonzero(np.r_[True, hashes[1:] != hashes[:-1]])
    df = np.diff(np.r_[start, len(hashes)])
    found = []
    for size in range(2, max_df + 1):
        firsts = start[df == size]
        if not len(firsts):
            continue
        members = owners[firsts[:, None] + np.arange(size)].astype(np.int64)
        for i in range(size - 1):
            for j in range(i + 1, size):
                found.append(members[:, i] * n + members[:, j])
    if not found:
        return empty
    return np.unique(np.concatenate(found), return_counts=True)


def _band_candidates(rows: np.ndarray, b: int, r: int) -> Iterator[tuple[int, np.ndarray]]:
    """(k, rows before k sharing a band with row k) for every row with such a row: LSH
    banding, ``b`` bands of ``r`` values, done by sorting each band's values. Memory: one
    band's arrays at a time, plus an entry per (row, band) that has an earlier match."""
    n = len(rows)
    if n < 2:
        return
    span = np.arange(n)
    hits: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []   # rows, group starts, depths
    orders: list[np.ndarray] = []
    for band in range(b):
        block = np.ascontiguousarray(rows[:, band * r:(band + 1) * r])
        values = block.view(np.dtype((np.void, block.dtype.itemsize * r))).ravel()
        by = np.argsort(values, kind="stable")   # equal bands together, rows in order
        fresh = np.ones(n, dtype=bool)
        fresh[1:] = values[by][1:] != values[by][:-1]
        start = np.maximum.accumulate(np.where(fresh, span, 0))
        matched = np.flatnonzero(~fresh)   # positions (in `by`) with an earlier equal band
        orders.append(by.astype(np.int32) if len(matched) else by[:0])
        hits.append((by[matched], start[matched], matched - start[matched]))
    row_of = np.concatenate([h[0] for h in hits])
    if not len(row_of):
        return
    band_of = np.repeat(np.arange(b), [len(h[0]) for h in hits])
    starts = np.concatenate([h[1] for h in hits])
    depths = np.concatenate([h[2] for h in hits])
    by_row = np.argsort(row_of, kind="stable")
    bounds = np.flatnonzero(np.r_[True, row_of[by_row][1:] != row_of[by_row][:-1], True])
    for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        picked = by_row[lo:hi]
        parts = [orders[band][start:start + depth]
                 for band, start, depth in zip(band_of[picked].tolist(), starts[picked].tolist(),
                                               depths[picked].tolist(), strict=True)]
        earlier = np.unique(np.concatenate(parts)) if len(parts) > 1 else parts[0]
        yield int(row_of[picked[0]]), earlier.astype(np.int64)


def _closest(earlier: np.ndarray, rows: np.ndarray, k: int, cap: int) -> np.ndarray:
    """The ``cap`` rows of ``earlier`` whose MinHash estimate against row ``k`` is highest
    (ties: the earlier row, i.e. the smaller id), so a text with thousands of near-identical
    others is checked against the closest ``max_candidates`` of them only."""
    agree = np.count_nonzero(rows[earlier] == rows[k], axis=1)
    return earlier[np.lexsort((earlier, -agree))[:cap]]


def _cluster_id(canonical: str) -> str:
    return "dup-" + hashlib.sha1(canonical.encode("utf-8")).hexdigest()[:10]
