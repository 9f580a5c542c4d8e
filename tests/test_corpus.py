"""The demo corpus is what corpus/README.md says it is (checked without running the pipeline).

The README's "Articles" table is the manifest: one row per article (a file, or ``file#N`` for
record N of a JSONL/CSV file) with the verdicts the pipeline should reach. Its "Spin
fingerprints" table lists spans that must occur in the spun articles. ``load_manifest`` and
``article_body`` are plain helpers other tests may import.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import os
import re
from collections import Counter
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
README = CORPUS / "README.md"

ACTIONS = {"keep", "review", "rewrite", "remove"}
COMPONENTS = {"bond", "goals", "tasks", "rupture_repair"}
VERDICTS = {"yes", "no", "either"}  # "either": the README does not pin this verdict
ARTICLE_COLUMNS = [
    "article_id", "format", "source", "language", "words", "low_quality", "why",
    "spun", "components", "minor", "action", "duplicate_of",
]
FORMATS = {".txt": "txt", ".html": "html", ".jsonl": "jsonl", ".csv": "csv"}
WORD = re.compile(r"\w+(?:['’-]\w+)*")


# ----------------------------------------------------------------------------- helpers
def _cells(line: str) -> list[str]:
    """The cells of a Markdown table row; ``\\|`` is a literal pipe inside a cell."""
    inner = line.strip().removeprefix("|").removesuffix("|")
    return [c.strip().strip("`").replace("\\|", "|") for c in re.split(r"(?<!\\)\|", inner)]


def markdown_table(text: str, first_header: str) -> list[dict[str, str]]:
    """Rows of the first Markdown table whose first header cell is ``first_header``."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("|") and _cells(line)[0] == first_header:
            header = _cells(line)
            rows = []
            for row in lines[i + 2:]:
                if not row.startswith("|"):
                    break
                cells = _cells(row)
                rows.append(dict(zip(header, cells, strict=True)))
            return rows
    return []


@cache
def load_manifest() -> tuple[dict[str, str], ...]:
    """The README's article table, one dict per row (values as written, backticks removed)."""
    if not README.is_file():
        return ()
    return tuple(markdown_table(README.read_text(encoding="utf-8"), "article_id"))


def load_fingerprints() -> list[dict[str, str]]:
    """The README's spin-fingerprint table: spun_article, span (as spun), original."""
    if not README.is_file():
        return []
    return markdown_table(README.read_text(encoding="utf-8"), "spun_article")


def corpus_files() -> list[str]:
    """Every file under corpus/ (POSIX, relative), the README excepted."""
    return sorted(
        p.relative_to(CORPUS).as_posix()
        for p in CORPUS.rglob("*")
        if p.is_file() and p != README
    )


def records(rel: str) -> list[dict[str, str]]:
    """The records of a JSONL or CSV file, in order (record N is ``rel#N``)."""
    text = (CORPUS / rel).read_text(encoding="utf-8")
    if rel.endswith(".jsonl"):
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return list(csv.DictReader(io.StringIO(text)))


def article_ids() -> list[str]:
    """Every article id the corpus holds, expanding multi-record files."""
    ids = []
    for rel in corpus_files():
        if rel.endswith((".jsonl", ".csv")):
            ids += [f"{rel}#{n}" for n in range(1, len(records(rel)) + 1)]
        else:
            ids.append(rel)
    return ids


