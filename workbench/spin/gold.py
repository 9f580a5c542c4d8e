"""Phrase-level gold for the spin detector: the spun seeds and the demo corpus.

Two hand-built tables live in ``models/data`` (see ``models/data/spin_gold_README.md``):

- ``spin_seed_gold.csv`` -- spinner substitutions in the spun seeds ``000_*`` and ``004_*`` of
  ``<shared>/seeds``: ``doc, start, end, sha1, original, kind, confidence``. No seed text is
  stored; the span text is rebuilt from ``shared`` and checked against ``sha1``.
- ``spin_corpus_gold.csv`` -- swaps made in our own demo corpus (``corpus/``):
  ``article_id, span, original, op``, rows in document order. Offsets are not stored; they are
  resolved here against the ingested article text (each span is searched, as a whole word, from
  the end of the previous span of the same article).

``load_spin_gold(shared, project_root)`` returns both as one frame with the columns
``doc, start, end, text, original, kind, confidence, origin`` (``origin`` is ``seed`` or
``corpus``). Seed rows whose file is missing or whose text no longer matches its sha1 are
skipped with one warning and listed in ``frame.attrs["skipped"]``; corpus rows whose article or
span cannot be found keep ``<NA>`` offsets, are warned about and listed in
``frame.attrs["unresolved"]``.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from pathlib import Path

import pandas as pd

SEED_GOLD_PATH = Path("models") / "data" / "spin_seed_gold.csv"
CORPUS_GOLD_PATH = Path("models") / "data" / "spin_corpus_gold.csv"
COLUMNS = ("doc", "start", "end", "text", "original", "kind", "confidence", "origin")
KINDS = ("word", "function_phrase", "entity", "grammar", "syntax")
CONFIDENCES = ("high", "medium")


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _seed_rows(shared: Path, project_root: Path) -> tuple[list[dict], list[tuple]]:
    refs = _read_csv(Path(project_root) / SEED_GOLD_PATH)
    texts: dict[str, str | None] = {}
    rows: list[dict] = []
    skipped: list[tuple[str, int, str]] = []
    for ref in refs.itertuples(index=False):
        start, end = int(ref.start), int(ref.end)
        if ref.doc not in texts:
            path = Path(shared) / "seeds" / ref.doc
            texts[ref.doc] = path.read_text(encoding="utf-8") if path.is_file() else None
        document = texts[ref.doc]
        if document is None:
            skipped.append((ref.doc, start, "source missing"))
            continue
        if not 0 <= start < end <= len(document):
            skipped.append((ref.doc, start, "offsets out of range"))
            continue
        text = document[start:end]
        if sha1(text) != ref.sha1:
            skipped.append((ref.doc, start, "sha1 mismatch"))
            continue
        rows.append({
            "doc": ref.doc, "start": start, "end": end, "text": text, "original": ref.original,
            "kind": ref.kind, "confidence": ref.confidence, "origin": "seed",
        })
    return rows, skipped


def _corpus_texts(project_root: Path) -> dict[str, str]:
    # Imported here: ingestion is only needed for the corpus rows.
    from pipeline.article import Article
    from pipeline.config import load_settings
    from pipeline.ingest import read_corpus

    corpus = Path(project_root) / "corpus"
    if not corpus.is_dir():
        return {}
    settings = load_settings(None)
    return {
        item.article_id: item.text
        for item in read_corpus(corpus, settings.ingest)
        if isinstance(item, Article)
    }


def _corpus_rows(project_root: Path) -> tuple[list[dict], list[tuple]]:
    path = Path(project_root) / CORPUS_GOLD_PATH
    if not path.is_file():
        return [], []
    refs = _read_csv(path)
    texts = _corpus_texts(project_root)
    cursor: dict[str, int] = {}
    rows: list[dict] = []
    unresolved: list[tuple[str, str, str]] = []
    for ref in refs.itertuples(index=False):
        start = end = pd.NA
        article = texts.get(ref.article_id)
        if article is None:
            unresolved.append((ref.article_id, ref.span, "article missing"))
        else:
            pattern = re.compile(r"(?<!\w)" + re.escape(ref.span) + r"(?!\w)")
            match = pattern.search(article, cursor.get(ref.article_id, 0))
            if match is None:
                unresolved.append((ref.article_id, ref.span, "span not found"))
            else:
                start, end = match.start(), match.end()
                cursor[ref.article_id] = end
        rows.append({
            "doc": ref.article_id, "start": start, "end": end, "text": ref.span,
            "original": ref.original, "kind": "", "confidence": "high", "origin": "corpus",
        })
    return rows, unresolved


def load_spin_gold(shared: Path, project_root: Path) -> pd.DataFrame:
    """Seed and corpus spin gold as one frame (columns ``COLUMNS``); see the module docstring."""
    seed_rows, skipped = _seed_rows(Path(shared), Path(project_root))
    corpus_rows, unresolved = _corpus_rows(Path(project_root))
    if skipped:
        reasons = sorted({reason for *_, reason in skipped})
        warnings.warn(
            f"skipped {len(skipped)} seed spin-gold rows ({', '.join(reasons)}); "
            f"first: {skipped[0]}",
            stacklevel=2,
        )
    if unresolved:
        warnings.warn(
            f"{len(unresolved)} corpus spin-gold spans without offsets; first: {unresolved[0]}",
            stacklevel=2,
        )
    frame = pd.DataFrame(seed_rows + corpus_rows, columns=list(COLUMNS))
    frame["start"] = frame["start"].astype("Int64")
    frame["end"] = frame["end"].astype("Int64")
    frame.attrs["skipped"] = skipped
    frame.attrs["unresolved"] = unresolved
    return frame
