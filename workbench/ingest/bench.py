"""Ingestion throughput on a generated corpus: ``python -m workbench.ingest.bench``.

Builds HTML pages (with navigation, cookie banner, share buttons and a site footer), plain
text files and one JSONL file in a temporary folder, runs :func:`read_corpus` over it and
prints files/s, articles/s and words/s. Words come from wordfreq's English list, so nothing
here is copied text.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import tempfile
import time
from pathlib import Path

from pipeline.config import load_settings
from pipeline.ingest.corpus import read_corpus


def _paragraphs(rng: random.Random, vocab: list[str], words: int) -> list[str]:
    out: list[str] = []
    left = words
    while left > 0:
        sentences = []
        for _ in range(rng.randint(3, 6)):
            n = min(left, rng.randint(8, 22))
            if n <= 0:
                break
            left -= n
            sentence = " ".join(rng.choice(vocab) for _ in range(n))
            sentences.append(sentence[:1].upper() + sentence[1:] + ".")
        out.append(" ".join(sentences))
    return out


def build_corpus(root: Path, n_html: int, n_txt: int, n_jsonl: int, words: int, seed: int) -> None:
    """Write the generated corpus under ``root`` (sites ``site0``..``site4``)."""
    from wordfreq import top_n_list

    rng = random.Random(seed)
    vocab = [w for w in top_n_list("en", 3000) if w.isalpha()]
    for i in range(n_html):
        site = f"site{i % 5}"
        paras = _paragraphs(rng, vocab, words)
        body = "\n".join(f"<p>{p}</p>" for p in paras)
        page = (
            f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Page {i}</title>"
            f"<link rel='canonical' href='https://{site}.example/p{i}'></head><body>"
            "<nav><a href='/'>Home</a> <a href='/blog'>Blog</a></nav>"
            "<div class='cookie'>We use cookies. <button>Accept</button></div>"
            f"<article><h1>Page {i}</h1>{body}</article>"
            "<div>Share on Facebook | Share on Twitter</div>"
            f"<footer>© 2024 {site}. All rights reserved.</footer></body></html>"
        )
        path = root / site / f"p{i}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page, encoding="utf-8")
    for i in range(n_txt):
        site = f"site{i % 5}"
        text = "\n\n".join([f"Note {i}", *_paragraphs(rng, vocab, words), "Leave a Comment"])
        (root / site / f"n{i}.txt").parent.mkdir(parents=True, exist_ok=True)
        (root / site / f"n{i}.txt").write_text(text, encoding="utf-8")
    if not n_jsonl:
        return
    with open(root / "feed.jsonl", "w", encoding="utf-8") as fh:
        for i in range(n_jsonl):
            rec = {"url": f"https://feed{i % 5}.example/r{i}", "title": f"Record {i}",
                   "text": "\n\n".join(_paragraphs(rng, vocab, words))}
            fh.write(json.dumps(rec) + "\n")


def run(n_html: int = 500, n_txt: int = 500, n_jsonl: int = 500, words: int = 800,
        seed: int = 13, fast: bool = False) -> dict[str, float]:
    """Build the corpus in a temporary folder, ingest it and return the measurements."""
    settings = load_settings(ingest={"trafilatura_fast": fast}).ingest
    with tempfile.TemporaryDirectory(prefix="ingest-bench-") as tmp:
        root = Path(tmp)
        build_corpus(root, n_html, n_txt, n_jsonl, words, seed)
        files = articles = errors = n_words = 0

        def progress(n: int) -> None:
            nonlocal files
            files += n

        start = time.perf_counter()
        cpu_start = time.process_time()
        for item in read_corpus(root, settings, progress):
            if hasattr(item, "article_id"):
                articles += 1
                n_words += len(item.text.split())
            else:
                errors += 1
        seconds = time.perf_counter() - start
        cpu = time.process_time() - cpu_start
    return {
        "files": files, "articles": articles, "errors": errors, "words": n_words,
        "seconds": round(seconds, 2), "files_per_s": round(files / seconds, 1),
        "articles_per_s": round(articles / seconds, 1), "words_per_s": round(n_words / seconds),
        # CPU time is steadier than wall time on a shared machine.
        "cpu_seconds": round(cpu, 2), "words_per_cpu_s": round(n_words / cpu),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=int, default=500)
    parser.add_argument("--txt", type=int, default=500)
    parser.add_argument("--jsonl", type=int, default=500)
    parser.add_argument("--words", type=int, default=800)
    parser.add_argument("--fast", action="store_true", help="trafilatura_fast = true")
    args = parser.parse_args()
    print(json.dumps(run(args.html, args.txt, args.jsonl, args.words, fast=args.fast)))


if __name__ == "__main__":
    main()
