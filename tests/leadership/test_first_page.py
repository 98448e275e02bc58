"""The first page (reports/render/section_summary.py) of a demo run with earlier runs beside it,
and re-rendering that run later: the trends come from its snapshot, not from the directory."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import datetime, timezone
from html.parser import HTMLParser

import pytest

from ecr_report.jobs.config import Config, ReportConfig
from ecr_report.jobs.publish import report_input
from ecr_report.jobs.run import render_run, run
from ecr_report.reports.render import render_html

from leadership_support import earlier_demo_summary, write_run

AS_OF = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)
EARLIER = [f"202602{d:02d}T080000Z" for d in (2, 9, 16, 23)]
SVG = "{http://www.w3.org/2000/svg}"


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.hrefs = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if (attrs.get("href") or "").startswith("#"):
            self.hrefs.append(attrs["href"][1:])


def ids_and_links(html: str) -> _Ids:
    parser = _Ids()
    parser.feed(html)
    return parser


def first_page(html: str) -> str:
    return html.split('<section id="summary"', 1)[1].split("</section>", 1)[0]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("leadership")
    for n, run_id in enumerate(EARLIER):
        write_run(root, run_id, doc=earlier_demo_summary(run_id, n))
    write_run(root, "20260225T080000Z", doc=earlier_demo_summary("20260225T080000Z", 9), partial=True)
    outcome = run(Config(report=ReportConfig(pdf=False)), output=root, demo=True, now=AS_OF)
    return root, outcome


@pytest.fixture(scope="module")
def html(demo) -> str:
    return (demo[1].run_dir / "report.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def summary_json(demo) -> dict:
    return json.loads((demo[1].run_dir / "summary.json").read_text(encoding="utf-8"))


def test_history_is_in_the_snapshot_and_summary(demo, summary_json):
    snapshot = json.loads((demo[1].run_dir / "snapshot.json").read_text(encoding="utf-8"))
    assert [h["run_id"] for h in snapshot["settings"]["history"]] == EARLIER  # not the .partial- run
    trends = summary_json["trends"]
    assert trends["previous"]["run_id"] == EARLIER[-1] and not trends["first_run"]
    assert [r["run_id"] for r in trends["runs"]] == [*EARLIER, demo[1].run_dir.name]
    critical = summary_json["coverage"]["open_findings"]["critical"]
    assert trends["metrics"]["critical"]["delta"] == critical
    assert trends["metrics"]["controls_failing"]["series"][:4] == [300, 299, 298, 297]
    assert 1 <= len(summary_json["actions"]) <= 5
    for key in ("coverage", "compliance", "inspector", "pull_through", "lifecycle", "completeness"):
        assert key in summary_json  # the existing contract is untouched
    assert (demo[1].run_dir / "data" / "actions.csv").is_file()


def test_headline_figures_and_their_changes(html, summary_json):
    page = first_page(html)
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    critical = summary_json["coverage"]["open_findings"]["critical"]
    assert critical > 0
    assert f'<span class="tile-value">{critical:,}</span>' in page
    # 0 critical in the previous run: up, and worse.
    assert re.search(r'class="tile-change change-bad">\u25b2 ' + f"{critical:,}<", page)
    failing = summary_json["compliance"]["controls_failing"]
    assert f"\u25bc {297 - failing:,}" in text or f"\u25b2 {failing - 297:,}" in text
    inspector = summary_json["inspector"]["estimated_monthly_usd"]
    assert f"${inspector:,.2f}" in text
    assert f"${summary_json['pull_through']['net_saving_monthly_usd']:,.2f}" in text
    assert "GiB" in text and "proposed policy" in text
    assert f"Changes are since the previous run, {EARLIER[-1]}" in text
    assert "last 5 runs" in text
    for label in ("Repositories scanned", "Images scanned", "Open critical findings", "Open high findings",
                  "Failing control checks", "Inspector cost / month", "Pull-through saving",
                  "Reclaimable storage"):
        assert label in text
    assert "As of" not in text  # the cover's "As of" stays the only one on page 1


def test_actions_link_to_existing_section_ids(html, summary_json):
    page = first_page(html)
    doc = ids_and_links(html)
    links = ids_and_links(page).hrefs
    shown = [a for a in summary_json["actions"]]
    assert [f"{a['anchor']}" for a in shown] == links
    assert set(links) <= set(doc.ids), sorted(set(links) - set(doc.ids))
    assert len(doc.ids) == len(set(doc.ids)), "duplicate ids"
    for action in shown:
        assert f">{action['text']}<" in page.replace("&amp;", "&")
    assert summary_json["actions"][0]["score"] >= summary_json["actions"][-1]["score"]


def test_sparklines_are_well_formed_deterministic_svg(html):
    page = first_page(html)
    svgs = re.findall(r'<svg [^>]*class="sparkline".*?</svg>', page, flags=re.S)
    assert len(svgs) == 8  # every headline figure has five known points
    for svg in svgs:
        root = ET.fromstring(svg)
        assert root.tag == f"{SVG}svg"
        assert root.find(f"{SVG}title").text and root.find(f"{SVG}desc").text.startswith("Oldest first")
        assert root.findall(f"{SVG}polyline") and root.findall(f"{SVG}circle")
        for line in root.findall(f"{SVG}polyline"):
            for point in line.get("points").split():
                x, y = (float(v) for v in point.split(","))
                assert 0 <= x <= float(root.get("width")) and 0 <= y <= float(root.get("height"))


def test_rerendering_an_old_run_keeps_its_trends(demo, html, summary_json):
    root, outcome = demo
    # Later: a newer run arrives, earlier ones are pruned by retention, one is corrupted.
    write_run(root, "20260309T080000Z", doc=earlier_demo_summary("20260309T080000Z", 50))
    shutil.rmtree(root / "runs" / EARLIER[0])
    (root / "runs" / EARLIER[1] / "summary.json").write_text("{")
    again = render_run(outcome.run_dir, pdf=False)
    assert again.analysis.summary["trends"] == summary_json["trends"]
    assert (outcome.run_dir / "report.html").read_text(encoding="utf-8") == html
    assert json.loads((outcome.run_dir / "summary.json").read_text(encoding="utf-8")) == summary_json


def test_first_run_and_concerns_not_computed(demo):
    base = report_input(demo[1].analysis)
    first = dict(base.summary)
    first["trends"] = {**first["trends"], "first_run": True, "previous": None,
                       "runs": first["trends"]["runs"][-1:],
                       "metrics": {k: {**m, "direction": "first run", "delta": None, "previous": None,
                                       "series": m["series"][-1:]}
                                   for k, m in first["trends"]["metrics"].items()}}
    first["sections_not_computed"] = ["pull_through", "lifecycle"]
    page = first_page(render_html(replace(base, summary=first, sections_not_computed=["pull_through", "lifecycle"])))
    text = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert "First run: no earlier complete run was found" in text
    assert "first run" in text and "\u25b2" not in text and "\u25bc" not in text
    assert 'class="sparkline"' not in page
    assert text.count("not computed") == 2  # the pull-through and reclaimable tiles
    assert ("Not computed in this version: Pull-through cache economics; Lifecycle reclaimable "
            "storage. Those sections say so instead of showing figures.") in text
    for href in ids_and_links(page).hrefs:
        assert not href.startswith(("pull-through", "lifecycle"))


def test_a_summary_without_trends_or_actions_still_renders(demo):
    base = report_input(demo[1].analysis)
    bare = {k: v for k, v in base.summary.items() if k not in ("trends", "actions")}
    page = first_page(render_html(replace(base, summary=bare)))
    assert "This run recorded no earlier runs" in page
    assert 'id="actions"' in page  # the block stays, saying why it is empty: never ranked here
    assert "This run&#39;s summary has no ranked actions" in page
    assert 'class="action-rank"' not in page
