"""Exact, near and spun-copy duplicates (pipeline/dedup.py)."""

from __future__ import annotations

import os
import random
from pathlib import Path

import numpy as np
import pytest

from pipeline import dedup
from pipeline.article import Article
from pipeline.config import load_settings

HOSTILE = '<script>alert("x")</script> &amp; \x00 \u202e'

ORIGINAL = (
    "A good therapist listens closely and helps you feel safe enough to speak honestly. "
    "In the first sessions you agree on the goals of therapy and talk about the methods "
    "you will use together. Research shows that the quality of this relationship predicts "
    "progress better than the specific technique. When something feels wrong, tell your "
    "therapist; a skilled clinician will welcome the feedback and adjust the plan with you. "
    "Over time the client and the therapist review what has changed and decide the next steps."
)
# Hand-spun the way a synonym spinner would: content words swapped, "in the" -> "within the".
SPUN = (
    "A superb specialist listens carefully and helps you are feeling protected sufficient to talk "
    "truthfully. Within the first classes you agree on the targets of remedy and discuss the "
    "strategies you'll use collectively. Analysis exhibits that the standard of this relationship "
    "predicts progress higher than the particular approach. When one thing feels incorrect, inform "
    "your specialist; a talented clinician will welcome the suggestions and regulate the plan with "
    "you. Over time the consumer and the specialist evaluate what has modified and determine the "
    "subsequent steps."
)
OTHER = (
    "Regular sleep is the cheapest mood medicine there is. Keep the same waking time every day, "
    "get outside in daylight before noon, and move the phone out of the bedroom. Caffeine after "
    "lunch lingers for hours, and a heavy meal late in the evening makes rest shallow. If worry "
    "keeps you awake, write the list down and promise yourself to look at it tomorrow morning. "
    "Most people notice a difference within two or three weeks of steady habits."
)


def art(aid: str, text: str, **kw) -> Article:
    return Article(article_id=aid, path=aid, source=kw.pop("source", "s"), text=text,
                   words=len(text.split()), **kw)


@pytest.fixture
def settings():
    return load_settings().dedup


@pytest.mark.parametrize(("text", "expected"), [
    ("", []),
    ("Hello, World!", ["hello", "world"]),
    ("It's 2024: don\u2019t panic", ["it's", "don't", "panic"]),
    (HOSTILE, ["script", "alert", "x", "script", "amp"]),
])
def test_words(text, expected):
    assert dedup.words(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("", []),
    ("The therapists were talking to their clients", ["therapist", "talk", "client"]),
    ("within the session", ["session"]),
    (HOSTILE, ["script", "alert", "x", "script", "amp"]),
])
def test_normalised_words(text, expected):
    assert dedup.normalised_words(text) == expected


def test_word_memos_stay_bounded_and_a_reset_changes_no_result(monkeypatch):
    monkeypatch.setattr(dedup, "MEMO_MAX", 30)
    text = "The therapists were talking to their clients about the sessions"
    expected = dedup.normalised_words(text)
    for i in range(40):
        dedup.normalised_words(f"novel{chr(97 + i % 26)}{chr(97 + i // 26)}word and more")
        assert len(dedup._NORMAL[True]) <= 30 + 4 and len(dedup._LEMMAS) <= 30 + 4
    assert dedup.normalised_words(text) == expected
    hashes = dedup.shingle_hashes(dedup.words(text), 2)
    for i in range(40):
        dedup.shingle_hashes([f"novel{chr(97 + i % 26)}{chr(97 + i // 26)}", "and", "more"], 2)
        assert len(dedup._TOKEN_HASH) <= 30 + 3
    assert np.array_equal(dedup.shingle_hashes(dedup.words(text), 2), hashes)


@pytest.mark.parametrize(("tokens", "n", "expected"), [
    ([], 5, set()),
    (["a", "b"], 5, {"a b"}),
    (["a", "b", "c"], 2, {"a b", "b c"}),
    (["<x>", "&"], 1, {"<x>", "&"}),
])
def test_shingles(tokens, n, expected):
    assert dedup.shingles(tokens, n) == expected


