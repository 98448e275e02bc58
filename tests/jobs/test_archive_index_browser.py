"""The archive index in a real browser: Playwright driving Debian's chromium (/usr/bin/chromium,
installed by .ci/run), opened from disk (file://) with every non-file request aborted.

Checked: no console error or page error, no network request, every link resolves to an existing
file or directory, and the print layout (print media, A4 landscape) fits the page width with no
row hidden, and prints every run.
"""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from archive_support import NOW, archive_root, config_file, run_ids
from pypdf import PdfReader

from ecr_report.jobs.archive_index import index_command

# CI (.ci/run) installs chromium and sets ECR_REPORT_REQUIRE_BROWSER=1: there a missing browser
# fails the suite instead of skipping these tests; a developer machine without one skips them.
REQUIRED = os.environ.get("ECR_REPORT_REQUIRE_BROWSER") == "1"
CHROMIUM = os.environ.get("ECR_REPORT_CHROMIUM", "/usr/bin/chromium")
if REQUIRED:
    import playwright.sync_api as sync_api
    assert shutil.which(CHROMIUM), f"{CHROMIUM} not installed but ECR_REPORT_REQUIRE_BROWSER=1"
else:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extras")
    if not shutil.which(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not installed (.ci/run installs Debian's chromium)", allow_module_level=True)

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
A4_LANDSCAPE_PRINTABLE_PX = round((297 - 2 * 12) / 25.4 * 96)  # index.css: @page A4 landscape, 12 mm margins


@pytest.fixture(scope="module")
def opened(tmp_path_factory):
    root = archive_root()
    index_command(root, config_file(tmp_path_factory.mktemp("cfg")), now=NOW)
    console: list[str] = []
    requests: list[str] = []
    aborted: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.on("request", lambda r: requests.append(r.url))
        page = context.new_page()
        page.on("console", lambda m: console.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))

        def guard(route):
            if route.request.url.startswith("file://"):
                route.continue_()
            else:
                aborted.append(route.request.url)
                route.abort()

        context.route("**/*", guard)  # every page of the context: file:// only
        page.goto((root / "index.html").as_uri(), wait_until="load")
        loaded = list(requests)  # what opening the index alone requested
        yield {"root": root, "page": page, "console": console, "requests": requests, "aborted": aborted,
               "loaded": loaded}
        browser.close()


def test_no_console_errors_and_no_network(opened):
    assert opened["console"] == []
    assert opened["aborted"] == []
    assert opened["requests"] and all(u.startswith("file://") for u in opened["requests"])
    assert opened["loaded"] == [(opened["root"] / "index.html").as_uri()]  # the page loads nothing else


def test_every_link_resolves(opened):
    page, root = opened["page"], opened["root"]
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    assert len(hrefs) >= 3 * len(run_ids())  # report.html, summary.json and data/ of each run
    for href in hrefs:
        url = urlparse(href)
        assert url.scheme == "file", href
        target = Path(unquote(url.path))
        assert target.exists() and root in target.parents, href
    # Following one: the run's own report opens from disk too.
    first = next(h for h in hrefs if h.endswith("report.html"))
    report = page.context.new_page()
    report.goto(first)
    assert "Methodology" in report.content()
    report.close()
    assert opened["aborted"] == []  # the run's report loads nothing from the network either


def test_gap_and_states_are_visible(opened):
    page = opened["page"]
    assert page.locator("tr.gap").count() == 1
    assert "2026-11-16 08:00 UTC" in page.locator("tr.gap").inner_text()
    assert page.locator("tr.run.bad").count() == 1  # the tampered run
    assert "FAILS verify" in page.locator(f"#run-{run_ids()[1]}").inner_text()


def test_print_layout_fits_the_page_and_hides_nothing(opened):
    page = opened["page"]
    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_LANDSCAPE_PRINTABLE_PX, "height": 800})
    layout = page.evaluate("""() => {
        const table = document.querySelector('#runs');
        const rows = [...document.querySelectorAll('tr')];
        return {
            tableWidth: table.getBoundingClientRect().width,
            scrollWidth: document.documentElement.scrollWidth,
            overflowing: [...document.querySelectorAll('td, th')].filter(c => c.scrollWidth > c.clientWidth + 1).length,
            hidden: rows.filter(r => r.offsetParent === null || getComputedStyle(r).visibility === 'hidden').length,
        };
    }""")
    assert layout["scrollWidth"] <= A4_LANDSCAPE_PRINTABLE_PX
    assert layout["tableWidth"] <= A4_LANDSCAPE_PRINTABLE_PX
    assert layout["overflowing"] == 0 and layout["hidden"] == 0
    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True, print_background=True)))
    text = "".join(p.extract_text() for p in pdf.pages)
    width, height = float(pdf.pages[0].mediabox.width), float(pdf.pages[0].mediabox.height)
    assert width > height  # landscape, as index.css asks
    for run_id in (*run_ids(), "20261201T080000Z"):
        assert run_id in text.replace("\n", "")
    assert "MISSED" in text
