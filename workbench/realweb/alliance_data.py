"""Extra training documents for the alliance classifier: real-web dev sentences and our own.

Two sources beside ``models/data/alliance_sentences.csv``:

- ``realweb``: the labelled sentences of ``workbench/realweb/sentences_*.csv`` whose ``split`` is
  ``dev``, analysed inside their stored page (``.realweb/pages/<page_id>.txt``, git-ignored;
  pages that are missing or whose sha1 differs are skipped). The ``test`` split is never read.
  ``ALLIANCE_HOLD_OUT=devi,devg`` leaves those files (``sentences_<tag>.csv``) out, so that a
  model can be measured on a collection it never saw.
- ``own``: ``models/data/alliance_own_sentences.csv``, short passages written for this project
  (hard negatives and narratives), one sentence a row; a passage's sentences joined by a space
  are its document, so neighbours give the therapy context as on a page.

Each document is ``{"origin", "doc", "text", "rows": [(start, end, {label: 0/1}, note)]}``.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pandas as pd

LABELS: tuple[str, ...] = ("bond", "goals", "tasks", "rupture_repair")
OWN_PATH = Path("models/data/alliance_own_sentences.csv")
REALWEB_LABELS = Path("workbench/realweb")
TRAIN_SPLIT = "dev"
HOLD_OUT_ENV = "ALLIANCE_HOLD_OUT"


def held_out_tags() -> frozenset[str]:
    """The ``sentences_<tag>.csv`` tags named in ``$ALLIANCE_HOLD_OUT`` (comma-separated)."""
    return frozenset(t.strip() for t in os.environ.get(HOLD_OUT_ENV, "").split(",") if t.strip())


def realweb_pages(project_root: Path) -> Path:
    """The folder with the stored page text (``$REALWEB/pages`` or ``.realweb/pages``)."""
    env = os.environ.get("REALWEB")
    return (Path(env) if env else Path(project_root) / ".realweb") / "pages"


def realweb_documents(project_root: Path, split: str = TRAIN_SPLIT) -> list[dict[str, Any]]:
    """The labelled real-web sentences of one split, grouped by page (empty when absent)."""
    root = Path(project_root)
    held_out = held_out_tags()
    files = sorted(f for f in (root / REALWEB_LABELS).glob("sentences_*.csv")
                   if f.stem.removeprefix("sentences_") not in held_out)
    if not files:
        return []
    df = pd.concat([pd.read_csv(f, dtype={"page_id": str, "split": str, "sha1": str},
                                keep_default_na=False) for f in files], ignore_index=True)
    df = df[df["split"] == split]
    pages = realweb_pages(root)
    docs = []
    for page_id, g in df.groupby("page_id", sort=True):
        path = pages / f"{page_id}.txt"
        if not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8")
        rows = []
        for r in g.itertuples():
            start, end = int(r.start), int(r.end)
            if hashlib.sha1(text[start:end].encode("utf-8")).hexdigest() != r.sha1:
                continue  # the stored page changed: its offsets no longer hold
            rows.append((start, end, {lab: int(getattr(r, lab)) for lab in LABELS}, str(r.kind)))
        if rows:
            docs.append({"origin": "realweb", "doc": page_id, "text": text, "rows": rows})
    return docs


def own_documents(project_root: Path) -> list[dict[str, Any]]:
    """Our own passages (columns doc, text, four labels, kind)."""
    path = Path(project_root) / OWN_PATH
    if not path.is_file():
        return []
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    docs = []
    for doc, g in df.groupby("doc", sort=False):
        parts, rows, pos = [], [], 0
        for r in g.itertuples():
            sent = r.text.strip()
            rows.append((pos, pos + len(sent), {lab: int(getattr(r, lab)) for lab in LABELS},
                         r.kind))
            parts.append(sent)
            pos += len(sent) + 1
        docs.append({"origin": "own", "doc": doc, "text": " ".join(parts), "rows": rows})
    return docs


def extra_documents(project_root: Path) -> list[dict[str, Any]]:
    """Real-web dev pages, then our own passages."""
    return realweb_documents(project_root) + own_documents(project_root)
