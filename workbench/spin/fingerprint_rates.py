"""How often each fingerprint phrase occurs in clean and in spun text: its measured rate.

A fingerprint is worth a document-level likelihood ratio only when clean writers (almost) never
use it. This counts every phrase of a table (``fingerprints.tsv`` by default, or ``--table``)
with the detector's own matcher (``#`` stands for a number) over:

- ``clean``: the counsel-chat answers (``SHARED/data``) and the clean real-web **dev** pages;
- ``spun``: the spun real-web dev pages (the test part is never read here).

and prints hits per phrase, clean hits per million words and the phrases that fire on clean
text (candidates to drop or to keep out of the table). Nothing is written.

    SHARED=/work/shared .venv/bin/python -m workbench.spin.fingerprint_rates [--table FILE]
"""

from __future__ import annotations

import argparse
import os
from collections import Counter
from pathlib import Path

from pipeline.spin.signals.base import _ngram_hits, _phrase_table
from pipeline.spin.tokens import tokenize, unglue


def phrase_table(path: Path | None) -> dict[int, dict[str, str]]:
    """``{length: {phrase: original}}`` of a fingerprint TSV (the shipped one when ``None``)."""
    return _phrase_table("fingerprints.tsv" if path is None else Path(path))


def count_hits(texts: list[str], table: dict[int, dict[str, str]]
               ) -> tuple[Counter, Counter, int, int]:
    """(hits per phrase, documents with the phrase, words, documents with any hit)."""
    hits: Counter = Counter()
    docs: Counter = Counter()
    words = any_hit = 0
    for text in texts:
        toks = tokenize(text)
        words += sum(1 for t in toks if t.is_word)
        found = [k for _, _, k, _ in _ngram_hits(toks, table)]
        hits.update(found)
        docs.update(set(found))
        any_hit += bool(found)
    return hits, docs, words, any_hit


def corpora(shared: Path, root: Path | None) -> dict[str, list[str]]:
    """``clean`` and ``spun`` texts: counsel-chat and real-web dev pages."""
    from workbench.realweb.evaluate import _truthy, load_pages, read_folder
    from workbench.spin.data import load_counsel_chat

    out = {"clean": [unglue(t) for t in load_counsel_chat(shared)["answerText"]], "spun": []}
    pages = load_pages()
    pages = pages[pages.split == "dev"]
    folder = read_folder(pages, root)
    spun = {r.page_id for r in pages.itertuples() if _truthy(r.spun)}
    for pid, text in folder.texts.items():
        out["spun" if pid in spun else "clean"].append(text)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=Path(os.environ.get("SHARED", "../shared")))
    ap.add_argument("--root", type=Path, default=None, help="folder holding .realweb/")
    ap.add_argument("--table", type=Path, default=None, help="phrase TSV (default: fingerprints.tsv)")
    args = ap.parse_args()
    table = phrase_table(args.table)
    texts = corpora(args.shared, args.root)
    clean, _, clean_words, clean_any = count_hits(texts["clean"], table)
    spun, spun_docs, spun_words, spun_any = count_hits(texts["spun"], table)
    print(f"clean: {len(texts['clean'])} texts, {clean_words} words; "
          f"spun (real-web dev): {len(texts['spun'])} pages, {spun_words} words")
    print(f"{'phrase':40s} {'clean':>5s} {'per_M':>7s} {'spun':>5s} {'spun_docs':>9s}")
    phrases = sorted({k for t in table.values() for k in t})
    for k in phrases:
        per_m = 1e6 * clean[k] / max(clean_words, 1)
        print(f"{k:40s} {clean[k]:5d} {per_m:7.2f} {spun[k]:5d} {spun_docs[k]:9d}")
    firing = [k for k in phrases if clean[k]]
    print(f"\n{len(firing)} of {len(phrases)} phrases fire on clean text: {', '.join(firing)}")
    print(f"texts with any hit: clean {clean_any} of {len(texts['clean'])}, "
          f"spun {spun_any} of {len(texts['spun'])}")


if __name__ == "__main__":
    main()
