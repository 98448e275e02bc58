"""Local retention: keep the newest keep_runs runs; never a young partial run or an un-uploaded one."""

from __future__ import annotations

import os
import time

from ecr_report.jobs.deliver.retention import PARTIAL_MIN_AGE, prune_runs


def _runs(root, names):
    for name in names:
        (root / "runs" / name).mkdir(parents=True)
        (root / "runs" / name / "manifest.json").write_text("{}")


def test_keeps_the_newest_runs(tmp_path):
    _runs(tmp_path, [f"202611{d:02d}T000000Z" for d in range(1, 8)])
    deleted = prune_runs(tmp_path, 3)
    assert sorted(p.name for p in deleted) == [f"202611{d:02d}T000000Z" for d in range(1, 5)]
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == [f"202611{d:02d}T000000Z" for d in range(5, 8)]


def test_partial_runs_go_only_after_a_day_of_silence(tmp_path):
    _runs(tmp_path, [".partial-20261101T000000Z", ".partial-20261130T000000Z", "20261130T010000Z"])
    old = tmp_path / "runs" / ".partial-20261101T000000Z"
    stamp = time.time() - PARTIAL_MIN_AGE - 60
    for p in [old, *old.rglob("*")]:
        os.utime(p, (stamp, stamp))
    deleted = prune_runs(tmp_path, 1)
    assert [p.name for p in deleted] == [".partial-20261101T000000Z"]
    assert (tmp_path / "runs" / ".partial-20261130T000000Z").is_dir()  # may be in progress


def test_runs_not_yet_uploaded_are_kept_when_an_archive_is_configured(tmp_path):
    _runs(tmp_path, ["20261101T000000Z", "20261102T000000Z", "20261103T000000Z"])
    uploaded = tmp_path / "runs" / "20261101T000000Z" / "delivery"
    uploaded.mkdir()
    (uploaded / "s3.json").write_text('{"status": "uploaded"}')
    deleted = prune_runs(tmp_path, 1, require_uploaded=True)
    assert [p.name for p in deleted] == ["20261101T000000Z"]
    assert (tmp_path / "runs" / "20261102T000000Z").is_dir()
