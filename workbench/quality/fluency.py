"""Word-order fluency against the spin detector's reference statistics (issue 15 item 2).

Does sentence or word salad show in adjacent word pairs (shuffled words break bigrams that real
prose keeps)? This script measures five candidate metrics of a text, using only tables the
runtime already ships (``pipeline.spin.reference``: wordfreq Zipf frequencies, general and
in-domain bigram counts, each word's most frequent part of speech and the part-of-speech bigram
log-probabilities), on the sound, damaged and spun pages of the real-web **dev** part, on the
counsel-chat dev half (clean texts and every degradation kind) and on two word-level damages
made here from the clean counsel-chat texts (``cc_word_shuffle``: the words of each sentence
shuffled; ``cc_fragment_shuffle``: runs of 2-5 words shuffled across the text):

- ``unattested_pairs``: share of adjacent pairs of common words (both Zipf >= ``MIN_ZIPF``) never
  seen together in either bigram table;
- ``pair_pmi``: mean log10 ratio of such a pair's reference frequency (count + 0.5) to the product
  of its words' frequencies (what unigram independence predicts);
- ``pos_logp``: mean log-probability of adjacent part-of-speech pairs (sentence start included);
- ``unattested_run``: the longest run of consecutive unattested pairs in one sentence;
- ``improbable_pairs``: the shipped rule's metric (``pipeline.quality.pairs``): share of the pairs
  independence says the tables would list that are listed less often than that.

Pairs never cross a sentence end. For each metric it prints the percentiles of every group and the
limit the sound pages suggest (as ``workbench.realweb.calibrate``: p99.5 + 10%, or p0.5 - 10%, on
the side where damage would lie), with the share of each group beyond it. The results are in
``models/quality_rules.md`` (fourth and sixth passes): the first four do not separate; the fifth
is the rule ``max_improbable_pairs``. None separates the sentence salad of the held-out
degradations (whole sentences shuffled: every pair inside a sentence is the writer's own).

    python -m workbench.quality.fluency [--shared DIR]      # needs .realweb/ (see realweb/README.md)
"""

from __future__ import annotations

import math
import random
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from pipeline.quality.pairs import PairTables, build_tables, pair_counts
from pipeline.spin.reference import Reference, load_reference
from pipeline.text import WORD, split_sentences

# Pairs are judged only between words at least this common (rarer words are names and terms the
# bigram tables cannot know).
MIN_ZIPF = 3.0
# Log-probability of a part-of-speech pair the reference never saw (as the word scorer uses).
UNSEEN_POS_LOGP = -12.0
# Which side of each metric damage would be on: "max" (high values) or "min".
SIDES = {"unattested_pairs": "max", "pair_pmi": "min", "pos_logp": "min", "unattested_run": "max",
         "improbable_pairs": "max"}
# improbable_pairs needs this many judged pairs (quality.toml pair_fit_min_pairs).
MIN_PAIRS = 20
# Word-level damage made from clean texts: runs of this many words are shuffled.
FRAGMENT_WORDS = (2, 5)
PERCENTILES = (1, 5, 50, 95, 99)
# Beyond the sound pages' tail by this share of its value (``workbench.realweb.calibrate.MARGIN``).
MARGIN = 0.1


_TABLES: dict[int, tuple[Reference, PairTables]] = {}


def _tables(ref: Reference) -> PairTables:
    got = _TABLES.get(id(ref))
    if got is None or got[0] is not ref:
        got = _TABLES[id(ref)] = (ref, build_tables(ref))
    return got[1]


def fluency(text: str, ref: Reference | None = None, min_zipf: float = MIN_ZIPF) -> dict[str, float]:
    """The five pair metrics of ``text`` (NaN for a ratio with no pair to judge)."""
    ref = ref if ref is not None else load_reference()
    judged, improbable = pair_counts(text, _tables(ref))
    zipf, gen, dom, pos, pos_lp = ref.zipf, ref.gen_bi, ref.dom_bi, ref.pos, ref.pos_bigram_logp
    log_n = math.log10(max(ref.dom_words, 1))
    pairs = unattested = run_max = 0
    pmi_sum = 0.0
    lps: list[float] = []
    for sent in split_sentences(text or ""):
        prev: str | None = None
        prev_z: float | None = None
        prev_tag: str | None = "<s>"
        run = 0
        for word in WORD.findall(sent):
            w = word.lower().replace("’", "'")
            z = zipf.get(w)
            tag = pos[w][0] if w in pos else None
            if tag is not None and prev_tag is not None:
                lps.append(pos_lp.get(f"{prev_tag} {tag}", UNSEEN_POS_LOGP))
            if prev is not None and z is not None and prev_z is not None and min(z, prev_z) >= min_zipf:
                key = f"{prev} {w}"
                count = gen.get(key, 0.0) + dom.get(key, 0)
                pairs += 1
                # log10 p(a b) - log10 p(a) - log10 p(b); Zipf = log10 per billion words.
                pmi_sum += math.log10(count + 0.5) - log_n - (z - 9.0) - (prev_z - 9.0)
                if count == 0:
                    unattested += 1
                    run += 1
                    run_max = max(run_max, run)
                else:
                    run = 0
            else:
                run = 0
            prev, prev_z, prev_tag = w, z, tag
    nan = float("nan")
    return {
        "unattested_pairs": unattested / pairs if pairs else nan,
        "pair_pmi": pmi_sum / pairs if pairs else nan,
        "pos_logp": sum(lps) / len(lps) if lps else nan,
        "unattested_run": float(run_max),
        "improbable_pairs": improbable / judged if judged >= MIN_PAIRS else nan,
    }