class _BodyParser(HTMLParser):
    """Text of the class-less <p>/<h2>/<li> elements inside <article> (or anywhere, for a
    fragment), outside <aside>/<form>: the article body without the page furniture."""

    BLOCKS = {"p", "h2", "h3", "li"}
    SKIP = {"aside", "form", "nav", "header", "footer", "script", "style"}

    def __init__(self, fragment: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.depth_article = 1 if fragment else 0
        self.depth_skip = 0
        self.capture = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "article":
            self.depth_article += 1
        elif tag in self.SKIP:
            self.depth_skip += 1
        elif (tag in self.BLOCKS and self.depth_article and not self.depth_skip
              and (self.capture or not any(k == "class" for k, _ in attrs))):
            self.capture += 1
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag == "article":
            self.depth_article = max(0, self.depth_article - 1)
        elif tag in self.SKIP:
            self.depth_skip = max(0, self.depth_skip - 1)
        elif tag in self.BLOCKS and self.capture:
            self.capture -= 1

    def handle_data(self, data):
        if self.capture:
            self.parts.append(data)


def html_body(markup: str, fragment: bool = False) -> str:
    """The article body of an HTML page (or fragment) as plain text."""
    parser = _BodyParser(fragment)
    parser.feed(markup)
    parser.close()
    lines = ("".join(parser.parts)).splitlines()
    return "\n".join(" ".join(line.split()) for line in lines if line.strip())


@cache
def _recurring_lines(folder: str) -> frozenset[str]:
    """Lines found in at least three .txt files of one folder: that site's footer."""
    counts: Counter[str] = Counter()
    for rel in corpus_files():
        if rel.endswith(".txt") and rel.rsplit("/", 1)[0] == folder:
            text = (CORPUS / rel).read_text(encoding="utf-8")
            counts.update({line.strip() for line in text.splitlines() if line.strip()})
    return frozenset(line for line, n in counts.items() if n >= 3)


def article_body(article_id: str) -> str:
    """The hand-written article text of one article, without title, byline and boilerplate."""
    rel, _, n = article_id.partition("#")
    if n:
        rec = records(rel)[int(n) - 1]
        return rec.get("text") or html_body(rec.get("html", ""), fragment=True)
    raw = (CORPUS / rel).read_text(encoding="utf-8")
    if rel.endswith(".html"):
        return html_body(raw)
    footer = _recurring_lines(rel.rsplit("/", 1)[0])
    lines = raw.splitlines()[1:]  # the first line is the title
    return "\n".join(
        ln for ln in lines if ln.strip() and ln.strip() not in footer and not ln.startswith("By ")
    )


def word_count(text: str) -> int:
    return len(WORD.findall(text))


def changed_share(original: str, spun: str) -> float:
    """Share of the original's words that the spun text does not keep (word-level alignment)."""
    a, b = WORD.findall(original.lower()), WORD.findall(spun.lower())
    if not a:
        return 0.0
    kept = sum(m.size for m in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
    return 1 - kept / len(a)


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if len(s.split()) >= 4]


def row(article_id: str) -> dict[str, str]:
    return next(r for r in load_manifest() if r["article_id"] == article_id)


def rows_where(**conditions: str) -> list[dict[str, str]]:
    return [r for r in load_manifest() if all(r[k] == v for k, v in conditions.items())]


# ----------------------------------------------------------------------------- helper tests
@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        ("", ""),
        ("<article><p>Hello there.</p><p class='share'>Share on Facebook</p></article>", "Hello there."),
        ("<nav><p>Home</p></nav><article><h2>Why</h2><aside><p>Bio</p></aside></article>", "Why"),
        ("<article><p>unclosed <b>tags & stray </i> end", "unclosed tags & stray end"),
        ("<p>outside any article</p>", ""),
    ],
)
def test_html_body_keeps_only_the_article_text(markup: str, expected: str) -> None:
    assert html_body(markup) == expected


@pytest.mark.parametrize(
    ("original", "spun", "expected"),
    [
        ("", "", 0.0),
        ("the client trusts the therapist", "the client trusts the therapist", 0.0),
        ("the client trusts the therapist", "the consumer trusts the specialist", 0.4),
        ("", "words only on the spun side", 0.0),
        ("{a|b} }}{{ ||", "", 1.0),  # hostile: spinner syntax, stray braces
    ],
)
def test_changed_share(original: str, spun: str, expected: float) -> None:
    assert changed_share(original, spun) == pytest.approx(expected)


# ----------------------------------------------------------------------------- the manifest
def test_readme_table_lists_exactly_the_articles_in_the_corpus() -> None:
    listed = [r["article_id"] for r in load_manifest()]
    assert len(listed) == len(set(listed)), "an article is listed twice"
    assert sorted(listed) == sorted(article_ids())