@pytest.mark.parametrize(("a", "b", "expected"), [
    (set(), set(), 0.0),
    ({"a"}, {"a"}, 1.0),
    ({"a", "b"}, {"b", "c"}, 1 / 3),
    ({"<script>"}, {"x"}, 0.0),
])
def test_jaccard(a, b, expected):
    assert dedup.jaccard(a, b) == pytest.approx(expected)


def test_exact_copy_differing_in_case_and_spacing(settings):
    arts = [art("b.html", ORIGINAL.upper().replace(" ", "  ")), art("a.html", ORIGINAL),
            art("c.html", OTHER)]
    dedup.find_duplicates(arts, settings)
    b, a, c = arts
    assert b.dedup["kind"] == "exact" and b.dedup["near_duplicate_of"] == "a.html"
    assert b.dedup["similarity"] == 1.0
    assert a.dedup["near_duplicate_of"] == "" and a.dedup["canonical"] == "a.html"
    assert a.dedup["cluster"] == b.dedup["cluster"] != ""
    assert c.dedup == {"cluster": "", "canonical": "c.html", "similarity": 0.0,
                       "near_duplicate_of": "", "kind": "", "canonical_reason": "",
                       "all_spun": False}
    assert a.dedup["canonical_reason"] == b.dedup["canonical_reason"] != ""


def test_near_duplicate_with_an_added_sentence(settings):
    arts = [art("a", ORIGINAL), art("b", ORIGINAL + " Share this post with a friend today.")]
    dedup.find_duplicates(arts, settings)
    assert arts[1].dedup["kind"] == "near"
    assert arts[1].dedup["near_duplicate_of"] == "a"
    assert arts[1].dedup["similarity"] >= settings.threshold


def test_spun_copy_is_found_and_never_canonical(settings):
    # The spun copy sorts first by id but is spun: the original is the one to keep.
    arts = [art("0-spun", SPUN, spin={"spun": True, "score": 0.9}), art("1-orig", ORIGINAL),
            art("2-other", OTHER)]
    dedup.find_duplicates(arts, settings)
    spun, orig, other = arts
    assert spun.dedup["kind"] == "spun_copy"
    assert spun.dedup["near_duplicate_of"] == "1-orig" == orig.dedup["canonical"]
    assert spun.dedup["similarity"] < settings.threshold  # surface reading alone misses it
    assert other.dedup["cluster"] == ""


def test_restored_text_raises_the_similarity(settings):
    plain = [art("orig", ORIGINAL), art("spun", SPUN)]
    dedup.find_duplicates(plain, settings)
    restored = [art("orig", ORIGINAL), art("spun", SPUN, restored_text=ORIGINAL[:-30])]
    dedup.find_duplicates(restored, settings)
    assert restored[1].dedup["similarity"] > plain[1].dedup["similarity"]


def test_unrelated_and_empty_articles_stay_alone(settings):
    arts = [art("a", ORIGINAL), art("b", OTHER), art("e1", ""), art("e2", "   "),
            art("h", HOSTILE * 10)]
    dedup.find_duplicates(arts, settings)
    assert all(a.dedup["cluster"] == "" and a.dedup["canonical"] == a.article_id for a in arts)


def test_short_texts_only_match_exactly(settings):
    arts = [art("a", "Trust your therapist."), art("b", "Trust your therapist!"),
            art("c", "Trust your counsellor.")]
    dedup.find_duplicates(arts, settings)
    assert arts[1].dedup["kind"] == "exact"
    assert arts[2].dedup["cluster"] == ""


def test_ingest_exact_duplicate_link_is_honoured(settings):
    arts = [art("a", ORIGINAL), art("b", ORIGINAL + " ", exact_duplicate_of="a")]
    dedup.find_duplicates(arts, settings)
    assert arts[1].dedup["near_duplicate_of"] == "a"


def test_result_does_not_depend_on_input_order(settings):
    def run(order):
        arts = [art("a", ORIGINAL), art("b", SPUN), art("c", OTHER), art("d", ORIGINAL)]
        arts = [arts[i] for i in order]
        dedup.find_duplicates(arts, settings)
        return {a.article_id: a.dedup for a in arts}

    assert run([0, 1, 2, 3]) == run([3, 2, 1, 0]) == run([1, 3, 0, 2])


