"""Exact, near and spun-copy duplicates (pipeline/dedup.py)."""

from __future__ import annotations

import os
import random
from pathlib import Path

import numpy as np
import pytest

from pipeline import dedup
from pipeline.article import Article, SpinSpan
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


@pytest.mark.parametrize(("min_run", "clusters"), [(3, 0), (1, 1)])
def test_texts_repeating_one_short_phrase_are_not_near_duplicates(tmp_path: Path, min_run,
                                                                   clusters):
    """Hostile small-vocabulary pages align most words in two-word runs: no copy (with runs of
    one word counted, as before, the run called them near duplicates at similarity 0.17)."""
    import pandas as pd

    from pipeline.run import run_analysis

    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "a.txt").write_text("secret therapy text " * 30)
    (corpus / "b.html").write_text("<div>" + "Therapy text about the working alliance. " * 30)
    s = load_settings(dedup={"near_min_run_words": min_run})
    s.run.cache, s.run.workers = False, 1
    run_analysis(corpus, tmp_path / "out", s, progress=False)
    table = pd.read_csv(tmp_path / "out" / "duplicates.csv")
    assert table["cluster"].nunique() == clusters


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
    strict = load_settings(dedup={"spun_threshold": 0.99, "frame_threshold": 0.99,
                                    "pair_min_share": 1.0}).dedup
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
    simulate = pytest.importorskip("workbench.spin.simulate")
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


# ---------------------------------------------------------------- the member kept, and why

# Two hand-spun versions of ORIGINAL with different words swapped (its source is lost when
# ORIGINAL is left out).
SPIN_A = (
    "A good healer listens intently and helps you feel secure enough to speak candidly. "
    "In the first sessions you agree on the goals of therapy and talk about the methods "
    "you will use together. Inquiry shows that the calibre of this relationship predicts "
    "progress better than the specific technique. When something feels wrong, tell your "
    "healer; a skilled clinician will welcome the feedback and adjust the plan with you. "
    "Over time the client and the healer review what has changed and decide the next steps."
)
SPIN_B = (
    "A good therapist listens closely and helps you feel safe enough to speak honestly. "
    "In the first sittings you concur on the aims of therapy and talk about the modus "
    "you will use together. Research shows that the quality of this relationship predicts "
    "progress better than the specific technique. When something feels awry, tell your "
    "therapist; a skilled clinician will welcome the feedback and adjust the plan with you. "
    "Over time the patron and the therapist review what has changed and decide the next steps."
)


@pytest.mark.parametrize(("address", "expected"), [
    ("", ""),
    ("https://www.Site.example/blog/post/", "site.example/blog/post"),
    ("site.example/blog/post.html", "site.example/blog/post"),
    ("http://site.example/blog/index.html?utm=1#top", "site.example/blog"),
    ("calmharbor.example/archive/2023/post.htm", "calmharbor.example/archive/2023/post"),
    (HOSTILE, HOSTILE.lower().split("#", 1)[0].rstrip("/")),
])
def test_address_key(address, expected):
    assert dedup.address_key(address) == expected


def test_the_page_both_copies_declare_canonical_is_kept(settings):
    """An exact copy under archive/ whose rel=canonical names the blog page: the blog page is
    kept even though the archive path sorts first."""
    url = "https://site.example/blog/first-sessions/"
    arts = [art("site.example/archive/2023/first-sessions.html", ORIGINAL, url=url),
            art("site.example/blog/first-sessions.html", ORIGINAL, url=url)]
    dedup.find_duplicates(arts, settings)
    archived, blog = arts
    assert archived.dedup["near_duplicate_of"] == blog.article_id
    assert blog.dedup["canonical_reason"] == "kept: declared canonical URL"
    assert archived.dedup["canonical_reason"] == blog.dedup["canonical_reason"]


def test_a_record_declaring_only_itself_names_no_canonical(settings):
    """A republished record's own url is no claim about the other copy: the dates decide."""
    text = ORIGINAL + " " + OTHER
    arts = [art("feed.jsonl#1", "Republished with permission. " + text,
                url="https://other.example/a", date="2025-03-04"),
            art("blog/post.txt", text, date="2024-10-02", meta={"date_source": "byline"})]
    dedup.find_duplicates(arts, settings)
    assert arts[0].dedup["near_duplicate_of"] == "blog/post.txt"
    assert arts[1].dedup["canonical_reason"] == "kept: earliest byline date 2 October 2024"


def test_dates_in_other_formats_are_compared_as_dates(settings):
    arts = [art("a", ORIGINAL, date="March 4, 2025"), art("b", ORIGINAL, date="2024-12-01")]
    dedup.find_duplicates(arts, settings)
    assert arts[0].dedup["near_duplicate_of"] == "b"
    assert arts[1].dedup["canonical_reason"] == "kept: earliest date 1 December 2024"


@pytest.mark.parametrize("path", ["site/archive/post.html", "site/post/amp/", "site/feed/",
                                  "site/mirror/post.html", "site/print/post.html"])
def test_archive_feed_print_and_mirror_copies_are_not_kept(settings, path):
    arts = [art(path, ORIGINAL), art("site/z-post.html", ORIGINAL)]
    dedup.find_duplicates(arts, settings)
    assert arts[0].dedup["near_duplicate_of"] == "site/z-post.html"
    assert "archive, print, feed or mirror" in arts[1].dedup["canonical_reason"]