def word_shuffle(text: str, rng: random.Random) -> str:
    """``text`` with the words of each sentence shuffled (word salad)."""
    return " ".join(" ".join(rng.sample(s.split(), len(s.split()))) for s in split_sentences(text))


def fragment_shuffle(text: str, rng: random.Random, sizes: tuple[int, int] = FRAGMENT_WORDS) -> str:
    """``text`` cut into runs of ``sizes`` words, shuffled (fragments stitched mid-phrase)."""
    words, runs, i = text.split(), [], 0
    while i < len(words):
        n = rng.randint(*sizes)
        runs.append(words[i:i + n])
        i += n
    rng.shuffle(runs)
    return " ".join(w for run in runs for w in run)


def groups(shared: Path, seed: int = 0, root: Path | None = None) -> dict[str, list[str]]:
    """Texts by group: real-web dev pages (sound, damaged, spun; the stored page text), the
    counsel-chat dev half (``cc_clean`` and ``cc_<degradation>``) and the word-level damages
    made from its clean texts (``cc_word_shuffle``, ``cc_fragment_shuffle``; seeded)."""
    from workbench.quality.dataset import build_split
    from workbench.realweb.evaluate import load_pages, read_folder

    out: dict[str, list[str]] = {"sound": [], "damaged": [], "spun": []}
    pages = load_pages()
    pages = pages[pages.split == "dev"]
    texts = read_folder(pages, root).texts
    for row in pages.itertuples():
        if row.page_id in texts:
            grp = "damaged" if row.low_quality else "spun" if row.spun else "sound"
            out[grp].append(texts[row.page_id])
    dev, _ = build_split(shared, seed)
    for e in dev:
        out.setdefault(f"cc_{e.kind}" if e.low else "cc_clean", []).append(e.text)
    rng = random.Random(seed)
    clean = out.get("cc_clean", [])
    out["cc_word_shuffle"] = [word_shuffle(t, rng) for t in clean]
    out["cc_fragment_shuffle"] = [fragment_shuffle(t, rng) for t in clean]
    return out


def auc(values: Any, reference: Any, side: str) -> float | None:
    """Probability that a text of ``values`` looks more damaged on ``side`` than one of
    ``reference`` (ties count half): 0.5 is no separation, 1.0 full separation."""
    a = np.asarray(values, dtype=float)
    b = np.asarray(reference, dtype=float)
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    if not len(a) or not len(b):
        return None
    if side == "min":
        a, b = -a, -b
    greater = (a[:, None] > b[None, :]).mean()
    ties = (a[:, None] == b[None, :]).mean()
    return round(float(greater + 0.5 * ties), 3)


def limit(side: str, sound: Any, margin: float = MARGIN) -> float | None:
    """The limit the sound pages suggest: their 99.5th percentile plus ``margin`` of its size
    (``side`` "max"), or their 0.5th minus it ("min"). As ``calibrate.suggested_threshold`` for
    positive values; the margin is taken on the absolute value, so it also widens a negative
    limit (a log-probability) instead of moving it into the sound pages."""
    v = np.asarray(sound, dtype=float)
    v = v[np.isfinite(v)]
    if not len(v):
        return None
    tail = float(np.percentile(v, 99.5 if side == "max" else 0.5))
    return round(tail + margin * abs(tail) if side == "max" else tail - margin * abs(tail), 4)


def table(by_group: dict[str, list[str]], ref: Reference | None = None) -> pd.DataFrame:
    """Per metric and group: count, percentiles, the share beyond the limit that the sound
    pages would suggest (:func:`limit`; None without sound pages) and the :func:`auc` against
    the group's reference (real-web pages against the sound ones, counsel-chat texts against
    ``cc_clean``)."""
    ref = ref if ref is not None else load_reference()
    values = {g: pd.DataFrame([fluency(t, ref) for t in ts], columns=list(SIDES)) for g, ts in by_group.items()}
    rows: list[dict[str, Any]] = []
    for metric, side in SIDES.items():
        sound = values.get("sound", pd.DataFrame(columns=list(SIDES)))[metric].to_numpy(float)
        lim = limit(side, sound)
        for g, df in values.items():
            v = df[metric].to_numpy(float)
            v = v[np.isfinite(v)]
            row: dict[str, Any] = {"metric": metric, "group": g, "n": len(v), "limit": lim}
            for q in PERCENTILES:
                row[f"p{q}"] = round(float(np.percentile(v, q)), 3) if len(v) else None
            if lim is None or not len(v):
                row["beyond_limit"] = None
            else:
                beyond = v > lim if side == "max" else v < lim
                row["beyond_limit"] = round(float(np.mean(beyond)), 3)
            base = values.get("cc_clean" if g.startswith("cc_") else "sound")
            row["auc"] = auc(v, base[metric], side) if base is not None else None
            rows.append(row)
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> None:
    """``python -m workbench.quality.fluency [--shared DIR]``: print the table."""
    from workbench import default_shared, script_parser

    ap = script_parser("workbench.quality.fluency", __doc__)
    ap.add_argument("--shared", type=Path, default=default_shared(),
                    help="the shared folder holding data/ (default $SHARED or ../shared)")
    shared = ap.parse_args(argv).shared
    pd.set_option("display.width", 250)
    pd.set_option("display.max_rows", 200)
    print(table(groups(shared)).to_string(index=False))


if __name__ == "__main__":  # pragma: no cover
    main()
