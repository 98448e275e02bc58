"""The archive index (ROOT/index.html): every run listed with its state, the schedule's expected
runs against those present (a missed week is a gap row), written after each run and by
`ecr-report index ROOT`, never failing on a half-written or tampered run."""

from __future__ import annotations

import re
import shutil
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path

import pytest
from archive_support import MISSED, NOW, WEEKS, archive_root, config_file, run_ids

from ecr_report.jobs.archive_index import build_index, index_command, match_schedule, write_index
from ecr_report.jobs.cli import main
from ecr_report.jobs.config import load_config
from ecr_report.reports.render.archive_index import RunRow, render_index


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.hrefs: list[str] = []
        self.srcs: list[str] = []
        self.rows: list[str] = []  # class of each <tr>

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.add(tag)
        if tag == "a":
            self.hrefs.append(a.get("href") or "")
        if a.get("src"):
            self.srcs.append(a["src"])
        if tag == "tr":
            self.rows.append(a.get("class") or "")


def _page(html: str) -> _Page:
    p = _Page()
    p.feed(html)
    return p


@pytest.fixture(scope="module")
def root() -> Path:
    return archive_root()


@pytest.fixture(scope="module")
def page(root, tmp_path_factory) -> str:
    cfg = config_file(tmp_path_factory.mktemp("cfg"))
    index_command(root, cfg, now=NOW)
    return (root / "index.html").read_text(encoding="utf-8")


def test_every_run_is_listed_with_its_state(root, page):
    data = build_index(root, now=NOW)
    states = {r.run_id: r.state for r in data.runs}
    intact, tampered, delivered = run_ids()
    assert states == {intact: "complete", tampered: "tampered", delivered: "complete",
                      "20261201T080000Z": "incomplete"}
    row = next(r for r in data.runs if r.run_id == tampered)
    assert any(p.startswith("data/coverage.csv: changed") for p in row.problems)
    assert next(r for r in data.runs if r.run_id == delivered).delivery == ("email: done",)
    for run_id in (intact, tampered, delivered, "20261201T080000Z"):
        assert run_id in page
    assert "FAILS verify" in page and "data/coverage.csv: changed" in page and "email: done" in page
    assert "not finished" in page


def test_signature_state(root):
    rows = {r.run_id: r for r in build_index(root, now=NOW).runs}
    intact, tampered, delivered = run_ids()
    assert rows[intact].signature == rows[delivered].signature == "unsigned"
    # The tampered run was signed; its signature still matches the manifest (only a data file
    # changed), and verify fails on the file, not the signature.
    assert (root / "runs" / tampered / "manifest.sig").is_file() and rows[tampered].signature == "signed"


def test_missed_week_is_a_gap_row(root, page):
    rows = _page(page).rows
    assert rows.count("gap") == 1
    gap = re.search(r'<tr class="gap">\s*<td>([^<]+)</td>', page)
    assert gap and gap.group(1) == "2026-11-16 08:00 UTC"
    # Without configured jobs, weekly from the first run gives the same gap.
    inferred = build_index(root, now=NOW).schedule
    assert [s.expected for s in inferred.slots if not s.runs] == [MISSED]
    assert "inferred" in inferred.description


def test_cron_schedule_counts_expected_runs_up_to_now(root, tmp_path):
    jobs = load_config(config_file(tmp_path)).jobs
    schedule = build_index(root, jobs=jobs, now=NOW).schedule
    assert [s.expected for s in schedule.slots] == [*WEEKS[:1], MISSED, *WEEKS[1:]]
    later = build_index(root, jobs=jobs, now=NOW + timedelta(days=14)).schedule
    assert [s.expected for s in later.slots if not s.runs] == [
        MISSED, datetime(2026, 12, 7, 8, 0, tzinfo=timezone.utc), datetime(2026, 12, 14, 8, 0, tzinfo=timezone.utc)]


def test_a_run_answers_the_nearest_slot_and_extra_runs_share_it():
    at = datetime(2026, 11, 2, 8, 0, tzinfo=timezone.utc)
    runs = [RunRow("a", "complete", at), RunRow("b", "complete", at + timedelta(minutes=5)),
            RunRow("c", "complete", at + timedelta(days=13, hours=23)), RunRow("p", "incomplete", at)]
    schedule = match_schedule(runs, [], at + timedelta(days=15))
    assert [[r.run_id for r in s.runs] for s in schedule.slots] == [["a", "b"], [], ["c"]]


def test_page_is_self_contained_and_links_are_relative(root, page):
    doc = _page(page)
    assert not {"script", "link", "img", "iframe", "object"} & doc.tags and not doc.srcs
    assert "http://" not in page and "https://" not in page and "url(" not in page
    assert doc.hrefs and all(not h.startswith(("/", "file:", "#")) and ".." not in h for h in doc.hrefs)
    for href in doc.hrefs:
        assert (root / href).exists(), href
    assert f"runs/{run_ids()[0]}/report.html" in doc.hrefs


def test_written_after_each_run_and_empty_root(tmp_path):
    out = tmp_path / "out"
    cfg = load_config(config_file(tmp_path))
    from ecr_report.jobs.run import run

    run(cfg, output=out, demo=True, now=WEEKS[0])
    html = (out / "index.html").read_text(encoding="utf-8")
    assert run_ids()[0] in html and "weekly-report" in html
    assert not list(out.glob(".index.*"))  # the temporary file was renamed, not left
    shutil.rmtree(out / "runs" / run_ids()[0])
    write_index(out, now=NOW)
    assert "No finished run" in (out / "index.html").read_text(encoding="utf-8")


def test_index_command(root, tmp_path, capsys):
    assert main(["index", str(root), "--config", str(config_file(tmp_path))]) == 0
    assert capsys.readouterr().out.strip() == str(root / "index.html")
    assert main(["index", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not an output root" in err and "Traceback" not in err
    bad = tmp_path / "bad.toml"
    bad.write_text("[[jobs]]\nid = 'x'\ncron = 'not a cron'\n", encoding="utf-8")
    assert main(["index", str(root), "--config", str(bad)]) == 2


def test_rendering_is_pure_and_escaped(root):
    data = build_index(root, now=NOW)
    hostile = RunRow("<script>alert(1)</script>", "tampered", NOW, ("<b>x</b>",))
    html = render_index(type(data)(data.root, data.generated_at, (*data.runs, hostile), match_schedule(
        (*data.runs, hostile), [], NOW)))
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
    assert render_index(data) == render_index(data)  # same input, same page


def test_a_forged_signature_fails_and_a_removed_one_too(root, tmp_path):
    from ecr_report.jobs.archive_index import read_run

    signed = root / "runs" / run_ids()[1]
    forged = tmp_path / "runs" / signed.name
    shutil.copytree(signed, forged)
    sig = forged / "manifest.sig"
    sig.write_text(sig.read_text(encoding="utf-8").replace('"signature": "', '"signature": "00', 1), encoding="utf-8")
    row = read_run(tmp_path, forged)
    assert row.state == "tampered" and row.signature == "signature FAILS"
    sig.unlink()
    row = read_run(tmp_path, forged)
    assert row.signature == "signature FAILS" and any("manifest.sig: missing" in p for p in row.problems)