def test_the_member_on_a_therapy_site_is_kept_before_one_on_a_site_about_something_else(
        settings):
    arts = [art("a.jsonl#1", ORIGINAL, url="https://recipesdaily.example/why-therapy-helps"),
            art("b.jsonl#1", ORIGINAL, url="https://harbourcounselling.example/why-therapy")]
    dedup.find_duplicates(arts, settings)
    assert arts[0].dedup["near_duplicate_of"] == "b.jsonl#1"
    assert "site is about therapy, psychology or mental health" in arts[1].dedup["canonical_reason"]
    # Without URLs (local files) the facet does not decide: the first id is kept.
    local = [art("a.txt", ORIGINAL), art("b.txt", ORIGINAL)]
    dedup.find_duplicates(local, settings)
    assert local[1].dedup["near_duplicate_of"] == "a.txt"


def test_a_general_health_or_medical_site_is_not_the_articles_own_trade(settings):
    """A therapy article's copy on a general health or medical site ("healthdaily") does not
    outrank its original on a therapy or psychology site; a site named for health in general
    is no more the article's home than a lifestyle magazine (the ids would keep the copy)."""
    arts = [art("a.jsonl#1", ORIGINAL, url="https://healthdaily.example/why-therapy-helps"),
            art("b.jsonl#1", ORIGINAL, url="https://harbourpsychology.example/why-therapy")]
    dedup.find_duplicates(arts, settings)
    assert arts[0].dedup["near_duplicate_of"] == "b.jsonl#1"
    tie = [art("a.jsonl#1", ORIGINAL, url="https://lifestylemag.example/why-therapy-helps"),
           art("b.jsonl#1", ORIGINAL, url="https://medicalnews.example/why-therapy")]
    dedup.find_duplicates(tie, settings)
    assert tie[1].dedup["near_duplicate_of"] == "a.jsonl#1"


def test_the_source_of_a_spun_copy_is_kept_whatever_its_id(settings):
    """Neither is flagged spun, the quality is equal and the copy sorts first: the swaps
    decide, and the copy gets them as spin evidence with the source's words."""
    arts = [art("a-copy", SPUN), art("z-source", ORIGINAL)]
    dedup.find_duplicates(arts, settings)
    copy, source = arts
    assert copy.dedup["near_duplicate_of"] == "z-source"
    assert copy.dedup["kind"] == "spun_copy"
    assert source.dedup["canonical_reason"].startswith(
        "kept: the others are synonym-swapped copies of it (")
    assert copy.spin["spun"] is True and not source.spin
    spans = {s.text: s.suggestion for s in copy.spin_spans}
    assert spans["specialist"] == "therapist"
    assert spans["Analysis"] == "Research" and spans["one thing"] == "something"
    assert all(s.signal == "aligned_copy" for s in copy.spin_spans)
    assert all(SPUN[s.start_char:s.end_char] == s.text for s in copy.spin_spans)


def test_the_swap_direction_outranks_the_dates(settings):
    """A copier sets the date; the swaps are in the text."""
    arts = [art("copy", SPUN, date="2020-01-01"), art("source", ORIGINAL, date="2024-01-01")]
    dedup.find_duplicates(arts, settings)
    assert arts[0].dedup["near_duplicate_of"] == "source"


def test_two_spins_of_a_lost_source_are_both_spins(settings):
    arts = [art("a", SPIN_A), art("b", SPIN_B), art("c", OTHER)]
    dedup.find_duplicates(arts, settings)
    a, b, c = arts
    assert a.dedup["cluster"] == b.dedup["cluster"] != ""
    assert a.dedup["all_spun"] and b.dedup["all_spun"] and not c.dedup["all_spun"]
    assert a.dedup["canonical_reason"].startswith("none kept as the original")
    assert a.spin["spun"] and b.spin["spun"]
    assert {s.text for s in a.spin_spans} >= {"healer", "candidly"}
    assert {s.text for s in b.spin_spans} >= {"sittings", "modus"}


def test_with_their_source_present_the_two_spins_are_its_copies(settings):
    arts = [art("a", SPIN_A), art("b", SPIN_B), art("z", ORIGINAL)]
    dedup.find_duplicates(arts, settings)
    a, b, z = arts
    assert a.dedup["near_duplicate_of"] == b.dedup["near_duplicate_of"] == "z"
    assert not any(x.dedup["all_spun"] for x in arts)
    assert not z.spin and a.spin["spun"] and b.spin["spun"]


def test_without_texts_pairs_are_decided_on_their_readings(settings):
    """resolve without text_of: no alignment, no evidence (the readings alone)."""
    finder = dedup.DuplicateFinder(settings)
    arts = [art("a", SPUN), art("b", ORIGINAL)]
    for a in arts:
        finder.add(a)
    found = finder.resolve({a.article_id: dedup.canonical_key_of(a) for a in arts})
    assert found["a"]["cluster"] == found["b"]["cluster"] != "" and finder.evidence == {}
    assert "spun_copy" in (found["a"]["kind"], found["b"]["kind"])


def test_a_partial_overlap_is_not_a_spun_copy(settings):
    """Two texts sharing one paragraph share frames, but do not align word by word."""
    first = ORIGINAL + " " + OTHER
    second = OTHER + " " + SPIN_A.replace("healer", "guide") + " " + SPIN_B
    arts = [art("a", first), art("b", second)]
    dedup.find_duplicates(arts, load_settings(dedup={"frame_threshold": 0.01}).dedup)
    assert arts[1].dedup["kind"] != "spun_copy"


