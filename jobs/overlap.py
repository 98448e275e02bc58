"""Normalize while collecting: the snapshot of a run is built in one child while another child
collects, each registry as soon as its evidence is written.

Why: collection waits on the network (or, in the demo, on the emulator) and uses about one of
the machine's cores; normalize (reading `raw/` back into tables, seconds at scale 40) needs the
evidence of one registry at a time and nothing else. Side by side, normalize's work is done by
the time the last registry is; only that registry's share is left to wait for.

How the two agree, and why the tables are exactly those of a normalize run afterwards:
* The collecting child (jobs/run.py `_collect`) tells this process where its `raw/` is and which
  registries it will collect (the plan), then names each registry once its evidence is written
  (`collect_fleet(on_unit_done=)`), and closes the channel when collection is over (after the
  calls made outside any registry are written).
* The normalizing child builds each registry as soon as it is named (`_AsCollected`), in the
  order they are named; each registry's rows take their place in the snapshot's order (sorted, as
  always) when the tables are put together (`normalize(order=)`), so the tables are those of a
  normalize run in order.
* A registry's directory can still receive files after it was named: a call made outside the
  registries but filed under one (an `AssumeRole` under the caller's own registry) is written at
  the end. So the child notes which (service, operation) groups normalize asked for, and what
  they held; once collection is over it compares them with the directory as it is. Should any
  differ, it normalizes everything again from the finished `raw/` (no builder reads such calls
  today: the check makes the equality a fact rather than an assumption).
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Callable, Sequence

from ..reports.concern import Concern
from ..reports.normalize import normalize
from ..reports.snapshot import Snapshot, SnapshotMeta
from . import apart
from .evidence import RawDirCalls

Unit = tuple[str, str]


@dataclass(frozen=True)
class Plan:
    raw_dir: Path
    units: tuple[Unit, ...]


class Announcer:
    """The collecting child's side: the plan, then each registry done, then the end."""

    def __init__(self, plan_fd: int, done_fd: int) -> None:
        self._plan_fd, self._done = plan_fd, os.fdopen(done_fd, "wb")

    def plan(self, raw_dir: Path, units: Sequence[Unit]) -> None:
        with os.fdopen(self._plan_fd, "wb") as pipe:
            pipe.write(pickle.dumps(Plan(raw_dir, tuple(sorted(units)))))

    def unit_done(self, account_id: str, region: str) -> None:
        try:
            self._done.write(f"{account_id}\t{region}\n".encode())
            self._done.flush()
        except OSError:  # the normalizing child is gone: this process's parent sees why
            pass

    def close(self) -> None:
        try:
            self._done.close()
        except OSError:
            pass


class PendingSnapshot:
    """The snapshot being built by the normalizing child."""

    def __init__(self, child: apart.Apart[tuple[dict[str, Any], int]]) -> None:
        self._child = child

    def snapshot(self, meta: SnapshotMeta) -> Snapshot:
        tables, calls_total = self._child.result()
        return Snapshot(meta=meta, tables=tables, calls_total=calls_total)

    def cancel(self) -> None:
        self._child.cancel()


def collect_and_normalize(collect: Callable[[Announcer], Any], concerns: Sequence[Concern]
                          ) -> tuple[Any, PendingSnapshot]:
    """Run `collect(announcer)` in one child and normalize beside it in another; returns what
    `collect` returned and the snapshot to come. Only where `apart.forks()`."""
    plan_r, plan_w = os.pipe()
    done_r, done_w = os.pipe()
    collecting = apart.start_apart(_announcing, collect, plan_w, done_w, what="collection",
                                   name="ecr-report-collect")
    os.close(plan_w)
    os.close(done_w)
    normalizing = None
    try:
        with os.fdopen(plan_r, "rb") as pipe:
            data = pipe.read()  # until the child has planned (its end closed) or has died
        if data:
            plan: Plan = pickle.loads(data)
            normalizing = apart.start_apart(_normalize_as_collected, plan, done_r, concerns,
                                            what="normalize", name="ecr-report-norm")
    finally:
        os.close(done_r)
    try:
        collected = collecting.result()  # a collection that failed before its plan raises here
    except BaseException:
        if normalizing is not None:
            normalizing.cancel()
        raise
    if normalizing is None:
        raise RuntimeError("collection: the collecting process ended without a plan")
    return collected, PendingSnapshot(normalizing)


