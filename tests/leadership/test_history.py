"""jobs/history.py: which earlier runs feed the trends, and what is kept of them."""

from __future__ import annotations

import json
import logging

from ecr_report.jobs.history import earlier_runs, read_history
from ecr_report.jobs.plugins import CONCERNS

from leadership_support import summary, weekly_ids, write_run

CURRENT = "20260301T080000Z"


def test_only_complete_runs_before_this_one_are_read(tmp_path):
    write_run(tmp_path, "20260101T080000Z")
    write_run(tmp_path, "20260102T080000Z", partial=True)          # still being written
    write_run(tmp_path, "20260103T080000Z", manifest=False)        # died before its manifest
    write_run(tmp_path, "20260104T080000Z")
    write_run(tmp_path, "20260401T080000Z")                        # after this run: not history
    (tmp_path / "runs" / "stray-file.txt").write_text("x")
    assert [p.name for p in earlier_runs(tmp_path, CURRENT)] == ["20260101T080000Z", "20260104T080000Z"]
    history = read_history(tmp_path, CURRENT, CONCERNS)
    assert [h["run_id"] for h in history] == ["20260101T080000Z", "20260104T080000Z"]
    assert history[0]["figures"]["repositories_pct"] == 50.0
    assert history[0]["as_of"] == "2026-01-01T08:00:00Z"
    json.dumps(history)  # stored in snapshot.json: must be JSON-safe


def test_no_runs_directory_is_no_history(tmp_path):
    assert read_history(tmp_path / "nowhere", CURRENT, CONCERNS) == []


def test_the_last_twelve_oldest_first(tmp_path):
    ids = weekly_ids(15)
    for run_id in ids:
        write_run(tmp_path, run_id)
    history = read_history(tmp_path, CURRENT, CONCERNS)
    assert [h["run_id"] for h in history] == ids[-12:]


def test_unreadable_and_old_format_summaries_are_skipped_with_a_log_line(tmp_path, caplog):
    ids = weekly_ids(6)
    write_run(tmp_path, ids[0])
    write_run(tmp_path, ids[1], raw="{not json")
    write_run(tmp_path, ids[2], doc={"run_id": ids[2], "as_of": "2026-01-03T08:00:00Z"})  # no coverage
    write_run(tmp_path, ids[3], doc=["a", "list"])
    write_run(tmp_path, ids[4], doc=summary(ids[0]))  # names another run
    write_run(tmp_path, ids[5], raw=b"\xff\xfe".decode("latin-1"))
    (tmp_path / "runs" / ids[5] / "summary.json").write_bytes(b"\xff\xfe\x00")
    with caplog.at_level(logging.INFO, logger="ecr_report.history"):
        history = read_history(tmp_path, CURRENT, CONCERNS)
    assert [h["run_id"] for h in history] == [ids[0]]
    logged = caplog.text
    for run_id in ids[1:]:
        assert run_id in logged


def test_a_missing_summary_is_skipped_not_a_crash(tmp_path, caplog):
    run_dir = write_run(tmp_path, "20260101T080000Z")
    (run_dir / "summary.json").unlink()
    assert read_history(tmp_path, CURRENT, CONCERNS) == []
    assert "20260101T080000Z" in caplog.text


def test_demo_and_real_runs_are_not_mixed(tmp_path):
    write_run(tmp_path, "20260101T080000Z", doc=summary("20260101T080000Z", demo=True))
    write_run(tmp_path, "20260102T080000Z")
    assert [h["run_id"] for h in read_history(tmp_path, CURRENT, CONCERNS, demo=False)] == ["20260102T080000Z"]
    assert [h["run_id"] for h in read_history(tmp_path, CURRENT, CONCERNS, demo=True)] == ["20260101T080000Z"]
    assert len(read_history(tmp_path, CURRENT, CONCERNS)) == 2


def test_skipped_runs_do_not_shorten_the_twelve(tmp_path):
    ids = weekly_ids(14)
    for run_id in ids:
        write_run(tmp_path, run_id, raw="{" if run_id == ids[-1] else None)
    history = read_history(tmp_path, CURRENT, CONCERNS)
    assert [h["run_id"] for h in history] == ids[-13:-1]


def test_figures_of_concerns_not_computed_are_none_not_zero(tmp_path):
    doc = summary("20260101T080000Z", sections_not_computed=["inspector", "lifecycle"])
    write_run(tmp_path, "20260101T080000Z", doc=doc)
    figures = read_history(tmp_path, CURRENT, CONCERNS)[0]["figures"]
    assert figures["inspector_monthly_usd"] is None
    assert figures["reclaimable_bytes"] is None and figures["reclaimable_monthly_usd"] is None
    assert figures["pull_through_net_saving_monthly_usd"] == 40.0