@pytest.mark.parametrize(("x", "y", "equal", "swaps"), [
    ([], [], 0.0, 0),
    (["a", "b", "c"], [], 0.0, 0),
    (["the", "good", "therapist"], ["the", "good", "therapist"], 1.0, 0),
    (["the", "good", "therapist", "listens"], ["the", "good", "specialist", "listens"], 0.75, 1),
    (["in", "the", "room"], ["within", "the", "room"], 2 / 3, 1),
    ([HOSTILE, "x"], ["x"], 1.0, 0),
])
def test_align_words(x, y, equal, swaps):
    al = dedup.align_words(x, y, 3)
    assert al.equal == pytest.approx(equal)
    assert len(al.swaps) == swaps


def test_align_words_aligns_only_the_first_max_words():
    x = ["the", "good", "therapist", "listens"] + ["x"] * 6
    y = ["the", "good", "specialist", "listens"] + ["y"] * 6
    al = dedup.align_words(x, y, 3, max_words=4)
    assert al.equal == pytest.approx(0.75)   # of the four aligned words, not of ten
    assert [(s.x, s.y) for s in al.swaps] == [((2, 3), (2, 3))]


def test_align_words_reads_different_ends_of_two_excerpts_as_no_swap():
    # Two captures of one page that stop at different points, one mid-word: the last words
    # differ, but no one reworded them; a swap before the end still counts.
    x = dedup.words("the client and the therapist agreed on a plan they assume c")
    y = dedup.words("the client and the therapist agreed on a plan they as")
    assert dedup.align_words(x, y, 3).swaps == []
    y2 = dedup.words("the customer and the therapist agreed on a plan they as")
    assert [(s.x, s.y) for s in dedup.align_words(x, y2, 3).swaps] == [((1, 2), (1, 2))]


def test_align_words_on_a_degenerate_pair_keeps_its_shape():
    # Thousands of one word on both sides: the popular word is junked, the text still aligns.
    x = ["a"] * 4000 + ["the", "client", "agreed"]
    y = ["a"] * 4000 + ["the", "customer", "agreed"]
    al = dedup.align_words(x, y, 3, max_cost=10**6)
    assert 0.0 <= al.equal <= 1.0 and 0.0 <= al.matched <= 1.0
    assert ((4001, 4002), (4001, 4002)) in [(s.x, s.y) for s in al.swaps]


# A heavy spin of a passage (every content word a listed synonym, equal runs of one or two
# words) inside two otherwise different texts: too little aligns for the run tests.
_SYNONYMS = {"therapist": "healer", "help": "assist", "begin": "start", "quick": "fast",
             "plan": "scheme", "goal": "aim", "talk": "speak", "hard": "difficult",
             "often": "frequently", "choose": "select"}
_PASSAGE = ("the therapist can help us begin with a quick and clear plan and a goal we talk "
            "about when it is hard and then we often choose the next step")
_LEAD_X = ("many people wait years before they ask anyone about the way they feel at work or "
           "at home, and most of them say the first visit was easier than they had feared it "
           "would be; a few wish a friend had pushed them sooner")
_LEAD_Y = ("some readers write to us about sleep, diet and money worries that seem to grow each "
           "winter, so this week our columnist answers three of those letters in her usual "
           "plain style with a short reading list")


def _replaced(text: str, table: dict[str, str]) -> str:
    return " ".join(table.get(w, w) for w in text.split())


def test_a_pair_that_differs_by_many_listed_synonyms_is_synonym_aligned(settings):
    p = dedup._Params.of(settings)
    x = dedup.words(_LEAD_X + " " + _PASSAGE)
    y = dedup.words(_LEAD_Y + " " + _replaced(_PASSAGE, _SYNONYMS))
    al = dedup.align_words(x, y, p.max_swap_words)
    assert not dedup.spin_aligned(al, p)
    assert dedup.synonym_swaps(al, x, y) >= p.min_synonym_swaps
    assert dedup.synonym_aligned(al, p, x, y)
    # The same places filled with words that are no synonyms: two texts that align by chance.
    other = dict(zip(_SYNONYMS, dedup.words("river table cloud spoon lamp chair glass paper "
                                            "stone wheel"), strict=True))
    z = dedup.words(_LEAD_Y + " " + _replaced(_PASSAGE, other))
    al = dedup.align_words(x, z, p.max_swap_words)
    assert dedup.synonym_swaps(al, x, z) == 0
    assert not dedup.synonym_aligned(al, p, x, z)


def test_a_synonym_aligned_pair_is_clustered_without_a_direction(settings):
    """Clustered as a spun copy, but too little of it aligns for the word-fit votes to name the
    swapped side: no aligned_copy evidence, the other facts (here the id) keep a member."""
    arts = [art("a", _LEAD_X + " " + _PASSAGE),
            art("b", _LEAD_Y + " " + _replaced(_PASSAGE, _SYNONYMS))]
    finder = dedup.DuplicateFinder(settings)
    for a in arts:
        finder.add(a)
    found = finder.resolve({a.article_id: dedup.canonical_key_of(a) for a in arts},
                           {a.article_id: a.text for a in arts}.get)
    assert found["b"]["near_duplicate_of"] == "a" and found["b"]["kind"] == "spun_copy"
    assert not found["a"]["all_spun"] and finder.evidence == {}


def _judged(settings, a: str, b: str) -> dedup.PairAlignment:
    """Two texts aligned word by word with every swap's worse side marked."""
    p = dedup._Params.of(settings)
    x, y = dedup.word_tokens(a)[0], dedup.word_tokens(b)[0]
    al = dedup.align_words(x, y, p.max_swap_words)
    dedup.judge_swaps(al, x, y, p)
    return al


