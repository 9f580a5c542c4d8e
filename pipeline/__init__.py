"""alliance-audit: a content-audit pipeline for therapy-advice articles."""

__version__ = "0.1.0"

from pipeline import _lazy_spacy  # noqa: E402

_lazy_spacy.install()   # the first `import spacy` skips spaCy's CLI (start-up; see the module)
