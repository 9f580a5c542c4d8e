"""Tests for the alliance sentence splitter and the labelled-set loader."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from workbench.alliance.dataset import (
    DATASET_PATH,
    LABELS,
    ORIGINS,
    load_labelled,
    sha1,
    split_sentences,
)

ROOT = Path(__file__).resolve().parents[3]
SHARED = (ROOT / os.environ.get("SHARED", "../shared")).resolve()


def texts(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("   \n\n\t ", []),
        ("One. Two!", ["One.", "Two!"]),
        ("Is it safe? Ask them.", ["Is it safe?", "Ask them."]),
        # glued boundaries, as scraped answers often have them
        ("Tell your counselor.If it fails, leave.", ["Tell your counselor.", "If it fails, leave."]),
        ("It was fine?Then it was not.", ["It was fine?", "Then it was not."]),
        ('She said "no."Then she left.', ['She said "no."', "Then she left."]),
        ("be kind.2) Be clear.", ["be kind.", "2) Be clear."]),
        # abbreviations, initials and addresses do not end a sentence
        ("Ask Dr. Lee about it. She knows.", ["Ask Dr. Lee about it.", "She knows."]),
        ("Use a tool, e.g. a diary. Then rest.", ["Use a tool, e.g. a diary.", "Then rest."]),
        ("Tools (i.e. worksheets) help.", ["Tools (i.e. worksheets) help."]),
        ("Hatcher, R. L. wrote it.", ["Hatcher, R. L. wrote it."]),
        ("See www.ExampleSite.org today.", ["See www.ExampleSite.org today."]),
        ("Wait... maybe not. Fine.", ["Wait... maybe not.", "Fine."]),
        # closing quotes and brackets stay with their sentence
        ('(It helps.) Next one.', ["(It helps.)", "Next one."]),
        # bullets and numbered lines are sentences of their own, without the marker
        ("Expect:\n  1. Safety\n  2. Care.\n• Trust", ["Expect:", "Safety", "Care.", "Trust"]),
        ("* Note: be honest\n- Ask questions", ["Note: be honest", "Ask questions"]),
        # headings and blank lines split; a hard-wrapped sentence stays whole
        ("A Title\n\nBody text here.", ["A Title", "Body text here."]),
        ("a long sentence that\ncontinues here.", ["a long sentence that\ncontinues here."]),
        ("Line one.\nLine two.", ["Line one.", "Line two."]),
        ("Windows line.\r\nNext line.", ["Windows line.", "Next line."]),
        # hostile: no letters, long runs of punctuation, control characters, no spaces
        ("... !!! ??? ---", []),
        ("." * 500, []),
        ("\x00\x01 ok.\x02", ["\x00\x01 ok.\x02"]),
        ("a" * 2000 + ".B", ["a" * 2000 + ".B"]),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "Plain. Text.", "glued.Sentences.Here", "x\n\n  • y.\r\nZ!?", "Dr. e.g. i.e.\n1. 2."],
)
def test_spans_index_the_original_text(text: str) -> None:
    spans = split_sentences(text)
    assert spans == sorted(spans)
    for (s, e), (s2, _) in zip(spans, spans[1:], strict=False):
        assert s < e <= s2
    for s, e in spans:
        assert text[s:e] == text[s:e].strip()
    assert split_sentences(text) == spans  # deterministic


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", "da39a3ee5e6b4b0d3255bfef95601890afd80709"), ("abc", "a9993e364706816aba3e25717850c26c9cd0d89d")],
)
def test_sha1(text: str, expected: str) -> None:
    assert sha1(text) == expected


@pytest.fixture(scope="module")
def labelled() -> pd.DataFrame:
    if not (SHARED / "seeds").is_dir() or not (SHARED / "data" / "counsel_chat_train.csv").is_file():
        pytest.skip(f"shared data not found at {SHARED} (set SHARED to the shared folder)")
    return load_labelled(SHARED, ROOT)


def test_loader_rebuilds_every_row(labelled: pd.DataFrame) -> None:
    refs = pd.read_csv(ROOT / DATASET_PATH, keep_default_na=False)
    assert labelled.attrs["skipped"] == []
    assert len(labelled) == len(refs)
    assert list(labelled.columns[:4]) == ["text", "origin", "doc", "group"]
    assert set(labelled["origin"]) <= set(ORIGINS)
    assert labelled[list(LABELS)].isin([0, 1]).all().all()
    assert (labelled["text"].str.len() > 0).all()


def test_every_seed_sentence_is_labelled(labelled: pd.DataFrame) -> None:
    from workbench.alliance.dataset import read_seed

    seeds = sorted(p.name for p in (SHARED / "seeds").glob("*.txt"))
    got = labelled[labelled["origin"] == "seed"]
    for name in seeds:
        spans = split_sentences(read_seed(SHARED, name))
        rows = got[got["doc"] == name]
        assert list(zip(rows["start"], rows["end"], strict=True)) == spans, name


def test_label_balance(labelled: pd.DataFrame) -> None:
    counts = labelled[list(LABELS)].sum()
    assert len(labelled) >= 700
    assert counts["rupture_repair"] >= 60
    for label in ("bond", "goals", "tasks"):
        assert counts[label] >= 100, label


def test_groups_keep_counsel_chat_questions_together(labelled: pd.DataFrame) -> None:
    chat = labelled[labelled["origin"] == "counsel_chat"]
    qids = chat["doc"].str.split("-q").str[1]
    assert (chat["group"] == "counsel_chat:q" + qids).all()


def test_loader_skips_mismatched_rows(tmp_path: Path, labelled: pd.DataFrame) -> None:
    refs = pd.read_csv(ROOT / DATASET_PATH, keep_default_na=False).head(3)
    refs.loc[0, "sha1"] = "0" * 40
    refs.loc[1, "doc"] = "missing.txt"
    (tmp_path / DATASET_PATH).parent.mkdir(parents=True)
    refs.to_csv(tmp_path / DATASET_PATH, index=False)
    with pytest.warns(UserWarning, match="skipped 2"):
        frame = load_labelled(SHARED, tmp_path)
    assert len(frame) == 1
    assert [reason for *_, reason in frame.attrs["skipped"]] == ["sha1 mismatch", "source missing"]


def test_loader_reads_corpus_rows_from_their_text(tmp_path: Path) -> None:
    text = "A counsellor who listens helps you feel safe."
    row = {"origin": "corpus", "doc": "demo/a.md", "start": 0, "end": len(text), "sha1": sha1(text),
           "bond": 1, "goals": 0, "tasks": 0, "rupture_repair": 0, "note": "", "text": text}
    (tmp_path / DATASET_PATH).parent.mkdir(parents=True)
    pd.DataFrame([row]).to_csv(tmp_path / DATASET_PATH, index=False)
    frame = load_labelled(tmp_path / "no-shared", tmp_path)
    assert frame.loc[0, "text"] == text
    assert frame.loc[0, "group"] == "corpus:demo/a.md"
    assert frame.loc[0, "bond"] == 1
