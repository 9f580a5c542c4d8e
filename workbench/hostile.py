"""`python -m workbench hostile`: time `analyze` on a folder of hostile text files.

Each file is one of our generated articles with a degenerate part that once made a stage
quadratic or huge: a one-word run without spaces, one word glued thousands of times, a
one-letter sentence repeated, punctuation without spaces, the article joined on one line and
repeated, thousands of empty tags before it, a zero-width space after every letter, and two
long texts drawn from a small vocabulary (the word alignment of such a pair). Every file must end up analysed or in ``errors.csv``; the
result is the run's time and peak memory, for the note of issue 15 (never a timed test).
"""

from __future__ import annotations

import csv
import random
from pathlib import Path
from typing import Any

from workbench.bench import _run_cli
from workbench.bench_corpus import generate_texts


def hostile_texts(size: int, seed: int = 0) -> dict[str, str]:
    """File name -> text: ``size`` is the length of each degenerate part (characters or
    repeats); 100,000 is the stress size, a few hundred keep a test fast."""
    base = generate_texts(1, 300, seed)[0]
    rng = random.Random(seed)
    vocab = sorted(set(base.split()))
    one_line = " ".join(base.split())
    return {
        "long_word.txt": "a" * (2 * size) + " " + base,
        "glued_word.txt": base + " " + "therapy" * (size // 3),
        "letter_sentences.txt": base + " " + "a. " * size,
        "marks.txt": base + " " + "!?" * size,
        "one_line.txt": " ".join([one_line] * max(size // 3000, 2)),
        "empty_tags.txt": "<p>" * size + "<p>" + base.replace("\n\n", "</p><p>") + "</p>",
        "small_vocab_1.txt": " ".join(rng.choice(vocab) for _ in range(size)),
        "small_vocab_2.txt": " ".join(rng.choice(vocab) for _ in range(size)),
        "zero_width.txt": "\u200b".join(base),
    }


def run_hostile(root: Path, size: int = 100_000, workers: int = 1) -> dict[str, Any]:
    """Write the hostile corpus under ``root``/corpus, run `analyze` on it into ``root``/out and
    return the seconds, the peak memory and where each file ended up."""
    corpus, out = root / "corpus", root / "out"
    corpus.mkdir(parents=True, exist_ok=True)
    texts = hostile_texts(size)
    for name, text in texts.items():
        (corpus / name).write_text(text, encoding="utf-8")
    seconds, peak_mb = _run_cli(corpus, out, workers, cache=False)
    with (out / "articles.csv").open(encoding="utf-8") as fh:
        analysed = {row["article_id"] for row in csv.DictReader(fh)}
    with (out / "errors.csv").open(encoding="utf-8") as fh:
        errors = {Path(row["path"]).name: row["reason"] for row in csv.DictReader(fh)}
    return {
        "files": len(texts), "bytes": sum(len(t.encode()) for t in texts.values()),
        "seconds": round(seconds, 2), "peak_mb": round(peak_mb),
        "analysed": sorted(n for n in texts if n in analysed),
        "errors": {n: errors[n] for n in sorted(errors) if n in texts},
        "lost": sorted(n for n in texts if n not in analysed and n not in errors),
    }
