"""read_corpus end to end on small corpora (pipeline/ingest/corpus.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.article import Article, IngestError
from pipeline.config import load_settings
from pipeline.ingest import read_corpus, source_of

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ingest" / "mini"


def _settings(**kw):
    return load_settings(ingest=kw).ingest


def _read(root: Path, **kw) -> list[Article | IngestError]:
    return list(read_corpus(root, _settings(**kw)))


def _ids(items) -> list[tuple[str, str]]:
    return [
        (i.article_id, "article") if isinstance(i, Article) else (i.path, i.reason)
        for i in items
    ]


@pytest.mark.parametrize(
    ("url", "declared", "rel", "expected"),
    [
        ("", "", "", "(root)"),
        ("https://www.a.example/x", "b.example", "site/x.txt", "a.example"),
        ("", "https://b.example", "site/x.txt", "b.example"),
        ("", "Calm Harbor", "site/x.txt", "Calm Harbor"),
        ("", "", "site/sub/x.txt", "site"),
        ("", "", "x.txt", "(root)"),
        ("javascript:alert(1)", "\n", "x\n.txt", "(root)"),  # hostile
    ],
)
def test_source_of(url: str, declared: str, rel: str, expected: str) -> None:
    assert source_of(url, declared, rel) == expected


def test_fixture_corpus() -> None:
    items = _read(FIXTURES)
    assert _ids(items) == [
        ("calm/notes.txt", "article"),
        ("calm/trust.html", "article"),
        ("feeds/array.json#1", "article"),
        ("feeds/array.json#2", "record is a JSON str, not an object"),
        ("feeds/array.json#3", "article"),
        ("feeds/export.csv#1", "article"),
        ("feeds/export.csv#2", "empty 'text' field"),
        ("feeds/scrape.jsonl#1", "article"),
        ("feeds/scrape.jsonl#2", "article"),
        (
            "feeds/scrape.jsonl#3",
            "invalid JSON: Unterminated string starting at: line 1 column 67 (char 66)",
        ),
        ("feeds/scrape.jsonl#4", "no text/content/body/html field"),
        ("feeds/scrape.jsonl#6", "article"),
        ("notes/plain.md", "article"),
    ]
    arts = {a.article_id: a for a in items if isinstance(a, Article)}
    notes = arts["calm/notes.txt"]
    assert notes.title == "Keeping notes between sessions"
    assert notes.boilerplate_lines == 4 and "Menu" not in notes.text
    assert notes.raw_chars > len(notes.text) + notes.boilerplate_chars - 10
    html = arts["calm/trust.html"]
    assert (html.source, html.author, html.date, html.site_name) == (
        "calmharbor.example", "Ada Moss", "2024-03-05", "Calm Harbor")
    assert "cookies" not in html.text and "Share on Facebook" not in html.text
    assert arts["feeds/scrape.jsonl#6"].language == "es"
    assert arts["feeds/scrape.jsonl#6"].source == "quietpath.example"
    assert arts["feeds/array.json#1"].source == "feeds"
    assert arts["notes/plain.md"].author == "P. Ortega"
    assert all(a.language_score > 0.5 and a.content_hash for a in arts.values())
    assert all(a.path == a.article_id.split("#")[0] for a in arts.values())


def test_progress_and_determinism(tiny_corpus: Path) -> None:
    seen: list[int] = []
    first = list(read_corpus(tiny_corpus, _settings(), seen.append))
    second = _read(tiny_corpus)
    assert seen == [1, 1, 1, 1, 1]  # one increment per file
    assert [i.__dict__ for i in first] == [i.__dict__ for i in second]
    assert _ids(first) == [
        ("goodsite.example/feed.jsonl#1", "article"),
        ("goodsite.example/feed.jsonl#2",
         "invalid JSON: Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
        ("goodsite.example/trust.txt", "article"),
        ("othersite.example/empty.txt", "empty file"),
        ("othersite.example/page.html", "article"),
        ("othersite.example/picture.png", "unsupported format (.png)"),
    ]


def test_exact_duplicates_kept_and_marked(tmp_path: Path) -> None:
    text = "Talking openly about goals helps. Your therapist wants to know what matters."
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text(text)
    (tmp_path / "b.txt").write_text("  " + text.upper().replace(" ", "\n") + "\n")
    (tmp_path / "c.txt").write_text(text + " Different ending.")
    arts = {a.article_id: a for a in _read(tmp_path)}
    assert arts["a/one.txt"].exact_duplicate_of == ""
    assert arts["b.txt"].exact_duplicate_of == "a/one.txt"
    assert arts["c.txt"].exact_duplicate_of == ""


def test_recurring_lines_removed_per_source(tmp_path: Path) -> None:
    footer = "Calm Harbor Counselling, 12 Quay Street"
    long_shared = ("This long sentence is shared by every page of the site and it is prose, so "
                   "it must never be removed by the recurrence rule however often it repeats.")
    for i in range(4):
        body = f"Article number {i} talks about a different aspect of therapy, item {i}."
        (tmp_path / "calm").mkdir(exist_ok=True)
        (tmp_path / "calm" / f"{i}.txt").write_text(f"{body}\n{long_shared}\n{footer}\n")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "x.txt").write_text(f"Other site text.\n{footer}\n")
    items = _read(tmp_path)
    arts = {a.article_id: a for a in items}
    for i in range(4):
        a = arts[f"calm/{i}.txt"]
        assert footer not in a.text and long_shared in a.text
        assert (a.boilerplate_lines, a.boilerplate_chars) == (1, len(footer))
        assert a.meta["boilerplate_rules"] == {"recurring_line": 1}
    assert footer in arts["other/x.txt"].text  # another source: one article, not recurring


def test_recurring_lines_respect_thresholds(tmp_path: Path) -> None:
    (tmp_path / "s").mkdir()
    for i in range(4):
        (tmp_path / "s" / f"{i}.txt").write_text(f"Unique text {i} here.\nShared short line\n")
    arts = _read(tmp_path, recurring_line_min_articles=5)
    assert all("Shared short line" in a.text for a in arts)


def test_all_boilerplate_becomes_error(tmp_path: Path) -> None:
    (tmp_path / "menu.txt").write_text("≡ Menu\nLeave a Comment\n")
    (tmp_path / "short.txt").write_text("Hi")
    items = _read(tmp_path, min_chars=5)
    assert _ids(items) == [
        ("menu.txt", "no text left after removing 2 boilerplate lines"),
        ("short.txt", "text too short (2 chars < min_chars=5)"),
    ]


def test_language_und_for_short_text(tmp_path: Path) -> None:
    (tmp_path / "s.txt").write_text("Ok then.")
    (art,) = _read(tmp_path)
    assert (art.language, art.language_score) == ("und", 0.0)


def test_warc_and_gzip_in_corpus(tmp_path: Path) -> None:
    from .builders import gz, page, warc_bytes

    (tmp_path / "crawl.warc.gz").write_bytes(warc_bytes(
        [("https://www.deep.example/p", "text/html", page("Deep").encode())], compress=True))
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "feed.jsonl.gz").write_bytes(gz(b'{"text": "Zipped record text."}\n'))
    items = _read(tmp_path)
    assert _ids(items) == [("crawl.warc.gz#3", "article"), ("s/feed.jsonl.gz#1", "article")]
    warc, feed = items
    assert (warc.source, warc.url, warc.format) == ("deep.example", "https://www.deep.example/p", "warc")
    assert (feed.source, feed.format, feed.meta["compression"]) == ("s", "jsonl", "gzip")


def test_text_bylines_give_author_and_date(tmp_path: Path) -> None:
    """The byline under a .txt title fills author and date (then leaves the text as a
    boilerplate line); Markdown front matter wins over its byline."""
    body = "Talking about what is not working is part of the work. " * 6
    site = tmp_path / "site.example"
    site.mkdir()
    (site / "post.txt").write_text(f"A Title\n\nBy Mara Jensen | 2 October 2024\n\n{body}\n")
    (site / "note.md").write_text(f"---\ndate: 2023-01-05\n---\n# Note\n\nBy Sam Lee, 4 May 2024\n\n{body}\n")
    (site / "plain.txt").write_text(f"Plain\n\n{body}\n")
    got = {a.article_id: a for a in _read(tmp_path) if isinstance(a, Article)}
    post, note, plain = got["site.example/post.txt"], got["site.example/note.md"], got["site.example/plain.txt"]
    assert (post.author, post.date, post.meta.get("date_source")) == ("Mara Jensen", "2024-10-02", "byline")
    assert "Mara Jensen" not in post.text
    assert (note.author, note.date, note.meta.get("date_source")) == ("Sam Lee", "2023-01-05", None)
    assert (plain.author, plain.date) == ("", "")
