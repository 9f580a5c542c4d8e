"""Ingestion: every common scrape format to :class:`~pipeline.article.Article` records.

``read_corpus(corpus, settings, progress=None)`` is the entry point; the readers per format
live in ``text``, ``html``, ``records`` (JSONL/JSON/CSV) and ``warc``; ``walk`` finds the
files, ``encoding`` decodes them, ``language`` identifies the language.
"""

from pipeline.ingest.corpus import read_corpus, source_of

__all__ = ["read_corpus", "source_of"]
