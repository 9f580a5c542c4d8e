"""The real-web evaluation: manifest checks, the rebuild message and the scores (tiny pages we
wrote; the real page text is never in the repository)."""

from __future__ import annotations

import hashlib
import math

import pandas as pd
import pytest

from workbench.realweb import evaluate as ev

PAGE_OK = ("Finding a counsellor\n\nA good counsellor listens before advising. In the first "
           "session you and your therapist talk about what you want to change. ") * 4
PAGE_BAD = "Buy cheap pills now " * 30


def _manifest(tmp_path, texts: dict[str, str], sha_override: dict[str, str] | None = None):
    pages = tmp_path / "pages"
    pages.mkdir()
    rows = []
    for i, (pid, text) in enumerate(texts.items()):
        (pages / f"{pid}.txt").write_text(text, encoding="utf-8")
        sha = (sha_override or {}).get(pid) or hashlib.sha1(text.encode()).hexdigest()
        rows.append({"page_id": pid, "split": "dev" if i % 2 == 0 else "test",
                     "url": f"https://site{i}.example/{pid}", "query": "q", "sha1": sha,
                     "words": len(text.split()), "genre": "blog", "low_quality": "0",
                     "quality_reason": "", "spun": "0", "action": "keep", "action_reason": "",
                     "duplicate_of": "", "swaps": "", "notes": ""})
    labels = tmp_path / "labels"
    labels.mkdir()
    pd.DataFrame(rows).to_csv(labels / "pages_x.csv", index=False)
    return labels


def test_read_folder_checks_every_sha1(tmp_path):
    labels = _manifest(tmp_path, {"a1": PAGE_OK, "a2": PAGE_BAD, "a3": "x"}, {"a2": "0" * 40})
    (tmp_path / "pages" / "a3.txt").unlink()
    pages = ev.load_pages(labels)
    folder = ev.read_folder(pages, tmp_path)
    assert set(folder.texts) == {"a1"} and folder.changed == ["a2"] and folder.missing == ["a3"]
    assert pages["low_quality"].dtype == bool


def test_missing_folder_says_how_to_rebuild(tmp_path, monkeypatch):
    monkeypatch.setenv("REALWEB", str(tmp_path / "nowhere"))
    msg = ev.how_to_rebuild()
    assert "README.md" in msg and "sha1" in msg and str(tmp_path / "nowhere") in msg
    assert ev.load_pages(tmp_path).empty  # no labels: an empty manifest, not an error


def test_page_scores_count_flags_on_sound_pages_and_actions():
    pages = pd.DataFrame({"page_id": ["p1", "p2", "p3"], "low_quality": [False, True, False],
                          "spun": [False, False, True], "action": ["keep", "review", "rewrite"]})
    got = pd.DataFrame({"page_id": ["p1", "p2", "p3"], "low_quality": ["true", "true", "false"],
                        "spun": ["false", "false", "true"], "action": ["review", "review", "rewrite"],
                        "quality_flags": ["glued_words=1>0.6", "words=20<50", ""],
                        "action_reason": ["", "", ""]})
    r = ev.page_scores(got, pages)
    assert r["low_quality_on_sound"] == 0.5 and r["low_quality_recall"] == 1.0
    assert r["spun_recall"] == 1.0 and r["spun_on_clean"] == 0.0
    assert r["actions_right"] == round(2 / 3, 4)
    assert r["false_low_quality_by_rule"] == {"glued_words": 1}
    assert r["actions_right_by_gold"]["keep"] == "0/1"


def test_sentence_scores_per_component_and_micro():
    gold = pd.DataFrame({"sent_id": ["s1", "s2", "s3"], "bond": [1, 0, 0], "goals": [0, 1, 0],
                         "tasks": [0, 0, 0], "rupture_repair": [0, 0, 1]})
    pred = pd.DataFrame({"sent_id": ["s1", "s2", "s3"], "pred_bond": [1, 1, 0],
                         "pred_goals": [0, 1, 0], "pred_tasks": [0, 0, 0],
                         "pred_rupture_repair": [0, 0, 0]})
    r = ev.sentence_scores(pred, gold)
    assert r["bond"] == {"precision": 0.5, "recall": 1.0, "f1": 0.667, "support": 1}
    assert r["rupture_repair"]["recall"] == 0.0
    assert r["micro"]["support"] == 3 and r["micro"]["precision"] == round(2 / 3, 3)


