"""What every step of the pull-through analysis shares: its settings, a registry's network
figures, and small readers over the snapshot tables."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import pandas as pd

from ..prices import HOURS_PER_MONTH

Unit = tuple[str, str]
DAYS_PER_MONTH = HOURS_PER_MONTH / 24


@dataclass(frozen=True)
class Settings:
    metrics_days: int = 30
    layer_reuse_fraction: float = 0.3
    stale_days: int = 90
    uncached_pulls_per_day: float = 1.0
    uncached_image_size_mib: float = 150.0
    vpc_pull_shares: Mapping[str, float] | None = None
    images_in_use: tuple[str, ...] | None = None
    images_in_use_file: str | None = None
    images_in_use_account: str | None = None
    images_in_use_region: str | None = None

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> "Settings":
        known = {k: raw[k] for k in cls.__dataclass_fields__ if k in raw and raw[k] is not None}
        if "images_in_use" in known:
            known["images_in_use"] = tuple(str(r) for r in known["images_in_use"])
        if "vpc_pull_shares" in known:
            known["vpc_pull_shares"] = {str(k): float(v) for k, v in dict(known["vpc_pull_shares"]).items()}
        return cls(**known)


@dataclass(frozen=True)
class UnitNetwork:
    """What a registry's VPCs mean for the cache (rates are per GB pulled through the cache)."""

    known: bool
    nat_share: float
    """Share of pulls from VPCs that reach the internet through a NAT gateway."""
    saving_share: float
    """Share of pulls from VPCs where a cached pull avoids NAT processing."""
    nat_rate: float
    """USD per GB pulled: NAT processing avoided (sum of share x nat.data x saves)."""
    endpoint_rate: float
    """USD per GB pulled: interface-endpoint data processing added."""
    fixed_monthly: float
    nat_public_ips: int


def failed_calls(errors: Iterable[Mapping[str, str]]) -> set[tuple[str, str, str]]:
    """(account, region, service:Operation) of every failed call."""
    out = set()
    for e in errors:
        op = str(e.get("operation", "")).split(" ", 1)[0]
        out.add((str(e.get("account", "")), str(e.get("region", "")), op))
    return out


def frame_of(tables: Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame:
    frame = tables.get(name)
    return frame if isinstance(frame, pd.DataFrame) else pd.DataFrame()


def unit_groups(frame: pd.DataFrame) -> dict[Unit, pd.DataFrame]:
    if frame.empty:
        return {}
    return {(str(a), str(r)): g for (a, r), g in frame.groupby(["account_id", "region"], sort=True)}


def none_if_missing(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def matches_prefix(name: str, prefix: str) -> bool:
    return prefix != "ROOT" and name.startswith(prefix + "/")


@dataclass(frozen=True, eq=False)
class Fleet:
    """The snapshot tables the analysis reads, indexed the way its steps look them up."""

    rules_by: Mapping[Unit, pd.DataFrame]
    """Pull-through rules per registry."""
    repos_by: Mapping[Unit, pd.DataFrame]
    """Repositories per registry."""
    images_by_repo: Mapping[tuple[str, str, str], pd.DataFrame]
    """Images of each repository a rule caches into, by (account, region, repository)."""
    pulls_by: Mapping[tuple[str, str, str], Mapping[str, Any]]
    """RepositoryPullCount per repository."""
    coverage_by: Mapping[tuple[str, str, str], Mapping[str, Any]]
    """Scan coverage per repository."""
    templates_by: Mapping[Unit, pd.DataFrame]
    """Repository creation templates per registry."""
    failed: set[tuple[str, str, str]]
    """(account, region, service:Operation) of every failed call."""