def test_readme_values_are_valid() -> None:
    ids = {r["article_id"] for r in load_manifest()}
    for r in load_manifest():
        assert list(r) == ARTICLE_COLUMNS, r["article_id"]
        assert r["format"] == FORMATS[Path(r["article_id"].partition("#")[0]).suffix], r
        assert r["source"] == r["article_id"].split("/")[0], r
        assert r["low_quality"] in VERDICTS and r["spun"] in VERDICTS, r
        assert r["action"] in ACTIONS, r
        for column in ("components", "minor"):
            named = set(r[column].split()) - {"none", "n/a"}
            assert named <= COMPONENTS, r
        assert not set(r["components"].split()) & set(r["minor"].split()) - {"none", "n/a"}, r
        assert r["duplicate_of"] in ids | {"none"}, r
        assert r["duplicate_of"] != r["article_id"], r


def test_corpus_has_the_required_mix() -> None:
    rows = load_manifest()
    assert len(rows) >= 16
    assert {r["format"] for r in rows} >= set(FORMATS.values())
    assert 4 <= len({r["source"] for r in rows}) <= 5
    assert len(rows_where(spun="yes")) >= 3
    assert len(rows_where(low_quality="yes")) >= 3
    assert {r["action"] for r in rows} == ACTIONS
    assert sum(r["language"] != "en" for r in rows) == 1
    for label in COMPONENTS:  # every component is the main subject of several articles
        assert sum(label in r["components"].split() for r in rows) >= 4, label
    assert [r for r in rows if r["components"] == "none" and r["low_quality"] == "no"
            and r["language"] == "en"], "no clean article without alliance content (a negative)"


@pytest.mark.parametrize("article_id", [r["article_id"] for r in load_manifest()])
def test_word_counts_match_the_readme_and_the_brief(article_id: str) -> None:
    words = word_count(article_body(article_id))
    r = row(article_id)
    assert words == int(r["words"])
    if "stub" in r["why"]:
        assert 60 <= words <= 90
    else:
        assert 250 <= words <= 700


# ----------------------------------------------------------------------------- formats
@pytest.mark.parametrize("rel", [f for f in corpus_files() if f.endswith(".html")])
def test_html_pages_are_full_pages_with_metadata(rel: str) -> None:
    page = (CORPUS / rel).read_text(encoding="utf-8")
    for needle in ("<title>", 'name="author"', 'property="og:site_name"', 'rel="canonical"',
                   'property="article:published_time"', "<nav", "<footer", "cookie", "<form"):
        assert needle in page, needle
    canonical = re.search(r'rel="canonical" href="([^"]+)"', page).group(1)
    assert re.match(r"https://[a-z]+\.example/", canonical)


def test_urls_name_the_site_of_their_folder() -> None:
    for r in load_manifest():
        rel, _, n = r["article_id"].partition("#")
        if n:
            url = records(rel)[int(n) - 1]["url"]
        elif rel.endswith(".html"):
            url = re.search(r'rel="canonical" href="([^"]+)"', (CORPUS / rel).read_text("utf-8"))[1]
        else:
            continue
        assert url.split("/")[2] == r["source"], (r["article_id"], url)


def test_jsonl_and_csv_records_have_the_documented_fields() -> None:
    jsonl = [f for f in corpus_files() if f.endswith(".jsonl")]
    csvs = [f for f in corpus_files() if f.endswith(".csv")]
    assert len(jsonl) == 1 and len(csvs) == 1
    recs = records(jsonl[0])
    assert len(recs) >= 3
    for rec in recs:
        assert {"url", "title", "author", "date"} <= set(rec)
        assert ("text" in rec) != ("html" in rec)
    assert any("html" in rec for rec in recs) and any("text" in rec for rec in recs)
    header = (CORPUS / csvs[0]).read_text(encoding="utf-8").splitlines()[0]
    assert header == "url,title,text"
    for rec in recs + records(csvs[0]):
        assert re.match(r"https://[a-z]+\.example/", rec["url"]), rec["url"]


# ----------------------------------------------------------------------------- verdict evidence
def test_exact_duplicate_is_byte_identical() -> None:
    dups = [r for r in load_manifest() if "exact duplicate" in r["why"]]
    assert len(dups) == 1
    a, b = dups[0]["article_id"], dups[0]["duplicate_of"]
    assert (CORPUS / a).read_bytes() == (CORPUS / b).read_bytes()


def test_near_duplicate_keeps_the_body_and_changes_intro_and_footer() -> None:
    near = [r for r in load_manifest() if "near-duplicate" in r["why"]]
    assert len(near) == 1
    copy = sentences(article_body(near[0]["article_id"]))
    original = sentences(article_body(near[0]["duplicate_of"]))
    shared = set(copy) & set(original)
    assert len(shared) >= 0.8 * len(original)
    assert copy[0] != original[0] and copy[-1] != original[-1]


