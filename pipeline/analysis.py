"""The per-article analysis step: one spaCy pass, then plain records (no Doc leaves here).

Each component leaves a plain dict on the Doc (``doc._.quality``, ``doc._.spin``,
``doc._.alliance``; their shapes are documented in the component modules) and this step copies
them into the :class:`~pipeline.article.Article`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from itertools import islice

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.article import Article, IngestError, Sentence, SpinSpan
from pipeline.config import Settings
from pipeline.doctable import doc_table


def _doc_for(nlp: Language, article: Article, settings: Settings) -> Doc:
    ing = settings.ingest
    # build_nlp's tokenizer breaks long runs without spaces and records the text
    # (pipeline.tokenizer.RunSafeTokenizer).
    doc = nlp.make_doc(article.text)
    applicable = article.language in ing.analysed_languages
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
) -> Iterator[Article | IngestError]:
    """Run ``nlp`` over the articles in batches and yield them with analysis fields filled.

    One bad article never sinks a run: when a batch fails, its articles are analysed one at a
    time and each one that still fails is yielded as an :class:`IngestError` with the reason
    (in input order, in its place)."""
    size = max(int(settings.run.batch_size), 1)
    it = iter(articles)
    while batch := list(islice(it, size)):
        try:
            with _zone(nlp, settings):
                docs = nlp.pipe((_doc_for(nlp, a, settings) for a in batch), batch_size=size)
                done: list[Article | IngestError] = [
                    fill_from_doc(a, d) for a, d in zip(batch, docs, strict=True)]
        except Exception:  # noqa: BLE001 - which article failed is found below, one by one
            done = [_analyse_one(nlp, a, settings) for a in batch]
        yield from done


def _zone(nlp: Language, settings: Settings):
    """A spaCy memory zone once the vocabulary holds ``run.vocab_max_strings`` strings: the
    strings and lexemes a batch adds are then freed with its Docs (nothing of a Doc outlives
    the block: the records hold plain Python values), so memory stops growing with the
    corpus's vocabulary. Not from the start: inside a zone the tokenizer caches nothing and
    every word not yet known is built anew for each batch (measured: 30% slower analysis)."""
    if len(nlp.vocab.strings) < settings.run.vocab_max_strings:
        return contextlib.nullcontext()
    return nlp.memory_zone()


def _analyse_one(nlp: Language, article: Article, settings: Settings) -> Article | IngestError:
    try:
        with _zone(nlp, settings):
            doc = next(iter(nlp.pipe([_doc_for(nlp, article, settings)])))
            return fill_from_doc(article, doc)
    except Exception as exc:  # noqa: BLE001 - reported in errors.csv, the run goes on
        detail = str(exc).splitlines()[0][:200] if str(exc) else ""
        return IngestError(article.article_id,
                           f"analysis failed: {type(exc).__name__}" + (f": {detail}" if detail else ""))