def test_the_rarer_worse_fitting_side_of_a_swap_is_the_spun_one(settings):
    al = _judged(settings, "You can trust your therapist to keep it private.",
                 "You can belief your healer to keep it private.")
    assert [s.worse for s in al.swaps] == ["y", "y"]
    assert al.direction == ""   # two swaps: too few to call a copy


def test_a_word_split_by_a_stray_space_is_no_swap(settings):
    """A damaged copy ("anxie ty") aligned with its source is not a spun copy."""
    al = _judged(settings, "Patients with anxiety and low mood improved with well-being work.",
                 "Patients with anxie ty and low mood improved with well being work.")
    assert al.swaps and all(s.worse == "" for s in al.swaps)
    assert dedup._respaced("anxiety", "anxie ty") and not dedup._respaced("trust", "belief")


@pytest.mark.parametrize(("text", "expected"), [
    ("", []),
    ("It\u2019s fine", [("it's", (0, 4)), ("fine", (5, 9))]),
    (HOSTILE, [("script", (1, 7)), ("alert", (8, 13)), ("x", (15, 16)), ("script", (20, 26)),
               ("amp", (29, 32))]),
])
def test_word_tokens_keep_offsets(text, expected):
    tokens, offsets = dedup.word_tokens(text)
    assert list(zip(tokens, offsets, strict=True)) == expected


def test_aligned_evidence_replaces_overlapping_detector_spans():
    a = art("a", "You can belief your healer.", spin={"spun": False, "score": 0.2, "reasons": []},
            spin_spans=[SpinSpan(8, 14, "belief", "trust", "thesaurus", 0.6),
                        SpinSpan(0, 3, "You", "", "odd", 0.1)])
    dedup.merge_aligned_evidence(a, [SpinSpan(8, 14, "belief", "trust", "aligned_copy", 1.0),
                                     SpinSpan(20, 26, "healer", "therapist", "aligned_copy", 1.0)])
    assert [(s.text, s.signal) for s in a.spin_spans] == [
        ("You", "odd"), ("belief", "aligned_copy"), ("healer", "aligned_copy")]
    assert a.spin["spun"] is True and a.spin["score"] == 0.2 and len(a.spin["reasons"]) == 1
    before = dict(a.spin)
    dedup.merge_aligned_evidence(a, [])
    assert a.spin == before


def test_a_member_of_an_all_spun_cluster_is_spun_without_aligned_spans():
    found = {"a": {**dedup.empty_result("a"), "cluster": "c1", "all_spun": True},
             "b": {**dedup.empty_result("b"), "cluster": "c1"}}
    a = Article("a", "a", "s", "Some text here.")
    a.spin = {"spun": False, "score": 0.1, "reasons": []}
    dedup.apply_result(a, found, {})
    assert a.spin["spun"] is True and a.spin["score"] == 0.1
    assert "source that is not in the corpus" in a.spin["reasons"][0]
    b = Article("b", "b", "s", "Some text here.")
    b.spin = {"spun": False, "score": 0.1, "reasons": []}
    dedup.apply_result(b, found, {})
    assert b.spin == {"spun": False, "score": 0.1, "reasons": []}
    alone = Article("z", "z", "s", "")
    dedup.apply_result(alone, found, {})
    assert alone.dedup == dedup.empty_result("z") and not (alone.spin or {}).get("spun")


def test_texts_are_re_read_a_few_at_a_time():
    reads: list[str] = []

    def text_of(article_id: str) -> str:
        reads.append(article_id)
        return f"text of {article_id}"

    texts = dedup._Texts(["a", "b", "c"], text_of, keep=2)
    assert texts.get(0)[0] == ["text", "of", "a"]
    texts.get(1)
    texts.get(0)          # still kept
    texts.get(2)          # drops b, the least recently used
    texts.get(1)
    assert reads == ["a", "b", "c", "b"] and len(texts._memo) == 2


def test_a_dated_copy_is_kept_over_undated_ones(settings):
    arts = [art("a", ORIGINAL), art("b", ORIGINAL, date="2024-05-06")]
    dedup.find_duplicates(arts, settings)
    assert arts[0].dedup["near_duplicate_of"] == "b"
    assert arts[1].dedup["canonical_reason"] == "kept: its date 6 May 2024; the others are undated"


# A markup dump of a page (the kind a CMS's API returns): low quality, and the only member
# whose date was read. Texts written for these tests.
DAMAGED = {"score": 0.4, "low_quality": True,
           "flags": [{"rule": "markup_per_100w", "value": 4.2, "threshold": 2, "op": ">"}]}
SOUND = {"score": 0.9, "low_quality": False, "flags": []}


def test_a_sound_undated_text_is_kept_over_a_damaged_dated_copy(settings):
    arts = [art("a-dump", "<p>" + ORIGINAL + "</p>", date="2016-04-15", quality=DAMAGED),
            art("z-post", ORIGINAL, quality=SOUND)]
    dedup.find_duplicates(arts, settings)
    dump, post = arts
    assert dump.dedup["near_duplicate_of"] == "z-post" and post.dedup["near_duplicate_of"] == ""
    assert post.dedup["canonical_reason"].startswith(
        "kept: its text is sound, the others' is flagged low quality")
    assert "no date on every member" in post.dedup["canonical_reason"]


