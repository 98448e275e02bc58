import re
from html.parser import HTMLParser

import jinja2
import pytest

from ecr_report.reports.render import build_view, render_html
from ecr_report.reports.render.environment import environment
from ecr_report.reports.render.section_coverage import REPOSITORY_ROWS
from ecr_report.reports.sources import SOURCES

from .conftest import ERRORS, HOSTILE, make_report

SVG_NS = 'xmlns="http://www.w3.org/2000/svg"'


class _Text(HTMLParser):
    """Visible text, plus every id and href."""

    def __init__(self):
        super().__init__()
        self.text, self.ids, self.hrefs, self.tags = [], set(), [], set()
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if "href" in attrs:
            self.hrefs.append(attrs["href"])
        if tag == "style":
            self._skip += 1

    def handle_endtag(self, tag):
        if tag == "style":
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def parse(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    return parser


@pytest.fixture(scope="module")
def html_errors():
    return render_html(make_report(errors=ERRORS))


@pytest.fixture(scope="module")
def html_clean():
    return render_html(make_report(demo=False))


def test_environment_is_strict_and_autoescaping():
    env = environment()
    assert env.undefined is jinja2.StrictUndefined
    assert env.autoescape("report.html.j2") and env.autoescape("blocks.html.j2")
    assert env.from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"
    for name in ("int", "pct", "bytes", "usd", "datetime", "date", "text"):
        assert name in env.filters


def test_hostile_repository_name_is_escaped(html_errors):
    assert HOSTILE not in html_errors
    assert "<script" not in html_errors
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_errors
    assert HOSTILE in "".join(parse(html_errors).text)  # still readable as text


def test_self_contained_no_external_references(html_errors):
    # The only URLs are the cited sources' addresses, printed as text in "Sources" (never fetched,
    # never a link: every href is internal, below).
    body = html_errors.replace(SVG_NS, "")
    for s in SOURCES:
        body = body.replace(s.url, "")
    assert "http://" not in body and "https://" not in body
    assert "@import" not in body and "url(" not in body
    doc = parse(html_errors)
    assert not {"script", "link", "img", "iframe", "object"} & doc.tags
    assert all(href.startswith("#") for href in doc.hrefs)


def test_internal_links_resolve(html_errors):
    doc = parse(html_errors)
    assert doc.hrefs, "the ToC and the banner link to sections"
    assert {h[1:] for h in doc.hrefs} <= doc.ids


@pytest.mark.parametrize("fixture", ["html_errors", "html_clean"])
def test_no_nan_none_or_na_rendered(fixture, request):
    text = " ".join(parse(request.getfixturevalue(fixture)).text)
    assert not re.search(r"\bnan\b", text, re.IGNORECASE)
    assert "None" not in text and "<NA>" not in text and "NaT" not in text
    assert "unknown" in text  # the fixture has unknown severity counts


def test_banner_iff_errors(html_errors, html_clean):
    assert 'class="banner"' in html_errors
    assert "2 API calls of 412 failed" in html_errors
    assert 'href="#completeness"' in html_errors
    assert 'class="banner"' not in html_clean
    assert "All 412 API calls succeeded" in html_clean


def test_completeness_table_lists_each_error(html_errors):
    for error in ERRORS:
        assert error["operation"] in html_errors
    assert "ThrottlingException: Rate exceeded" in html_errors


def test_sections_not_computed_say_so_plainly(html_clean):
    assert html_clean.count("Not computed in this version.") == 3
    assert "Not computed in this version: Inspector pricing exposure; Pull-through cache " \
           "economics; Lifecycle reclaimable storage." in html_clean
    assert "$0.00" not in html_clean  # summary zeros of uncomputed sections never show


def test_computed_deferred_sections_show_their_figures():
    html = render_html(make_report(not_computed=("pull_through",)))
    assert html.count("Not computed in this version.") == 1
    assert "Estimated Inspector cost / month" in html
    assert "Reclaimable storage" in html and "0 B" in html


def test_header_and_demo_marker(html_errors, html_clean):
    assert "ECR cost &amp; compliance report" in html_errors
    assert "2026-03-02 08:00 UTC" in html_errors
    assert "20260302T080000Z-3f9c" in html_errors
    assert "1 account × 2 regions" in html_errors
    assert "ecr-report 0.1.0" in html_errors
    assert "DEMO DATA (emulated fleet)" in html_errors
    assert "DEMO DATA" not in html_clean
    assert '<meta name="dcterms.created" content="2026-03-02T08:00:00Z">' in html_errors


def test_executive_summary_sentences(html_clean):
    text = " ".join(" ".join(parse(html_clean).text).split())
    # Issue 5: the ranked actions now say these; the key points add only what they do not.
    assert "Turn on scan on push for 7 repositories never scanned automatically (ECR.1)" in text
    assert "Move 1 registry off the retired Clair engine to AWS_NATIVE scanning" in text
    assert "Make image tags immutable in 40 repositories (ECR.2)" in text
    assert "3 control verdicts are UNKNOWN because the data could not be collected." in text
    assert "7 of 60 repositories are never scanned automatically" not in text  # said once
    view = build_view(make_report())
    bullets = [b for b in view.sections[0].blocks if b.kind == "bullets"][0]
    assert 1 <= len(bullets.items) <= 5


def test_long_lists_are_capped(html_clean):
    assert f"top {REPOSITORY_ROWS} of 60" in html_clean
    assert f"{60 - REPOSITORY_ROWS} more repositories in data/coverage.csv." in html_clean
    assert "more rows in data/compliance.csv." in html_clean
    view = build_view(make_report())
    coverage = [s for s in view.sections if s.id == "coverage"][0]
    repos = [b for b in coverage.blocks if getattr(b, "id", "") == "repositories"][0]
    assert len(repos.rows) == REPOSITORY_ROWS
    # highest risk first: critical counts never increase down the table
    crit = [int(r[5].text) if r[5].text.isdigit() else 0 for r in repos.rows]
    assert crit == sorted(crit, reverse=True)


def test_charts_are_inline_svg(html_clean):
    assert html_clean.count("<svg ") == 2
    assert "Repositories by effective scan frequency, per registry" in html_clean


def test_render_is_deterministic_and_independent_of_row_order():
    report = make_report(errors=ERRORS)
    first = render_html(report)
    assert render_html(report) == first
    shuffled = {name: frame.sample(frac=1, random_state=7).reset_index(drop=True)
                for name, frame in report.tables.items()}
    again = make_report(errors=list(reversed(ERRORS)), tables=shuffled)
    assert render_html(again) == first


def test_missing_tables_say_not_available_not_all_good():
    html = render_html(make_report(tables={}))
    # the three notices of before, and the auditors' appendix (no verdicts to map)
    assert html.count("is not available for this run") == 4
    assert "<svg " not in html


def test_as_of_must_be_aware():
    from datetime import datetime

    from ecr_report.reports.render import ReportInput
    with pytest.raises(ValueError):
        ReportInput(run_id="r", as_of=datetime(2026, 1, 1), tool_version="0", summary={},
                    tables={}, errors=(), notes=(), methodology=(), sections_not_computed=(),
                    demo=False)


def test_minimal_summary_renders_unknowns():
    """An integrator passing an almost empty summary gets 'unknown', not a crash or a zero."""
    report = make_report(tables={})
    bare = type(report)(**{**report.__dict__, "summary": {"run_id": "r"}})
    text = " ".join(parse(render_html(bare)).text)
    assert "unknown" in text and "None" not in text
