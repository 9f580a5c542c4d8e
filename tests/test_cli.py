"""The one end-to-end test through the command line, on a tiny corpus we wrote."""

import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.tables import ARTICLE_COLUMNS, ERROR_COLUMNS, SENTENCE_COLUMNS, SPIN_COLUMNS

runner = CliRunner()


def test_analyze_end_to_end(tiny_corpus: Path, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    result = runner.invoke(app, ["analyze", str(tiny_corpus), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "articles" in result.output and "report.html" in result.output

    articles = pd.read_csv(out / "articles.csv")
    assert list(articles.columns[: len(ARTICLE_COLUMNS)]) == ARTICLE_COLUMNS
    assert sorted(articles.article_id) == [
        "goodsite.example/feed.jsonl#1", "goodsite.example/trust.txt", "othersite.example/page.html",
    ]
    assert articles.action.isin(["keep", "review", "rewrite", "remove"]).all()
    trust = articles.set_index("article_id").loc["goodsite.example/trust.txt"]
    assert trust.bond >= 1 and trust.goals >= 1 and trust.tasks >= 1
    assert not trust.spun
    assert 0 < trust.flesch_reading_ease < 100 and isinstance(trust.readability_band, str)
    assert trust.readability_band and trust.action_reason

    errors = pd.read_csv(out / "errors.csv")
    assert list(errors.columns) == ERROR_COLUMNS
    failed = set(errors.path)
    assert "goodsite.example/feed.jsonl#2" in failed  # the broken line, its file's good record kept
    assert {"othersite.example/empty.txt", "othersite.example/picture.png"} <= failed
    assert errors.reason.str.len().gt(0).all()

    sentences = pd.read_csv(out / "sentences.csv")
    assert list(sentences.columns[: len(SENTENCE_COLUMNS)]) == SENTENCE_COLUMNS
    spans = pd.read_csv(out / "spin_evidence.csv")
    assert list(spans.columns[: len(SPIN_COLUMNS)]) == SPIN_COLUMNS
    for name in ("comparison.csv", "comparison.md", "report.html", "articles.jsonl", "run.json"):
        assert (out / name).stat().st_size > 0, name


def test_help_explains_itself():
    result = runner.invoke(app, ["analyze", "--help"])
    assert result.exit_code == 0
    assert "Exit codes" in result.output and "--workers" in result.output


def test_missing_corpus_is_a_usage_error(tmp_path: Path):
    result = runner.invoke(app, ["analyze", str(tmp_path / "nope"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "corpus folder not found" in result.output


def test_output_inside_corpus_is_refused(tiny_corpus: Path):
    result = runner.invoke(app, ["analyze", str(tiny_corpus), "--out", str(tiny_corpus / "out")])
    assert result.exit_code == 2
    assert "inside the corpus" in result.output


@pytest.mark.parametrize("content, words", [
    ("[quality]\nno_such_threshold = 1\n", ["unknown key quality.no_such_threshold"]),
    ('[quality]\nmin_words = "eighty"\n', ["bad.toml", "quality.min_words", "eighty"]),
    ("[quality]\nmin_words = -5\n", ["quality.min_words", "greater than or equal to 0"]),
    ("[qualty]\nmin_words = 80\n", ["[qualty]", "did you mean [quality]?"]),
    ("[quality]\nmin_wrods = 80\n", ["did you mean 'min_words'?"]),
    ("min_words = 80\n", ["outside any section", "[quality]"]),
])
def test_bad_config_is_a_usage_error_naming_the_key(tiny_corpus: Path, tmp_path: Path, content, words):
    cfg = tmp_path / "bad.toml"
    cfg.write_text(content)
    out = tmp_path / "o"
    result = runner.invoke(app, ["analyze", str(tiny_corpus), "--out", str(out), "--config", str(cfg)])
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    for w in words:
        assert w in text
    assert not out.exists()  # stopped before any work


def test_config_error_keeps_a_long_path_whole(tiny_corpus: Path, tmp_path: Path):
    # A path longer than any terminal line must stay copyable: no wrap inside it.
    deep = tmp_path / ("x" * 70) / ("y" * 70)
    deep.mkdir(parents=True)
    cfg = deep / "bad.toml"
    cfg.write_text('[quality]\nmin_words = "eighty"\n')
    result = runner.invoke(app, ["analyze", str(tiny_corpus), "--out", str(tmp_path / "o"),
                                 "--config", str(cfg)])
    assert result.exit_code == 2
    assert str(cfg) in result.output


def test_negative_workers_is_a_usage_error(tiny_corpus: Path, tmp_path: Path):
    result = runner.invoke(app, ["analyze", str(tiny_corpus), "--out", str(tmp_path / "o"),
                                 "--workers", "-1"])
    assert result.exit_code == 2
    assert "--workers" in result.output


def test_config_help_shows_a_working_example(tmp_path: Path):
    result = runner.invoke(app, ["analyze", "--help"], env={"COLUMNS": "200"})
    text = " ".join(re.sub("[│╭╮╰╯─]", " ", result.output).split())  # the help's box, unwrapped
    assert "'[quality]' and 'min_words = 80'" in text and "[run] workers" in text
    cfg = tmp_path / "example.toml"
    cfg.write_text("[quality]\nmin_words = 80\n")
    from pipeline.config import load_settings

    assert load_settings(cfg).quality.min_words == 80


def test_strict_and_empty_corpus_exit_codes(tiny_corpus: Path, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["analyze", str(tiny_corpus), "--out", str(tmp_path / "o"),
                                 "--strict", "--quiet", "--workers", "1"])
    assert result.exit_code == 3
    empty = tmp_path / "empty"
    empty.mkdir()
    result = runner.invoke(app, ["analyze", str(empty), "--out", str(tmp_path / "o2"), "--quiet"])
    assert result.exit_code == 1
    assert "no supported files found" in result.output


def test_nothing_analysed_exits_1_with_the_common_reasons(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    corpus = tmp_path / "c"
    (corpus / "s").mkdir(parents=True)
    (corpus / "s" / "empty.txt").write_text("")
    (corpus / "s" / "blank.txt").write_text("   \n")
    (corpus / "s" / "noise.txt").write_bytes(bytes((i * 131 + 17) % 255 + 1 for i in range(3000)))
    result = runner.invoke(app, ["analyze", str(corpus), "--out", str(tmp_path / "o"),
                                 "--workers", "1"])
    assert result.exit_code == 1, result.output
    assert "nothing could be analysed" in result.output
    assert ("most common errors: 1 x binary content; 1 x empty file; 1 x no text"
            in result.output)
    errors = pd.read_csv(tmp_path / "o" / "errors.csv")
    assert errors.set_index("path").loc["s/noise.txt", "reason"].startswith("binary content")


def test_explain_a_record_and_a_multi_record_file(tmp_path: Path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    record = ("Trust with your counsellor grows slowly over the first sessions. Tell your "
              "counsellor what you hope will change by the end of the year. Ask why an exercise "
              "is suggested before you agree to try it at home. If a remark in session stung, "
              "raise it the next time you meet. ") * 2
    lines = [f'{{"title": "Record {i}", "text": "{record}"}}' for i in (1, 2)]
    (corpus / "feed.jsonl").write_text("\n".join(lines) + "\n")
    listed = runner.invoke(app, ["explain", str(corpus / "feed.jsonl")])
    assert listed.exit_code == 2
    assert "holds 2 records" in listed.output and "feed.jsonl#2" in listed.output
    assert "action:" not in listed.output  # no dump of every record
    one = runner.invoke(app, ["explain", f"{corpus / 'feed.jsonl'}#2"])
    assert one.exit_code == 0, one.output
    for part in ("action:", "why:", "quality", "spin score", "alliance components", "goals"):
        assert part in one.output, part
    missing = runner.invoke(app, ["explain", f"{corpus / 'feed.jsonl'}#9"])
    assert missing.exit_code == 2 and "no record #9" in missing.output
    nothing = runner.invoke(app, ["explain", str(tmp_path / "nope.txt")])
    assert nothing.exit_code == 2 and "not a file" in nothing.output


def test_explain_a_demo_spun_file():
    demo = Path(__file__).resolve().parent.parent / "corpus" / "wellnessdaily.example"
    spun = demo / "therapy" / "know-you-can-belief-your-specialist.html"
    result = runner.invoke(app, ["explain", str(spun), "--corpus", str(demo)])
    assert result.exit_code == 0, result.output
    for part in ("action: rewrite", "SPUN", "quality", "alliance components", "bond",
                 "readability: Flesch reading ease", "[-> "):
        assert part in result.output, part
