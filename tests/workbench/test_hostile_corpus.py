"""workbench.hostile: the hostile corpus goes through `analyze` and no file is lost."""

from __future__ import annotations

from pathlib import Path

from workbench.hostile import hostile_texts, run_hostile


def test_hostile_texts_hold_their_degenerate_parts():
    texts = hostile_texts(600)
    assert "a" * 1200 in texts["long_word.txt"]
    assert texts["glued_word.txt"].endswith("therapy" * 200)
    assert len(texts["small_vocab_1.txt"].split()) == 600
    assert texts["small_vocab_1.txt"] != texts["small_vocab_2.txt"]


def test_every_hostile_file_is_analysed_or_listed_with_a_reason(tmp_path, monkeypatch):
    # A relative root, as `python -m workbench hostile` passes by default (reports/hostile).
    monkeypatch.chdir(tmp_path)
    result = run_hostile(Path("reports/hostile"), size=600)
    assert result["files"] == 9
    assert result["lost"] == []
    assert len(result["analysed"]) + len(result["errors"]) == 9
    assert all(result["errors"].values())
    # Markup before the text is a saved page, invisible characters are cleaned: not binary data.
    assert {"empty_tags.txt", "zero_width.txt"} <= set(result["analysed"])