def test_with_every_member_dated_the_earliest_date_still_decides(settings):
    arts = [art("a-dump", ORIGINAL, date="2016-04-15", quality=DAMAGED),
            art("z-post", ORIGINAL, date="2016-05-01", quality=SOUND)]
    dedup.find_duplicates(arts, settings)
    assert arts[1].dedup["near_duplicate_of"] == "a-dump"
    assert arts[0].dedup["canonical_reason"] == "kept: earliest date 15 April 2016"


def test_the_complete_text_is_kept_over_a_truncated_excerpt(settings):
    """Both sound and undated; the excerpt has the higher score, the complete text more words."""
    full = ORIGINAL + " " + OTHER
    excerpt = ORIGINAL + " " + " ".join(OTHER.split()[:40])
    arts = [art("a-excerpt", excerpt, quality={**SOUND, "score": 1.0}),
            art("z-full", full, quality={**SOUND, "score": 0.7})]
    dedup.find_duplicates(arts, settings)
    short, complete = arts
    assert short.dedup["near_duplicate_of"] == "z-full"
    reason = complete.dedup["canonical_reason"]
    assert reason == (f"kept: the complete text ({complete.words} words); the others are shorter "
                      f"excerpts ({short.words} words at most)")
    # Nearly as long is no excerpt: the quality score decides.
    near_full = full.rsplit(" ", 8)[0]
    arts = [art("a-nearly", near_full, quality={**SOUND, "score": 1.0}),
            art("z-full", full, quality={**SOUND, "score": 0.7})]
    dedup.find_duplicates(arts, settings)
    assert arts[1].dedup["near_duplicate_of"] == "a-nearly"
    assert arts[0].dedup["canonical_reason"].startswith("kept: higher quality score (1.00")


def test_the_keep_order_comes_from_config():
    full = ORIGINAL + " " + OTHER
    excerpt = ORIGINAL + " " + " ".join(OTHER.split()[:40])
    order = ["declared_canonical", "aligned_copy", "quality", "truncated", "id"]
    arts = [art("a-excerpt", excerpt, quality={**SOUND, "score": 1.0}),
            art("z-full", full, quality={**SOUND, "score": 0.7})]
    dedup.find_duplicates(arts, load_settings(dedup={"keep_order": order}).dedup)
    assert arts[1].dedup["near_duplicate_of"] == "a-excerpt"
    from pipeline.config import ConfigError

    with pytest.raises(ConfigError, match="more than once"):
        load_settings(dedup={"keep_order": ["date", "quality", "date"]})
    with pytest.raises(ConfigError):
        load_settings(dedup={"keep_order": ["newest"]})


def test_the_run_passes_low_quality_and_words_to_the_keep_order():
    from pipeline import run
    from pipeline.config import load_settings as settings_of
    from pipeline.quality.norms import SiteNorms

    a = art("a", ORIGINAL, quality=DAMAGED, date="2016-04-15")
    key = run._canonical_key("a", run._row(a, ()), SiteNorms(settings_of().quality))
    assert key == dedup.canonical_key(False, 0.4, "2016-04-15", "a", True, a.words)
    assert key == dedup.canonical_key_of(a)


def test_an_exact_copy_of_a_spin_is_a_spin_too(settings):
    """Two spins of a lost source, one of them also posted a second time word for word."""
    arts = [art("a", SPIN_A), art("a2", SPIN_A.upper()), art("b", SPIN_B)]
    dedup.find_duplicates(arts, settings)
    assert all(x.dedup["all_spun"] for x in arts)
    assert len({x.dedup["cluster"] for x in arts}) == 1


def test_a_spin_named_canonical_is_kept_but_its_source_is_no_spin(settings):
    """The copy is named canonical by the source's page (a rare mistake of the site): the
    declaration decides which is kept, but the source is not called a spin."""
    arts = [art("site/copy.html", SPUN, url="https://site/copy"),
            art("site/source.html", ORIGINAL, url="https://site/copy")]
    dedup.find_duplicates(arts, settings)
    copy, source = arts
    assert source.dedup["near_duplicate_of"] == "site/copy.html"
    assert not copy.dedup["all_spun"] and not source.spin
    assert copy.dedup["canonical_reason"] == "kept: declared canonical URL"


def test_worse_words_that_recur_against_several_others_are_counted_once_each():
    def al(worse: list[tuple[str, int]]) -> dedup.PairAlignment:
        return dedup.PairAlignment(1.0, 0.9, [dedup.Swap((i, i + 1), (i, i + 1), w)
                                              for w, i in worse])
    aligned = {(0, 1): al([("x", 3), ("x", 7), ("y", 9)]),
               (0, 2): al([("x", 3), ("x", 8), ("", 7)]),
               (1, 2): al([])}
    assert dedup._consistent_swaps(aligned) == {0: 1, 1: 0}
    assert dedup._consistent_swaps({}) == {}


def test_near_pairs_aligned_are_capped_per_article_spun_copies_never():
    edges = {0: {1: ("near", 0.9), 2: ("near", 0.8), 3: ("spun_copy", 0.2)},
             1: {0: ("near", 0.9)}, 2: {0: ("near", 0.8)}, 3: {0: ("spun_copy", 0.2)}}
    assert dedup._pairs_to_align(edges, 1) == [(0, 1), (0, 2), (0, 3)]   # 2's best is 0
    edges[2] = {0: ("near", 0.8), 1: ("near", 0.95)}
    edges[1][2] = ("near", 0.95)
    assert dedup._pairs_to_align(edges, 1) == [(0, 1), (0, 3), (1, 2)]
    assert dedup._pairs_to_align({}, 1) == []


