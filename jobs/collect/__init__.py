"""Collectors: the only code that calls AWS. They read, record evidence, and file errors.

`collect_fleet` runs every (account, region) unit concurrently and returns the recorded calls
and collection errors; `reports.normalize` turns those into the snapshot tables.
"""

from __future__ import annotations

import logging
import sys
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import Sequence

from ..aws_session import SessionFactory
from ..evidence import RawCall, call_order, sort_calls
from . import ecr, inspector
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
    """Collect one registry; returns its collection errors (the calls are in the recorder)."""
    ctx = UnitContext(factory, unit.account, unit.account_id, unit.region)
    try:
        ctx.call("sts", "GetCallerIdentity")
        scan_type = ecr.collect_registry(ctx)
        names = ecr.collect_repositories(ctx)
        if options.repository_scan_configuration and names:
            ecr.collect_repository_scan_config(ctx, names)
        images = ecr.collect_per_repository(ctx, names, options.repository_workers)
        if scan_type != "ENHANCED":
            ecr.collect_basic_findings(ctx, images, options.scope, options.as_of, options.repository_workers)
        ecr.collect_pull_through_rules(ctx)
        status = inspector.collect_account_status(ctx)
        # Unknown scan type: ask Inspector too rather than guess the registry is basic.
        if scan_type in ("ENHANCED", None) or status == "ENABLED":
            inspector.collect_coverage(ctx)
            inspector.collect_finding_counts(ctx)
        state = UnitState(scan_type, names, images, status)
        for step in options.collectors:
            step(ctx, state, options)
    except UnitAborted:
        log.warning("%s/%s: collection stopped early: %s", unit.account_id, unit.region, ctx.errors[-1].error)
    return ctx.errors


def _collect_and_write(factory: SessionFactory, unit: Unit, options: CollectOptions,
                       position: int) -> list[CollectionError]:
    """collect_unit, then its evidence numbered and written: the recorder lets go of the unit."""
    try:
        with call_order((position,)):
            return collect_unit(factory, unit, options)
    finally:
        factory.recorder.unit_done(unit.account_id, unit.region)


def collect_fleet(factory: SessionFactory, units: Sequence[Unit], options: CollectOptions,
                  max_workers: int = 4) -> Collection:
    """Collect every unit, `max_workers` at a time, with progress on a terminal."""
    errors: list[CollectionError] = []
    progress = _Progress(len(units))
    with ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(units))),
                            thread_name_prefix="ecr-unit") as pool:
        futures = {pool.submit(_collect_and_write, factory, unit, options,
                               unit.position if unit.position >= 0 else i): unit
                   for i, unit in enumerate(units)}
        for future in as_completed(futures):
            unit = futures[future]
            unit_errors = future.result()
            errors.extend(unit_errors)
            progress.done(f"{unit.account_id}/{unit.region}", len(unit_errors))
    progress.close()
    factory.recorder.flush()  # calls made outside the units (the caller's identity, role sessions)
    errors.sort(key=lambda e: (e.account, e.region, e.operation, e.error))
    return Collection(
        calls=tuple(sort_calls(factory.recorder.calls)),
        errors=tuple(errors),
        units=tuple(sorted((u.account_id, u.region) for u in units)),
    )


class _Progress:
    """A progress bar on a terminal, plain log lines otherwise (cron, CI, containers)."""

    def __init__(self, total: int) -> None:
        self._bar = None
        if sys.stderr.isatty():
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
            log.info("collected %s (%d/%d)%s", label, self._count, self._total, suffix)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
