"""`runs/.partial-*` left by killed runs: the next run removes those silent for a day, and logs it."""

from __future__ import annotations

import logging
import os
import time
from datetime import datetime, timezone

from ecr_report.jobs.config import Config
from ecr_report.jobs.run import run
from ecr_report.jobs.rundir import STALE_PARTIAL_SECONDS, verify_run


def _partial(runs, name, *, age: float, fresh_file: bool = False):
    top = runs / name
    (top / "raw" / "111122223333" / "us-east-1").mkdir(parents=True)
    (top / "raw" / "111122223333" / "us-east-1" / "ecr.DescribeRepositories.1.json.gz").write_bytes(b"x")
    stamp = time.time() - age
    for p in sorted(top.rglob("*"), reverse=True) + [top]:
        os.utime(p, (stamp, stamp))
    if fresh_file:  # a long run still writing: its top directory is old, a file in it is not
        (top / "raw" / "111122223333" / "us-east-1" / "ecr.DescribeImages.1.json.gz").write_bytes(b"y")
    return top


def test_the_next_run_removes_partial_runs_silent_for_a_day_and_logs_it(tmp_path, caplog):
    runs = tmp_path / "out" / "runs"
    dead = _partial(runs, ".partial-20261101T000000Z", age=STALE_PARTIAL_SECONDS + 3600)
    young = _partial(runs, ".partial-20261129T230000Z", age=STALE_PARTIAL_SECONDS - 3600)
    writing = _partial(runs, ".partial-20261120T000000Z", age=3 * STALE_PARTIAL_SECONDS, fresh_file=True)

    with caplog.at_level(logging.INFO, logger="ecr_report.run"):
        outcome = run(Config.model_validate({"report": {"pdf": False}}), output=tmp_path / "out", demo=True,
                      now=datetime(2026, 11, 30, tzinfo=timezone.utc))

    assert not dead.exists()
    assert young.is_dir() and writing.is_dir()  # may still be in progress
    removed = [r.getMessage() for r in caplog.records if "never finished" in r.getMessage()]
    assert len(removed) == 1 and dead.name in removed[0]
    assert caplog.records[[r.getMessage() for r in caplog.records].index(removed[0])].levelno == logging.WARNING
    assert verify_run(outcome.run_dir) == []
    assert sorted(p.name for p in runs.iterdir()) == sorted([young.name, writing.name, outcome.run_dir.name])