@pytest.mark.parametrize("seed", [1, 7, 12345])
def test_numpy_minhash_equals_datasketch(seed):
    """dedup.minhash computes datasketch's MinHash (affine32 scheme, the same permutations
    from the same seed) without importing datasketch: the same values, bit for bit."""
    from datasketch import MinHash

    rng = np.random.default_rng(seed)
    cases = [np.zeros(0, np.uint64), np.array([0, 1, 2**32 - 1], np.uint64),
             dedup.shingle_hashes(list("abcdefghij") * 3, 3)]
    cases += [np.unique(rng.integers(0, 2**32, size=n, dtype=np.uint64)) for n in (1, 50, 3000)]
    for hashes in cases:
        for num_perm in (128, 64):
            m = MinHash(num_perm=num_perm, seed=seed, hashfunc=lambda v: v)
            m.update_batch(hashes.tolist())
            got = dedup.minhash(hashes, num_perm, seed)
            assert got.dtype == m.hashvalues.dtype
            assert np.array_equal(got, m.hashvalues)


def test_pair_hashes_skip_function_word_pairs_and_survive_a_swap():
    # "of the" (two function words) is no shingle; each content bigram is.
    assert len(dedup.pair_hashes(["of", "the", "goals"])) == 1
    a = dedup.pair_hashes(dedup.words("the goals of therapy are agreed with the client"))
    b = dedup.pair_hashes(dedup.words("the targets of therapy are agreed with the client"))
    shared = np.intersect1d(a, b).size
    assert 0 < shared < len(a)


def test_rare_pairs_count_shared_hashes_of_few_articles():
    hashes = np.array([1, 2, 3, 1, 2, 9, 1, 7], dtype=np.uint64)
    owners = np.array([0, 0, 0, 1, 1, 1, 2, 2], dtype=np.int64)
    codes, counts = dedup._rare_pairs((hashes, owners), max_df=2, n=3)
    # Hash 1 is held by three articles (above max_df): only hash 2 links articles 0 and 1.
    assert dict(zip(codes.tolist(), counts.tolist(), strict=True)) == {0 * 3 + 1: 1}
    codes, counts = dedup._rare_pairs((hashes, owners), max_df=3, n=3)
    assert dict(zip(codes.tolist(), counts.tolist(), strict=True)) == {1: 2, 2: 1, 5: 1}


def _brute_shared(sets: list[set[int]], max_df: int, min_shared: int, min_share: float):
    """The rare-bigram join by hand: every pair, every hash."""
    df: dict[int, int] = {}
    for s in sets:
        for h in s:
            df[h] = df.get(h, 0) + 1
    out = []
    for x in range(len(sets)):
        for y in range(x + 1, len(sets)):
            shared = sum(1 for h in sets[x] & sets[y] if df[h] <= max_df)
            share = shared / max(min(len(sets[x]), len(sets[y])), 1)
            if shared >= min_shared and share >= min_share:
                out.append((x, y, share))
    return out


@pytest.mark.parametrize(("buckets", "chunk"), [(1, 10**9), (3, 50), (16, 7)])
def test_pair_join_in_buckets_and_ranges_is_the_whole_join(buckets, chunk):
    # Articles drawn from a small pool of hashes (so many are shared, some by more than
    # max_df articles), joined in memory by hand and through the spooled buckets: the same
    # pairs and shares, in code order, however many buckets and ranges the join uses.
    rng = random.Random(7)
    pool = [rng.randrange(1 << 32) for _ in range(120)]
    sets = [set(rng.sample(pool, rng.randrange(0, 30))) for _ in range(40)]
    sizes = np.array([len(s) for s in sets], dtype=np.int64)
    with dedup._PairJoin(len(sets), buckets, chunk) as join:
        for k, s in enumerate(sets):
            join.add(k, np.array(sorted(s), dtype=np.uint64))
        x, y, share = join.shared(sizes, 4, 2, 0.1)
    got = list(zip(x.tolist(), y.tolist(), share.tolist(), strict=True))
    want = _brute_shared(sets, 4, 2, 0.1)
    assert got == want   # the same float division, in the same order
    assert len(want) > 5   # the fixture does pair articles


def test_pair_join_keeps_no_more_than_a_chunk_of_pairs(monkeypatch):
    # Memory bounded by the chunk, not the corpus: no range of pair codes summed at once
    # holds more than about `chunk` entries (twice that at most, pairs being densest at x=0).
    rng = random.Random(3)
    pool = [rng.randrange(1 << 32) for _ in range(2000)]
    sets = [set(rng.sample(pool, 25)) for _ in range(200)]
    seen: list[int] = []
    inner = np.unique

    def unique(values, *args, **kwargs):
        if kwargs.get("return_inverse"):   # the sums over a range of pair codes
            seen.append(len(values))
        return inner(values, *args, **kwargs)

    chunk = 200
    with dedup._PairJoin(len(sets), 25, chunk) as join:
        for k, s in enumerate(sets):
            join.add(k, np.array(sorted(s), dtype=np.uint64))
        monkeypatch.setattr(dedup.np, "unique", unique)
        x, _, _ = join.shared(np.full(len(sets), 25, dtype=np.int64), 8, 1, 0.0)
    assert len(x) > 10 * chunk        # far more pairs than one chunk in all
    assert seen and max(seen) <= 2 * chunk


