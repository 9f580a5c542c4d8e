"""Text quality that names its reasons.

``metrics`` (plain functions of the text), ``rules`` (every failed rule, score), ``component``
(the ``text_quality`` spaCy factory), ``norms`` (site-relative robust z-scores), ``verdict`` (the
one verdict tables/report/audit use), ``dataset``/``evaluate``/``bench`` (evaluation and speed).
"""
