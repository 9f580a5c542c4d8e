"""Why a spun real-web page is missed: swap pairs, thesaurus coverage, the verdict path and the
page reader (tiny tables and pages we wrote; no real page text)."""

from __future__ import annotations

import csv
from collections import Counter
from types import SimpleNamespace

import pytest

from pipeline.config import SpinSettings
from tests.spin.conftest import detector  # noqa: F401  (the shipped detector fixture)
from workbench.realweb import spin_misses as sm


class _Thes:
    """A reverse thesaurus of three entries: ratio originals, wider suggestion originals."""

    ratio = {"remedy": (("therapy", 40),)}
    wider = {"remedy": (("therapy", 40), ("treatment", 90)), "fixation": (("obsession", 9),)}

    def originals(self, span):
        return self.ratio.get(span, ())

    def capped(self, cap):
        assert cap == 0   # coverage reads every suggestion original, not the detector's cap
        return SimpleNamespace(suggestion_originals=lambda s: self.wider.get(s, ()))


REF = SimpleNamespace(synonyms={"pair": {"couple"}})


def test_swap_pairs_split_equal_lengths_into_their_differing_words():
    assert sm.swap_pairs("Medicine addiction", "drug addiction") == [("medicine", "drug")]
    assert sm.swap_pairs("remedy", "therapy") == [("remedy", "therapy")]
    # Different lengths: one phrase for another.
    assert sm.swap_pairs("health and fitness", "health") == [("health and fitness", "health")]


@pytest.mark.parametrize(("written", "original", "kind"), [
    ("remedy", "therapy", "ratio"),
    ("remedy", "treatment", "suggestion"),
    ("pairs", "couple", "synonym"),       # through the lemma of the written word
    ("fixation", "addiction", "none"),
])
def test_coverage_names_the_table_that_knows_the_original(written, original, kind):
    assert sm.coverage(written, original, _Thes(), REF) == kind


def test_verdict_path_says_how_far_each_path_is():
    cfg = SpinSettings.of(None)
    feats = {"span_llr": 9.0, "span_llr_z": 2.0, "model_score": 0.5}
    path = sm.verdict_path(feats, 100, cfg)
    assert path["short_text"] is (cfg.norm_min_words > 100)
    assert path["combined"] == pytest.approx(2.0, abs=0.01)   # logit(0.5) = 0
    assert path["combined_short"] == pytest.approx(cfg.combined_threshold - 2.0, abs=0.01)
    assert path["model_short"] == pytest.approx(cfg.model_alone_threshold - 0.5, abs=1e-3)
    # Below model_alone_min_z the model cannot decide alone.
    low = sm.verdict_path({**feats, "span_llr_z": cfg.model_alone_min_z - 1.0}, 100, cfg)
    assert low["model_short"] is None


def test_coverage_table_counts_per_collection_and_overall():
    reports = {"deva001": {"swaps": [{"coverage": ["ratio", "none"]}]},
               "devb002": {"swaps": [{"coverage": ["none"]}, {"coverage": []}]}}
    table = sm.coverage_table(reports)
    assert table["all"] == Counter(ratio=1, none=2)
    assert table["deva"] == Counter(ratio=1, none=1)
    assert table["devb"] == Counter(none=1)


def _write(root, name, rows):
    folder = root / "workbench" / "realweb"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / name, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["page_id", "split", "spun", "swaps"])
        w.writeheader()
        w.writerows(rows)


def test_pages_reads_spun_pages_of_the_split_and_never_a_blind_collection(tmp_path):
    pages = tmp_path / ".realweb" / "pages"
    pages.mkdir(parents=True)
    for pid in ("deva001", "deva002", "deva003", "devz001"):
        (pages / f"{pid}.txt").write_text(f"text of {pid}", encoding="utf-8")
    _write(tmp_path, "pages_deva.csv", [
        {"page_id": "deva001", "split": "dev", "spun": "1", "swaps": "remedy=>therapy"},
        {"page_id": "deva002", "split": "dev", "spun": "0", "swaps": ""},
        {"page_id": "deva003", "split": "test", "spun": "1", "swaps": "remedy=>therapy"}])
    _write(tmp_path, "pages_devz.csv", [
        {"page_id": "devz001", "split": "dev", "spun": "1", "swaps": "remedy=>therapy"}])
    got = sm._pages(tmp_path, "dev", ["devz"])
    assert got == [("deva001", "text of deva001", "remedy=>therapy")]
    assert [p for p, _, _ in sm._pages(tmp_path, "dev", [])] == ["deva001", "devz001"]


def test_page_report_on_a_tiny_spun_text(detector):  # noqa: F811
    text = ("Many people look for remedy when they feel low. A good remedy session helps "
            "clients talk about their melancholy and find new ways to cope with stress. ") * 3
    rep = sm.page_report(detector, text, [("melancholy", "depression"), ("absent", "gone")])
    assert set(rep["path"]) >= {"z", "model", "combined", "combined_short", "model_short"}
    assert rep["path"]["words"] == len(text.split())
    found = {r["written"]: r["found"] for r in rep["swaps"]}
    assert found == {"melancholy": True, "absent": False}
    assert all(k in sm.KINDS for r in rep["swaps"] for k in r["coverage"])
