"""Per-article detail (sentences, spin evidence) spooled to disk so memory stays flat.

After the analysis of an article its sentences and evidence spans - most of its size - go to a
temporary file; the light record stays in memory for the corpus-level steps. Writers read the
detail back in ``article_id`` order (random access through an in-memory offset index), and the
report rehydrates the few articles it shows in full.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipeline.article import Article, Sentence, SpinSpan


class DetailSpool:
    """Append-only store of ``(sentences, spin_spans)`` per article id."""

    def __init__(self, folder: Path | None = None):
        self._file = tempfile.NamedTemporaryFile(  # noqa: SIM115 - lives as long as the spool
            mode="w+b", prefix="aa-detail-", suffix=".jsonl", dir=folder
        )
        self._index: dict[str, tuple[int, int]] = {}

    def stash(self, article: Article) -> None:
        """Move the article's sentences and spans to disk (the record keeps their counts)."""
        blob = json.dumps(
            {
                "sentences": [s.__dict__ for s in article.sentences],
                "spin_spans": [s.__dict__ for s in article.spin_spans],
            },
            ensure_ascii=False,
        ).encode("utf-8")
        self._file.seek(0, 2)
        offset = self._file.tell()
        self._file.write(blob + b"\n")
        self._index[article.article_id] = (offset, len(blob))
        article.spin["evidence_count"] = len(article.spin_spans)
        article.sentences = []
        article.spin_spans = []

    def load(self, article_id: str) -> tuple[list[Sentence], list[SpinSpan]]:
        """The sentences and spans of one article (empty when it was never stashed)."""
        where = self._index.get(article_id)
        if where is None:
            return [], []
        self._file.seek(where[0])
        data = json.loads(self._file.read(where[1]))
        return ([Sentence(**s) for s in data["sentences"]],
                [SpinSpan(**s) for s in data["spin_spans"]])

    def hydrate(self, article: Article) -> Article:
        """Put the stashed detail back on ``article`` (for the few shown in full)."""
        sentences, spans = self.load(article.article_id)
        if sentences or spans:
            article.sentences, article.spin_spans = sentences, spans
        return article

    def iter_detail(self, article_ids: Iterable[str]) -> Iterator[tuple[str, list[Sentence], list[SpinSpan]]]:
        """``(article_id, sentences, spans)`` in the order given."""
        for article_id in article_ids:
            sentences, spans = self.load(article_id)
            yield article_id, sentences, spans

    def __len__(self) -> int:
        return len(self._index)

    def close(self) -> None:
        self._file.close()
