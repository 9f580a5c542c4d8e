"""The reverse thesaurus at run time (pipeline/spin/thesaurus.py)."""

from __future__ import annotations

import pytest

from tests.spin.conftest import _built_or_skip


@pytest.fixture(scope="module")
def thes():
    from pipeline.spin.thesaurus import load_thesaurus

    t = _built_or_skip(load_thesaurus, "spin thesaurus not built")
    if t is None:
        pytest.skip("spin_thesaurus.tsv.gz not shipped")
    return t


def test_multiword_wordnet_lemmas_point_back_to_their_word(thes):
    assert "time" in dict(thes.originals("fourth dimension"))
    assert "there" in dict(thes.originals("on that point"))


def test_inflected_span_gives_inflected_originals(thes):
    # "flavors" is looked up through "flavor" and its originals come back plural (a phrase's
    # first word: "spices up").
    originals = dict(thes.originals("flavors"))
    assert "feels" in originals
    assert all(c.split()[0].endswith("s") for c in originals)


def test_synonym_counts_are_positive(thes):
    assert all(n >= 1 for _, n in thes.originals("topper"))


def test_unknown_empty_and_hostile_spans_have_no_originals(thes):
    assert thes.originals("") == ()
    assert thes.originals("zzqxv") == ()
    assert thes.originals("{|}\t\n") == ()


def test_antonyms_are_known(thes):
    assert thes.is_antonym("positively", "negatively")
    assert not thes.is_antonym("positively", "definitely")
    assert not thes.is_antonym("", "")
