"""The snapshot: everything one collection knew, frozen at its `as_of` time.

A snapshot is the recorded calls (the evidence), the units collected, the collection errors and
the metadata needed to analyse them again. Its JSON half (`snapshot.json`) lives beside `raw/`
in the run directory; `ecr-report render` rebuilds the same Snapshot from the two.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Mapping, Sequence

import pandas as pd

from .concern import Concern
from .coverage import BasicFindingsScope
from .normalize import normalize
from .raw import CallsByUnit, RawCall

SNAPSHOT_FORMAT = 1


@dataclass(frozen=True)
class SnapshotMeta:
    run_id: str
    as_of: datetime
    """The snapshot's "now": every age and window in the analysis is measured from it."""
    units: tuple[tuple[str, str], ...]
    errors: tuple[Mapping[str, str], ...]
    """completeness errors: {account, region, operation, error}"""
    tool_version: str
    demo: bool = False
    scope: BasicFindingsScope = field(default_factory=BasicFindingsScope)
    stale_basic_scan_days: int = 30
    config_digest: str = ""
    settings: Mapping[str, Any] = field(default_factory=dict)
    """Analysis inputs from the configuration, JSON-safe, keyed by concern (`lifecycle`,
    `inspector`, `pull_through`) plus `prices` (overrides). Kept in the snapshot so that a
    re-render uses exactly what the run used, not today's configuration."""
    organization: Mapping[str, Any] | None = None
    """Account discovery ([aws.organization]): the organization, every account seen and why
    it was included or left out (jobs/organization.py). None when no discovery ran."""

    def to_json(self) -> dict[str, Any]:
        return {
            "format": SNAPSHOT_FORMAT,
            "run_id": self.run_id,
            "as_of": iso_utc(self.as_of),
            "units": [list(u) for u in self.units],
            "errors": [dict(e) for e in self.errors],
            "tool_version": self.tool_version,
            "demo": self.demo,
            "scope": {"newest_per_repository": self.scope.newest_per_repository,
                      "pushed_within_days": self.scope.pushed_within_days,
                      "max_images": self.scope.max_images},
            "stale_basic_scan_days": self.stale_basic_scan_days,
            "config_digest": self.config_digest,
            "settings": dict(self.settings),
            # Only with discovery: a run without it keeps its snapshot.json as before.
            **({"organization": dict(self.organization)} if self.organization is not None else {}),
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> "SnapshotMeta":
        if doc.get("format") != SNAPSHOT_FORMAT:
            raise ValueError(f"unsupported snapshot format {doc.get('format')!r}")
        return cls(
            run_id=doc["run_id"],
            as_of=parse_utc(doc["as_of"]),
            units=tuple((u[0], u[1]) for u in doc["units"]),
            errors=tuple(doc.get("errors", ())),
            tool_version=doc.get("tool_version", ""),
            demo=bool(doc.get("demo", False)),
            scope=BasicFindingsScope(**doc.get("scope", {})),
            stale_basic_scan_days=int(doc.get("stale_basic_scan_days", 30)),
            config_digest=doc.get("config_digest", ""),
            settings=dict(doc.get("settings", {})),
            organization=doc.get("organization"),
        )


@dataclass(frozen=True)
class Snapshot:
    meta: SnapshotMeta
    tables: Mapping[str, pd.DataFrame]
    calls_total: int


def build_snapshot(meta: SnapshotMeta, calls: Sequence[RawCall] | CallsByUnit,
                   concerns: Sequence[Concern]) -> Snapshot:
    """The snapshot tables of the foundation and of each of `concerns`, from the recorded calls
    (all of them, or a `CallsByUnit` handing them over one unit at a time: the same tables)."""
    return Snapshot(meta=meta, tables=normalize(calls, meta.units, concerns), calls_total=len(calls))


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def parse_utc(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)
