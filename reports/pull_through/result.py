"""The concern's headline figures (summary.json's `pull_through` key), as a typed result."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Mapping

import pandas as pd

from .inputs import Settings, Unit, UnitNetwork


def _sum(series: pd.Series) -> float:
    return float(series.astype("float64").fillna(0).sum())


@dataclass(frozen=True)
class PullThroughResult:
    """Monthly USD (rounded to cents), counts and the settings the figures depend on."""

    storage_monthly_usd: float
    nat_savings_monthly_usd: float
    endpoint_data_monthly_usd: float
    net_saving_monthly_usd: float
    endpoint_fixed_monthly_usd: float
    net_saving_including_endpoints_monthly_usd: float
    rules: int
    rules_paying: int
    rules_not_paying: int
    rules_without_cached_repositories: int
    cached_repositories: int
    cached_images: int
    stored_bytes: int
    pulls_monthly: float
    break_even_pulls_per_image_monthly: float | None
    layer_reuse_fraction: float
    metrics_days: int
    stale_days: int
    stale_images: int
    stale_bytes: int
    stale_monthly_usd: float
    repositories_not_scanned_automatically: int
    in_use_references: int
    in_use_served_if_upstream_down: int
    uncached_references: int
    uncached_nat_monthly_usd: float
    uncached_saving_if_cached_monthly_usd: float
    docker_hub_max_pulls_per_6h_per_ip: float | None
    partial: bool

    def to_summary(self) -> dict[str, Any]:
        """summary.json's `pull_through` object (its documented keys, in their order)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def pull_through_result(out: Mapping[str, pd.DataFrame], networks: Mapping[Unit, UnitNetwork],
                        settings: Settings, incomplete: bool = False) -> PullThroughResult:
    """The headline figures from the result tables and the registries' networks.

    `incomplete`: a call the figures rest on failed (a registry's cache rules, say), so some
    rules, caches or savings are missing from every figure: they are partial."""
    return PullThroughResult(**_cache_figures(out["pull_through"], networks),
                             layer_reuse_fraction=settings.layer_reuse_fraction,
                             metrics_days=settings.metrics_days, stale_days=settings.stale_days,
                             **_exposure_figures(out), partial=incomplete or _partial(out["pull_through"]))


def _cache_figures(pt: pd.DataFrame, networks: Mapping[Unit, UnitNetwork]) -> dict[str, Any]:
    """Cost, savings, rules and cached repositories (data/pull_through.csv)."""
    repos = pt[pt["repository_name"].notna()]
    storage = _sum(pt["storage_monthly_usd"])
    nat = _sum(pt["nat_avoided_monthly_usd"])
    endpoint_data = _sum(pt["endpoint_data_monthly_usd"])
    net = nat - endpoint_data - storage
    fixed = float(sum(n.fixed_monthly for u, n in networks.items()
                      if u in {(a, r) for a, r in zip(pt["account_id"], pt["region"])}))
    pulls = _sum(repos["pulls_monthly"])
    images = int(repos["images"].sum()) if len(repos) else 0
    per_pull = _sum(repos["saving_per_pull_usd"] * repos["pulls_monthly"].astype("float64").fillna(0))
    avg_saving = per_pull / pulls if pulls else None
    break_even = (storage / images / avg_saving) if images and avg_saving else None
    rules = pt.groupby(["account_id", "region", "ecr_repository_prefix"], sort=True).agg(
        net=("net_saving_monthly_usd", lambda s: s.astype("float64").fillna(0).sum()),
        repos=("repository_name", "count"))
    active = rules[rules["repos"] > 0]
    return {
        "storage_monthly_usd": round(storage, 2),
        "nat_savings_monthly_usd": round(nat, 2),
        "endpoint_data_monthly_usd": round(endpoint_data, 2),
        "net_saving_monthly_usd": round(net, 2),
        "endpoint_fixed_monthly_usd": round(fixed, 2),
        "net_saving_including_endpoints_monthly_usd": round(net - fixed, 2),
        "rules": int(len(rules)),
        "rules_paying": int((active["net"] >= 0).sum()),
        "rules_not_paying": int((active["net"] < 0).sum()),
        "rules_without_cached_repositories": int((rules["repos"] == 0).sum()),
        "cached_repositories": int(len(repos)),
        "cached_images": images,
        "stored_bytes": int(repos["stored_bytes"].sum()) if len(repos) else 0,
        "pulls_monthly": round(pulls, 1),
        "break_even_pulls_per_image_monthly": None if break_even is None else round(break_even, 2),
        "repositories_not_scanned_automatically": int((repos["scanned_automatically"] == False)  # noqa: E712
                                                      .fillna(False).sum()),
    }


def _exposure_figures(out: Mapping[str, pd.DataFrame]) -> dict[str, Any]:
    """Stale entries, images in use, direct upstream pulls and Docker Hub exposure."""
    stale = out["pull_through_stale"]
    uncached = out["pull_through_uncached"]
    in_use = out["pull_through_in_use"]
    external = in_use[in_use["kind"].isin(["CACHED", "UPSTREAM"])]
    rate = out["pull_through_rate_limits"]
    return {
        "stale_images": int(len(stale)),
        "stale_bytes": int(stale["size_bytes"].sum()) if len(stale) else 0,
        "stale_monthly_usd": round(_sum(stale["monthly_usd"]), 2) if len(stale) else 0.0,
        "in_use_references": int(len(external)),
        "in_use_served_if_upstream_down": int(external["served_if_upstream_down"].fillna(False).sum()),
        "uncached_references": int(len(uncached)),
        "uncached_nat_monthly_usd": round(_sum(uncached["nat_monthly_usd"]), 2) if len(uncached) else 0.0,
        "uncached_saving_if_cached_monthly_usd": (round(_sum(uncached["saving_if_cached_monthly_usd"]), 2)
                                                  if len(uncached) else 0.0),
        "docker_hub_max_pulls_per_6h_per_ip": (round(float(rate["pulls_per_6h_per_ip"].max()), 1)
                                               if len(rate) else None),
    }


def _partial(pt: pd.DataFrame) -> bool:
    return bool(pt["partial"].fillna(False).any()) if len(pt) else False
