"""Exact duplicates, near-duplicates and spun copies across the corpus (MinHash LSH).

Every article gets three readings (see ``resources/config/dedup.toml``): the *surface*
(lower-cased words, 5-word shingles) finds exact and near copies; the *frame* (function words
kept, each run of content words one placeholder, 5-token shingles) finds spun copies, which
share few surface shingles with their source; the *normalised* reading (the spin detector's
restored text, function words dropped, lemmas, 2-word shingles) finds spun copies whose
wording was restored. LSH proposes candidate pairs (at most ``max_candidates`` per article and
reading: the closest by MinHash estimate); those whose estimate comes near a threshold are
decided on the exact Jaccard of their shingle hashes. Clusters are stars around
the articles an editor would keep (not spun, best quality, earliest, then smallest id): every
duplicate points to a kept article it is directly similar to, never through a chain.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zlib
from array import array
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import MinHash, MinHashLSH

from pipeline.article import Article
from pipeline.config import DedupSettings
from pipeline.text import LETTER_WORD as _WORD

KINDS = ("exact", "near", "spun_copy")


@lru_cache(maxsize=1)
def _lemma_table():
    """spacy-lookups-data's English lemma table (keys are string hashes: use ``.get(word)``)."""
    from spacy.lookups import load_lookups

    return load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")


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


def _identity(value: int) -> int:
    return value


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


@lru_cache(maxsize=4)
def _template(num_perm: int, seed: int) -> MinHash:
    return MinHash(num_perm=num_perm, seed=seed)


def minhash(hashes: np.ndarray, num_perm: int, seed: int) -> MinHash:
    """MinHash of pre-hashed shingles (datasketch's permutations, computed once per seed)."""
    tpl = _template(num_perm, seed)
    m = MinHash(num_perm=num_perm, seed=seed, hashfunc=_identity,
                permutations=tpl.permutations, scheme=tpl.scheme)
    # update_batch permutes all values in one numpy pass (~4x faster than update() per item).
    m.update_batch(hashes.tolist())
    return m


def _tokens_hash(tokens: list[str]) -> str:
    return hashlib.sha256(" ".join(tokens).encode("utf-8")).hexdigest()


READINGS = ("surface", "normal", "frame")


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

    @classmethod
    def of(cls, s: DedupSettings) -> _Params:
        # Short names for the hot loops; DedupSettings has typed and range-checked the values.
        return cls(s.num_perm, s.seed, s.shingle_words, s.spun_shingle_words,
                   s.frame_shingle_words, s.min_words, s.drop_function_words, s.threshold,
                   s.spun_threshold, s.frame_threshold, s.spun_min_gain, s.spun_min_lead,
                   s.verify_factor, s.lsh_factor, s.max_candidates)


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
           "frame": frames if len(frames) >= p.min_words else frames[:0]}
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


def _quality(a: Article) -> float:
    from pipeline.audit import quality_of

    score = quality_of(a).get("score")
    return float(score) if isinstance(score, int | float) else 0.0


def canonical_key(spun: bool, quality: float, date: str, article_id: str) -> tuple:
    """Sort key of the copy to keep: not spun, higher quality, published earlier (undated
    last), then the smallest id, so the choice is deterministic."""
    return (spun, -quality, date or "\uffff", article_id)


def canonical_key_of(a: Article) -> tuple:
    """:func:`canonical_key` of an article (its quality score includes the site norms)."""
    return canonical_key(_is_spun(a), _quality(a), a.date, a.article_id)


def _decide(sims: dict[str, float], restored: bool, p: _Params) -> tuple[str, float]:
    """(kind, similarity) from a pair's similarities per reading ("" when not a duplicate).

    A spun copy matches on a spin reading *much* better than on the surface (at least
    ``spun_min_gain`` times, or by ``spun_min_lead``): a pair sharing a few verbatim passages
    matches every reading about equally and is not a spun copy. The normalised reading counts only when one of the
    two has a restored text; otherwise it mostly repeats the surface reading.
    """
    surface = sims.get("surface", 0.0)
    if surface >= p.threshold:
        return "near", surface
    # Heavy spinning leaves the frame; a restored text brings the content words back.
    checks = [(sims.get("frame", 0.0), p.frame_threshold)]
    if restored:
        checks.append((sims.get("normal", 0.0), p.spun_threshold))
    passed = [sim for sim, threshold in checks
              if sim >= threshold and (sim >= p.gain * surface or sim - surface >= p.lead)]
    if passed:
        return "spun_copy", max(passed)
    return "", 0.0


def empty_result(article_id: str) -> dict:
    """``article.dedup`` of an article in no cluster."""
    return {"cluster": "", "canonical": article_id, "similarity": 0.0,
            "near_duplicate_of": "", "kind": ""}


