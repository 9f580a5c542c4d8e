"""A verb a thesaurus writes for "help" left before a bare infinitive ("proven to assist reduce
symptoms", "to aid the individual regain"): only "help" (and a few verbs like it) take one, so
the swap broke the grammar. The evidence is made by ``pipeline.spin.terms``."""

from pipeline.spin.signals.base import Signal

SIGNAL = Signal(
    name="bare_infinitive", rank=90,
    label="\"help\" swapped before a bare infinitive", style="bold cyan", find=None,
)
