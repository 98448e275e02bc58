"""A fleet collected by several processes leaves the evidence one process leaves, byte for byte
(jobs/collect/split.py), and the parts are made as documented."""

from __future__ import annotations

import gzip
import os
from datetime import datetime, timezone
from pathlib import Path

import pytest

from ecr_report.jobs import forked
from ecr_report.jobs.aws_session import Account
from ecr_report.jobs.collect import CollectOptions, Unit, collect_fleet
from ecr_report.jobs.collect import split as split_module
from ecr_report.jobs.collect.split import account_parts, processes_for, shares
from ecr_report.jobs.config import Config
from ecr_report.jobs.demo_options import DemoOptions
from ecr_report.jobs.evidence import EvidenceRecorder, call_order
from ecr_report.jobs.plugins import collectors
from ecr_report.jobs.scope import setup_collection
from ecr_report.reports.coverage import BasicFindingsScope

AS_OF = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)
needs_two_cores = pytest.mark.skipif(not forked.can_fork(cores=2), reason="a split needs fork() and two cores")


def _unit(account: str, region: str) -> Unit:
    return Unit(Account(account), account, region)


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _collect(tmp_path: Path, demo: DemoOptions, *, processes: int, max_workers: int = 4):
    raw = tmp_path / f"raw-{processes}"
    recorder = EvidenceRecorder(retain=False)
    setup = setup_collection(recorder, Config(), demo, AS_OF)
    recorder.write_to(raw)
    options = CollectOptions(as_of=AS_OF, scope=BasicFindingsScope(), collectors=collectors())
    collection = collect_fleet(setup.factory, setup.units, options, max_workers=max_workers, processes=processes)
    return raw, collection, recorder.operation_counts()


@needs_two_cores
@pytest.mark.parametrize("demo", [DemoOptions(), DemoOptions(accounts=7)], ids=["story", "organization"])
def test_two_processes_write_the_evidence_of_one(tmp_path, demo):
    one_raw, one, one_counts = _collect(tmp_path, demo, processes=1)
    two_raw, two, two_counts = _collect(tmp_path, demo, processes=2)
    assert _tree(two_raw) == _tree(one_raw)
    assert (two.errors, two.units) == (one.errors, one.units)
    assert two_counts == one_counts  # the child's calls are counted here too


@needs_two_cores
def test_a_split_collection_really_runs_in_two_processes(tmp_path, monkeypatch):
    noted = tmp_path / "pids"  # a file: the child's memory is its own
    real = split_module.collect_in_processes

    def noting(recorder, parts, collect, max_workers):
        def collect_noting(units, workers, **kw):
            with noted.open("a") as fh:
                fh.write(f"{os.getpid()}\n")
            return collect(units, workers, **kw)
        return real(recorder, parts, collect_noting, max_workers)

    monkeypatch.setattr(split_module, "collect_in_processes", noting)
    _collect(tmp_path, DemoOptions(), processes=2)
    pids = set(noted.read_text().split())
    assert len(pids) == 2 and str(os.getpid()) in pids


@needs_two_cores
def test_a_failing_part_fails_the_collection_here(tmp_path, monkeypatch):
    real = split_module.collect_in_processes

    def failing_in_the_child(recorder, parts, collect, max_workers):
        parent = os.getpid()

        def collect_or_fail(units, workers, **kw):
            if os.getpid() != parent:
                raise RuntimeError("part lost")
            return collect(units, workers, **kw)
        return real(recorder, parts, collect_or_fail, max_workers)

    monkeypatch.setattr(split_module, "collect_in_processes", failing_in_the_child)
    with pytest.raises(RuntimeError, match="part lost"):
        _collect(tmp_path, DemoOptions(), processes=2)


def test_a_recorder_that_keeps_calls_is_not_split():
    assert not split_module.can_split(EvidenceRecorder())