@pytest.mark.slow
def test_evaluate_runs_the_whole_analysis_on_stored_pages(tmp_path, monkeypatch):
    labels = _manifest(tmp_path, {"b1": PAGE_OK, "b2": PAGE_BAD})
    monkeypatch.setattr(ev, "HERE", labels)
    monkeypatch.setenv("REALWEB", str(tmp_path))
    r = ev.evaluate()
    assert r["stored"] == 2 and r["dev"]["pages"]["pages"] == 1 and r["test"]["pages"]["pages"] == 1


def test_duplicate_scores_check_the_kept_member_and_every_copy():
    pages = pd.DataFrame({"page_id": ["o1", "c1", "o2", "c2", "c3", "o3", "c4", "x"],
                          "split": ["dev", "dev", "dev", "dev", "dev", "test", "dev", "dev"],
                          "duplicate_of": ["", "o1", "", "o2", "o2", "", "o3", ""]})
    got = pd.DataFrame({"page_id": ["o1", "c1", "o2", "c2", "c3", "o3", "c4", "x"],
                        "near_duplicate_of": ["", "o1.jsonl#1", "c2.jsonl#1", "", "c2.jsonl#1",
                                              "", "", ""],
                        "dup_canonical_reason": ["r1", "r1", "r2", "r2", "r2", "", "", ""]})
    r = ev.duplicate_scores(got, pages, "dev")
    # o1 kept with its copy flagged; o2 flagged as a copy of c2; c4 (original in test) missed.
    assert r["clusters"] == 3 and r["found"] == 2 and r["original_kept"] == "1/3"
    assert r["copies_flagged"] == "2/4"
    assert r["wrong"] == ["o2: o2->c2, c2->-, c3->c2 (r2)", "o3: o3->-, c4->- ()"]
    assert ev.duplicate_scores(got, pages, "test")["clusters"] == 0
    assert r["false_links"] == []


def test_duplicate_scores_all_spun_clusters_and_false_links():
    # s1..s3: spins of a lost source (s1 labelled as the in-set "original"); x, y unrelated.
    pages = pd.DataFrame({"page_id": ["s1", "s2", "s3", "x", "y"], "split": ["dev"] * 5,
                          "duplicate_of": ["", "s1", "s1", "", ""], "spun": [1, 1, 1, 0, 0]})
    got = pd.DataFrame({"page_id": ["s1", "s2", "s3", "x", "y"],
                        "near_duplicate_of": ["s2.jsonl#1", "", "s2.jsonl#1", "y.jsonl#1", ""],
                        "dup_cluster": ["c", "c", "c", "d", "d"],
                        "dup_all_spun": [True, True, True, False, False],
                        "dup_kind": ["spun_copy", "", "spun_copy", "near", ""],
                        "dup_canonical_reason": ["r"] * 5})
    r = ev.duplicate_scores(got, pages, "dev")
    # Any member may be listed first: the cluster is whole and flagged all_spun.
    assert r["original_kept"] == "1/1" and r["copies_flagged"] == "2/2"
    assert r["false_links"] == ["x->y (near)"]
    got["dup_all_spun"] = False
    assert ev.duplicate_scores(got, pages, "dev")["original_kept"] == "0/1"


@pytest.mark.parametrize(("page_id", "expected"), [
    ("devc017", "devc"), ("dvb001", "dvb"), ("test120", "test"), ("", ""), ("spun", "spun")])
def test_collection_is_the_id_without_its_number(page_id, expected):
    assert ev.collection(page_id) == expected


def test_rules_tied_on_sound_pages_are_listed_by_name():
    pages = pd.DataFrame({"page_id": ["p1", "p2"], "low_quality": [False, False],
                          "spun": [False, False], "action": ["keep", "keep"]})
    got = pd.DataFrame({"page_id": ["p1", "p2"], "low_quality": ["true", "false"],
                        "spun": ["false", "false"], "action": ["keep", "keep"],
                        "quality_flags": ["zeta=1>0;alpha=2>1;mid=3>2", "mid=3>2"],
                        "action_reason": ["", ""]})
    r = ev.page_scores(got, pages)
    assert list(r["rule_fires_on_sound"]) == ["mid", "alpha", "zeta"]
    assert list(r["false_low_quality_by_rule"]) == ["alpha", "mid", "zeta"]


def test_sentences_say_which_labels_file_they_come_from(tmp_path):
    cols = {"sent_id": ["s1"], "split": ["dev"], "page_id": ["p1"], "start": [0], "end": [5],
            "sha1": ["0" * 40], "bond": [1], "goals": [0], "tasks": [0], "rupture_repair": [0],
            "kind": ["positive"], "notes": [""]}
    for tag in ("lb", "deve"):
        pd.DataFrame({**cols, "sent_id": [f"{tag}_s1"]}).to_csv(tmp_path / f"sentences_{tag}.csv", index=False)
    df = ev.load_sentences(tmp_path)
    assert dict(zip(df.sent_id, df.file, strict=True)) == {"lb_s1": "lb", "deve_s1": "deve"}