def test_spun_copy_swaps_15_to_35_percent_of_its_source() -> None:
    pairs = [r for r in load_manifest() if r["spun"] == "yes" and r["duplicate_of"] != "none"]
    assert len(pairs) == 1, "exactly one spun copy whose source is in the corpus"
    share = changed_share(article_body(pairs[0]["duplicate_of"]), article_body(pairs[0]["article_id"]))
    assert 0.15 <= share <= 0.35


def test_spin_fingerprints_occur_where_the_readme_says() -> None:
    prints = load_fingerprints()
    spun = {r["article_id"] for r in rows_where(spun="yes")}
    assert {p["spun_article"] for p in prints} == spun
    for p in prints:
        assert p["span"] in article_body(p["spun_article"]), p
    signals = " ".join(p["span"] for p in prints)
    assert re.search(r"\{[^{}|]+\|[^{}]+\}", signals), "a leftover {a|b} spinner syntax"
    assert re.search(r"\b(an [bcdfghjklmnpqrstvwxz]|a [aeiou])", signals), "an a/an mismatch"
    assert "Affiliation" in signals, "a mangled organisation name"


def test_spun_source_and_unusual_article_carry_no_fingerprints() -> None:
    prints = [p["span"] for p in load_fingerprints() if not p["span"].startswith("{")]
    for r in load_manifest():
        if r["spun"] == "no" and r["language"] == "en" and "stitched" not in r["why"]:
            body = article_body(r["article_id"])
            hits = [s for s in prints if re.search(rf"\b{re.escape(s)}\b", body)]
            assert len(hits) <= 1, (r["article_id"], hits)


def test_stitched_and_seo_pages_show_their_junk() -> None:
    stitched = [r for r in load_manifest() if "stitched" in r["why"]]
    seo = [r for r in load_manifest() if "keyword-stuffed" in r["why"]]
    assert len(stitched) == 1 and len(seo) == 1
    body = article_body(stitched[0]["article_id"])
    assert re.search(r"Posted: .+ GMT \[source\]", body) and "Go here" in body
    seo_body = article_body(seo[0]["article_id"]).lower()
    assert seo_body.count("therapist near me") / word_count(seo_body) > 0.05


def test_boilerplate_site_repeats_its_footer_lines() -> None:
    heavy = [r["article_id"] for r in load_manifest() if "boilerplate" in r["why"]]
    assert len(heavy) >= 3
    pages = [(CORPUS / a.partition("#")[0]).read_text(encoding="utf-8") for a in heavy]
    for needle in ("Share on Facebook", "Leave a Comment", "Please enter your name here",
                   r"\d+ views\d+ comments?", "Related posts", "cookies"):
        assert all(re.search(needle, page) for page in pages), needle


def test_languages_are_as_listed() -> None:
    py3langid = pytest.importorskip("py3langid")
    for r in load_manifest():
        lang, _ = py3langid.classify(article_body(r["article_id"]))
        assert lang == r["language"], r["article_id"]


# ----------------------------------------------------------------------------- originality
def _shingles(text: str, n: int = 8) -> set[tuple[str, ...]]:
    words = WORD.findall(text.lower())
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def test_nothing_is_copied_from_shared() -> None:
    shared = ROOT / os.environ.get("SHARED", "../shared")
    if not (shared / "seeds").is_dir():
        pytest.skip(f"shared reference data not found at {shared.resolve()} (set SHARED=...)")
    reference: set[tuple[str, ...]] = set()
    for seed in sorted((shared / "seeds").glob("*.txt")):
        reference |= _shingles(seed.read_text(encoding="utf-8", errors="replace"))
    chat = shared / "data" / "counsel_chat_train.csv"
    if chat.is_file():
        with chat.open(encoding="utf-8", errors="replace", newline="") as fh:
            for rec in csv.DictReader(fh):
                reference |= _shingles(rec.get("answerText") or "")
    for r in load_manifest():
        overlap = _shingles(article_body(r["article_id"])) & reference
        assert not overlap, (r["article_id"], sorted(overlap)[:3])
