"""report.html in a real headless Chromium: offline, no errors, sorting, filtering, screenshot."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.report import write_reports

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="module")
def browser():
    executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if not executable:
        pytest.skip("Debian chromium is not installed (run `make browser`)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, tmp_path, corpus, run_info):
    articles, errors = corpus
    write_reports(tmp_path, articles, errors, run_info)
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, offline=True)
    pg = context.new_page()
    pg.problems = []  # console errors, page errors, dialogs, requests
    pg.on("console", lambda m: m.type in ("error", "warning") and pg.problems.append(m.text))
    pg.on("pageerror", lambda e: pg.problems.append(f"pageerror {e}"))
    pg.on("dialog", lambda d: (pg.problems.append(f"dialog {d.message}"), d.dismiss()))
    url = (tmp_path / "report.html").as_uri()
    pg.on("request", lambda r: r.url != url and pg.problems.append(f"request {r.url}"))
    pg.goto(url)
    pg.wait_for_load_state("load")
    yield pg
    context.close()


def _column(page, index: int) -> list[str]:
    return page.eval_on_selector_all(
        "#comparison tbody tr:not([hidden])",
        f"rows => rows.map(r => r.cells[{index}].getAttribute('data-value') ?? r.cells[{index}].textContent.trim())")


def test_loads_offline_without_errors_or_requests(page):
    assert page.title().startswith("Content audit")
    assert page.locator("#comparison tbody tr").count() == 8
    assert page.evaluate("window.__pwned") is None  # the hostile title did not run
    assert page.problems == []


def test_sorting_by_a_header(page):
    quality = 4  # Action, Source, Title, Words, Quality
    page.click("#comparison th:nth-child(5) button")
    asc = [float(v) for v in _column(page, quality) if v]
    assert asc == sorted(asc) and len(asc) >= 6
    assert page.get_attribute("#comparison th:nth-child(5)", "aria-sort") == "ascending"
    page.click("#comparison th:nth-child(5) button")
    desc = [float(v) for v in _column(page, quality) if v]
    assert desc == sorted(desc, reverse=True)
    page.click("#comparison th:nth-child(2) button")
    sources = _column(page, 1)
    assert sources == sorted(sources)
    assert page.problems == []


def test_filtering(page):
    page.fill("#filter", "sleep")
    visible = page.locator("#comparison tbody tr:not([hidden])")
    assert visible.count() == 1
    assert "1 of 8" in page.inner_text("#shown-count")
    page.fill("#filter", "")
    page.select_option("#action-filter", "remove")
    assert set(_column(page, 0)) == {"0"}  # rank 0 = remove
    page.select_option("#source-filter", "beta.example")
    rows = page.eval_on_selector_all("#comparison tbody tr:not([hidden])",
                                     "rows => rows.map(r => r.dataset.source + '|' + r.dataset.action)")
    assert rows and set(rows) == {"beta.example|remove"}
    assert page.problems == []


def test_detail_opens_and_screenshot_renders(page, tmp_path):
    page.click("#fix a >> nth=0")
    opened = page.eval_on_selector_all("details.article[open]", "els => els.map(e => e.id)")
    assert len(opened) == 1
    page.click("details.article:not([open]):has(mark.spin) summary >> nth=0")
    assert page.locator("details.article[open] .text mark.spin").count() >= 6
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000
    assert page.problems == []
