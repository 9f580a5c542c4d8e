"""Reworded-copy clustering on counsel-chat answers: recall, false merges, direction.

Takes ``--sources`` clean counsel-chat answers of at least ``--min-words`` words, spins each at
10%, 20% and 33% of its words with the spinner simulator (variants in rotation), mixes the copies
with ``--others`` further answers, runs :func:`pipeline.dedup.find_duplicates` and reports, per
rate: recall (the copy is in its source's cluster), direction (the source is the kept member of
that cluster), and false merges (two articles of different origin in one cluster).

Nothing is written: the texts stay in /work/shared. Usage::

    SHARED=/work/shared .venv/bin/python workbench/dedup_eval.py [--seed 0]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
from collections import Counter, defaultdict
from pathlib import Path

RATES = (0.10, 0.20, 0.33)
VARIANTS = ("moby_any", "moby_multi", "function", "syntax", "mixture", "roget", "roget_close",
            "roget_context", "wordnet")


def _simulator():
    import importlib
    import sys

    root = str(Path(__file__).resolve().parents[1])
    if root not in sys.path:   # run as a script: the repository root holds workbench/
        sys.path.insert(0, root)
    for name in ("workbench.spin.simulate",):
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    raise ImportError("no spinner simulator (workbench/spin/simulate.py or pipeline/spin/)")


def _answers(shared: Path, min_words: int) -> list[str]:
    from workbench.spin.data import load_counsel_chat

    df = load_counsel_chat(shared)
    # One answer per question: answers to one question can share wording (real near copies).
    df = df[df["words"] >= min_words].drop_duplicates("questionID")
    return df["answerText"].tolist()


def _neutral_id(name: str, seed: int) -> str:
    # Ids carry no hint: the last tie-break of the canonical choice is the smallest id.
    return "a" + hashlib.sha1(f"{seed}|{name}".encode()).hexdigest()[:10]


def run(shared: Path, n_sources: int, n_others: int, min_words: int, seed: int,
        drop_sources: bool = False) -> dict:
    from pipeline import dedup
    from pipeline.article import Article
    from pipeline.config import load_settings

    simulate = _simulator()
    texts = _answers(shared, min_words)
    random.Random(seed).shuffle(texts)
    sources, others = texts[:n_sources], texts[n_sources:n_sources + n_others]
    arts: list[Article] = []
    origin: dict[str, str] = {}       # article id -> the source it derives from
    rate_of: dict[str, float] = {}
    for i, text in enumerate(sources):
        sid = _neutral_id(f"src{i}", seed)
        if not drop_sources:
            arts.append(Article(sid, sid, "eval", text))
        origin[sid] = sid
        for j, rate in enumerate(RATES):
            variant = VARIANTS[(i + j) % len(VARIANTS)]
            spun = simulate.spin_text(text, rate, variant, seed=seed * 1000 + i)
            cid = _neutral_id(f"copy{i}-{rate}", seed)
            arts.append(Article(cid, cid, "eval", spun.text))
            origin[cid], rate_of[cid] = sid, rate
    for i, text in enumerate(others):
        oid = _neutral_id(f"other{i}", seed)
        arts.append(Article(oid, oid, "eval", text))
        origin[oid] = oid
    for a in arts:
        a.words = len(a.text.split())
    dedup.find_duplicates(arts, load_settings().dedup)
    by_id = {a.article_id: a for a in arts}
    cluster_of = {a.article_id: a.dedup["cluster"] for a in arts}

    misses: list[str] = []
    per_rate: dict[float, Counter] = defaultdict(Counter)
    for cid, rate in rate_of.items():
        c = per_rate[rate]
        src = origin[cid]
        c["copies"] += 1
        if drop_sources:   # lost source: its copies together, all of them spins
            sibs = [o for o, r in rate_of.items() if origin[o] == src and o != cid]
            c["clustered"] += bool(cluster_of[cid]) and all(cluster_of[o] == cluster_of[cid]
                                                            for o in sibs)
            c["source_kept"] += bool(by_id[cid].dedup.get("all_spun"))
            c["copy_marked_spun"] += bool(by_id[cid].spin.get("spun"))
            continue
        together = cluster_of[cid] and cluster_of[cid] == cluster_of[src]
        c["clustered"] += bool(together)
        if not together:
            d = by_id[cid].dedup
            misses.append(f"{rate:.2f} {cid} of {src}: not in its cluster ({d['kind'] or 'alone'}"
                          f" {d['near_duplicate_of']} {d['similarity']})")
        if together:
            c["source_kept"] += by_id[src].dedup["canonical"] == src
            if by_id[src].dedup["canonical"] != src:
                misses.append(f"{rate:.2f} {cid} of {src}: kept {by_id[src].dedup['canonical']}"
                              f" ({by_id[src].dedup.get('canonical_reason', '')})")
            c["copy_marked_spun"] += bool(by_id[cid].spin.get("spun"))
    members: dict[str, list[str]] = defaultdict(list)
    for aid, cl in cluster_of.items():
        if cl:
            members[cl].append(aid)
    false_pairs = 0
    merged_clusters = 0
    for ids in members.values():
        origins = Counter(origin[i] for i in ids)
        pairs = sum(origins.values()) * (sum(origins.values()) - 1) // 2
        same = sum(n * (n - 1) // 2 for n in origins.values())
        false_pairs += pairs - same
        merged_clusters += len(origins) > 1
        if len(origins) > 1:
            misses.append("mixed cluster: " + ", ".join(
                f"{i} ({by_id[i].dedup['kind'] or 'kept'} {by_id[i].dedup['similarity']})"
                for i in sorted(ids)))
    lost = sum(1 for a in arts if a.dedup.get("all_spun"))
    return {"per_rate": per_rate, "false_pairs": false_pairs, "mixed_clusters": merged_clusters,
            "clusters": len(members), "articles": len(arts), "all_spun_flags": lost,
            "misses": misses}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", default=os.environ.get("SHARED", "/work/shared"))
    ap.add_argument("--sources", type=int, default=30)
    ap.add_argument("--others", type=int, default=200)
    ap.add_argument("--min-words", type=int, default=150)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--drop-sources", action="store_true",
                    help="leave the sources out: the copies should cluster and all be spins "
                         "(source_kept then counts copies flagged all_spun)")
    ap.add_argument("--verbose", action="store_true", help="list the clusters kept wrongly")
    args = ap.parse_args()
    out = run(Path(args.shared), args.sources, args.others, args.min_words, args.seed,
              args.drop_sources)
    print(f"{out['articles']} articles, {out['clusters']} clusters")
    print("rate  copies  recall  source_kept  copy_marked_spun")
    for rate, c in sorted(out["per_rate"].items()):
        n, k = c["copies"], c["clustered"]
        print(f"{rate:.2f}  {n:6d}  {k / n:6.2f}  {c['source_kept']:5d}/{k:<5d}  "
              f"{c['copy_marked_spun']:5d}/{k}")
    print(f"false merges: {out['false_pairs']} pairs of different origin, in "
          f"{out['mixed_clusters']} clusters; articles flagged all_spun: {out['all_spun_flags']}")
    if args.verbose:
        print("\n".join(out["misses"]))


if __name__ == "__main__":
    main()