def _announcing(collect: Callable[[Announcer], Any], plan_fd: int, done_fd: int) -> Any:
    announcer = Announcer(plan_fd, done_fd)
    try:
        return collect(announcer)
    finally:
        announcer.close()


def _normalize_as_collected(plan: Plan, done_fd: int, concerns: Sequence[Concern]
                            ) -> tuple[dict[str, Any], int]:
    with os.fdopen(done_fd, "rb") as pipe:
        calls = _AsCollected(plan.raw_dir, pipe)
        tables = normalize(calls, plan.units, concerns, order=calls.arrival_order(plan.units))
        calls.wait_for_the_end()
    finished = RawDirCalls(plan.raw_dir)
    if calls.changed_since_read(finished):
        tables = normalize(RawDirCalls(plan.raw_dir), plan.units, concerns)
    return tables, len(finished)


class _AsCollected:
    """`RawDirCalls` of a `raw/` being written: a registry is read once it has been named done."""

    def __init__(self, raw_dir: Path, announcements: BinaryIO) -> None:
        self._calls = RawDirCalls(raw_dir)
        self._announcements = announcements
        self._done: set[Unit] = set()
        self._arrived: list[Unit] = []  # in the order named
        self._over = False
        self._read: dict[Unit, _Watched] = {}

    def unit_groups(self, account_id: str, region: str) -> Mapping[tuple[str, str], Any]:
        unit = (account_id, region)
        while unit not in self._done and not self._over:
            self._next()
        watched = self._read[unit] = _Watched(self._calls.unit_groups(account_id, region))
        return watched

    def arrival_order(self, units: Sequence[Unit]) -> Iterator[int]:
        """The places in `units` in the order the registries are named done (waiting for each),
        then those never named, in order (a collection that ended without them: normalize
        reads what raw/ holds of them, as it would have in order)."""
        left = {unit: place for place, unit in enumerate(units)}
        seen = 0
        while left:
            while seen == len(self._arrived) and not self._over:
                self._next()
            if seen == len(self._arrived):
                break
            place = left.pop(self._arrived[seen], None)
            seen += 1
            if place is not None:
                yield place
        yield from sorted(left.values())

    def wait_for_the_end(self) -> None:
        while not self._over:
            self._next()

    def changed_since_read(self, finished: RawDirCalls) -> bool:
        """Whether any group normalize read now holds other files than it did then."""
        return any(watched.changed(finished.unit_groups(*unit)) for unit, watched in self._read.items())

    def _next(self) -> None:
        line = self._announcements.readline()
        if not line:  # collection over (or the collecting child died: the parent sees that)
            self._over = True
            return
        account_id, region = line.decode().rstrip("\n").split("\t")
        self._done.add((account_id, region))
        self._arrived.append((account_id, region))


class _Watched(Mapping[tuple[str, str], Any]):
    """A registry's groups, noting which normalize asked for and what they held."""

    def __init__(self, groups: Mapping[tuple[str, str], Any]) -> None:
        self._groups = groups
        self._asked: dict[tuple[str, str], Any] = {}
        self._whole = False  # iterated: every group counts, and groups that appear later too

    def get(self, key: tuple[str, str], default: Any = None) -> Any:
        group = self._groups.get(key)
        self._asked[key] = _signature(group)
        return default if group is None else group

    def __getitem__(self, key: tuple[str, str]) -> Any:
        group = self.get(key)
        if group is None:
            raise KeyError(key)
        return group

    def __iter__(self) -> Iterator[tuple[str, str]]:
        self._whole = True
        return iter(self._groups)

    def __len__(self) -> int:
        self._whole = True
        return len(self._groups)

    def changed(self, now: Mapping[tuple[str, str], Any]) -> bool:
        if self._whole:
            return {k: _signature(g) for k, g in now.items()} != {k: _signature(g) for k, g in self._groups.items()}
        return any(_signature(now.get(key)) != held for key, held in self._asked.items())


def _signature(group: Any) -> Any:
    """What identifies a group's content: its files (written once, never rewritten), or, for
    calls read already, their count and sequence numbers."""
    if group is None:
        return None
    paths = getattr(group, "paths", None)
    if paths is not None:
        return tuple(paths)
    return tuple(sorted(call.seq for call in group))
