from __future__ import annotations

import pytest

from pipeline.spin.reference import DomainCounts, domain_counts, read_tsv


@pytest.mark.parametrize(
    ("texts", "unigram", "bigram", "count"),
    [
        ([], "the", "in the", 0),
        (["In the room. In the car"], "the", "in the", 2),
        (["room, the"], "the", "room the", 0),  # punctuation breaks a bigram
        (["!!! 🙂"], "the", "in the", 0),
    ],
)
def test_domain_counts(texts, unigram, bigram, count):
    dc = domain_counts(texts)
    assert dc.bi[bigram] == count
    assert dc.uni[unigram] >= count


def test_domain_counts_minus():
    a = domain_counts(["in the room", "in the car"])
    b = domain_counts(["in the car"])
    d = a.minus(b)
    assert d.bi["in the"] == 1 and d.bi["the car"] == 0 and d.words == 3
    assert isinstance(d, DomainCounts)


def test_resources_parse():
    for name in ("function_phrases.tsv", "fingerprints.tsv", "article_sounds.tsv"):
        rows = read_tsv(name)
        assert rows and all(len(r) >= 2 and r[0] and r[1] for r in rows), name


def test_shipped_reference_is_consistent(ref):
    assert ref.dom_words > 100_000
    assert ref.zipf["the"] > 7
    assert ref.gen_bi["in the"] > ref.gen_bi.get("within the", 0)
    assert "therapy" in ref.synonyms["remedy"]
    succ, pred = ref.neighbours()
    assert "the" in succ["in"] and "in" in pred["the"]
