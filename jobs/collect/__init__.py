"""Collectors: the only code that calls AWS. They read, record evidence, and file errors.

`collect_fleet` runs every (account, region) unit concurrently and returns the recorded calls
and collection errors; `reports.normalize` turns those into the snapshot tables.
"""

from __future__ import annotations

import logging
import sys
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from functools import partial
from typing import Callable, Sequence

from ..aws_session import SessionFactory
from ..evidence import RawCall, call_order, sort_calls
from ..gcpause import collector_tuned_for_collection
from . import ecr, inspector, split
from .context import CollectionError, UnitAborted, UnitContext
from .unit import CollectOptions, ConcernCollector, Unit, UnitState

log = logging.getLogger("ecr_report.collect")


__all__ = ["CollectOptions", "Collection", "CollectionError", "ConcernCollector",
           "Unit", "UnitState", "collect_fleet", "collect_unit"]


@dataclass(frozen=True)
class Collection:
    """Everything one collection produced."""

    calls: tuple[RawCall, ...]
    errors: tuple[CollectionError, ...]
    units: tuple[tuple[str, str], ...]


def collect_unit(factory: SessionFactory, unit: Unit, options: CollectOptions) -> list[CollectionError]:
    """Collect one registry; returns its collection errors (the calls are in the recorder).

    The identity first (a refused role or a dead endpoint ends the unit there), then two rounds
    of steps that do not depend on each other, run side by side: over a network each call
    is a round trip, and a registry's steps one after the other were most of a run's wall time
    (benchmarks/org_scale.py). The evidence does not depend on it: every step's calls keep the
    positions a one-thread run gives them (parallel_map), and no two steps call the same operation.
    """
    ctx = UnitContext(factory, unit.account, unit.account_id, unit.region)
    workers = options.repository_workers
    try:
        ctx.call("sts", "GetCallerIdentity")
        scan_type, (names, images), _, status = ctx.side_by_side([
            lambda: ecr.collect_registry(ctx, workers),
            lambda: _repositories(ctx, options),
            lambda: ecr.collect_pull_through_rules(ctx),
            lambda: inspector.collect_account_status(ctx),
        ], workers)
        state = UnitState(scan_type, names, images, status)
        steps = [lambda: _concern_steps(ctx, state, options)]
        if scan_type != "ENHANCED":
            steps.append(lambda: ecr.collect_basic_findings(ctx, images, options.scope, options.as_of, workers))
        # Unknown scan type: ask Inspector too rather than guess the registry is basic.
        if scan_type in ("ENHANCED", None) or status == "ENABLED":
            steps += [lambda: inspector.collect_coverage(ctx), lambda: inspector.collect_finding_counts(ctx)]
        ctx.side_by_side(steps, workers)
    except UnitAborted:
        log.warning("%s/%s: collection stopped early: %s", unit.account_id, unit.region, ctx.abort_reason)
    return ctx.errors


def _repositories(ctx: UnitContext, options: CollectOptions) -> tuple[list[str], dict[str, list[dict]]]:
    """The repository names, and every image of each (DescribeImages)."""
    names = ecr.collect_repositories(ctx)
    steps = [lambda: ecr.collect_per_repository(ctx, names, options.repository_workers)]
    if options.repository_scan_configuration and names:
        steps.insert(0, lambda: ecr.collect_repository_scan_config(ctx, names))
    return names, ctx.side_by_side(steps, options.repository_workers)[-1]


def _concern_steps(ctx: UnitContext, state: UnitState, options: CollectOptions) -> None:
    """The concerns' collection steps, round by round (jobs/plugins.py `collectors`)."""
    for steps in options.collectors:
        ctx.side_by_side([partial(step, ctx, state, options) for step in steps], options.repository_workers)


