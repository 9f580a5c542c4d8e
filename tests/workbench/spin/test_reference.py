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


@pytest.mark.parametrize(
    ("text", "trigram", "count"),
    [
        ("", "in the room", 0),
        ("in the room", "in the room", 1),
        ("in the room. In the room, in the room", "in the room", 3),
        ("in the, room", "in the room", 0),   # punctuation breaks a trigram
        ("in the", "in the room", 0),
    ],
)
def test_domain_counts_trigrams(text, trigram, count):
    assert domain_counts([text]).tri[trigram] == count


def test_with_domain_keeps_trigrams_seen_twice(ref):
    other = with_domain(ref, domain_counts(["in the room. In the room. In the car."]))
    assert other.dom_tri == {"in the room": 2}
    assert domain_counts(["a b c"]).minus(domain_counts(["a b c"])).tri["a b c"] == 0


@pytest.mark.parametrize(("texts", "expected"), [
    ([], ["trigram\tdom"]),
    (["a long time"], ["trigram\tdom"]),
    (["a long time. A long time"], ["trigram\tdom", "a long time\t2"]),
])
def test_write_trigrams_round_trips(tmp_path, texts, expected):
    import gzip

    from pipeline.spin.reference import TRIGRAM_FILE, read_trigrams
    from workbench.spin.reference import write_trigrams

    assert write_trigrams(domain_counts(texts), tmp_path) == len(expected) - 1
    with gzip.open(tmp_path / TRIGRAM_FILE, "rt", encoding="utf-8") as f:
        lines = f.read().splitlines()
    assert lines == expected
    assert read_trigrams(tmp_path / TRIGRAM_FILE) == dict(
        (k, int(v)) for k, v in (x.split("\t") for x in expected[1:]))
    assert read_trigrams(tmp_path / "absent.tsv.gz") == {}
