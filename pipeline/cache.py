"""Per-article result cache for incremental re-runs.

The key covers everything that can change an article's analysis: its cleaned text and the
ingestion fields the components read, the configuration digest, the pipeline and library
versions, and the bytes of the trained models. A re-scrape where 5% of the pages changed
re-analyses only those pages, and the outputs equal a cold run's.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tempfile
from pathlib import Path

from pipeline.article import Article, Sentence, SpinSpan, load_fields

# Fields the analysis step fills; the cache stores exactly these.
ANALYSIS_FIELDS = (
    "words", "applicable", "not_applicable_reason", "quality", "spin", "spin_spans",
    "restored_text", "alliance", "sentences",
)


def models_fingerprint(models_dir: Path) -> str:
    """Hash of the trained artefacts' bytes (names and contents).

    The compact models (``*.compact.npz``) are left out: each is used only when it was made
    from the ``.skops`` bytes hashed here, and predicts exactly what they do."""
    h = hashlib.sha256()
    if models_dir.is_dir():
        for p in sorted(models_dir.rglob("*")):
            if p.name.endswith(".compact.npz"):
                continue
            if p.is_file() and p.suffix in {".skops", ".gz", ".npz", ".json", ".tsv"}:
                h.update(p.relative_to(models_dir).as_posix().encode())
                h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()[:16]


class ResultCache:
    """A folder of gzip JSON files, one per analysed article, keyed by content and pipeline."""

    def __init__(self, root: Path, pipeline_key: str):
        self.root = root
        self.pipeline_key = pipeline_key
        self.hits = 0
        self.misses = 0

    def key(self, article: Article) -> str:
        h = hashlib.sha256(self.pipeline_key.encode())
        for part in (article.text, article.language, article.source, article.title,
                     str(article.raw_chars), str(article.boilerplate_chars),
                     str(article.boilerplate_lines), article.article_id):
            h.update(b"\x00" + part.encode("utf-8", "surrogatepass"))
        return h.hexdigest()

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key[2:]}.json.gz"

    def load(self, article: Article) -> bool:
        """Fill ``article``'s analysis fields from the cache; True on a hit."""
        path = self._path(self.key(article))
        try:
            data = load_fields(gzip.decompress(path.read_bytes()))
        except (OSError, ValueError, EOFError):
            self.misses += 1
            return False
        for name in ANALYSIS_FIELDS:
            setattr(article, name, data[name])
        article.spin_spans = [SpinSpan(**s) for s in article.spin_spans]
        article.sentences = [Sentence(**s) for s in article.sentences]
        self.hits += 1
        return True

    def store(self, article: Article) -> None:
        path = self._path(self.key(article))
        path.parent.mkdir(parents=True, exist_ok=True)
        record = {name: getattr(article, name) for name in ANALYSIS_FIELDS}
        record["spin_spans"] = [dict(s.__dict__) for s in article.spin_spans]
        record["sentences"] = [dict(s.__dict__) for s in article.sentences]
        blob = gzip.compress(json.dumps(record, sort_keys=True).encode(), mtime=0)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
        os.replace(tmp, path)