class _HashSpool:
    """The shingle hashes of every reading, in an anonymous temporary file: the exact check of
    a borderline pair reads them back instead of recomputing them from the text (which took
    most of the time of resolve). The hashes are 32-bit values (``shingle_hashes``), stored as
    uint32: about 12 KB a 1,000-word article on disk, 8 bytes a reading in memory."""

    def __init__(self) -> None:
        # Open for the finder's life (closed by resolve); deleted by the OS however it ends.
        self._file = tempfile.TemporaryFile()  # noqa: SIM115
        self._size = 0
        self._spans: dict[str, array] = {r: array("q") for r in READINGS}  # (offset, count)

    def add(self, readings: Mapping[str, np.ndarray]) -> None:
        for r in READINGS:
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


class DuplicateFinder:
    """Duplicates across a corpus that streams by: :meth:`add` each article as it is analysed
    (its text is read then and not kept: a MinHash signature per reading, 512 bytes each, and a
    digest stay), then :meth:`resolve` once.

    Candidate pairs come from LSH banding done here in numpy, with the band count and width
    datasketch picks for each threshold: datasketch's ``MinHashLSH`` keeps a Python dict entry
    per band and article (11-20 KB an article, measured), which would grow past the memory
    budget on large corpora; the bands here take 8 bytes each, and only while resolving.
    """

    def __init__(self, settings: DedupSettings):
        self.p = _Params.of(settings)
        self._ids: list[str] = []
        self._digests: list[str] = []
        self._restored = bytearray()
        self._linked: dict[int, str] = {}          # ingest's exact_duplicate_of
        self._sigs = {r: _Signatures(self.p.num_perm, _template(self.p.num_perm, self.p.seed)
                                     .hashvalues.dtype) for r in READINGS}
        self._hashes = _HashSpool()

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
            if len(hashes):
                self._sigs[reading].add(number, minhash(hashes, self.p.num_perm,
                                                        self.p.seed).hashvalues)
        self._hashes.add(readings)
        self._ids.append(a.article_id)
        self._digests.append(_tokens_hash(tokens))
        self._restored.append(bool(a.restored_text.strip()))
        if a.exact_duplicate_of:
            self._linked[number] = a.exact_duplicate_of

    def resolve(self, keys: Mapping[str, tuple]) -> dict[str, dict]:
        """``article.dedup`` of every added article in a cluster (others: :func:`empty_result`).

        ``keys``: :func:`canonical_key` of every added article. Closes the finder's temporary
        file: call it once.
        """
        try:
            self._hashes.flush()
            return self._resolve(keys)
        finally:
            self._hashes.close()

    def _resolve(self, keys: Mapping[str, tuple]) -> dict[str, dict]:
        p = self.p
        # Articles in id order, as if added sorted: the result does not depend on input order.
        order = sorted(range(len(self._ids)), key=self._ids.__getitem__)
        ids = [self._ids[i] for i in order]
        index = {key: n for n, key in enumerate(ids)}
        digests = [self._digests[i] for i in order]
        restored = [bool(self._restored[i]) for i in order]
        need_normal = any(restored)
        renumber = np.empty(len(order), dtype=np.int64)
        renumber[order] = np.arange(len(order))
        sigs: dict[str, tuple[np.ndarray, np.ndarray]] = {}   # reading -> (numbers, rows)
        row_of: dict[str, list[int]] = {}   # reading -> row of each article, -1 if none
        for reading, table in self._sigs.items():
            if reading == "normal" and not need_normal:
                continue  # no restored text: the normalised reading repeats the surface one
            numbers = renumber[np.array(table.numbers, dtype=np.int64)]
            by = np.argsort(numbers, kind="stable")
            sigs[reading] = (numbers[by], table.rows[:len(numbers)][by])
            rows_of = np.full(len(ids), -1, dtype=np.int64)
            rows_of[numbers[by]] = np.arange(len(numbers))
            row_of[reading] = rows_of.tolist()   # read per pair in link: plain ints are fastest

        def exact(n: int, reading: str) -> np.ndarray:
            return self._hashes.get(order[n], reading)

        limits = {"surface": p.threshold, "frame": p.frame_threshold, "normal": p.spun_threshold}
        edges: dict[int, dict[int, tuple[str, float]]] = {}

        def link(x: int, y: int) -> None:
            if x == y or y in edges.get(x, ()):
                return
            if digests[x] == digests[y]:
                edges.setdefault(x, {})[y] = edges.setdefault(y, {})[x] = ("exact", 1.0)
                return
            both = [r for r in sigs if row_of[r][x] >= 0 and row_of[r][y] >= 0]
            if not (restored[x] or restored[y]):
                both = [r for r in both if r != "normal"]
            # The share of equal MinHash values estimates the Jaccard (one template: same
            # seed, scheme and permutations for every signature).
            estimates = {r: np.count_nonzero(sigs[r][1][row_of[r][x]] == sigs[r][1][row_of[r][y]])
                         / p.num_perm for r in both}
            if not any(estimates[r] >= limits[r] * p.verify_factor for r in estimates):
                return
            sims = {r: _jaccard_hashes(exact(x, r), exact(y, r)) for r in both}
            kind, sim = _decide(sims, restored[x] or restored[y], p)
            if kind:
                edges.setdefault(x, {})[y] = edges.setdefault(y, {})[x] = (kind, sim)

        first: dict[str, int] = {}
        for n, digest in enumerate(digests):
            if digest in first:
                link(first[digest], n)
            else:
                first[digest] = n
        for number, other in sorted((int(renumber[k]), v) for k, v in self._linked.items()):
            if other in index:
                link(number, index[other])

        # The first test of link, for all of an article's candidates at once (link would return
        # at once for the others): same digest, or a MinHash estimate near a threshold.
        digest_arr = np.asarray(digests, dtype=object)
        restored_arr = np.asarray(restored, dtype=bool)
        rows_arr = {r: np.asarray(row_of[r], dtype=np.int64) for r in sigs}

        def worth_linking(xs: np.ndarray, y: int) -> np.ndarray:
            keep = digest_arr[xs] == digests[y]
            for r, (_, table) in sigs.items():
                rx, ry = rows_arr[r][xs], row_of[r][y]
                if ry < 0:
                    continue
                ok = rx >= 0
                if r == "normal" and not restored[y]:
                    ok &= restored_arr[xs]
                same = np.count_nonzero(table[rx[ok]] == table[ry], axis=1) / p.num_perm
                keep[np.flatnonzero(ok)[same >= limits[r] * p.verify_factor]] = True
            return keep

        for reading, (numbers, rows) in sigs.items():
            # Candidates only (pairs are verified in link), from bands tuned a little below the
            # threshold; datasketch cannot band for thresholds near 0 or 1.
            threshold = min(max(limits[reading] * p.lsh_factor, 0.05), 0.9)
            bands = MinHashLSH(threshold=threshold, num_perm=p.num_perm)
            for k, earlier in _band_candidates(rows, bands.b, bands.r):
                if len(earlier) > p.max_candidates:
                    earlier = _closest(earlier, rows, k, p.max_candidates)
                y = int(numbers[k])
                xs = numbers[earlier]
                for x in xs[worth_linking(xs, y)].tolist():
                    link(x, y)

        # Star clustering, best article first: an article directly similar to one already kept
        # joins that one's cluster; otherwise it is kept. No chains: every duplicate is directly
        # similar to the article it points to (A~B and B~C never makes C a copy of A).
        kept: dict[int, list[int]] = {}
        rank: dict[int, int] = {}
        result: dict[str, dict] = {}
        for n in sorted(edges, key=lambda n: keys[ids[n]]):
            keepers = [k for k in edges[n] if k in kept]
            if not keepers:
                kept[n], rank[n] = [], len(rank)
                continue
            # The most similar kept article; on a tie the better one (kept earlier).
            target = max(keepers, key=lambda k: (edges[n][k][1], -rank[k]))
            kind, sim = edges[n][target]
            kept[target].append(n)
            result[ids[n]] = {"cluster": _cluster_id(ids[target]), "canonical": ids[target],
                              "similarity": round(sim, 4), "near_duplicate_of": ids[target],
                              "kind": kind}
        for n, members in kept.items():
            if members:
                best = max(edges[m][n][1] for m in members)
                result[ids[n]] = {"cluster": _cluster_id(ids[n]), "canonical": ids[n],
                                  "similarity": round(best, 4), "near_duplicate_of": "",
                                  "kind": ""}
        return result


def find_duplicates(articles: list[Article], settings: DedupSettings) -> None:
    """Fill ``article.dedup`` for every article (see the module docstring for the method).

    ``dedup = {"cluster", "canonical", "similarity", "near_duplicate_of", "kind"}``; an article
    in no cluster has an empty cluster, itself as canonical and an empty kind.
    """
    finder = DuplicateFinder(settings)
    by_id = {a.article_id: a for a in articles}
    for a in articles:
        finder.add(a)
    found = finder.resolve({k: canonical_key_of(a) for k, a in by_id.items()})
    for a in articles:
        a.dedup = found.get(a.article_id) or empty_result(a.article_id)


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
