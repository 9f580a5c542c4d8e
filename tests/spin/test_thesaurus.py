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


@pytest.mark.parametrize(("span", "original"), [
    # Issue 16: in-domain originals beyond the ratio's sixteen, and one-way Moby pairs read
    # the other way ("remedy" lists "treatment"; "treatment" does not list "remedy").
    ("melancholy", "depression"),
    ("remedy", "therapy"),
    ("remedy", "treatment"),
    ("temper", "mood"),
    ("nervousness", "anxiety"),
    # Real spun pages (issue 16 item 5): originals whose Moby lists run to hundreds of words,
    # beyond the 24 the suggestion table used to keep ...
    ("management", "control"),
    ("publicity", "exposure"),
    ("views", "thoughts"),
    # ... and an inflected span that is a key of its own reaching its lemma's originals.
    ("signs", "symptoms"),
    ("grievances", "complaints"),
])
def test_suggestion_originals_reach_the_in_domain_and_real_spinners_originals(thes, span, original):
    assert original in dict(thes.suggestion_originals(span))


def test_the_lemmas_originals_follow_without_changing_the_ratios(thes):
    assert thes.table.get("signs") and "sign" in thes.table
    wide = thes.suggestion_originals("signs")
    assert "symptoms" in dict(wide) and "symptoms" not in dict(thes.originals("signs"))
    own = thes.originals("signs") + thes._lookup(thes.extra, thes.extra_memo, "signs")
    assert wide[: len(own)] == own
    assert len({c for c, _ in wide}) == len(wide) and "signs" not in dict(wide)


def test_suggestion_originals_extend_the_ratio_originals_without_changing_them(thes):
    ratio = thes.originals("melancholy")
    wide = thes.suggestion_originals("melancholy")
    assert wide[: len(ratio)] == ratio and len(wide) > len(ratio)
    assert "depression" not in dict(ratio)
    # Inflected through the lemma like the ratio's originals.
    assert "therapies" in dict(thes.suggestion_originals("remedies"))


def test_suggestion_only_originals_are_parsed_apart(tmp_path):
    import gzip

    from pipeline.spin.thesaurus import ANTONYM_FILE, THESAURUS_FILE, _parse_thesaurus

    with gzip.open(tmp_path / THESAURUS_FILE, "wt", encoding="utf-8") as f:
        f.write("remedy\thelp:40:r,therapy:82:~m\nsolace\tcomfort:9:~M\n")
    with gzip.open(tmp_path / ANTONYM_FILE, "wt", encoding="utf-8") as f:
        f.write("")
    table, _ants, _firsts, _seconds, extra = _parse_thesaurus(tmp_path)
    assert table == {"remedy": (("help", 40),)}
    assert extra == {"remedy": (("therapy", 82),), "solace": (("comfort", 9),)}


@pytest.mark.parametrize(("cap", "expected"), [
    (0, ["helps", "aids", "therapies", "treatments", "cures"]),  # own, suggestion-only, lemma's
    (4, ["helps", "aids", "therapies", "treatments"]),          # the lemma's fill up to the cap
    (2, ["helps", "aids"]),                                     # none read past the cap
    (1, ["helps"]),
])
def test_suggestion_originals_stop_at_the_cap(cap, expected):
    from pipeline.spin.thesaurus import Thesaurus

    vocab = {w: 4.0 for w in ("remedy", "remedies", "help", "aid", "therapy", "treatment", "cure",
                              "helps", "aids", "therapies", "treatments", "cures")}
    t = Thesaurus({"remedies": (("helps", 3), ("aids", 2)), "remedy": (("treatment", 5),)},
                  {}, vocab, extra={"remedies": (("therapies", 4),), "remedy": (("cure", 1),)},
                  suggest_cap=cap)
    assert [c for c, _ in t.suggestion_originals("remedies")] == expected
    assert t.originals("remedies") == (("helps", 3), ("aids", 2))   # the ratio's are untouched
    assert t.suggestion_originals("") == ()


def test_a_capped_view_leaves_the_shared_thesaurus_alone():
    from pipeline.spin.thesaurus import Thesaurus

    t = Thesaurus({"remedies": (("helps", 3), ("aids", 2))}, {}, {"helps": 4.0, "aids": 4.0})
    assert t.capped(0) is t
    one = t.capped(1)
    assert [c for c, _ in one.suggestion_originals("remedies")] == ["helps"]
    assert [c for c, _ in t.suggestion_originals("remedies")] == ["helps", "aids"]
    assert t.suggest_cap == 0 and one.table is t.table and one.suggest_memo is not t.suggest_memo
