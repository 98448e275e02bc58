"""A run's evidence and outputs do not depend on how concurrently it was collected.

Calls are numbered in the order a one-thread run makes them (jobs/evidence.py `call_order`), so
the demo fleet collected 8 units and 8 repositories at a time gives the bytes of a run with one
worker: data/, summary.json, report.html, and the raw/ evidence file for file.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timezone
from pathlib import Path

from ecr_report.jobs.collect.context import parallel_map
from ecr_report.jobs.config import load_config
from ecr_report.jobs.evidence import EvidenceRecorder, call_order
from ecr_report.jobs.run import run

AS_OF = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)


def _files(run_dir: Path) -> dict[str, bytes]:
    picked = [p for p in sorted(run_dir.rglob("*")) if p.is_file()
              and p.relative_to(run_dir).parts[0] in ("data", "raw", "summary.json", "report.html")]
    return {str(p.relative_to(run_dir)): p.read_bytes() for p in picked}


def _demo_run(tmp_path: Path, workers: int) -> Path:
    config = tmp_path / f"w{workers}.toml"
    config.write_text(f"[aws]\nmax_workers = {workers}\nrepository_workers = {workers}\n"
                      "[report]\npdf = false\n", encoding="utf-8")
    return run(load_config(config), output=tmp_path / f"out{workers}", demo=True, now=AS_OF).run_dir


def test_a_concurrent_run_is_byte_identical_to_a_one_worker_run(tmp_path):
    serial, concurrent = _files(_demo_run(tmp_path, 1)), _files(_demo_run(tmp_path, 8))
    assert any(name.startswith("raw/") for name in serial) and "summary.json" in serial
    assert sorted(serial) == sorted(concurrent)
    assert [n for n in serial if serial[n] != concurrent[n]] == []


def test_calls_finishing_out_of_order_are_numbered_in_one_thread_order():
    recorder = EvidenceRecorder()

    def describe(name: str) -> None:
        time.sleep(0.05 if name == "a" else 0)  # "a" is asked first and answered last
        for page in (1, 2):
            recorder.record("1", "r", "ecr", "DescribeImages",
                            {"repositoryName": name, "page": page}, {"thread": threading.get_ident()})

    with call_order((0,)):
        recorder.record("1", "r", "ecr", "DescribeImages", {"repositoryName": "first"}, {})
        parallel_map(describe, ["a", "b", "c"], workers=3)
        recorder.record("1", "r", "ecr", "DescribeImages", {"repositoryName": "last"}, {})
    arrival = [(c.params["repositoryName"], c.seq) for c in recorder.calls]
    assert arrival[1][0] != "a"  # the test is meaningful: "a" really did finish after "b"
    calls = recorder.unit_done("1", "r")
    assert [(c.params["repositoryName"], c.params.get("page"), c.seq) for c in calls] == [
        ("first", None, 1), ("a", 1, 2), ("a", 2, 3), ("b", 1, 4), ("b", 2, 5),
        ("c", 1, 6), ("c", 2, 7), ("last", None, 8)]
    assert recorder.calls == calls and recorder.unit_calls("1", "r") == []


def test_a_recorder_that_does_not_retain_keeps_only_the_units_in_progress(tmp_path):
    recorder = EvidenceRecorder(tmp_path / "raw", retain=False)
    recorder.record("1", "r", "ecr", "DescribeRegistry", {}, {})
    recorder.record("1", "s", "ecr", "DescribeRegistry", {}, {})
    recorder.unit_done("1", "r")
    assert [(c.account_id, c.region) for c in recorder.calls] == [("1", "s")]
    assert (tmp_path / "raw/1/r/ecr.DescribeRegistry.1.json.gz").is_file()
    assert recorder.operation_counts() == {"ecr.DescribeRegistry": 2}
