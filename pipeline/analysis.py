"""The per-article analysis step: one spaCy pass, then plain records (no Doc leaves here).

Each component leaves a plain dict on the Doc (``doc._.quality``, ``doc._.spin``,
``doc._.alliance``; their shapes are documented in the component modules) and this step copies
them into the :class:`~pipeline.article.Article`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.article import Article, Sentence, SpinSpan
from pipeline.config import Settings
from pipeline.doctable import doc_table, set_doc_text


def _doc_for(nlp: Language, article: Article, settings: Settings) -> Doc:
    doc = nlp.make_doc(article.text)
    set_doc_text(doc, article.text)
    applicable = article.language in settings.ingest.analysed_languages
    doc._.meta = {
        "article_id": article.article_id,
        "source": article.source,
        "language": article.language,
        "applicable": applicable,
        "raw_chars": article.raw_chars,
        "boilerplate_chars": article.boilerplate_chars,
        "boilerplate_lines": article.boilerplate_lines,
        "title": article.title,
    }
    return doc


def fill_from_doc(article: Article, doc: Doc) -> Article:
    """Copy the components' plain results from ``doc`` into ``article``."""
    article.words = doc_table(doc).n_words  # tokens neither whitespace nor punctuation
    meta = doc._.meta or {}
    article.applicable = bool(meta.get("applicable", True))
    if not article.applicable:
        article.not_applicable_reason = f"language '{article.language}' is not analysed"
    if doc.has_extension("quality") and doc._.quality is not None:
        article.quality = dict(doc._.quality)
    if doc.has_extension("spin") and doc._.spin is not None:
        spin = dict(doc._.spin)
        article.spin_spans = [SpinSpan(**s) for s in spin.pop("spans", [])]
        article.restored_text = spin.pop("restored_text", "") or ""
        article.spin = spin
    if doc.has_extension("alliance") and doc._.alliance is not None:
        alliance = dict(doc._.alliance)
        article.sentences = [Sentence(**s) for s in alliance.pop("sentences", [])]
        article.alliance = alliance
    else:
        article.sentences = [
            Sentence(index=i, start_char=s.start_char, end_char=s.end_char, text=s.text)
            for i, s in enumerate(doc.sents)
        ]
    return article


def analyse(
    articles: Iterable[Article], nlp: Language, settings: Settings
) -> Iterator[Article]:
    """Run ``nlp`` over the articles in batches and yield them with analysis fields filled."""
    pending: deque[Article] = deque()

    def docs() -> Iterator[Doc]:
        for article in articles:
            pending.append(article)
            yield _doc_for(nlp, article, settings)

    for doc in nlp.pipe(docs(), batch_size=settings.run.batch_size):
        yield fill_from_doc(pending.popleft(), doc)
