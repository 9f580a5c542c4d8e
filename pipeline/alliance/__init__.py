"""Alliance-component extractor: which parts of the working alliance a sentence discusses.

Modules: ``lexicon`` (data files), ``rules`` (Matcher rules + therapy gate), ``segment``
(sentence spans), ``citations``, ``model`` (classifier bundle + fast scorer), ``extract`` (the
per-article analysis), ``component`` (the ``alliance_components`` spaCy factory), ``train``
(cross-validated training, model card, evaluation), ``dataset`` (labelled sentences).
"""
