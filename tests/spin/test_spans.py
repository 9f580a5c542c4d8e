"""Span evidence: likelihood ratios of thesaurus swaps (pipeline/spin/spans.py)."""

from __future__ import annotations

import math

from pipeline.config import SpinSettings
from pipeline.spin.spans import _variant, fixed_phrases, span_evidence
from pipeline.spin.tokens import tokenize


def _hits(text, thes, ref):
    toks = tokenize(text)
    return {text[toks[h.i].start:toks[h.j].end]: h for h in span_evidence(toks, thes, ref, SpinSettings.defaults())}


def test_multiword_swap_is_one_span_with_its_original(thes, ref):
    hits = _hits("It takes a long fourth dimension to heal.", thes, ref)
    assert "fourth dimension" in hits
    assert hits["fourth dimension"].original == "time"
    assert hits["fourth dimension"].log_lr > math.log(10)


def test_the_plain_wording_is_not_evidence(thes, ref):
    assert "time" not in _hits("It takes a long time to heal.", thes, ref)


def test_fixed_terms_are_never_spans(thes, ref):
    assert "world health organization" in fixed_phrases()
    hits = _hits("She read the table of contents of the report.", thes, ref)
    assert not any(k in ("table of contents", "table", "contents") for k in hits)


def test_names_inside_a_sentence_are_skipped(thes, ref):
    assert "Fourth Dimension" not in _hits("We met at the Fourth Dimension cafe.", thes, ref)


def test_spans_do_not_overlap(thes, ref):
    toks = tokenize("For a long fourth dimension on that point was hope.")
    hits = span_evidence(toks, thes, ref, SpinSettings.defaults())
    used = [k for h in hits for k in range(h.i, h.j + 1)]
    assert len(used) == len(set(used))


def test_empty_and_hostile_inputs(thes, ref):
    assert span_evidence([], thes, ref, SpinSettings.defaults()) == []
    assert span_evidence(tokenize("{{{|}}} ((( ))) \x00 ;;;"), thes, ref, SpinSettings.defaults()) == []


def test_spelling_variants_and_inflections_are_not_swaps():
    assert _variant("generalised", "generalized")
    assert _variant("baths", "bath")
    assert not _variant("time", "clip")
