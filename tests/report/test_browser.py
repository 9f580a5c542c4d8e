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
    quality = 3  # Action, Article, Words, Quality
    page.click("#comparison th:nth-child(4) button")
    asc = [float(v) for v in _column(page, quality) if v]
    assert asc == sorted(asc) and len(asc) >= 6
    assert page.get_attribute("#comparison th:nth-child(4)", "aria-sort") == "ascending"
    page.click("#comparison th:nth-child(4) button")
    desc = [float(v) for v in _column(page, quality) if v]
    assert desc == sorted(desc, reverse=True)
    page.click("#comparison th:nth-child(2) button")
    titles = [t.lower() for t in _column(page, 1)]
    assert titles == sorted(titles)
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


def test_search_does_not_match_the_reason_and_facets_are_exact(page):
    page.fill("#filter", "spun")  # "not spun" is in reasons: it must not match those rows
    shown = page.eval_on_selector_all(
        "#comparison tbody tr:not([hidden])",
        "rows => rows.map(r => (r.dataset.title + ' ' + r.dataset.id + ' ' + r.dataset.source))")
    assert shown == ["Belief in remedy beta/spun.html beta.example"]
    assert page.locator("#comparison tbody tr[data-reason*='not spun']").count() >= 2
    page.click("#clear")
    page.click(".facets .chip-btn[data-value='spun']")
    shown = page.eval_on_selector_all("#comparison tbody tr:not([hidden])",
                                      "rows => rows.map(r => r.dataset.spun)")
    assert shown and set(shown) == {"1"}
    total_spun = page.locator("#comparison tbody tr[data-spun='1']").count()
    assert len(shown) == total_spun
    assert page.get_attribute(".cards button[data-value='spun']", "aria-pressed") == "true"
    assert page.problems == []


def test_filter_state_is_in_the_url_and_restored(page):
    page.select_option("#action-filter", "remove")
    page.click(".facets .chip-btn[data-value='low']")
    url = page.url
    assert "#view:" in url and "action=remove" in url and "flag=low" in url
    visible = page.locator("#comparison tbody tr:not([hidden])").count()
    page.goto(url.split("#")[0] + "#art-0")  # a detail anchor leaves the filters alone
    page.goto(url)
    page.reload()
    assert page.input_value("#action-filter") == "remove"
    assert page.locator("#comparison tbody tr:not([hidden])").count() == visible
    assert page.get_attribute(".facets .chip-btn[data-value='low']", "aria-pressed") == "true"
    assert page.problems == []


def test_card_click_filters_and_export_holds_the_visible_rows(page):
    page.click(".cards button[data-facet='action'][data-value='remove']")
    assert page.input_value("#action-filter") == "remove"
    ids = page.eval_on_selector_all("#comparison tbody tr:not([hidden])",
                                    "rows => rows.map(r => r.dataset.id)")
    with page.expect_download() as info:
        page.click("#export")
    path = info.value.path()
    lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("article_id,source,title,action")
    assert [line.split(",")[0] for line in lines[1:]] == ids and ids
    assert page.problems == []


def test_spin_marker_sits_at_the_configured_threshold(page, run_info):
    threshold = run_info["config"]["spin"]["threshold"]
    marker = page.get_attribute("#chart-spin g.marker", "data-marker")
    assert float(marker) == pytest.approx(threshold)
    # Drawn where the axis puts that value: between the 0 and 1 tick labels.
    x = page.evaluate("""() => {
      const svg = document.querySelector('#chart-spin svg');
      const ticks = [...svg.querySelectorAll('text')].filter(t => t.textContent === '0' || t.textContent === '1');
      const line = svg.querySelector('g.marker line');
      const zero = ticks.find(t => t.getAttribute('text-anchor') === 'middle' && t.textContent === '0');
      const one = ticks.find(t => t.textContent === '1');
      return [parseFloat(zero.getAttribute('x')), parseFloat(one.getAttribute('x')), parseFloat(line.getAttribute('x1'))];
    }""")
    zero, one, line = x
    assert line == pytest.approx(zero + threshold * (one - zero), abs=1.0)
    assert page.problems == []


@pytest.mark.parametrize("width", [390, 1400])
def test_page_fits_the_viewport_and_screenshots(browser, tmp_path, corpus, run_info, width):
    articles, errors = corpus
    write_reports(tmp_path, articles, errors, run_info)
    context = browser.new_context(viewport={"width": width, "height": 900}, offline=True)
    pg = context.new_page()
    pg.goto((tmp_path / "report.html").as_uri())
    pg.wait_for_load_state("load")
    pg.click("details.article:has(mark.spin) summary >> nth=0")
    pg.click("#clusters details.diff summary >> nth=0")
    wide = pg.evaluate("""() => [document.documentElement.scrollWidth, window.innerWidth,
        [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
          && !e.closest('.scroll')).map(e => e.tagName + '.' + e.className).slice(0, 5)]""")
    assert wide[0] <= wide[1], wide
    # Suggestions are visible without hovering, before the span table.
    assert pg.locator("details.article[open] .text .sugg").first.is_visible()
    assert pg.locator("#clusters details.diff[open] del, #clusters details.diff[open] ins").count()
    screens = Path(__file__).resolve().parents[2] / ".screens"
    screens.mkdir(exist_ok=True)
    shot = screens / f"report-{width}.png"
    pg.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 20_000
    context.close()


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


def test_print_hides_the_controls_and_suggestions_toggle(page):
    page.click("details.article:has(mark.spin) summary >> nth=0")
    sugg = page.locator("details.article[open] .text .sugg").first
    assert sugg.is_visible()
    page.uncheck("details.article[open] .toggle-sugg")
    assert not sugg.is_visible()
    page.emulate_media(media="print")
    assert not page.locator("nav").is_visible() and not page.locator("#export").is_visible()
    assert page.locator("#comparison").is_visible()
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    closed = page.locator("details.article:not([open])").count()
    assert closed == 0
    assert page.problems == []