def _collect_and_write(factory: SessionFactory, unit: Unit, options: CollectOptions,
                       position: int) -> list[CollectionError]:
    """collect_unit, then its evidence numbered and written: the recorder lets go of the unit."""
    try:
        with call_order((position,)):
            return collect_unit(factory, unit, options)
    finally:
        factory.recorder.unit_done(unit.account_id, unit.region, position)


def collect_fleet(factory: SessionFactory, units: Sequence[Unit], options: CollectOptions,
                  max_workers: int = 4, *, then_exits: bool = False,
                  on_unit_done: Callable[[str, str], None] | None = None, processes: int = 1) -> Collection:
    """Collect every unit, `max_workers` at a time, with progress on a terminal.

    `then_exits`: the process ends once the evidence is published (a shard), so the garbage
    the collection leaves is not worth freeing (jobs/gcpause.py). `on_unit_done(account,
    region)`: called once a unit's evidence is written (jobs/overlap.py normalizes it then).
    `processes`: at most this many processes collect, an account's units in one of them
    (split.py; where the recorder keeps no calls in memory and fork() and a second core exist)."""
    units = [u if u.position >= 0 else replace(u, position=i) for i, u in enumerate(units)]
    collect = partial(collect_units, factory, options=options, then_exits=then_exits, on_unit_done=on_unit_done)
    parts = split.account_parts(units, processes, max_workers) if split.can_split(factory.recorder) else [units]
    if len(parts) > 1:
        errors = split.collect_in_processes(factory.recorder, parts, collect, max_workers)
    else:
        errors = collect(units, max_workers)
    factory.recorder.flush()  # calls made outside the units (the caller's identity, role sessions)
    errors.sort(key=lambda e: (e.account, e.region, e.operation, e.error))
    return Collection(
        calls=tuple(sort_calls(factory.recorder.calls)),
        errors=tuple(errors),
        units=tuple(sorted((u.account_id, u.region) for u in units)),
    )


def collect_units(factory: SessionFactory, units: Sequence[Unit], max_workers: int, *, options: CollectOptions,
                  then_exits: bool, on_unit_done: Callable[[str, str], None] | None,
                  bar: bool = True, part: str = "") -> list[CollectionError]:
    """`collect_fleet`'s work in this process, `max_workers` units at a time: each unit's
    evidence is written once it is done (calls filed under a unit collected elsewhere stay
    held); returns the units' collection errors. `bar`: a progress bar on a terminal (else log
    lines: what a second collecting process gives, beside the first one's bar). `part`: which
    of several collecting processes this is, for the progress lines ("process 2 of 2")."""
    errors: list[CollectionError] = []
    progress = _Progress(len(units), bar=bar, part=part)
    workers = max(1, min(max_workers, len(units)))
    with collector_tuned_for_collection(free_garbage_after=not then_exits), ThreadPoolExecutor(workers, thread_name_prefix="ecr-unit") as pool:
        futures = {pool.submit(_collect_and_write, factory, unit, options, unit.position): unit for unit in units}
        for future in as_completed(futures):
            unit = futures[future]
            unit_errors = future.result()
            if on_unit_done is not None:
                on_unit_done(unit.account_id, unit.region)
            errors.extend(unit_errors)
            progress.done(f"{unit.account_id}/{unit.region}", len(unit_errors))
    progress.close()
    return errors


class _Progress:
    """A progress bar on a terminal, plain log lines otherwise (cron, CI, containers)."""

    def __init__(self, total: int, *, bar: bool = True, part: str = "") -> None:
        self._bar, self._part = None, f", {part}" if part else ""
        if bar and sys.stderr.isatty():
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="registry", desc="collecting", file=sys.stderr)
        self._total, self._count = total, 0

    def done(self, label: str, error_count: int) -> None:
        self._count += 1
        if self._bar is not None:
            self._bar.set_postfix_str(label)
            self._bar.update(1)
        else:
            suffix = f", {error_count} calls failed" if error_count else ""
            log.info("collected %s (%d/%d%s)%s", label, self._count, self._total, self._part, suffix)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