@pytest.mark.parametrize(("value", "expected"), [
    ("", []),
    ("remedy=>therapy", [("remedy", "therapy")]),
    (" nervousness => anxiety ;bad;=>x;y=>;12 months=>year", [("nervousness", "anxiety"), ("12 months", "year")]),
])
def test_parse_swaps(value, expected):
    assert ev.parse_swaps(value) == expected


@pytest.mark.parametrize(("text", "phrase", "expected"), [
    ("", "remedy", []),
    ("A remedy, a Remedy.", "remedy", [(2, 8)]),
    ("Remedy works; remedying is not it.", "remedy", [(0, 6)]),
    ("REMEDY periods", "remedy", [(0, 6)]),
    ("twelve  12\nmonths later", "12 months", [(8, 17)]),
    ("\u202e<b>x</b>", "remedy", []),
])
def test_locate_whole_words(text, phrase, expected):
    assert ev.locate(text, phrase) == expected


def test_swap_scores_caught_restored_and_flagged():
    text = "Remedy periods can help with nervousness and melancholy."
    pages = pd.DataFrame([
        {"page_id": "s1", "split": "dev", "spun": True,
         "swaps": "Remedy=>Therapy;nervousness=>anxiety;melancholy=>depression;absent=>x"},
        {"page_id": "s2", "split": "dev", "spun": True, "swaps": "periods=>sessions"},
        {"page_id": "c1", "split": "dev", "spun": False, "swaps": ""},
    ])
    got = pd.DataFrame([
        # "Remedy" restored, "nervousness" caught with a wrong original, "melancholy" missed,
        # and one span on no labelled swap
        {"page_id": "s1", "spun": "True", "analysed_text": text,
         "spin_spans": [(0, 6, "therapy"), (29, 40, "fear"), (7, 14, "")]},
        {"page_id": "s2", "spun": "False", "analysed_text": text, "spin_spans": []},
        {"page_id": "c1", "spun": "False", "analysed_text": text, "spin_spans": [(0, 6, "x")]},
    ])
    out = ev.swap_scores(got, pages)
    assert out["spun_pages"] == 2
    assert out["swaps_listed"] == 5
    assert out["swaps_located"] == 4          # "absent" is not in the text
    assert out["caught"] == 0.5               # 2 of 4 (the s2 swap is missed)
    assert out["caught_on_flagged"] == round(2 / 3, 4)
    assert out["restored_exactly"] == 0.5     # "Remedy" -> "therapy", not "nervousness"
    # (7, 14) "periods" is labelled on s2, not on s1: a span on no labelled swap
    assert out["spans_on_swaps"] == round(2 / 3, 4)


def test_swap_scores_without_spun_pages():
    pages = pd.DataFrame([{"page_id": "c1", "split": "dev", "spun": False, "swaps": ""}])
    got = pd.DataFrame([{"page_id": "c1", "spun": "False", "analysed_text": "", "spin_spans": []}])
    out = ev.swap_scores(got, pages)
    assert out["spun_pages"] == 0 and out["swaps_listed"] == 0
    assert math.isnan(out["caught"]) and math.isnan(out["restored_exactly"])


@pytest.mark.parametrize(("hits", "expected"), [
    ([(0, 6, "mood")], True),                          # one word of a two-word swap
    ([(0, 13, "Mood swings")], True),                  # the whole phrase, another case
    ([(0, 6, "mood"), (7, 13, "jumps")], False),       # a wrong span beside it
    ([(0, 6, "")], False),                             # caught without a suggestion
    ([(0, 6, "temper")], False),                       # the written word back
])
def test_restored_right_reads_the_covered_stretch(hits, expected):
    text = "temper swings, and nervousness dysfunction"
    gold = [(0, 13, "mood swings"), (19, 30, "anxiety"), (31, 42, "disorder")]
    assert ev.restored_right(text, hits, gold) is expected


def test_restored_right_applies_every_labelled_swap_it_covers():
    text = "temper swings, and nervousness dysfunction"
    gold = [(0, 13, "mood swings"), (19, 30, "anxiety"), (31, 42, "disorder")]
    assert ev.restored_right(text, [(19, 42, "anxiety disorder")], gold)
    assert ev.restored_right(text, [(31, 42, "disorder")], gold)
    # a span over two labelled swaps restores both or is wrong
    assert not ev.restored_right(text, [(19, 42, "nervousness disorder")], gold)
