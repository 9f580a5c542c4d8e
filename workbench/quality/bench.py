"""Throughput of the ``text_quality`` component (words/s) on ~1,000-word articles.

``python -m workbench.quality.bench`` builds articles from the shared counsel-chat answers (or
from the demo corpus when ../shared is absent), runs a warm-up pass, then times ``nlp.pipe``
of ``spacy.blank("en")`` + ``text_quality`` alone and of the tokenizer alone, on texts the
warm-up has not seen (the syllable/stem caches are warm, the per-text caches are not).
CPU time of this process (time.process_time), as the 2 shared cores make wall time noisy.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any


def articles(shared: Path, words: int = 1000, n: int = 300) -> list[str]:
    """About ``n`` texts of about ``words`` words, each made of consecutive answers."""
    from workbench.quality.dataset import load_answers

    out, cur = [], []
    for r in load_answers(shared):
        cur.append(r["text"])
        if sum(len(c.split()) for c in cur) >= words:
            out.append("\n\n".join(cur))
            cur = []
        if len(out) >= n:
            break
    return out


def bench(shared: Path, words: int = 1000, n: int = 300) -> dict[str, Any]:
    """words/s of the component alone (tokenizer time subtracted) and with the tokenizer."""
    import spacy

    import pipeline.quality.component  # noqa: F401

    texts = articles(shared, words, n)
    half = len(texts) // 2
    warm, timed = texts[:half], texts[half:]
    n_words = sum(len(t.split()) for t in timed)
    nlp = spacy.blank("en")
    nlp.add_pipe("text_quality")
    for _ in nlp.pipe(warm, batch_size=32):
        pass
    t0 = time.process_time()
    for _ in nlp.pipe(timed, batch_size=32):
        pass
    t_full = time.process_time() - t0
    tok = spacy.blank("en")
    t0 = time.process_time()
    for _ in tok.pipe(timed, batch_size=32):
        pass
    t_tok = time.process_time() - t0
    res = {"articles": len(timed), "words": n_words,
           "words_per_s_blank_plus_text_quality": round(n_words / t_full),
           "words_per_s_text_quality_alone": round(n_words / max(1e-9, t_full - t_tok))}
    print(res)
    return res


def main(argv: list[str] | None = None) -> None:
    """``python -m workbench.quality.bench [--shared DIR]``."""
    from workbench import script_parser

    ap = script_parser("workbench.quality.bench", __doc__)
    ap.add_argument("--shared", type=Path, default=Path(os.environ.get("SHARED", "../shared")),
                    help="the shared folder holding data/ (default $SHARED or ../shared)")
    bench(ap.parse_args(argv).shared)


if __name__ == "__main__":  # pragma: no cover
    main()
