"""write_reports: every file of the output contract, deterministic and safe with hostile text."""

from __future__ import annotations

import json
import random

import openpyxl
import pandas as pd
import pytest

from pipeline.report import write_reports
from pipeline.tables import ARTICLE_COLUMNS, SENTENCE_COLUMNS, SPIN_COLUMNS

CONTRACT = ["articles.csv", "sentences.csv", "spin_evidence.csv", "comparison.csv",
            "comparison.md", "sources.csv", "errors.csv", "articles.jsonl", "articles.parquet",
            "sentences.parquet", "spin_evidence.parquet", "comparison.parquet",
            "sources.parquet", "audit.xlsx", "report.html", "report.md", "run.json"]
DETERMINISTIC = [n for n in CONTRACT if n.endswith((".csv", ".md", ".jsonl"))]


@pytest.fixture
def written(tmp_path, corpus, run_info):
    articles, errors = corpus
    write_reports(tmp_path, articles, errors, run_info)
    return tmp_path


def test_every_contract_file_is_written(written):
    names = {p.name for p in written.iterdir()}
    assert set(CONTRACT) <= names
    assert not [n for n in names if n.startswith(".")]  # no temporary leftovers


def test_tables_have_the_contract_columns(written):
    arts = pd.read_csv(written / "articles.csv")
    assert list(arts.columns[: len(ARTICLE_COLUMNS)]) == ARTICLE_COLUMNS
    assert len(arts) == 8
    sents = pd.read_csv(written / "sentences.csv")
    assert list(sents.columns[: len(SENTENCE_COLUMNS)]) == SENTENCE_COLUMNS
    spins = pd.read_csv(written / "spin_evidence.csv")
    assert list(spins.columns) == SPIN_COLUMNS and len(spins) == 6
    assert pd.read_csv(written / "errors.csv").path.tolist() == ["broken.pdf", "feed.jsonl#3"]
    assert set(pd.read_csv(written / "sources.csv").source) == {
        "alpha.example", "beta.example", "gamma.example"}


def test_parquet_matches_csv(written):
    for name in ("articles", "sentences", "spin_evidence", "comparison", "sources"):
        pq = pd.read_parquet(written / f"{name}.parquet")
        csv = pd.read_csv(written / f"{name}.csv")
        assert list(pq.columns) == list(csv.columns), name
        assert len(pq) == len(csv), name


def test_same_input_gives_byte_identical_files(tmp_path, corpus, run_info):
    articles, errors = corpus
    write_reports(tmp_path / "one", articles, errors, run_info)
    shuffled = articles[:]
    random.Random(3).shuffle(shuffled)
    write_reports(tmp_path / "two", shuffled, list(reversed(errors)),
                  {**run_info, "started": "2030-05-05T00:00:00+00:00", "seconds": 9.0})
    for name in DETERMINISTIC:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name


def test_articles_jsonl_keeps_text_for_offsets(written, corpus):
    lines = (written / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["article_id"] for r in records] == sorted(a.article_id for a in corpus[0])
    spun = next(r for r in records if r["article_id"] == "beta/spun.html")
    for span in spun["spin_spans"]:
        assert spun["text"][span["start_char"]:span["end_char"]] == span["text"]


def test_run_json_holds_the_run_info(written, run_info):
    data = json.loads((written / "run.json").read_text(encoding="utf-8"))
    assert data["config_digest"] == run_info["config_digest"]
    assert data["config"]["dedup"]["shingle_words"] == 5


def test_workbook_is_formatted_and_text_is_never_a_formula(written, hostile):
    wb = openpyxl.load_workbook(written / "audit.xlsx")
    assert wb.sheetnames == ["Sources", "Comparison", "Articles", "Spin evidence", "Sentences",
                             "Duplicates", "Errors"]
    ws = wb["Comparison"]
    assert ws.freeze_panes == "D2"  # header row, source, article_id and title stay in view
    assert wb["Articles"].freeze_panes == "B2"
    articles = wb["Articles"]
    url = next(c for c in articles["C"][1:] if c.value and c.value.startswith("https://"))
    assert url.hyperlink is not None and url.hyperlink.target == url.value
    sources = wb["Sources"]
    header = [c.value for c in sources[1]]
    share = sources.cell(row=2, column=header.index("share_spun") + 1)
    assert share.number_format == "0%"
    assert ws.auto_filter.ref
    assert ws.conditional_formatting  # action colours, score scales
    titles = [c.value for c in ws["C"]]
    assert hostile in titles
    formula = next(c for c in wb["Articles"]["D"] if c.value == "=SUM(1,2)")
    assert formula.data_type == "s"
    cells = [c.value for row in wb["Articles"].iter_rows() for c in row]
    assert not {"<NA>", "nan", "None"} & {str(v) for v in cells if v is not None}  # stay empty


