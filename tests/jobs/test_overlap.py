"""jobs/overlap.py: normalize beside the collection reads a registry only once it is named done,
builds the tables a normalize of the finished raw/ builds, notices a group that changed after it
was read (and then normalizes again), and fails with the collection, never hanging."""

from __future__ import annotations

import io
import os
import shutil
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from ecr_report.jobs import apart, overlap
from ecr_report.jobs.config import load_config
from ecr_report.jobs.errors import ConfigError
from ecr_report.jobs.evidence import RawDirCalls
from ecr_report.jobs.plugins import CONCERNS
from ecr_report.jobs.run import run
from ecr_report.reports.normalize import normalize

pytestmark = pytest.mark.skipif(not apart.forks(), reason="needs fork() on Linux")

AS_OF = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def finished_raw(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[str, str]]]:
    tmp = tmp_path_factory.mktemp("overlap")
    cfg = tmp / "c.toml"
    cfg.write_text("[report]\npdf = false\n", encoding="utf-8")
    outcome = run(load_config(cfg), output=tmp / "out", demo=True, demo_scale=1, now=AS_OF)
    return outcome.run_dir / "raw", [tuple(u) for u in outcome.analysis.snapshot.meta.units]


def _announcements(*units: tuple[str, str]) -> io.BytesIO:
    return io.BytesIO(b"".join(f"{a}\t{r}\n".encode() for a, r in units))


def _tables_equal(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(a[k].equals(b[k]) and list(a[k].dtypes) == list(b[k].dtypes) for k in a)


def test_the_tables_are_those_of_the_finished_raw_dir(finished_raw):
    raw, units = finished_raw
    calls = overlap._AsCollected(raw, _announcements(*reversed(units)))
    tables = normalize(calls, units, CONCERNS)
    calls.wait_for_the_end()
    assert not calls.changed_since_read(RawDirCalls(raw))
    assert _tables_equal(tables, normalize(RawDirCalls(raw), units, CONCERNS))


def test_a_registry_is_read_only_once_named_done(finished_raw):
    raw, units = finished_raw
    read_end, write_end = os.pipe()
    named: dict[tuple[str, str], float] = {}

    def collector() -> None:
        with os.fdopen(write_end, "wb") as pipe:
            for unit in reversed(units):  # the last registry first: the reader must wait for the first
                time.sleep(0.2)
                named[unit] = time.monotonic()
                pipe.write(f"{unit[0]}\t{unit[1]}\n".encode())
                pipe.flush()

    thread = threading.Thread(target=collector)
    thread.start()
    reads: dict[tuple[str, str], float] = {}
    with os.fdopen(read_end, "rb") as pipe:
        calls = overlap._AsCollected(raw, pipe)
        inner = calls._calls.unit_groups

        def timed(account_id: str, region: str):  # noqa: ANN202
            reads[(account_id, region)] = time.monotonic()
            return inner(account_id, region)

        calls._calls.unit_groups = timed  # type: ignore[method-assign]
        normalize(calls, units, CONCERNS)
        calls.wait_for_the_end()
    thread.join()
    assert set(reads) == set(units)
    assert all(reads[u] >= named[u] for u in units)


def test_registries_are_built_in_the_order_named_and_the_tables_are_the_same(finished_raw):
    raw, units = finished_raw
    named = [units[2], units[0], ("999999999999", "nowhere"), units[3]]  # one unit never named
    calls = overlap._AsCollected(raw, _announcements(*named))
    order = calls.arrival_order(units)
    assert list(order) == [2, 0, 3, 1]  # as named (an unknown name skipped), then the rest in order
    calls = overlap._AsCollected(raw, _announcements(*reversed(units)))
    tables = normalize(calls, units, CONCERNS, order=calls.arrival_order(units))
    calls.wait_for_the_end()
    assert _tables_equal(tables, normalize(RawDirCalls(raw), units, CONCERNS))


def test_a_group_that_changed_after_it_was_read_is_noticed_and_one_never_read_is_not(finished_raw, tmp_path):
    raw_src, units = finished_raw
    raw = tmp_path / "raw"
    shutil.copytree(raw_src, raw)
    calls = overlap._AsCollected(raw, _announcements(*units))
    normalize(calls, units, CONCERNS)
    calls.wait_for_the_end()
    account, region = units[0]
    unit_dir = raw / account / region
    # A late call filed under the registry that no builder reads (an AssumeRole) changes nothing.
    (unit_dir / "sts.AssumeRole.99.json.gz").write_bytes((next(unit_dir.glob("*.json.gz"))).read_bytes())
    assert not calls.changed_since_read(RawDirCalls(raw))
    # One more page of an operation that was read does.
    pages = sorted(unit_dir.glob("ecr.DescribeRepositories.*.json.gz"))
    shutil.copy(pages[-1], unit_dir / f"ecr.DescribeRepositories.{len(pages) + 1}.json.gz")
    assert calls.changed_since_read(RawDirCalls(raw))


def _fails_before_planning(announcer: overlap.Announcer) -> None:
    raise ConfigError("no usable AWS credentials")


def _fails_after_planning(announcer: overlap.Announcer) -> None:
    announcer.plan(Path("/nonexistent/raw"), [("111122223333", "us-east-1")])
    raise ConfigError("the collection failed")


@pytest.mark.parametrize("collect", [_fails_before_planning, _fails_after_planning])
def test_a_failed_collection_fails_the_run_and_leaves_no_child(collect):
    children_before = _children()
    with pytest.raises(ConfigError):
        overlap.collect_and_normalize(collect, CONCERNS)
    assert _children() == children_before


def _children() -> set[str]:
    with open(f"/proc/self/task/{threading.main_thread().native_id}/children") as fh:
        return set(fh.read().split())
