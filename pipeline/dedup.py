"""Exact duplicates, near-duplicates and spun copies across the corpus (MinHash LSH).

Every article gets three readings (see ``resources/config/dedup.toml``): the *surface* reading
(lower-cased words, 5-word shingles) finds exact and near copies; two more find spun copies,
which share few surface shingles with their source: the *normalised* reading (restored text
when the spin detector produced one, function words dropped, lemmas, 2-word shingles) and the
*frame* (function words kept, content words as placeholders, 6-word shingles). Candidate pairs come from LSH
and are kept when the MinHash Jaccard estimate passes the threshold. Clusters are stars
around the articles an editor would keep (not spun, best quality, earliest, then smallest id):
every duplicate points to a kept article it is directly similar to.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from datasketch import MinHash, MinHashLSH

from pipeline.article import Article
from pipeline.config import DedupSettings

KINDS = ("exact", "near", "spun_copy")
# Letters only (digits and punctuation carry no wording), apostrophes kept inside words.
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")


def _setting(settings: DedupSettings, name: str, default):
    return getattr(settings, name, default)


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


def _normalise(tokens: list[str], drop_function_words: bool) -> list[str]:
    stop = _function_words() if drop_function_words else frozenset()
    out = []
    for w in tokens:
        lemma = _lemma(w)
        if w in stop or lemma in stop:
            continue
        out.append(lemma)
    return out


def normalised_words(text: str, drop_function_words: bool = True) -> list[str]:
    """Content-word lemmas: the reading that survives inflection and function-phrase swaps."""
    return _normalise(words(text), drop_function_words)


def _plural_stem(word: str) -> str:
    # The lookup table misses many regular plurals ("therapists"); strip a plain -s.
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is", "'s")):
        return word[:-1]
    return word


def skeleton(text: str, placeholder: str = "_") -> list[str]:
    """Function words kept, every content word replaced by ``placeholder``.

    A synonym spinner swaps content words but keeps the sentence frame, so the frames of a
    spun copy and its source line up even when almost no content word survives.
    """
    return _skeleton(words(text), placeholder)


def _skeleton(tokens: list[str], placeholder: str = "_") -> list[str]:
    stop = _function_words()
    return [w if w in stop else placeholder for w in tokens]


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
    th = np.fromiter(map(_token_hash, tokens), dtype=np.uint64, count=len(tokens))
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


@dataclass
class _Item:
    article: Article
    surface: MinHash | None
    normal: MinHash | None
    frame: MinHash | None
    digest: str
    restored: bool = False


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


def _similarity(x: _Item, y: _Item, settings: DedupSettings) -> tuple[str, float]:
    """(kind, similarity) of a pair, or ("", best similarity) when no threshold is passed.

    A spun copy matches on a spin reading *much* better than on the surface (at least
    ``spun_min_gain`` times): a pair sharing a few verbatim passages matches every reading
    about equally and is not a spun copy. The normalised reading counts only when one of the
    two has a restored text; otherwise it mostly repeats the surface reading.
    """
    if x.digest == y.digest:
        return "exact", 1.0
    surface = x.surface.jaccard(y.surface) if x.surface and y.surface else 0.0
    if surface >= settings.threshold:
        return "near", surface
    gain = _setting(settings, "spun_min_gain", 2.0)
    frame = x.frame.jaccard(y.frame) if x.frame and y.frame else 0.0
    normal = 0.0
    if (x.restored or y.restored) and x.normal and y.normal:
        normal = x.normal.jaccard(y.normal)
    # Heavy spinning leaves the frame; a restored text brings the content words back.
    passed = [sim for sim, threshold in ((frame, _setting(settings, "frame_threshold", 0.3)),
                                         (normal, _setting(settings, "spun_threshold", 0.15)))
              if sim >= threshold and sim >= gain * surface]
    if passed:
        return "spun_copy", max(passed)
    return "", max(surface, frame, normal)


def _empty(a: Article) -> dict:
    return {"cluster": "", "canonical": a.article_id, "similarity": 0.0,
            "near_duplicate_of": "", "kind": ""}


def find_duplicates(articles: list[Article], settings: DedupSettings) -> None:
    """Fill ``article.dedup`` for every article (see the module docstring for the method).

    ``dedup = {"cluster", "canonical", "similarity", "near_duplicate_of", "kind"}``; an article
    in no cluster has an empty cluster, itself as canonical and an empty kind.
    """
    num_perm, seed = int(settings.num_perm), int(settings.seed)
    n_surface = int(settings.shingle_words)
    n_normal = int(_setting(settings, "spun_shingle_words", 2))
    min_words = int(_setting(settings, "min_words", 20))
    drop = bool(_setting(settings, "drop_function_words", True))
    spun_threshold = float(_setting(settings, "spun_threshold", 0.15))
    n_frame = int(_setting(settings, "frame_shingle_words", 6))
    frame_threshold = float(_setting(settings, "frame_threshold", 0.3))

    items: dict[str, _Item] = {}
    for a in sorted(articles, key=lambda a: a.article_id):
        a.dedup = _empty(a)
        if not a.text.strip():
            continue  # nothing to compare; empty records are the audit's business
        tokens = words(a.text)
        surface = normal = frame = None
        if len(tokens) >= min_words:
            surface = minhash(shingle_hashes(tokens, n_surface), num_perm, seed)
            restored = a.restored_text if a.restored_text.strip() else ""
            norm = _normalise(words(restored) if restored else tokens, drop)
            if norm:
                normal = minhash(shingle_hashes(norm, n_normal), num_perm, seed)
            frames = shingle_hashes(_skeleton(tokens), n_frame)
            # A frame made only of placeholders says nothing (lists, keyword stuffing).
            frames = frames[frames != shingle_hashes(["_"] * n_frame, n_frame)[0]]
            if len(frames) >= min_words:
                frame = minhash(frames, num_perm, seed)
        items[a.article_id] = _Item(a, surface, normal, frame, _tokens_hash(tokens),
                                    bool(a.restored_text.strip()))

    edges: dict[str, dict[str, tuple[str, float]]] = {k: {} for k in items}

    def link(x: str, y: str) -> None:
        if x == y or x not in items or y not in items or y in edges[x]:
            return
        kind, sim = _similarity(items[x], items[y], settings)
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

    readings = (("surface", float(settings.threshold)), ("normal", spun_threshold),
                ("frame", frame_threshold))
    for attr, threshold in readings:
        # Candidates only: datasketch cannot band for thresholds near 0 or 1; pairs are checked
        # against the real threshold in _similarity.
        lsh = MinHashLSH(threshold=min(max(threshold, 0.05), 0.9), num_perm=num_perm)
        for key, item in items.items():
            m = getattr(item, attr)
            if m is None:
                continue
            for other in lsh.query(m):
                link(other, key)
            lsh.insert(key, m)

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


def _cluster_id(canonical: str) -> str:
    return "dup-" + hashlib.sha1(canonical.encode("utf-8")).hexdigest()[:10]
