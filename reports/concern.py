"""The plug-in contract for one concern of the report (lifecycle, inspector, pull-through ...).

A concern brings
* the snapshot tables it needs, each with a schema and a builder over the recorded calls
  (`TableSpec`, used by `reports.normalize`);
* an `analyse` function: `AnalysisContext` in, `ConcernResult` out (pure; its "now" is the
  snapshot's `as_of`);
and, outside `reports/`, a collector step (`jobs/collect/`) and a report section
(`reports/render/`). `reports.concerns.CONCERNS` lists the concerns that are built; the others
are reported as "not computed", never as zeros.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import pandas as pd

from .prices import PriceTable

Row = dict[str, Any]


@dataclass(frozen=True)
class TableSpec:
    """One snapshot table: its columns (name -> dtype) and how to build its rows for a unit."""

    columns: Mapping[str, str]
    build: Callable[[Any, tuple[str, str]], list[Row]]
    """(CallIndex, (account_id, region)) -> rows"""


@dataclass(frozen=True)
class AnalysisContext:
    as_of: pd.Timestamp
    """The snapshot's "now" (UTC)."""
    tables: Mapping[str, pd.DataFrame]
    """Snapshot tables, plus the result tables of the concerns analysed before this one."""
    prices: PriceTable
    settings: Mapping[str, Any]
    """This concern's settings, as recorded in the snapshot (so re-rendering is reproducible)."""
    units: tuple[tuple[str, str], ...]
    errors: tuple[Mapping[str, str], ...]
    """Collection errors: a concern marks figures that depend on a failed call as partial."""


@dataclass(frozen=True)
class ConcernResult:
    tables: Mapping[str, pd.DataFrame]
    """Result tables, written to data/ as Parquet and CSV under these names."""
    summary: Mapping[str, Any]
    """Merged into summary.json under the concern's key."""
    notes: tuple[str, ...] = ()
    methodology: tuple[str, ...] = ()
    """Paragraphs: what each figure means, the choices made, and which inputs are UNCONFIRMED."""


@dataclass(frozen=True)
class Concern:
    key: str
    """summary.json key and section id: `lifecycle`, `inspector`, `pull_through`."""
    title: str
    snapshot_tables: Mapping[str, TableSpec] = field(default_factory=dict)
    result_tables: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    analyse: Callable[[AnalysisContext], ConcernResult] | None = None