def test_markdown_escapes_article_text(written):
    for name in ("report.md", "comparison.md"):
        text = (written / name).read_text(encoding="utf-8")
        assert "<script>" not in text and "<img" not in text, name
        if name == "report.md":  # comparison.md's narrowed article table has no titles
            assert "&lt;img src=x onerror=" in text, name
        assert "NA&gt;" not in text and "| nan |" not in text, name  # missing values are empty


def test_comparison_md_article_table_is_narrow(written):
    text = (written / "comparison.md").read_text(encoding="utf-8")
    header = next(line for line in text.split("## Per article")[1].splitlines()
                  if line.startswith("| source"))
    assert header.count("|") - 1 <= 12 and "reading ease" in header
    per_source = text.split("## Per article")[0]
    assert "reading ease" in per_source and "%" in per_source  # shares as percentages


def test_html_escapes_article_text(written):
    html = (written / "report.html").read_text(encoding="utf-8")
    assert "<script>window.__pwned" not in html
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=" in html
    assert 'href="javascript:' not in html


def test_streamed_html_is_the_rendered_page(written, corpus, run_info):
    """report.html is streamed to disk in pieces; it must be the page render_html returns."""
    from pipeline.report.html import build_context, render_html
    from pipeline.report.writer import _report_options
    from pipeline.tables import articles_table, sources_table

    articles, errors = corpus
    articles = sorted(articles, key=lambda a: a.article_id)
    table = articles_table(articles)
    context = build_context(articles, errors, run_info, table, sources_table(table),
                            _report_options(run_info))
    page = render_html(context)
    assert len(page) > 1000
    assert (written / "report.html").read_bytes() == page.encode("utf-8")


def test_page_lists_the_most_urgent_rows_up_to_its_cap(corpus, run_info):
    from pipeline.report.html import build_context, render_html
    from pipeline.report.writer import _report_options
    from pipeline.tables import articles_table, sources_table

    articles, errors = corpus
    table = articles_table(sorted(articles, key=lambda a: a.article_id))
    options = _report_options(run_info)
    full = build_context(articles, errors, run_info, table, sources_table(table), options)
    capped = build_context(articles, errors, run_info, table, sources_table(table),
                           {**options, "report_max_rows": 2})
    assert len(full["rows"]) == full["rows_total"] == len(articles) > 2
    assert capped["rows"] == full["rows"][:2] and capped["rows_total"] == len(articles)
    assert capped["source_names"] == full["source_names"]   # the filter still offers all
    order = options["actions"]
    assert [order.index(r["action"]) for r in full["rows"]] == sorted(
        order.index(r["action"]) for r in full["rows"])
    page = render_html(capped)
    assert f"lists 2 of {len(articles)} articles" in page
    assert "<h2>All articles</h2>" in render_html(full) and "<h2>All articles</h2>" not in page


def test_empty_run_still_writes_every_file(tmp_path, run_info):
    write_reports(tmp_path, [], [], run_info)
    assert set(CONTRACT) <= {p.name for p in tmp_path.iterdir()}
    assert "No errors" in (tmp_path / "report.html").read_text(encoding="utf-8")
    assert pd.read_csv(tmp_path / "articles.csv").columns.tolist() == ARTICLE_COLUMNS


def test_duplicates_table_says_why_the_canonical_member_is_kept():
    from pipeline.article import Article
    from pipeline.report.writer import duplicates_table

    def dup(aid: str, other: str, why: str) -> Article:
        return Article(aid, aid, "s", "text", dedup={
            "cluster": "dup-1", "canonical": other or aid, "kind": "exact" if other else "",
            "similarity": 1.0, "near_duplicate_of": other, "canonical_reason": why})

    why = "kept: declared canonical URL"
    df = duplicates_table([dup("b", "a", why), dup("a", "", why),
                           Article("c", "c", "s", "", dedup={"cluster": ""}), Article("d", "d", "s", "")])
    assert df["article_id"].tolist() == ["a", "b"]
    assert df["canonical_reason"].tolist() == [why, why]
    assert duplicates_table([]).columns[-1] == "canonical_reason"
