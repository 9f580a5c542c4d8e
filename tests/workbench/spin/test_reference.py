from __future__ import annotations

import pytest

from workbench.spin.reference import DomainCounts, domain_counts, with_domain


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




def test_with_domain_replaces_only_the_domain_counts(ref):
    counts = domain_counts(["in the room"])
    other = with_domain(ref, counts)
    assert other.dom_words == 3 and other.dom_bi == {"in the": 1, "the room": 1}
    assert other.zipf is ref.zipf and other.synonyms is ref.synonyms


def test_main_help_describes_the_arguments(capsys):
    # Regression: "--help" was taken for the shared folder and failed with FileNotFoundError.
    from workbench.spin.reference import main

    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    assert "reference tables" in capsys.readouterr().out
