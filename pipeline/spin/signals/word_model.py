"""The word scorer's evidence: words out of place for their context.

Its spans are made by the detector from the word scorer (``pipeline.spin.words``), not by a
``find`` here; the record gives them their label, colour and document feature.
"""

from pipeline.spin.signals.base import Signal

SIGNAL = Signal(
    name="word_model", rank=0, label="words out of place for their context", style="bold red",
    find=None, doc_feature="word_top_mean",
)
