"""Language identification with py3langid (its model ships inside the package)."""

from __future__ import annotations

import functools
from typing import Any

from pipeline.clean import unicode_tables

UNDETERMINED = "und"


@functools.cache
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def identify(text: str, min_chars: int) -> tuple[str, float]:
    """``(ISO 639-1 code, probability)``; ``("und", 0.0)`` for texts under ``min_chars``.

    Only the first ``[language].sample_chars`` characters are read: enough for a stable
    answer, and the cost stays flat on huge texts.
    """
    stripped = text.strip() if text else ""
    if len(stripped) < max(min_chars, 1):
        return UNDETERMINED, 0.0
    sample = stripped[: int(unicode_tables()[1]["language"]["sample_chars"])]
    if not any(ch.isalpha() for ch in sample):
        return UNDETERMINED, 0.0
    lang, prob = _identifier().classify(sample)
    return str(lang), round(float(prob), 4)
