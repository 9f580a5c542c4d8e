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
import re
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import MinHash, MinHashLSH

from pipeline.article import Article
from pipeline.config import DedupSettings

KINDS = ("exact", "near", "spun_copy")
# Letters only (digits and punctuation carry no wording), apostrophes kept inside words.
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")


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
    return [w.replace("\u2019", "'") for w in _WORD.findall(text.lower())]


_LEMMAS: dict[str, str] = {}  # memo: the lookup table hashes every query


def _lemma(word: str) -> str:
    lemma = _LEMMAS.get(word)
    if lemma is None:
        lemma = _LEMMAS[word] = _lemma_table().get(word) or _plural_stem(word)
    return lemma


_NORMAL: dict[bool, dict[str, str | None]] = {True: {}, False: {}}  # word -> lemma, None = dropped


def _normalise(tokens: list[str], drop_function_words: bool) -> list[str]:
    memo = _NORMAL[drop_function_words]
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


def skeleton(text: str, placeholder: str = "_") -> list[str]:
    """Function words kept, each run of content words replaced by one ``placeholder``.

    A synonym spinner swaps content words (often one word for two) but keeps the sentence
    frame, so the frames of a spun copy and its source line up even when almost no content
    word survives.
    """
    return _skeleton(words(text), placeholder)


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


def text_hash(text: str) -> str:
    """Hash of the text's words (case, spacing and punctuation ignored): equal for exact copies."""
    return _tokens_hash(words(text))


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
        # Every key has a default in dedup.toml (load_settings rejects unknown keys).
        return cls(int(s.num_perm), int(s.seed), int(s.shingle_words),
                   int(s.spun_shingle_words), int(s.frame_shingle_words), int(s.min_words),
                   bool(s.drop_function_words), float(s.threshold), float(s.spun_threshold),
                   float(s.frame_threshold), float(s.spun_min_gain), float(s.spun_min_lead),
                   float(s.verify_factor), float(s.lsh_factor), int(s.max_candidates))


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


@dataclass
class _Item:
    article: Article
    minhashes: dict[str, MinHash]
    digest: str
    restored: bool


def _is_spun(a: Article) -> bool:
    return bool(a.spin.get("spun")) if a.spin else False


def _quality(a: Article) -> float:
    from pipeline.audit import quality_of

    score = quality_of(a).get("score")
    return float(score) if isinstance(score, int | float) else 0.0


def _canonical_key(a: Article) -> tuple:
    # The copy to keep: not spun, higher quality, published earlier (undated last), then the
    # smallest id, so the choice is deterministic.
    return (_is_spun(a), -_quality(a), a.date or "\uffff", a.article_id)


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


def _empty(a: Article) -> dict:
    return {"cluster": "", "canonical": a.article_id, "similarity": 0.0,
            "near_duplicate_of": "", "kind": ""}


# Bytes of shingle hashes the exact check keeps (a 1,000-word article's take ~24 KB, a short
# one's a few hundred bytes: a corpus of short, similar texts is checked pair after pair).
_EXACT_CACHE_BYTES = 48 * 2**20