def test_spooled_hashes_are_the_readings_recomputed_from_the_text(settings):
    """The exact check reads each article's shingle hashes back from the finder's temporary
    file: they must be the hashes recomputed from its text, for every reading."""
    arts = [art("a", ORIGINAL), art("b", SPUN, restored_text=ORIGINAL), art("c", "Too short."),
            art("d", OTHER)]
    finder = dedup.DuplicateFinder(settings)
    for a in arts:
        finder.add(a)
    p = dedup._Params.of(settings)
    finder._hashes.flush()
    for n, a in enumerate(arts):
        fresh = dedup._readings(a, p, True)
        for reading in dedup.READINGS:
            spooled = finder._hashes.get(n, reading)
            expected = fresh.get(reading, np.zeros(0, dtype=np.uint64))
            assert spooled.dtype == expected.dtype and np.array_equal(spooled, expected), (
                a.article_id, reading)
    assert finder.resolve({a.article_id: dedup.canonical_key_of(a) for a in arts})
    assert finder._hashes._file.closed   # resolve ends the finder's temporary file


def test_candidates_per_article_are_capped_at_the_closest(monkeypatch):
    """Thousands of near-identical texts must not mean n^2 exact checks: each article checks
    only its ``max_candidates`` closest LSH candidates. Results stay independent of input order,
    and every copy still points to a kept article."""
    texts = [ORIGINAL + f" Note {i}: " + " ".join(["extra"] * (i % 4)) for i in range(30)]
    checks = []
    real = dedup._jaccard_hashes
    monkeypatch.setattr(dedup, "_jaccard_hashes", lambda a, b: checks.append(1) or real(a, b))

    def run(cap, order):
        arts = [art(f"a{i:02d}", texts[i]) for i in order]
        dedup.find_duplicates(arts, load_settings(dedup={"max_candidates": cap}).dedup)
        return {a.article_id: a.dedup for a in arts}

    wide = run(1000, range(30))
    wide_checks = len(checks)
    checks.clear()
    narrow = run(3, range(30))
    assert len(checks) < wide_checks / 3
    assert narrow == run(3, reversed(range(30)))
    for result in (wide, narrow):
        kept = {k for k, d in result.items() if not d["near_duplicate_of"]}
        assert all(d["near_duplicate_of"] in kept for d in result.values() if d["near_duplicate_of"])
        assert len(kept) < 30   # the copies are found either way


def test_thresholds_come_from_config():
    strict = load_settings(dedup={"spun_threshold": 0.99, "frame_threshold": 0.99}).dedup
    arts = [art("a", ORIGINAL), art("b", SPUN)]
    dedup.find_duplicates(arts, strict)
    assert arts[1].dedup["cluster"] == ""


@pytest.mark.slow
def test_no_false_spun_copies_among_distinct_counsel_chat_answers(settings):
    """Same-domain articles on different questions must not look like spun copies."""
    shared = Path(os.environ.get("SHARED", "../shared"))
    path = shared / "data" / "counsel_chat_train.csv"
    if not path.is_file():
        pytest.skip(f"{path} not found (set SHARED to the shared reference folder)")
    import pandas as pd

    df = pd.read_csv(path)
    texts = [" ".join(map(str, g.answerText)) for _, g in df.groupby("questionID")]
    texts = [t for t in texts if len(t.split()) >= 300]
    random.Random(0).shuffle(texts)
    arts = [art(f"cc{i:03d}", t) for i, t in enumerate(texts[:150])]
    dedup.find_duplicates(arts, settings)
    # Therapists re-post answers (real near/exact copies); reworded copies should not appear.
    assert [a.article_id for a in arts if a.dedup["kind"] == "spun_copy"] == []


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["moby_multi", "roget_context"])
def test_copies_spun_by_the_simulator_are_found(settings, variant):
    """Copies spun by the project's spinner simulator (35% of words) point to their source."""
    shared = Path(os.environ.get("SHARED", "../shared"))
    path = shared / "data" / "counsel_chat_train.csv"
    if not path.is_file():
        pytest.skip(f"{path} not found (set SHARED to the shared reference folder)")
    simulate = pytest.importorskip("pipeline.spin.simulate")
    import pandas as pd

    df = pd.read_csv(path)
    texts = [" ".join(map(str, g.answerText)) for _, g in df.groupby("questionID")]
    texts = [t for t in texts if len(t.split()) >= 300][:40]
    originals = [art(f"o{i:02d}", t) for i, t in enumerate(texts)]
    spun = [art(f"s{i:02d}", simulate.spin_text(t, 0.35, variant, seed=i).text)
            for i, t in enumerate(texts[:20])]
    dedup.find_duplicates(originals + spun, settings)
    found = sum(1 for i, a in enumerate(spun)
                if a.dedup["kind"] == "spun_copy"
                and a.dedup["near_duplicate_of"] in (f"o{i:02d}", originals[i].dedup["canonical"]))
    assert found >= 16  # measured 53/60 (moby_multi) and 60/60 (roget_context) at this rate
    assert all(a.dedup["kind"] != "spun_copy" for a in originals)


