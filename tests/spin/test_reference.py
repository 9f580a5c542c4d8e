from __future__ import annotations

from pipeline.spin.reference import read_tsv


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
