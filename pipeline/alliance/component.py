"""The ``alliance_components`` spaCy factory: per-sentence alliance labels with evidence.

Sets ``doc._.alliance`` = ``{"applicable", "counts", "sentences", "elements", "citations",
"citations_count"}`` (shape in DEVELOPING.md). Reads the spin detector's restored wording from
``doc._.spin`` when present. ``pipe`` scores the candidate sentences of a whole batch of docs in
one classifier call.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.alliance.extract import AllianceExtractor
from pipeline.alliance.rules import LABELS
from pipeline.config import AllianceSettings
from pipeline.doctable import doc_text

__all__ = ["LABELS", "AllianceComponents", "make_alliance_components"]

if not Doc.has_extension("alliance"):
    Doc.set_extension("alliance", default=None)
if not Doc.has_extension("meta"):
    Doc.set_extension("meta", default=None)


class AllianceComponents:
    """Pipeline component wrapping :class:`AllianceExtractor`."""

    def __init__(self, nlp: Language, name: str, settings: dict[str, Any] | None = None) -> None:
        self.name = name
        typed = AllianceSettings.of(settings, source=f"settings of pipe '{name}'")
        self.extractor = AllianceExtractor(typed, nlp.vocab, tokenizer=nlp.tokenizer)

    @staticmethod
    def _inputs(doc: Doc) -> tuple[dict[str, Any] | None, bool]:
        spin = doc._.spin if doc.has_extension("spin") else None
        meta = doc._.meta or {}
        return spin, meta.get("applicable", True) is not False

    def __call__(self, doc: Doc) -> Doc:
        spin, applicable = self._inputs(doc)
        doc._.alliance = self.extractor.analyse(doc, spin, applicable)
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        it = iter(docs)
        while batch := list(islice(it, batch_size)):
            ex = self.extractor
            todo: list[tuple[Doc, str, list[dict[str, Any]]]] = []
            for doc in batch:
                spin, applicable = self._inputs(doc)
                if not applicable:
                    doc._.alliance = ex.analyse(doc, spin, False)
                    continue
                text = doc_text(doc)
                todo.append((doc, text, ex.sentence_records(doc, spin, text=text)))
            ex.score([r for _, _, recs in todo for r in recs])
            for doc, text, recs in todo:
                doc._.alliance = ex.assemble(text, recs)
            yield from batch


# Reads the restored wording from doc._.spin (used when the spin detector ran before it).
@Language.factory(
    "alliance_components",
    default_config={"settings": {}},
    assigns=["doc._.alliance"],
    requires=["doc._.spin", "token.is_sent_start"],
)
def make_alliance_components(
    nlp: Language, name: str, settings: dict[str, Any]
) -> AllianceComponents:
    """Factory registered as ``alliance_components`` (entry point in pyproject.toml);
    ``settings``: ``[alliance]`` keys overriding the defaults (:class:`AllianceSettings`)."""
    return AllianceComponents(nlp, name, settings)
