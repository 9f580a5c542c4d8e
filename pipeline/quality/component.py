"""The ``text_quality`` spaCy factory: ``doc._.quality`` from the rules in ``rules.py``.

``doc._.quality = {"score": 0..1, "low_quality": bool, "flags": [{"rule", "value",
"threshold", "op", "message"}], "metrics": {name: float}, "grade_band": str}``; every failed
rule is listed. Reads ``doc._.meta["raw_chars"]``/``["boilerplate_chars"]`` when present.
"""

from __future__ import annotations

from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.config import QualitySettings
from pipeline.doctable import doc_text
from pipeline.quality.rules import assess

if not Doc.has_extension("quality"):
    Doc.set_extension("quality", default=None)
if not Doc.has_extension("meta"):
    Doc.set_extension("meta", default=None)


class TextQuality:
    """Scores each Doc's text; needs no other pipe (works on ``spacy.blank("en")``)."""

    def __init__(self, nlp: Language, name: str, settings: dict[str, Any] | None = None) -> None:
        self.name = name
        self.settings = QualitySettings.of(settings, source=f"settings of pipe '{name}'")

    def __call__(self, doc: Doc) -> Doc:
        doc._.quality = assess(doc_text(doc), doc._.meta, self.settings)
        return doc


@Language.factory("text_quality", default_config={"settings": {}}, assigns=["doc._.quality"])
def make_text_quality(nlp: Language, name: str, settings: dict[str, Any]) -> TextQuality:
    """Factory registered as ``text_quality`` (entry point in pyproject.toml); ``settings``:
    ``[quality]`` keys overriding the defaults, validated by :class:`QualitySettings`."""
    return TextQuality(nlp, name, settings)