def test_alignment_counts_swaps_and_equal_runs(settings):
    p = dedup._Params.of(settings)
    x = dedup.words("one two three four five six seven eight nine ten")
    y = dedup.words("one two tres four five seis seven eight nueve ten")
    al = dedup.align_words(x, y, p.max_swap_words)
    assert al.swapped == pytest.approx(0.3)
    assert al.runs == pytest.approx(0.6)     # "one two", "four five", "seven eight"
    assert dedup.spin_aligned(al, p)
    # Scattered single-word matches are not a spun copy.
    z = dedup.words("one alpha beta gamma five delta epsilon eight zeta eta")
    assert not dedup.spin_aligned(dedup.align_words(x, z, p.max_swap_words), p)


BOILERPLATE = (
    "Sign in to read the full text. Subscribe to our newsletter for weekly digests of new "
    "research, conference notes and reading lists. Cookie settings. Share this page on your "
    "favourite network. Related articles you may like: sleep hygiene, breathing exercises, "
    "journaling prompts, walking routines, gratitude lists and more. Rights and permissions. "
    "About the publisher: an independent press with offices in three cities, founded by "
    "librarians, printing quarterly issues on paper and online. Advertise with us, careers, "
    "accessibility statement, privacy notice, terms of use, contact the editorial office, "
    "report an error, request a reprint, download the citation in several formats."
)


def test_copy_inside_boilerplate_is_a_near_duplicate(settings):
    # Below the surface threshold on shingles, but the alignment finds the text whole.
    assert dedup.jaccard(dedup.shingles(dedup.words(ORIGINAL), 5),
                         dedup.shingles(dedup.words(ORIGINAL + " " + BOILERPLATE), 5)) < 0.5
    arts = [art("a", ORIGINAL), art("b", ORIGINAL + " " + BOILERPLATE), art("c", OTHER)]
    dedup.find_duplicates(arts, settings)
    assert arts[0].dedup["cluster"] and arts[0].dedup["cluster"] == arts[1].dedup["cluster"]
    assert {arts[0].dedup["kind"], arts[1].dedup["kind"]} == {"", "near"}
    assert arts[2].dedup["cluster"] == ""
    # Without the texts (no alignment) the lower surface threshold does not apply.
    finder = dedup.DuplicateFinder(settings)
    for a in arts:
        finder.add(a)
    assert finder.resolve({a.article_id: dedup.canonical_key_of(a) for a in arts}) == {}


def _pair(x_side: list[tuple[int, str, bool]], y_words: str = "orig") -> dedup.PairAlignment:
    """Swaps at x's positions: (position, y's words there, x is the worse side)."""
    swaps = [dedup.Swap((i, i + 1), (i, i + 1), "x" if worse else "y", (f"w{i}", y_words))
             for i, y_words, worse in x_side]
    return dedup.PairAlignment(1.0, 0.8, swaps, "")


def test_lightest_spin_of_a_lost_source_is_outvoted_by_the_others():
    # Article 0 differs from 1 and 2 at the same places, where 1 and 2 have the same words,
    # and its words are the worse ones: it alone swapped them.
    own = [(i, "kept", True) for i in range(4)]
    aligned = {(0, 1): _pair(own), (0, 2): _pair(own)}
    assert 0 in dedup._copy_sides(aligned, 5, min_outvoted=3, min_share=0.5)
    assert 0 not in dedup._copy_sides(aligned, 5, min_outvoted=5, min_share=0.5)
    # The others disagree with each other there: each swapped its own way, no outvote.
    aligned = {(0, 1): _pair([(i, "one", True) for i in range(4)]),
               (0, 2): _pair([(i, "two", True) for i in range(4)])}
    assert 0 not in dedup._copy_sides(aligned, 5, min_outvoted=3, min_share=0.5)
    # A source whose copies made the same swaps: mostly its words are the better ones.
    mostly_better = [(i, "same", i < 3) for i in range(10)]
    aligned = {(0, 1): _pair(mostly_better), (0, 2): _pair(mostly_better)}
    assert 0 not in dedup._copy_sides(aligned, 5, min_outvoted=3, min_share=0.5)


def _voted(x_worse: int, y_worse: int) -> dedup.PairAlignment:
    """A pair whose x side holds the worse wording of ``x_worse`` swaps, y of ``y_worse``."""
    sides = ["x"] * x_worse + ["y"] * y_worse
    return dedup.PairAlignment(1.0, 0.8, [dedup.Swap((i, i + 1), (i, i + 1), w, (f"a{i}", f"b{i}"))
                                          for i, w in enumerate(sides)])


@pytest.mark.parametrize(("votes", "expected"), [
    # Article 0 against 1 and 2: (its worse swaps, the other's). The lightest spin of a lost
    # source: the better side of both pairs, but its own swaps show against each.
    ({(0, 1): (6, 20), (0, 2): (5, 12)}, {0: 5}),
    # A source against its lightest copy: few worse words there, whatever the heavier copy says.
    ({(0, 1): (2, 14), (0, 2): (9, 30)}, {}),
    # Enough worse words against each, but a small share of the decided swaps.
    ({(0, 1): (6, 40), (0, 2): (6, 20)}, {}),
    # One pair alone proves nothing (a source and its single copy).
    ({(0, 1): (8, 10)}, {}),
    # Both sides of a pair can qualify (each needs two pairs).
    ({(0, 1): (6, 6), (0, 2): (5, 10), (1, 2): (7, 9)}, {0: 5, 1: 6, 2: 9}),
])
def test_a_spin_whose_worse_words_show_against_every_other_member(votes, expected):
    aligned = {pair: _voted(*v) for pair, v in votes.items()}
    assert dedup._light_spins(aligned, 2, 5, 0.16) == expected


