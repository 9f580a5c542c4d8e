"""The ``spin_detector`` spaCy factory: ``doc._.spin`` from :mod:`pipeline.spin.detector`.

``doc._.spin = {"score": 0..1, "spun": bool, "applicable": bool, "spans": [{"start_char",
"end_char", "text", "suggestion", "signal", "score"}], "restored_text": str, "reasons": [str],
"features": {name: float}}``. Span offsets refer to ``doc.text``; ``restored_text`` is the text
with the suggestions applied (``pipeline.spin.restore.restore_range`` restores one sentence).
A Doc whose ``doc._.meta["applicable"]`` is False gets ``{"applicable": False, ...}`` with
empty evidence; ``doc._.meta`` None counts as applicable. Works on ``spacy.blank("en")``: the
detector tokenises the text itself and needs no other pipe.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

from pipeline.config import SpinSettings
from pipeline.doctable import doc_text
from pipeline.spin.detector import Detector

if not Doc.has_extension("spin"):
    Doc.set_extension("spin", default=None)
if not Doc.has_extension("meta"):
    Doc.set_extension("meta", default=None)


def not_applicable(text: str) -> dict[str, Any]:
    """The result for a Doc the detector does not judge (e.g. not English)."""
    return {"score": 0.0, "spun": False, "applicable": False, "spans": [], "restored_text": text,
            "reasons": ["not applicable (language not analysed)"], "features": {}}


class SpinDetector:
    """Sets ``doc._.spin``; the models load on the first Doc (cheap to add to a pipeline)."""

    def __init__(self, nlp: Language, name: str, settings: dict[str, Any] | None = None) -> None:
        self.name = name
        self.settings = SpinSettings.of(settings, source=f"settings of pipe '{name}'")
        self._detector: Detector | None = None

    @property
    def detector(self) -> Detector:
        if self._detector is None:
            self._detector = Detector(self.settings)
        return self._detector

    def __call__(self, doc: Doc) -> Doc:
        return next(iter(self.pipe([doc])))

    def pipe(self, stream: Iterable[Doc], batch_size: int = 64) -> Iterator[Doc]:
        """Batches of Docs: the detector's models are called once per batch (same results)."""
        for batch in minibatch(stream, size=batch_size):
            todo = []
            for doc in batch:
                meta = doc._.meta
                if meta is not None and meta.get("applicable", True) is False:
                    doc._.spin = not_applicable(doc_text(doc))
                else:
                    todo.append(doc)
            if todo:
                results = self.detector.detect_many([doc_text(d) for d in todo])
                for doc, result in zip(todo, results, strict=True):
                    doc._.spin = result
            yield from batch


@Language.factory("spin_detector", default_config={"settings": {}}, assigns=["doc._.spin"])
def make_spin_detector(nlp: Language, name: str, settings: dict[str, Any]) -> SpinDetector:
    """Factory registered as ``spin_detector`` (entry point in pyproject.toml); ``settings``:
    ``[spin]`` keys overriding the defaults, validated by :class:`SpinSettings`."""
    return SpinDetector(nlp, name, settings)