@pytest.mark.parametrize("a, b", [
    ([], [1, 2]), ([1, 2, 3], [2, 3, 4]), ([5], [5]), ([1, 9], [2, 3]), ([0, 7, 2**32 - 1], [2**32 - 1]),
])
def test_exact_jaccard_of_hash_arrays(a, b):
    import numpy as np

    x, y = np.unique(np.array(a, dtype=np.uint64)), np.unique(np.array(b, dtype=np.uint64))
    expected = len(set(a) & set(b)) / len(set(a) | set(b)) if a and b else 0.0
    assert dedup._jaccard_hashes(x, y) == expected
    assert dedup._jaccard_hashes(y, x) == expected


@pytest.mark.parametrize("threshold", [0.08, 0.4, 0.72])
def test_banding_gives_the_candidates_of_datasketch_lsh(threshold):
    """The numpy banding proposes exactly the pairs datasketch's MinHashLSH would (same bands),
    on signatures with planted shared bands, identical rows and unrelated rows."""
    from datasketch import MinHash, MinHashLSH

    rng = np.random.default_rng(3)
    rows = rng.integers(0, 2**32, size=(60, 128), dtype=np.uint64).astype(np.uint32)
    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    b, r = lsh.b, lsh.r
    for k in range(1, 60, 3):   # share one band with an earlier row
        j, band = int(rng.integers(0, k)), int(rng.integers(0, b))
        rows[k, band * r:(band + 1) * r] = rows[j, band * r:(band + 1) * r]
    rows[59] = rows[10]   # an identical row shares every band
    expected: dict[int, set[int]] = {}
    for k, values in enumerate(rows):
        m = MinHash(num_perm=128, seed=1)
        m.hashvalues = values
        found = {int(x) for x in lsh.query(m)}
        if found:
            expected[k] = found
        lsh.insert(k, m)
    got = {k: set(earlier.tolist()) for k, earlier in dedup._band_candidates(rows, b, r)}
    assert got == expected and 59 in got and 10 in got[59]


def test_banding_of_no_rows_or_one_row_gives_no_candidates():
    assert list(dedup._band_candidates(np.zeros((0, 128), np.uint32), 32, 4)) == []
    assert list(dedup._band_candidates(np.zeros((1, 128), np.uint32), 32, 4)) == []


def test_finder_keeps_no_article(settings):
    """The streaming finder forgets each article after add (the run keeps them on disk); the
    exact check of a borderline pair reads the hashes it spooled, never the article."""
    import weakref

    texts = {"a": ORIGINAL, "b": SPUN, "c": OTHER, "d": ORIGINAL + " Yes."}
    finder = dedup.DuplicateFinder(settings)
    refs = []
    for key, text in texts.items():
        a = art(key, text)
        refs.append(weakref.ref(a))
        finder.add(a)
        del a
    assert all(r() is None for r in refs) and len(finder) == 4
    found = finder.resolve({k: dedup.canonical_key(False, 0.5, "", k) for k in texts})
    assert found["d"]["near_duplicate_of"] == "a" and found["b"]["near_duplicate_of"] == "a"
    assert "c" not in found