def test_light_spins_join_the_copies_only_when_asked():
    aligned = {(0, 1): _voted(6, 20), (0, 2): _voted(5, 12)}
    # Without the rule, article 0 is the better side of both pairs: no spin.
    assert 0 not in dedup._copy_sides(aligned, 5, min_outvoted=3, min_share=0.5)
    assert dedup._copy_sides(aligned, 5, min_outvoted=3, min_share=0.5,
                             light=(2, 5, 0.16))[0] == 5
    assert 0 not in dedup._copy_sides(aligned, 5, min_outvoted=3, min_share=0.5,
                                      light=(3, 5, 0.16))


def test_in_a_group_of_spins_the_member_linked_to_most_others_is_kept():
    # 0 - 1 - 2 (0 and 2 not directly similar): 0 ranks first by the keep order.
    edges = {0: {1: ("spun_copy", 0.7)}, 1: {0: ("spun_copy", 0.7), 2: ("spun_copy", 0.6)},
             2: {1: ("spun_copy", 0.6)}}
    rank = {0: (0,), 1: (1,), 2: (2,)}
    # Every member a spin: 1 is kept and both others join it (no chains: 0 first would leave
    # 2 alone).
    kept, target_of = dedup._stars(edges, dedup._hub_first(edges, {0: 5, 1: 5, 2: 5}, rank))
    assert kept == {1: [0, 2]} and target_of == {0: 1, 2: 1}
    # An original among them: the keep order decides as before.
    kept, _ = dedup._stars(edges, dedup._hub_first(edges, {1: 5, 2: 5}, rank))
    assert kept == {0: [1], 2: []}


# A text, a rewrite of it (function words changed, as a translation or an editor does) and a
# spin of it (content words for thesaurus synonyms, the frame kept); written for these tests.
FRAMED = ("The therapist and the client agree on the goals of the work, and they review them in "
          "every session. When the client feels that the plan is not working, the therapist asks "
          "what has changed and they adjust the tasks together. This shared work is the core of "
          "the alliance, which research links with better outcomes in many kinds of therapy.")
REWORDED = ("A therapist and a client agree on goals of their work, and both review those at each "
            "session. If a client feels this plan is not working, that therapist asks what has "
            "changed and both adjust these tasks together. Such shared work is a core of an "
            "alliance, that research links to better outcomes across many kinds of therapy.")
RESPUN = ("The healer and the consumer concur on the aims of the labor, and they assess them in "
          "every sitting. When the consumer senses that the scheme is not functioning, the healer "
          "asks what has altered and they modify the duties jointly. This communal work is the "
          "nucleus of the coalition, which analysis links with superior results in many sorts of "
          "remedy.")


@pytest.mark.parametrize(("a", "b", "kind"), [
    ("therapist", "healer", "content"),
    ("common mental", "typical psychological", "content"),
    ("in the", "within the", "synonym"),
    ("every", "each", "synonym"),
    ("do not", "don't", "synonym"),                 # a contraction written out
    ("in regards to", "about", "synonym"),          # a listed spinner function phrase
    ("the", "a", "edit"),
    ("they", "therapists", "edit"),
    ("which", "that", "edit"),
])
def test_swap_kind(a, b, kind):
    assert dedup.swap_kind(a, b) == kind


def test_a_rewrite_is_not_spinner_shaped_and_a_spin_is(settings):
    p = dedup._Params.of(settings)
    reworded = _judged(settings, FRAMED, REWORDED)
    share, n = dedup.edit_share(reworded)
    assert n >= p.shape_min_swaps and share > p.shape_max_edit
    assert not dedup.spinner_shaped(reworded, p)
    spun = _judged(settings, FRAMED, RESPUN)
    assert dedup.edit_share(spun)[0] <= p.shape_max_edit and dedup.spinner_shaped(spun, p)
    assert spun.direction == "y"


def test_adjacent_swaps_are_read_as_one_block(settings):
    al = _judged(settings, "She reads in addition to writing every day at home.",
                 "She reads as well as writing every day at home.")
    assert len(al.swaps) == 3 and dedup.edit_share(al)[1] == 1


def test_too_few_swaps_say_nothing_of_the_shape(settings):
    al = _judged(settings, "The therapist and the client agree on the goals.",
                 "A therapist and a client agree on their goals.")
    assert dedup.edit_share(al)[0] > 0.5 and dedup.spinner_shaped(al, dedup._Params.of(settings))


def test_a_reworded_pair_names_no_spin(settings):
    """Both sides of a pair read as two spins: once the pair is reworded, neither is a copy."""
    al = dedup.PairAlignment(0.9, 0.6, [dedup.Swap((i, i + 1), (i, i + 1), w)
                                         for i, w in enumerate("xxxxxxyyyyy")], "both")
    assert set(dedup._copy_sides({(0, 1): al}, 5, 3, 0.5)) == {0, 1}
    al.reworded = True
    assert dedup._copy_sides({(0, 1): al}, 5, 3, 0.5) == {}


def test_a_rewrite_in_the_corpus_is_a_near_copy_not_a_spin(settings):
    arts = [art("a", FRAMED), art("b", REWORDED), art("c", OTHER)]
    dedup.find_duplicates(arts, load_settings(dedup={"frame_threshold": 0.01,
                                                     "near_aligned_threshold": 0.05}).dedup)
    a, b, _ = arts
    assert a.dedup["cluster"] == b.dedup["cluster"] != ""
    assert "spun_copy" not in (a.dedup["kind"], b.dedup["kind"])
    assert not a.dedup["all_spun"] and not (a.spin or {}).get("spun")
    assert not (b.spin or {}).get("spun")
