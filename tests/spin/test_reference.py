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


def test_reference_is_loaded_once_whatever_the_spelling_of_the_default_folder():
    # The detector asks for load_reference(None), the thesaurus for load_reference():
    # one copy in memory (it was read twice, ~1 s and ~100 MB).
    from pipeline.paths import MODELS_DIR
    from pipeline.spin.reference import load_reference
    from pipeline.spin.thesaurus import load_thesaurus

    ref = load_reference()
    assert load_reference(None) is ref and load_reference(MODELS_DIR) is ref
    assert load_reference(str(MODELS_DIR)) is ref
    thes = load_thesaurus()
    assert thes is None or thes.vocab is ref.zipf


def test_shipped_trigrams_are_loaded(ref):
    # models/spin_trigrams.tsv.gz: in-domain trigrams seen at least twice (spans.trigram_weight).
    assert len(ref.dom_tri) > 10_000
    assert min(ref.dom_tri.values()) >= 2
    assert ref.dom_tri.get("a long time", 0) >= 2