def find_duplicates(articles: list[Article], settings: DedupSettings) -> None:
    """Fill ``article.dedup`` for every article (see the module docstring for the method).

    ``dedup = {"cluster", "canonical", "similarity", "near_duplicate_of", "kind"}``; an article
    in no cluster has an empty cluster, itself as canonical and an empty kind.
    """
    p = _Params.of(settings)
    need_normal = any(a.restored_text.strip() for a in articles)
    items: dict[str, _Item] = {}
    # Shingle hashes for the exact check of borderline pairs: the most recently used ones
    # (bounded, so memory does not grow with the corpus; recomputing one costs ~1 ms).
    cache: OrderedDict[str, dict[str, np.ndarray]] = OrderedDict()
    cached = 0  # bytes in the cache

    def keep(key: str, hashes: dict[str, np.ndarray]) -> None:
        nonlocal cached
        cache[key] = hashes
        cached += sum(h.nbytes for h in hashes.values())
        while cached > _EXACT_CACHE_BYTES and len(cache) > 1:
            _, old = cache.popitem(last=False)
            cached -= sum(h.nbytes for h in old.values())

    for a in sorted(articles, key=lambda a: a.article_id):
        a.dedup = _empty(a)
        if not a.text.strip():
            continue  # nothing to compare; empty records are the audit's business
        tokens = words(a.text)
        hashes = _readings(a, p, need_normal, tokens)
        minhashes = {r: minhash(h, p.num_perm, p.seed) for r, h in hashes.items() if len(h)}
        if cached < _EXACT_CACHE_BYTES:
            keep(a.article_id, hashes)
        items[a.article_id] = _Item(a, minhashes, _tokens_hash(tokens),
                                    bool(a.restored_text.strip()))

    # Exact Jaccard for the few pairs whose MinHash estimate comes near a threshold: the
    # estimate's noise (~0.03-0.04 at 128 permutations) would otherwise decide borderline pairs.
    def exact(key: str) -> dict[str, np.ndarray]:
        hit = cache.get(key)
        if hit is None:
            hit = _readings(items[key].article, p, need_normal)
            keep(key, hit)
        else:
            cache.move_to_end(key)
        return hit

    limits = {"surface": p.threshold, "frame": p.frame_threshold, "normal": p.spun_threshold}
    edges: dict[str, dict[str, tuple[str, float]]] = {k: {} for k in items}

    def link(x: str, y: str) -> None:
        if x == y or x not in items or y not in items or y in edges[x]:
            return
        ix, iy = items[x], items[y]
        if ix.digest == iy.digest:
            edges[x][y] = edges[y][x] = ("exact", 1.0)
            return
        both = set(ix.minhashes) & set(iy.minhashes)
        if not (ix.restored or iy.restored):
            both.discard("normal")
        # MinHash.jaccard without its per-call checks: every MinHash here has the same seed,
        # scheme and num_perm (one template), so the estimate is the share of equal values.
        estimates = {r: float(np.count_nonzero(ix.minhashes[r].hashvalues == iy.minhashes[r].hashvalues))
                     / float(p.num_perm) for r in both}
        if not any(estimates[r] >= limits[r] * p.verify_factor for r in estimates):
            return
        ex, ey = exact(x), exact(y)
        sims = {r: _jaccard_hashes(ex[r], ey[r]) for r in both}
        kind, sim = _decide(sims, ix.restored or iy.restored, p)
        if kind:
            edges[x][y] = edges[y][x] = (kind, sim)

    by_digest: dict[str, list[str]] = {}
    for key, item in items.items():
        by_digest.setdefault(item.digest, []).append(key)
    for group in by_digest.values():
        for other in group[1:]:
            link(group[0], other)
    for key, item in items.items():
        if item.article.exact_duplicate_of:
            link(key, item.article.exact_duplicate_of)

    for reading in READINGS:
        # Candidates only (pairs are verified in link), from a band set tuned a little below
        # the threshold; datasketch cannot band for thresholds near 0 or 1.
        threshold = min(max(limits[reading] * p.lsh_factor, 0.05), 0.9)
        lsh = MinHashLSH(threshold=threshold, num_perm=p.num_perm)
        rows: dict[str, int] = {}   # article -> its row of `signatures`
        signatures = np.empty((0, p.num_perm), dtype=np.uint64)
        for key, item in items.items():
            m = item.minhashes.get(reading)
            if m is None:
                continue
            others = lsh.query(m)
            if len(others) > p.max_candidates:
                others = _closest(others, m.hashvalues, rows, signatures, p.max_candidates)
            for other in others:
                link(other, key)
            lsh.insert(key, m)
            if len(rows) == len(signatures):   # grown by doubling: appends stay linear
                signatures = np.resize(signatures, (max(64, 2 * len(rows)), p.num_perm))
            signatures[len(rows)] = m.hashvalues
            rows[key] = len(rows)

    # Star clustering, best article first: an article directly similar to one already kept
    # joins that one's cluster; otherwise it is kept. No chains: every duplicate is directly
    # similar to the article it points to (A~B and B~C never makes C a copy of A).
    kept: dict[str, list[str]] = {}
    order: dict[str, int] = {}
    for key in sorted((k for k in items if edges[k]),
                      key=lambda k: _canonical_key(items[k].article)):
        keepers = [k for k in edges[key] if k in kept]
        if not keepers:
            kept[key], order[key] = [], len(order)
            continue
        # The most similar kept article; on a tie the better one (kept earlier).
        target = max(keepers, key=lambda k: (edges[key][k][1], -order[k]))
        kind, sim = edges[key][target]
        kept[target].append(key)
        items[key].article.dedup = {"cluster": _cluster_id(target), "canonical": target,
                                    "similarity": round(sim, 4), "near_duplicate_of": target,
                                    "kind": kind}
    for key, members in kept.items():
        if members:
            best = max(edges[m][key][1] for m in members)
            items[key].article.dedup = {"cluster": _cluster_id(key), "canonical": key,
                                        "similarity": round(best, 4), "near_duplicate_of": "",
                                        "kind": ""}


def _closest(keys: list[str], hashvalues: np.ndarray, rows: dict[str, int],
             signatures: np.ndarray, k: int) -> list[str]:
    """The ``k`` of ``keys`` whose MinHash estimate against ``hashvalues`` is highest (ties:
    smallest key), so a text with thousands of near-identical others is checked against the
    closest ``max_candidates`` of them only; the choice does not depend on the order of
    ``keys``."""
    names = np.array(keys)
    agree = np.count_nonzero(signatures[[rows[x] for x in keys]] == hashvalues, axis=1)
    return names[np.lexsort((names, -agree))[:k]].tolist()


def _cluster_id(canonical: str) -> str:
    return "dup-" + hashlib.sha1(canonical.encode("utf-8")).hexdigest()[:10]
