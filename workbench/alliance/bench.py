"""Words/s of the ``alliance_components`` component alone (``python -m workbench.alliance.bench``).

Articles come from :func:`workbench.bench_corpus.generate_texts` (the demo corpus's sentences shuffled
into ~1,000-word articles). The base pipes run first, outside the timing; the component is timed
in CPU time (best of ``repeats``), with the shipped model and with the rules alone.
"""

from __future__ import annotations

import argparse
import time
from typing import Any


def bench(n_articles: int = 60, words: int = 1000, repeats: int = 4) -> dict[str, Any]:
    from pipeline.config import load_settings
    from pipeline.nlp import build_nlp
    from workbench.bench_corpus import generate_texts

    texts = generate_texts(n_articles, words)
    total = sum(len(t.split()) for t in texts)
    out: dict[str, Any] = {"articles": len(texts), "words": total}
    for label, model in (("rules+model", None), ("rules only", "")):
        over = {} if model is None else {"model": model}
        nlp = build_nlp(load_settings(alliance=over), components=("alliance_components",))
        proc = nlp.get_pipe("alliance_components")
        docs = []
        for text in texts:
            doc = nlp.make_doc(text)
            for name, pipe in nlp.pipeline:
                if name != "alliance_components":
                    doc = pipe(doc)
            docs.append(doc)
        best = float("inf")
        for _ in range(repeats):
            t = time.process_time()
            for doc in docs:
                proc(doc)
            best = min(best, time.process_time() - t)
        recs = [r for d in docs for r in proc.extractor.sentence_records(d, None)]
        out[label] = {
            "words_per_s": round(total / best),
            "candidate_share": round(sum(r["candidate"] for r in recs) / max(1, len(recs)), 3),
        }
    return out


def main() -> None:  # pragma: no cover - CLI
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--articles", type=int, default=60)
    ap.add_argument("--words", type=int, default=1000)
    args = ap.parse_args()
    print(bench(args.articles, args.words))


if __name__ == "__main__":
    main()
