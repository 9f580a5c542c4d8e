"""The generated bench corpus: seeded articles of about N words from clean therapist answers
(``../shared``) or the demo corpus's own sentences, a share passed through the spinner
simulator, written as .txt, .html and .jsonl over several sources (so ingestion is measured too).
Used by ``make bench`` (:mod:`workbench.bench`), the memory sweep (:mod:`workbench.memory`) and
the stage benches."""

from __future__ import annotations

import html
import json
import os
import random
from pathlib import Path

from workbench import PROJECT_ROOT

SOURCES = ("calm.example", "mindwell.example", "therapyhub.example", "counselnotes.example")


def _corpus_sentences(shared: Path | None = None) -> tuple[list[str], str]:
    """Raw material of generated articles: clean therapist answers from SHARED when present
    (read at run time, never stored), else the sentences of our own demo corpus.

    A large pool matters: articles drawn from a few hundred sentences share so many shingles
    that every pair becomes a near-duplicate candidate, which no real corpus does.
    """
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    texts: list[str] = []
    origin = "demo corpus"
    shared = shared or Path(os.environ.get("SHARED", PROJECT_ROOT.parent / "shared"))
    if (shared / "data" / "counsel_chat_train.csv").is_file():
        from workbench.spin.data import load_counsel_chat

        texts = list(load_counsel_chat(shared).answerText)
        origin = "counsel-chat answers (../shared/data)"
    else:
        from pipeline.config import load_settings
        from pipeline.ingest import read_corpus

        for item in read_corpus(PROJECT_ROOT / "corpus", load_settings().ingest):
            if getattr(item, "language", "") == "en":
                texts.append(item.text)
    out: list[str] = []
    for doc in nlp.pipe(texts):
        for sent in doc.sents:
            s = " ".join(sent.text.split())
            if len(s.split()) >= 6:
                out.append(s)
    if not out:
        raise RuntimeError("no sentences to build the benchmark from")
    return sorted(set(out)), origin


TEXT_SOURCE: dict[str, str] = {}


def generate_texts(n_articles: int, words: int, seed: int = 0) -> list[str]:
    """Seeded articles of about ``words`` words; every fifth one spun when the simulator exists."""
    rng = random.Random(seed)
    sentences, TEXT_SOURCE["origin"] = _corpus_sentences()
    try:
        from workbench.spin.simulate import TRAIN_VARIANTS, spin_text
    except ImportError:  # pragma: no cover - simulator is part of the package
        spin_text, TRAIN_VARIANTS = None, ()
    texts = []
    for i in range(n_articles):
        paras, count, para = [], 0, []
        while count < words:
            s = rng.choice(sentences)
            para.append(s)
            count += len(s.split())
            if len(para) >= rng.randint(3, 6):
                paras.append(" ".join(para))
                para = []
        if para:
            paras.append(" ".join(para))
        text = f"Generated article {i}\n\n" + "\n\n".join(paras)
        if spin_text and TRAIN_VARIANTS and i % 5 == 0:
            text = spin_text(text, 0.2, sorted(TRAIN_VARIANTS)[i % len(TRAIN_VARIANTS)], i).text
        texts.append(text)
    return texts


def write_corpus(texts: list[str], root: Path) -> None:
    """Spread texts over sources and formats: .txt, .html pages and one .jsonl per source."""
    jsonl: dict[str, list[str]] = {}
    for i, text in enumerate(texts):
        source = SOURCES[i % len(SOURCES)]
        folder = root / source
        folder.mkdir(parents=True, exist_ok=True)
        kind = i % 3
        if kind == 0:
            (folder / f"a{i:05d}.txt").write_text(text, encoding="utf-8")
        elif kind == 1:
            title, body = text.split("\n\n", 1)
            paras = "".join(f"<p>{html.escape(p)}</p>\n" for p in body.split("\n\n"))
            page = (
                f"<!doctype html><html><head><title>{html.escape(title)}</title>"
                f'<link rel="canonical" href="https://{source}/a{i}"></head><body>'
                f"<nav><a href='/'>Home</a> <a href='/blog'>Blog</a></nav><article>"
                f"<h1>{html.escape(title)}</h1>{paras}</article>"
                f"<footer>Copyright {source}. All rights reserved.</footer></body></html>"
            )
            (folder / f"a{i:05d}.html").write_text(page, encoding="utf-8")
        else:
            jsonl.setdefault(source, []).append(
                json.dumps({"url": f"https://{source}/a{i}", "title": f"Article {i}", "text": text})
            )
    for source, lines in jsonl.items():
        (root / source / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