def test_an_accounts_units_stay_in_one_part_and_parts_keep_the_order():
    units = [_unit(a, r) for a, r in [("1", "x"), ("2", "x"), ("1", "y"), ("3", "x"), ("1", "z"), ("2", "y")]]
    parts = account_parts(units, processes=2, max_workers=4)
    # "1" (3 units) first onto part 0, then "2" (2) and "3" (1) onto the emptier part 1.
    assert [[(u.account_id, u.region) for u in p] for p in parts] == [
        [("1", "x"), ("1", "y"), ("1", "z")], [("2", "x"), ("3", "x"), ("2", "y")]]


def test_parts_are_no_more_than_processes_workers_or_accounts():
    units = [_unit(a, "x") for a in "123456"]
    assert len(account_parts(units, processes=8, max_workers=3)) == 3
    assert len(account_parts(units, processes=2, max_workers=8)) == 2
    assert len(account_parts(units[:1], processes=4, max_workers=4)) == 1
    assert account_parts([], processes=2, max_workers=4) == [[]]


def test_workers_are_shared_not_multiplied():
    assert shares(4, 2) == [2, 2]
    assert shares(5, 2) == [3, 2]
    assert sum(shares(7, 3)) == 7


def test_zero_processes_means_one_per_usable_core():
    assert processes_for(3) == 3
    assert processes_for(0) == len(os.sched_getaffinity(0))


def test_held_calls_handed_over_are_numbered_in_one_thread_order(tmp_path):
    """Two recorders that each hold calls under one key, the positions interleaved: the one that
    takes over numbers them all as a single recorder would have."""
    single, here, there = (EvidenceRecorder(tmp_path / name, retain=False) for name in ("single", "here", "there"))

    def assume(recorder: EvidenceRecorder, unit_position: int) -> None:
        with call_order((unit_position,)):
            recorder.record("111122223333", "us-east-1", "sts", "AssumeRole",
                            {"RoleArn": f"arn:aws:iam::{unit_position}:role/r"}, {"Credentials": {"n": unit_position}})

    for position in (3, 0, 2, 1):
        assume(single, position)
        assume(here if position % 2 == 0 else there, position)
    single.flush()
    counted = there.operation_counts()
    handed = there.hand_over(counted_since={})
    assert there.calls == [] and handed.made == counted
    here.take_over(handed)
    here.flush()
    assert _tree(tmp_path / "here") == _tree(tmp_path / "single")
    assert here.operation_counts() == single.operation_counts()


@pytest.mark.parametrize("retain", [True, False], ids=["kept", "held as JSON"])
def test_calls_of_other_units_filed_under_a_unit_are_numbered_by_position_not_by_timing(tmp_path, retain):
    """Unit 0 is the caller's registry; units 3 and 1 assume their roles, filed under it. Unit 3's
    call comes before unit 0 is done, unit 1's after: both are written at the end, in one-thread
    order (unit 1's first), after unit 0's own calls, whatever the timing."""
    recorder = EvidenceRecorder(tmp_path / "raw", retain=retain)
    caller = ("111122223333", "us-east-1")

    def assume(unit_position: int) -> None:
        with call_order((unit_position,)):
            recorder.record(*caller, "sts", "AssumeRole", {"RoleArn": f"arn:aws:iam::{unit_position}:role/r"}, {})

    with call_order((0,)):
        recorder.record(*caller, "sts", "GetCallerIdentity", {}, {"Account": caller[0]})
    assume(3)
    recorder.unit_done(*caller, 0)
    assert [p.name for p in (tmp_path / "raw" / caller[0] / caller[1]).iterdir()] == ["sts.GetCallerIdentity.1.json.gz"]
    assume(1)
    recorder.flush()
    written = {p.name: gzip.decompress(p.read_bytes()) for p in (tmp_path / "raw" / caller[0] / caller[1]).iterdir()}
    assert b"arn:aws:iam::1:role/r" in written["sts.AssumeRole.1.json.gz"]
    assert b"arn:aws:iam::3:role/r" in written["sts.AssumeRole.2.json.gz"]
