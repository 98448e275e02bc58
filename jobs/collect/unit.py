"""What a collection is over and what its steps share: the unit (one registry), the options,
and the foundation's state handed to the concern collectors."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Mapping

from ...reports.coverage import BasicFindingsScope
from ..aws_session import Account
from .context import UnitContext


@dataclass(frozen=True)
class Unit:
    """One registry: an account in a region."""

    account: Account
    account_id: str
    region: str
    position: int = -1
    """Where the unit is in the run's whole unit list (a shard collects a part of it): its calls
    are ordered as a one-thread run of that list would make them. -1: its place in the list
    given to `collect_fleet`."""


@dataclass(frozen=True)
class CollectOptions:
    as_of: datetime
    scope: BasicFindingsScope
    repository_workers: int = 4
    repository_scan_configuration: bool = True
    settings: Mapping[str, Any] = field(default_factory=dict)
    """Per-concern collection settings, keyed like the snapshot's settings."""
    collectors: tuple[tuple["ConcernCollector", ...], ...] = ()
    """The concerns' collection steps, run after the foundation's in each unit: round by round,
    the steps of a round side by side (jobs/plugins.py `collectors`)."""


@dataclass
class UnitState:
    """What the foundation collected in a unit, for the concern collectors that follow."""

    scan_type: str | None
    repositories: list[str]
    images: dict[str, list[dict[str, Any]]]
    """ImageDetail objects per repository, as DescribeImages returned them."""
    inspector_status: str | None


ConcernCollector = Callable[[UnitContext, UnitState, CollectOptions], None]
"""A concern's collection step, run after the foundation's in each unit: (ctx, state, options).
It reads through the UnitContext, so its responses are recorded and its failures filed."""
