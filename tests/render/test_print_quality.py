"""Print quality of the demo report's PDF, checked the way a reader would see it.

One demo run (scale 1, fixed as-of time) is rendered once for the module; the tests then look at
the PDF as pictures (no blank pages), as a document (every internal link and table-of-contents
entry lands where it says, the running header and page numbers, the metadata dates) and as
objects (charts are vector drawings, not raster images). A second part inflates the tables of a
report to a very large fleet and checks that the PDF still stays under 25 pages: long lists go to
data/ files, not into the PDF.

`pdftoppm` (Debian package poppler-utils; `.ci/run` installs it) turns pages into images. When
it is missing the test FAILS, naming the package: a print-quality check that silently skips is
worse than none.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import time
from dataclasses import replace
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from ecr_report.jobs.config import Config
from ecr_report.jobs.publish import report_input
from ecr_report.jobs.run import run
from ecr_report.reports.render import ReportInput, render_html, render_pdf
from ecr_report.reports.render.environment import read_static
from ecr_report.reports.sources import SOURCES

from . import conftest

AS_OF = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)
AS_OF_TEXT = "2026-03-02 08:00 UTC"  # filters.fmt_datetime
AS_OF_PDF = "D:20260302080000"
MAX_PAGES = 25  # the PDF stays under 25 pages at any fleet size

# Page geometry, from templates/report.css: A4, @page margins 20mm top (15mm on the first
# page, which has no running header), 18mm bottom. The running header sits in the top margin,
# the footer (run id, page numbers) in the bottom margin.
PAGE_MM = (210.0, 297.0)
TOP_MM, FIRST_TOP_MM, BOTTOM_MM = 20.0, 15.0, 18.0
DPI = 30
INK = 200
"""A grey level below this (0 black .. 255 white) is ink."""
MIN_BODY_INK = 60
"""Ink pixels a page body needs at 30 dpi: about one short line of text (a 9pt line of 40
characters is ~250 ink pixels at this resolution; a page with only its running header and footer
has 0 in the body)."""

PDFTOPPM_MISSING = ("pdftoppm not found on PATH: install the Debian package poppler-utils "
                    "(apt-get install poppler-utils; .ci/run does this on a fresh machine)")


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory):  # noqa: ANN201 (jobs.run.RunOutcome)
    outcome = run(Config(), output=tmp_path_factory.mktemp("print-quality"), demo=True, now=AS_OF)
    assert (outcome.run_dir / "report.pdf").is_file()
    return outcome


@pytest.fixture(scope="module")
def demo_dir(demo) -> Path:
    return demo.run_dir


@pytest.fixture(scope="module")
def html(demo_dir) -> str:
    return (demo_dir / "report.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def pdf_bytes(demo_dir) -> bytes:
    return (demo_dir / "report.pdf").read_bytes()


@pytest.fixture(scope="module")
def reader(pdf_bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf_bytes))


@pytest.fixture(scope="module")
def texts(reader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


@pytest.fixture(scope="module")
def pdftoppm() -> str:
    path = shutil.which("pdftoppm")
    if path is None:
        pytest.fail(PDFTOPPM_MISSING)
    return path


# --- helpers -----------------------------------------------------------------------------------


def rasterize(pdf: Path, out_dir: Path, exe: str, dpi: int = DPI) -> list[Path]:
    """One greyscale image per page (pdftoppm writes <prefix>-<n>.pgm, n zero-padded)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run([exe, "-r", str(dpi), "-gray", str(pdf), str(out_dir / "page")], check=True,
                   capture_output=True, timeout=300)
    pages = sorted(out_dir.glob("page-*.pgm"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    assert pages, f"pdftoppm wrote no images for {pdf}"
    return pages


def body_ink(image_path: Path, first_page: bool) -> int:
    """Ink pixels between the running-header band and the footer band.

    A page whose only marks are its running header ("ECR cost & compliance report ... As of")
    and footer ("Run ..., Page X of Y") is blank as far as a reader is concerned, so the
    margins that carry them are cut away before counting.
    """
    from PIL import Image

    with Image.open(image_path) as img:
        grey = img.convert("L")
        width, height = grey.size
        top_mm = FIRST_TOP_MM if first_page else TOP_MM
        top = int(round(height * top_mm / PAGE_MM[1])) + 1
        bottom = int(round(height * (PAGE_MM[1] - BOTTOM_MM) / PAGE_MM[1])) - 1
        body = grey.crop((0, top, width, bottom))
        histogram = body.histogram()
    return sum(histogram[:INK])


def blank_pages(pdf: Path, out_dir: Path, exe: str) -> dict[int, int]:
    """{1-based page number: body ink} for each page with less than a line of content."""
    found = {}
    for number, image in enumerate(rasterize(pdf, out_dir, exe), start=1):
        ink = body_ink(image, first_page=number == 1)
        if ink < MIN_BODY_INK:
            found[number] = ink
    return found


class _Anchors(HTMLParser):
    """Every id="x", every href="#x" (also SVG's xlink:href) and the table of contents."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.toc: list[tuple[str, str]] = []  # (target id, text)
        self._nav = 0
        self._toc_link: str | None = None
        self._toc_text: list[str] = []

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.append(attrs["id"])
        for name in ("href", "xlink:href"):
            value = attrs.get(name) or ""
            if value.startswith("#"):
                self.hrefs.append(value[1:])
                if self._nav and tag == "a":
                    self._toc_link, self._toc_text = value[1:], []
        if tag == "nav" and "toc" in (attrs.get("class") or "").split():
            self._nav += 1

    def handle_endtag(self, tag):  # noqa: ANN001
        if tag == "nav" and self._nav:
            self._nav -= 1
        if tag == "a" and self._toc_link is not None:
            self.toc.append((self._toc_link, " ".join("".join(self._toc_text).split())))
            self._toc_link = None

    def handle_data(self, data):  # noqa: ANN001
        if self._toc_link is not None:
            self._toc_text.append(data)


def anchors(html_text: str) -> _Anchors:
    parser = _Anchors()
    parser.feed(html_text)
    parser.close()
    return parser


def _resolve(obj):  # noqa: ANN001, ANN202
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def _dest_name(dest) -> str | None:  # noqa: ANN001
    dest = _resolve(dest)
    return None if isinstance(dest, ArrayObject) else str(dest)


def link_annotations(reader: PdfReader) -> list[tuple[int, object, str]]:
    """(0-based page, destination, kind) for every link annotation in the PDF."""
    out = []
    for index, page in enumerate(reader.pages):
        for annot in _resolve(page.get("/Annots")) or []:
            annot = _resolve(annot)
            if annot.get("/Subtype") != "/Link":
                continue
            if "/Dest" in annot:
                out.append((index, _resolve(annot["/Dest"]), "Dest"))
                continue
            action = _resolve(annot.get("/A")) or {}
            kind = str(action.get("/S"))
            out.append((index, _resolve(action.get("/D")) if kind == "/GoTo" else action.get("/URI"),
                        kind.lstrip("/")))
    return out


def destination_page(reader: PdfReader, dest) -> int:  # noqa: ANN001
    """0-based page a link destination (name or explicit array) lands on."""
    name = _dest_name(dest)
    if name is not None:
        named = reader.named_destinations
        assert name in named, f"link to #{name}: no such named destination in the PDF"
        return reader.get_destination_page_number(named[name])
    page_ref = dest[0]
    pages = [p.indirect_reference for p in reader.pages]
    assert page_ref in pages, f"explicit destination {dest!r} names no page of this document"
    return pages.index(page_ref)


def image_xobjects(reader: PdfReader) -> list[tuple[int, str, str]]:
    """(0-based page, XObject name, size) of every raster image the pages draw, including
    images nested in Form XObjects (WeasyPrint draws SVG and other content through forms)."""
    found = []

    def walk(page_index: int, resources, seen: set[int]) -> None:  # noqa: ANN001
        resources = _resolve(resources) or {}
        xobjects = _resolve(resources.get("/XObject")) or {}
        for name, ref in xobjects.items():
            key = ref.idnum if isinstance(ref, IndirectObject) else id(ref)
            if key in seen:
                continue
            seen.add(key)
            obj = _resolve(ref)
            if obj.get("/Subtype") == "/Image":
                found.append((page_index, str(name), f"{obj.get('/Width')}x{obj.get('/Height')}"))
            elif obj.get("/Subtype") == "/Form":
                walk(page_index, obj.get("/Resources"), seen)
        for pattern in (_resolve(resources.get("/Pattern")) or {}).values():
            pattern = _resolve(pattern)
            if isinstance(pattern, DictionaryObject) and "/Resources" in pattern:
                walk(page_index, pattern["/Resources"], seen)

    for index, page in enumerate(reader.pages):
        walk(index, page.get("/Resources"), set())
    return found


def normalise(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


TOC_LINE = re.compile(r"^(\d+) (.+?) ?\.{2,} ?(\d+)$")


def printed_toc(texts: list[str]) -> tuple[int, list[tuple[str, str, int]]]:
    """(0-based page of the contents, [(number, title, printed page)])."""
    for index, text in enumerate(texts):
        lines = normalise(text)
        if "Contents" in lines:
            entries = [(m[1], m[2], int(m[3])) for m in map(TOC_LINE.match, lines) if m]
            if entries:
                return index, entries
    raise AssertionError("no table of contents with page numbers found in the PDF text")


def heading_pages(texts: list[str], number: str, title: str) -> list[int]:
    """1-based pages where the section heading "<number>  <title>" is printed as a line."""
    want = f"{number} {title}"
    return [i for i, text in enumerate(texts, start=1) if want in normalise(text)]


# --- (a) no blank pages ------------------------------------------------------------------------


def test_pdftoppm_is_installed():
    """Named on its own so a missing poppler-utils reads as what it is."""
    if shutil.which("pdftoppm") is None:
        pytest.fail(PDFTOPPM_MISSING)


def test_the_blank_page_detector_sees_a_page_with_only_the_running_header(tmp_path, pdftoppm):
    """The check below is only as good as its notion of blank: a page that carries nothing but
    the running header and the page-number footer must count as blank; a page with one line of
    text must not."""
    css = read_static("report.css")
    doc = f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><style>{css}</style>
    </head><body><header class="cover"><h1>Cover</h1>
    <time class="asof">{AS_OF_TEXT}</time> <code class="runid">run-1</code></header>
    <p>First page text.</p>
    <section class="section new-page"></section>
    <section class="section new-page"><p>Only one short line on this page.</p></section>
    </body></html>"""
    pdf = tmp_path / "probe.pdf"
    pdf.write_bytes(render_pdf(doc))
    texts = [p.extract_text() for p in PdfReader(pdf).pages]
    assert len(texts) == 3
    assert f"As of {AS_OF_TEXT}" in texts[1] and "Page 2 of 3" in texts[1]  # header + footer
    assert set(blank_pages(pdf, tmp_path / "img", pdftoppm)) == {2}


def test_no_page_is_blank(demo_dir, tmp_path, pdftoppm, reader):
    images = rasterize(demo_dir / "report.pdf", tmp_path / "pages", pdftoppm)
    assert len(images) == len(reader.pages)
    ink = {n: body_ink(img, n == 1) for n, img in enumerate(images, start=1)}
    blank = {n: v for n, v in ink.items() if v < MIN_BODY_INK}
    assert not blank, (f"blank pages (body ink pixels < {MIN_BODY_INK} at {DPI} dpi): {blank}; "
                       f"all pages: {ink}")


# --- (b) links and the table of contents -------------------------------------------------------


def test_every_internal_html_link_has_its_target(html):
    found = anchors(html)
    duplicates = sorted({i for i in found.ids if found.ids.count(i) > 1})
    assert not duplicates, f"ids used more than once: {duplicates}"
    assert found.hrefs, "the report has no internal links at all (table of contents missing?)"
    missing = sorted(set(found.hrefs) - set(found.ids))
    assert not missing, f'href="#x" without a matching id="x": {missing}'
    assert found.toc, "the HTML has no table of contents"


def test_every_pdf_link_lands_on_an_existing_destination(reader, html):
    links = link_annotations(reader)
    assert links, "the PDF has no link annotations (table of contents not linked?)"
    external = [(p + 1, d) for p, d, kind in links if kind not in ("Dest", "GoTo")]
    assert not external, f"links that leave the document: {external}"
    for _, dest, _ in links:
        assert 0 <= destination_page(reader, dest) < len(reader.pages)
    # Every internal link of the HTML became a working link in the PDF.
    linked = {_dest_name(d) for _, d, _ in links}
    missing = sorted(set(anchors(html).hrefs) - linked)
    assert not missing, f"HTML links with no PDF link annotation: {missing}"


def test_table_of_contents_page_numbers_are_where_the_sections_are(reader, texts, html):
    toc_page, entries = printed_toc(texts)
    html_toc = anchors(html).toc
    assert len(entries) == len(html_toc), (entries, html_toc)
    assert toc_page == 0, "the table of contents belongs on the first page"
    links = link_annotations(reader)
    for (number, title, printed), (target, html_text) in zip(entries, html_toc):
        assert html_text == f"{number} {title}", (html_text, number, title)
        pages = heading_pages(texts, number, title)
        assert pages, f"section heading {number} {title!r} is printed on no page"
        assert pages[0] == printed, (f"contents say {number} {title!r} is on page {printed}, "
                                     f"the heading is on page {pages[0]}")
        assert 1 <= printed <= len(reader.pages)
        # The entry's link lands on the same page the number promises.
        landing = {destination_page(reader, d) + 1 for p, d, _ in links
                   if p == toc_page and _dest_name(d) == target}
        assert landing == {printed}, (target, landing, printed)


def test_sections_appear_in_contents_order(texts):
    _, entries = printed_toc(texts)
    printed = [page for _, _, page in entries]
    assert printed == sorted(printed)
    assert [int(n) for n, _, _ in entries] == list(range(1, len(entries) + 1))


# --- (c) charts are vector -----------------------------------------------------------------


def test_charts_are_vector_not_raster(reader, texts, html):
    chart_ids = re.findall(r'<figure class="chart" id="([^"]+)">\s*<svg', html)
    assert chart_ids, "the demo report has no inline SVG chart to check"
    assert "<img" not in html, "raster <img> in the report HTML"
    images = image_xobjects(reader)
    assert not images, f"raster image XObjects in the PDF (page, name, size): {images}"
    # Each chart's own text (axis and legend labels from its <text> elements) is real text on
    # the page its anchor lands on: drawn as vector paths and glyphs, not a picture of them.
    named = reader.named_destinations
    for chart_id in chart_ids:
        svg = html.split(f'id="{chart_id}">', 1)[1].split("</svg>", 1)[0]
        labels = [re.sub(r"<[^>]+>", "", t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg)]
        labels = [" ".join(t.split()) for t in labels if t.strip() and "&" not in t and "\u2026" not in t]
        assert labels, f"chart {chart_id} has no text labels"
        assert chart_id in named, f"chart {chart_id} has no destination in the PDF"
        page = reader.get_destination_page_number(named[chart_id])
        here = " ".join((texts[page] + " " + (texts[page + 1] if page + 1 < len(texts) else "")).split())
        assert any(label in here for label in labels), (chart_id, labels[:5])


# --- (d) running header and page numbers -----------------------------------------------------


def test_running_header_and_page_numbers(texts, demo_dir):
    total = len(texts)
    run_id = demo_dir.name
    for number, text in enumerate(texts, start=1):
        flat = " ".join(text.split())
        assert f"Page {number} of {total}" in flat, f"page {number}: no 'Page {number} of {total}'"
        assert f"Run {run_id}" in flat, f"page {number}: no run id in the footer"
        if number > 1:
            assert f"As of {AS_OF_TEXT}" in flat, f"page {number}: running header lacks the as-of time"
            assert "ECR cost & compliance report" in flat
            assert "DEMO DATA" in flat, f"page {number}: demo marker missing from the header"
    other_numbers = re.findall(r"Page (\d+) of (\d+)", " ".join(" ".join(texts).split()))
    assert {int(y) for _, y in other_numbers} == {total}
    assert sorted(int(x) for x, _ in other_numbers) == list(range(1, total + 1))


def test_first_page_has_no_running_header(texts):
    """The cover shows the as-of time in its own table; the running header starts on page 2."""
    first = texts[0]
    # The running header's left box is the report title at 7.5pt; on the cover the title is
    # the big h1, and "As of" appears once (in the cover's meta table), not twice.
    assert " ".join(first.split()).count(f"As of {AS_OF_TEXT}") == 1


# --- (e) no wall-clock time ---------------------------------------------------------------------


def test_pdf_metadata_dates_are_the_as_of_time(reader):
    info = reader.metadata
    assert str(info["/CreationDate"]).startswith(AS_OF_PDF), info["/CreationDate"]
    assert str(info["/ModDate"]).startswith(AS_OF_PDF), info["/ModDate"]
    # No other date anywhere the PDF keeps one: XMP metadata, annotation modification dates.
    dates = {str(v) for k, v in info.items() if str(v).startswith("D:")}
    root = reader.trailer["/Root"]
    if "/Metadata" in root:
        xmp = _resolve(root["/Metadata"]).get_data().decode("utf-8", "replace")
        dates |= set(re.findall(r"\d{4}-\d{2}-\d{2}T[0-9:]+", xmp))
    for page in reader.pages:
        for annot in _resolve(page.get("/Annots")) or []:
            if "/M" in _resolve(annot):
                dates.add(str(_resolve(annot)["/M"]))
    assert all(d.startswith((AS_OF_PDF, "2026-03-02T08:00:00")) for d in dates), dates


def test_no_wall_clock_in_the_html_or_pdf_text(html, texts):
    today = datetime.now(timezone.utc).date().isoformat()
    if today == AS_OF.date().isoformat():  # pragma: no cover (only on 2026-03-02)
        pytest.skip("the wall clock's date is the fixture's as-of date")
    # The date a cited page was read is data, not the clock: on the day a source was read, that
    # date is legitimately today's (reports/sources.py, printed in "Sources"; the framework
    # mapping's source, printed "(read DATE)").
    from ecr_report.reports.frameworks import mapping

    read_on = sorted({s.read_on for s in SOURCES} | set(mapping()["read_on"]))
    read = re.compile("read\\s+(?:" + "|".join(read_on) + ")")
    html_text, pdf_text = read.sub("", html), read.sub("", "\n".join(texts))
    assert today not in html_text
    assert today not in pdf_text
    assert 'name="dcterms.created" content="2026-03-02T08:00:00Z"' in html


def test_pdf_bytes_do_not_depend_on_the_clock(demo_dir, html, pdf_bytes, monkeypatch):
    """Re-render the run's HTML with the clock ten years on: same bytes (document dates come
    from the as-of time; font subsets are stamped via SOURCE_DATE_EPOCH, not time.time())."""
    later = time.time() + 10 * 365 * 86400
    monkeypatch.setattr(time, "time", lambda: later)
    assert render_pdf(html) == pdf_bytes


# --- scale: the PDF stays under 25 pages at any fleet size ------------------------------------


KEYS = ("account_id", "region", "repository_name")
REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-northeast-1", "ap-southeast-2")


def _copy_frame(frame: pd.DataFrame, copy: int) -> pd.DataFrame:
    """A renamed copy of a result table: another account (and region) with the same shape, so
    per-registry tables, per-repository tables and per-VPC lists all grow."""
    if copy == 0:
        return frame
    out = frame.copy()

    def account(value: object) -> object:
        text = str(value)
        return f"{(int(text) + 7919 * copy) % 10**12:012d}" if text.isdigit() else value

    def region(value: object) -> object:
        return REGIONS[(REGIONS.index(value) + copy) % len(REGIONS)] if value in REGIONS else value

    renames = {"account_id": account, "region": region}
    for column in ("repository_name", "reference", "vpc_id", "vpc_name", "image_digest"):
        renames[column] = lambda v: f"{v}-{copy}"
    for column, rename in renames.items():
        if column in out:
            out[column] = out[column].map(rename, na_action="ignore").astype(frame[column].dtype)
    return out


def inflate(report: ReportInput, copies: int, *, errors: int = 600) -> ReportInput:
    """The same report for a fleet `copies` times larger, with many failed calls."""
    tables = {}
    for name, frame in report.tables.items():
        if not isinstance(frame, pd.DataFrame) or "account_id" not in frame:
            tables[name] = frame  # fleet-wide tables (prices, scenarios, actions) keep their size
            continue
        tables[name] = pd.concat([_copy_frame(frame, c) for c in range(copies)],
                                 ignore_index=True)
    accounts = sorted({str(a) for f in tables.values() if isinstance(f, pd.DataFrame)
                       and "account_id" in f for a in f["account_id"].dropna()})
    regions = sorted({str(r) for f in tables.values() if isinstance(f, pd.DataFrame)
                      and "region" in f for r in f["region"].dropna()})
    failed = [{"account": accounts[i % len(accounts)], "region": regions[i % len(regions)],
               "operation": ("ecr.DescribeImageScanFindings", "ecr.GetLifecyclePolicy",
                             "inspector2.ListCoverage")[i % 3],
               "error": f"ThrottlingException: Rate exceeded (after 10 attempts), call {i}"}
              for i in range(errors)]
    summary = dict(report.summary)
    summary["accounts"], summary["regions"] = accounts, regions
    summary["completeness"] = {**dict(summary.get("completeness") or {}), "errors": failed,
                               "calls": 50_000}
    # Analysis text that names registries grows with the fleet too (as the Inspector
    # methodology's "Rescan settings per registry" and the Clair note do).
    units = sorted({(str(a), str(r)) for f in tables.values() if isinstance(f, pd.DataFrame)
                    and {"account_id", "region"} <= set(f) for a, r in
                    zip(f["account_id"].dropna(), f["region"].dropna())})
    settings = "; ".join(f"{a} · {r}: push 14 days, last in use 14 days (GetConfiguration)"
                         for a, r in units)
    methodology = tuple(report.methodology) + (
        ("Rescan settings", (f"Rescan settings per registry: {settings}.",)),)
    notes = tuple(report.notes) + (
        "Registries reporting the Clair basic scan engine: "
        + ", ".join(f"{a}/{r}" for a, r in units) + ". Re-check the account setting.",)
    return replace(report, tables=tables, summary=summary, errors=failed,
                   methodology=methodology, notes=notes)


def _pages(report: ReportInput) -> tuple[int, str]:
    html_text = render_html(report)
    reader = PdfReader(io.BytesIO(render_pdf(html_text)))
    return len(reader.pages), html_text


def test_a_huge_hand_built_fleet_stays_under_25_pages():
    """tests/render/conftest.py's report (60 repositories, 2 registries) at 40x: 2,400
    repositories in 80 registries, 9,600 compliance rows, 600 failed calls."""
    base = conftest.make_report(errors=conftest.ERRORS)
    big = inflate(base, 40)
    assert len(big.tables["coverage"]) == 2_400
    pages, html_text = _pages(big)
    assert pages < MAX_PAGES, f"{pages} pages for 2,400 repositories"
    assert "more in data/" in html_text or "in data/" in html_text


def test_a_huge_demo_fleet_stays_under_25_pages(demo, reader):
    """The demo run's own analysis (every section computed) inflated 40x: ~2,600 repositories
    in 160 registries, every per-registry, per-VPC, per-repository and lint list 40 times
    longer, and 600 failed calls (a throttled collection of a big fleet)."""
    base = report_input(demo.analysis)
    big = inflate(base, 40)
    assert len(big.tables["coverage"]) >= 2_000
    pages, _ = _pages(big)
    small = len(reader.pages)
    assert pages < MAX_PAGES, f"{pages} pages at 40x the demo fleet (scale 1: {small})"


def test_the_japanese_edition_of_a_huge_demo_fleet_stays_under_25_pages(demo):
    """The same 40x fleet in Japanese: translated methodology and notes must fit the budget too."""
    big = replace(inflate(report_input(demo.analysis), 40), language="ja")
    pages, html_text = _pages(big)
    assert '<html lang="ja">' in html_text
    assert pages < MAX_PAGES, f"{pages} pages at 40x the demo fleet, in Japanese"
