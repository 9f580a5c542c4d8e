"""How well adjacent words fit: pairs English puts together less often than chance.

Word salad and machine garbage (words shuffled, fragments stitched mid-phrase) leave pairs of
common words side by side that English avoids ("the of", "is very the"). The spin detector's
reference statistics (``pipeline.spin.reference``: wordfreq Zipf frequencies, the general
bigram table of the most frequent English pairs, rescaled to the in-domain size, and in-domain
bigram counts) say how often each pair occurs and how often its two words are seen at all.

A pair is **judged** only when independence of its two words predicts at least as many
occurrences as the general table's smallest listed count: such a pair would be listed if its
words did not avoid each other, so its absence is evidence. Pairs of rarer words (names, terms)
are not judged: the table cannot know them. A judged pair is **improbable** when its reference
count (plus half the listing cutoff) is below what independence predicts.

The tables are arrays (word -> id, sorted pair keys): a text costs one regex pass,
a dict look-up per token and a few vectorised look-ups, no Python per pair.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from pipeline.quality.compiled import FAST

if TYPE_CHECKING:
    from pipeline.spin.reference import Reference

# Lower-cased words (letters and inner apostrophes) are group 1; any other non-space character
# and every line break match with an empty group 1: they break the chain of pairs (pairs never
# cross punctuation, digits or a line end, so headings and list items are not joined).
_PAIR_TOKEN = re.compile(r"([a-z]+(?:'[a-z]+)*)|[^\sa-z]|\n")


@dataclass(frozen=True)
class PairTables:
    """Word ids, log10 word probabilities and sorted pair keys with log10 counts."""

    vocab: dict[str, int]
    log_p: np.ndarray        # log10 probability of word id (Zipf - 9)
    keys: np.ndarray         # sorted int64 keys a * n_vocab + b of the listed pairs
    log_count: np.ndarray    # log10 (count + smoothing) of each key, in-domain scale
    log_words: float         # log10 of the in-domain word count (the scale of the counts)
    log_cutoff: float        # log10 of the general table's smallest listed count
    log_smooth: float        # log10 of the smoothing added to an unlisted pair's count


@lru_cache(maxsize=1)
def pair_tables() -> PairTables:
    """The arrays of the shipped reference statistics, once per process: prebuilt in the
    compact tables file (``workbench.compact`` stores what :func:`build_tables` returns), else
    built here (~0.5 s)."""
    from pipeline.spin.reference import load_reference, prebuilt_pairs

    prebuilt = prebuilt_pairs()
    if prebuilt is not None:
        return PairTables(**prebuilt)
    return build_tables(load_reference())


def build_tables(ref: Reference) -> PairTables:
    """The arrays of the reference statistics ``ref``."""
    # The general table has no pair with an apostrophe ("it's the"): only the small in-domain
    # table could vouch for one, so words with an apostrophe are left unjudged (id -1).
    words = [w for w in ref.zipf if "'" not in w]
    vocab = {w: i for i, w in enumerate(words)}
    log_p = np.fromiter((ref.zipf[w] for w in words), dtype=np.float64, count=len(words)) - 9.0
    n = len(words)
    cutoff = min(ref.gen_bi.values()) if ref.gen_bi else 1.0
    smooth = cutoff / 2.0
    counts: dict[int, float] = {}
    for table in (ref.gen_bi, ref.dom_bi):
        for k, c in table.items():
            a, _, b = k.partition(" ")
            ia, ib = vocab.get(a), vocab.get(b)
            if ia is not None and ib is not None:
                key = ia * n + ib
                counts[key] = counts.get(key, 0.0) + float(c)
    keys = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    vals = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
    order = np.argsort(keys)
    return PairTables(vocab, log_p, keys[order], np.log10(vals[order] + smooth),
                      math.log10(max(ref.dom_words, 1)), math.log10(cutoff), math.log10(smooth))


def _py_token_ids(low: str, vocab: dict[str, int]) -> np.ndarray:
    """The id of each :data:`_PAIR_TOKEN` token of the lower-cased text (-1: unknown or no word);
    the reference of the compiled ``pair_token_ids``."""
    toks = _PAIR_TOKEN.findall(low)
    # A dict look-up per token: np.unique on a string array pads every token to the longest
    # (one 200,000-letter token made a 1,000-token page an 800 MB array).
    get = vocab.get
    return np.fromiter((get(w, -1) for w in toks), dtype=np.int64, count=len(toks))


def _fast_token_ids(low: str, vocab: dict[str, int]) -> np.ndarray:
    out = np.empty(len(low), dtype=np.int64)
    return out[: FAST.pair_token_ids(low, vocab, out)]


_token_ids = _py_token_ids if FAST is None else _fast_token_ids


def pair_counts(text: str, tables: PairTables | None = None) -> tuple[int, int]:
    """(judged pairs, improbable pairs) among the adjacent word pairs of ``text``."""
    t = tables if tables is not None else pair_tables()
    ids = _token_ids((text or "").lower().replace("\u2019", "'"), t.vocab)
    if len(ids) < 2:
        return 0, 0
    a, b = ids[:-1], ids[1:]
    known = (a >= 0) & (b >= 0)
    a, b = a[known], b[known]
    # Expected count under independence, in the in-domain scale of the tables' counts.
    log_expected = t.log_words + t.log_p[a] + t.log_p[b]
    judged = log_expected >= t.log_cutoff
    a, b, log_expected = a[judged], b[judged], log_expected[judged]
    if not len(a):
        return 0, 0
    key = a * len(t.log_p) + b
    pos = np.minimum(np.searchsorted(t.keys, key), len(t.keys) - 1)
    listed = t.keys[pos] == key if len(t.keys) else np.zeros(len(key), dtype=bool)
    log_seen = np.where(listed, t.log_count[pos] if len(t.keys) else 0.0, t.log_smooth)
    return int(len(a)), int(np.count_nonzero(log_seen < log_expected))


def pair_listed(a: str, b: str, tables: PairTables | None = None) -> bool:
    """True when the reference lists the pair "``a`` ``b``" (lower-case words) in its general
    or in-domain bigram table; False for a pair it does not list or a word it does not know."""
    t = tables if tables is not None else pair_tables()
    ia, ib = t.vocab.get(a), t.vocab.get(b)
    if ia is None or ib is None or not len(t.keys):
        return False
    key = ia * len(t.log_p) + ib
    pos = int(np.searchsorted(t.keys, key))
    return pos < len(t.keys) and int(t.keys[pos]) == key
