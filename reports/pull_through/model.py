"""The pull-through cache model: cached storage against the NAT processing the cache avoids. Pure.

Everything is monthly (730 hours, 730/24 days) and in USD, from the price table (each price used
is recorded with its region, source and date). See `methodology.py` for the words.

The core, per cached repository in a registry (account, region):

    stored GB            = sum of the image sizes (manifest lists excluded: their size repeats a child's)
    storage / month      = stored GB x ecr.storage.standard (archived images at ecr.storage.archive)
    pulls / month        = RepositoryPullCount daily sums over the window / window days x 730/24
    GB pulled / month    = pulls x mean compressed size of a pulled image x (1 - layer reuse)
    NAT avoided / month  = GB pulled x sum over NAT-routed VPCs of (share of pulls x nat.data x saves)
    endpoint data        = GB pulled x sum over VPCs of (share x vpce.interface.data) where layers
                           reach S3 through an interface endpoint
    net / month          = NAT avoided - endpoint data - storage

`saves` is 1 where the layers of an ECR pull bypass the NAT gateway (an S3 gateway or S3
interface endpoint in the VPC) and 0 where they cross it too: there the cache moves the same bytes
through the same NAT gateway and saves no NAT processing.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from ..concern import AnalysisContext, ConcernResult
from ..imagekinds import is_manifest_list, is_referrer
from ..prices import GB, HOURS_PER_MONTH
from ..schema import BOOL, STR, TS, conform
from ..text import msg
from .methodology import methodology
from .refs import UPSTREAM_LABELS, ImageRef, parse_reference

DAYS_PER_MONTH = HOURS_PER_MONTH / 24
DOCKER_HUB_UNAUTHENTICATED_PER_6H = 100  # per IPv4 address or IPv6 /64 [DOCKER] pulls.md @000a96d
DOCKER_HUB_PERSONAL_PER_6H = 200  # per authenticated Personal user [DOCKER]
DOCKER_HUB_LIMITS_SOURCE = ("docker/docs content/manuals/docker-hub/usage/pulls.md @000a96d "
                            "(aws-facts.md §4.3); which limit is live today is UNCONFIRMED")

F = "float64"
I = "int64"
NI = "Int64"
KEY = {"account_id": STR, "region": STR}

PULL_THROUGH = {  # data/pull_through.csv: the FinOps view, one row per rule x cached repository
    **KEY,
    "ecr_repository_prefix": STR,
    "upstream_registry": STR,
    "upstream_registry_url": STR,
    "repository_name": STR,  # <NA> on the row of a rule with no cached repository
    "images": I,  # tagged images (a multi-arch image counts once)
    "stored_bytes": I,
    "storage_monthly_usd": F,
    "pulls_window": F,  # <NA>: pull count not collected
    "window_days": F,
    "pulls_monthly": F,
    "pulls_per_image_monthly": F,
    "bytes_per_pull": F,  # mean compressed size of a pulled single-platform image
    "pulled_gb_monthly": F,  # after layer reuse
    "nat_routed_share": F,  # share of pulls from VPCs with a NAT gateway
    "saving_share": F,  # share of pulls from VPCs where the cache avoids NAT processing
    "nat_avoided_monthly_usd": F,
    "endpoint_data_monthly_usd": F,
    "net_saving_monthly_usd": F,
    "saving_per_pull_usd": F,
    "break_even_pulls_per_image_monthly": F,  # <NA>: never (no NAT saving here)
    "pays_for_itself": BOOL,
    "stale_images": I,
    "stale_bytes": I,
    "stale_monthly_usd": F,
    "last_pull_at": TS,
    "scan_frequency": STR,
    "scanned_automatically": BOOL,
    "lifecycle_policy_status": STR,
    "creation_template": STR,  # prefix of the PULL_THROUGH_CACHE template that applies, if any
    "template_has_lifecycle_policy": BOOL,
    "partial": BOOL,  # some input of this row could not be collected
    "note": STR,
}
STALE = {
    **KEY,
    "ecr_repository_prefix": STR,
    "upstream_registry": STR,
    "repository_name": STR,
    "image_digest": STR,
    "image_tags": STR,
    "pushed_at": TS,
    "last_pull_at": TS,
    "days_since_pull": F,  # since the last recorded pull, or since the push when never pulled
    "size_bytes": I,
    "monthly_usd": F,
    "lifecycle_policy_status": STR,
    "creation_template": STR,
}
UNCACHED = {
    **KEY,
    "source": STR,  # ecs:<family>:<revision> | images-in-use file
    "reference": STR,
    "upstream_registry": STR,
    "containers": I,  # occurrences of the reference in the source
    "rule_prefix": STR,  # a cache rule for this upstream exists in the registry: its prefix
    "cached_reference": STR,  # the same image through that rule
    "pulls_per_day": F,
    "pulls_source": STR,
    "size_bytes": F,
    "size_source": STR,
    "gb_monthly": F,
    "nat_monthly_usd": F,  # NAT processing of these pulls today
    "saving_if_cached_monthly_usd": F,  # NAT processing a cache rule would avoid (topology applied)
    "pulls_per_6h": F,
    "docker_hub_unauthenticated_limit_per_6h": NI,
    "docker_hub_personal_limit_per_6h": NI,
}
IN_USE = {
    **KEY,
    "source": STR,
    "reference": STR,
    "registry_host": STR,
    "kind": STR,  # CACHED | UPSTREAM | PRIVATE | OTHER_ECR
    "upstream_registry": STR,
    "repository_name": STR,  # the cached repository for CACHED
    "in_cache": BOOL,  # the tag or digest is in the cached repository now
    "served_if_upstream_down": BOOL,  # <NA> for private images (no upstream involved)
    "note": STR,
}
TOPOLOGY = {
    **KEY,
    "vpc_id": STR,
    "vpc_name": STR,
    "is_default": BOOL,
    "nat_gateways": I,
    "nat_public_ips": I,
    "ecr_api_endpoint": BOOL,
    "ecr_dkr_endpoint": BOOL,
    "s3_gateway_endpoint": BOOL,
    "s3_interface_endpoint": BOOL,
    "topology": STR,  # ENDPOINTS | S3_GATEWAY_ONLY | ECR_ENDPOINTS_NO_S3 | NAT_ONLY | NO_NAT
    "layers_path": STR,  # how the layers of an ECR pull travel
    "cache_saves_nat": BOOL,
    "pull_share": F,
    "pull_share_source": STR,
    "endpoint_fixed_monthly_usd": F,
    "nat_gb_in_window": F,  # BytesInFromDestination over the window, where CloudWatch has it
    "note": STR,
}
RATE_LIMITS = {
    **KEY,
    "nat_public_ips": I,
    "docker_hub_references": I,
    "pulls_per_6h": F,
    "pulls_per_6h_per_ip": F,
    "unauthenticated_limit_per_6h": I,
    "personal_limit_per_6h": I,
    "status": STR,  # OVER_UNAUTHENTICATED | NEAR_UNAUTHENTICATED | WITHIN | NO_NAT
    "source": STR,
}
RESULT_TABLES = {
    "pull_through": PULL_THROUGH,
    "pull_through_stale": STALE,
    "pull_through_uncached": UNCACHED,
    "pull_through_in_use": IN_USE,
    "pull_through_topology": TOPOLOGY,
    "pull_through_rate_limits": RATE_LIMITS,
}

Unit = tuple[str, str]


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


# --- helpers -----------------------------------------------------------------------------------


def _failed(errors: Iterable[Mapping[str, str]]) -> set[tuple[str, str, str]]:
    """(account, region, service:Operation) of every failed call."""
    out = set()
    for e in errors:
        op = str(e.get("operation", "")).split(" ", 1)[0]
        out.add((str(e.get("account", "")), str(e.get("region", "")), op))
    return out


def _frame(tables: Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame:
    frame = tables.get(name)
    return frame if isinstance(frame, pd.DataFrame) else pd.DataFrame()


def _unit_groups(frame: pd.DataFrame) -> dict[Unit, pd.DataFrame]:
    if frame.empty:
        return {}
    return {(str(a), str(r)): g for (a, r), g in frame.groupby(["account_id", "region"], sort=True)}


def _none(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _matches(name: str, prefix: str) -> bool:
    return prefix != "ROOT" and name.startswith(prefix + "/")


# --- topology ----------------------------------------------------------------------------------


def _topology(unit: Unit, tables: Mapping[str, pd.DataFrame], failed: set, settings: Settings,
              prices: Any, window_days: float) -> tuple[UnitNetwork, list[dict[str, Any]]]:
    account, region = unit
    ops = ("ec2:DescribeVpcs", "ec2:DescribeNatGateways", "ec2:DescribeVpcEndpoints")
    vpcs = _unit_groups(_frame(tables, "network_vpcs")).get(unit, pd.DataFrame())
    nats = _unit_groups(_frame(tables, "network_nat_gateways")).get(unit, pd.DataFrame())
    eps = _unit_groups(_frame(tables, "network_vpc_endpoints")).get(unit, pd.DataFrame())
    metrics = _unit_groups(_frame(tables, "network_metrics_view")).get(unit, pd.DataFrame())
    known = not any((account, region, op) in failed for op in ops)
    nat_price = prices.amount("nat.data", region)
    vpce_data = prices.amount("vpce.interface.data", region)
    vpce_hour = prices.amount("vpce.interface.hour", region)

    vpc_ids = list(vpcs["vpc_id"].astype(str)) if len(vpcs) else []
    for frame in (nats, eps):
        if len(frame):
            vpc_ids += [v for v in frame["vpc_id"].dropna().astype(str) if v not in vpc_ids]
    rows = []
    weights: dict[str, float] = {}
    configured = {k: v for k, v in (settings.vpc_pull_shares or {}).items() if k in vpc_ids}
    for vpc_id in vpc_ids:
        info = vpcs[vpcs["vpc_id"] == vpc_id].iloc[0] if len(vpcs) and (vpcs["vpc_id"] == vpc_id).any() else None
        vnats = nats[(nats["vpc_id"] == vpc_id) & (nats["state"].isin(["available", "pending"]))
                     & (nats["connectivity_type"] != "private")] if len(nats) else nats
        veps = eps[(eps["vpc_id"] == vpc_id) & (~eps["state"].str.lower().isin(["deleted", "deleting", "failed",
                                                                                 "rejected", "expired"]))] \
            if len(eps) else eps

        def has(service: str, kind: str) -> bool:
            return bool(len(veps)) and bool(((veps["service"] == service)
                                             & (veps["endpoint_type"].str.lower() == kind)).any())

        api, dkr = has("ecr.api", "interface"), has("ecr.dkr", "interface")
        s3_gw, s3_if = has("s3", "gateway"), has("s3", "interface")
        n_nat = int(len(vnats))
        ips = int(vnats["public_ip_count"].sum()) if n_nat else 0
        if n_nat == 0:
            topo, path, saves = "NO_NAT", "no NAT gateway (internet gateway or no internet route)", False
        elif s3_gw:
            topo = "ENDPOINTS" if dkr else "S3_GATEWAY_ONLY"
            path, saves = "S3 gateway endpoint (free)", True
        elif s3_if:
            topo = "ENDPOINTS" if dkr else "S3_GATEWAY_ONLY"
            path, saves = "S3 interface endpoint (per-GB charge)", True
        else:
            topo = "ECR_ENDPOINTS_NO_S3" if dkr else "NAT_ONLY"
            path, saves = "NAT gateway", False
        if n_nat:
            weights[vpc_id] = float(configured.get(vpc_id, 0.0) if configured else n_nat)
        fixed = 0.0
        if len(veps):
            interface = veps[(veps["endpoint_type"].str.lower() == "interface")
                             & veps["service"].isin(["ecr.api", "ecr.dkr", "s3"])]
            fixed = float(sum(max(1, int(c)) for c in interface["subnet_count"])) * HOURS_PER_MONTH * vpce_hour
        nat_bytes = None
        if len(metrics) and n_nat:
            mine = metrics[metrics["dimension_value"].isin(list(vnats["nat_gateway_id"]))
                           & (metrics["metric"] == "BytesInFromDestination")]
            if len(mine) and (mine["status"] == "Complete").all() and mine["datapoints"].sum() > 0:
                nat_bytes = float(mine["value_sum"].sum())
        note = {
            "ENDPOINTS": "ECR pulls stay off the NAT gateway: the cache avoids NAT processing.",
            "S3_GATEWAY_ONLY": ("Layers reach S3 through the endpoint; manifests and API calls still "
                                "cross the NAT gateway (a few KB per pull)."),
            "ECR_ENDPOINTS_NO_S3": ("No S3 endpoint: layers of ECR pulls cross the NAT gateway, so the "
                                    "cache saves no NAT processing here."),
            "NAT_ONLY": ("No ECR or S3 endpoint: pulls from ECR cross the NAT gateway too, so the cache "
                         "saves no NAT processing here."),
            "NO_NAT": "No NAT gateway: not counted in the pull shares.",
        }[topo]
        rows.append({
            "account_id": account, "region": region, "vpc_id": vpc_id,
            "vpc_name": None if info is None else _none(info["name"]),
            "is_default": None if info is None else bool(info["is_default"]),
            "nat_gateways": n_nat, "nat_public_ips": ips, "ecr_api_endpoint": api, "ecr_dkr_endpoint": dkr,
            "s3_gateway_endpoint": s3_gw, "s3_interface_endpoint": s3_if, "topology": topo,
            "layers_path": path, "cache_saves_nat": saves, "pull_share": 0.0,
            "pull_share_source": "", "endpoint_fixed_monthly_usd": fixed,
            "nat_gb_in_window": None if nat_bytes is None else nat_bytes / GB, "note": note,
            "_s3_interface_only": s3_if and not s3_gw,
        })
    total = sum(weights.values())
    nat_share = saving_share = nat_rate = endpoint_rate = 0.0
    for row in rows:
        w = weights.get(row["vpc_id"], 0.0)
        share = w / total if total > 0 else 0.0
        row["pull_share"] = share
        if row["nat_gateways"]:
            row["pull_share_source"] = ("configured (pull_through.vpc_pull_shares)" if configured
                                        else "by NAT gateway count")
        nat_share += share
        if row["cache_saves_nat"]:
            saving_share += share
            nat_rate += share * nat_price
            if row.pop("_s3_interface_only"):
                endpoint_rate += share * vpce_data
        else:
            row.pop("_s3_interface_only")
    fixed_total = float(sum(r["endpoint_fixed_monthly_usd"] for r in rows))
    ips = int(sum(r["nat_public_ips"] for r in rows))
    return UnitNetwork(known, nat_share, saving_share, nat_rate, endpoint_rate, fixed_total, ips), rows


# --- the analysis ------------------------------------------------------------------------------


def analyse(ctx: AnalysisContext) -> ConcernResult:
    settings = Settings.from_mapping(ctx.settings or {})
    tables = dict(ctx.tables)
    failed = _failed(ctx.errors)
    as_of = ctx.as_of
    reuse = float(settings.layer_reuse_fraction)

    rules = _frame(tables, "pull_through_rules")
    repos = _frame(tables, "repositories")
    images = _frame(tables, "images")
    coverage = _frame(tables, "coverage")
    templates = _frame(tables, "pull_through_templates")
    metrics = _frame(tables, "pull_through_metrics")
    tables["network_metrics_view"] = (metrics[metrics["namespace"] == "AWS/NATGateway"]
                                      if len(metrics) else metrics)
    pulls = metrics[(metrics["namespace"] == "AWS/ECR") & (metrics["metric"] == "RepositoryPullCount")] \
        if len(metrics) else metrics
    pulls_by = {(str(r["account_id"]), str(r["region"]), str(r["dimension_value"])): r
                for r in pulls.to_dict("records")}

    rules_by = _unit_groups(rules)
    repos_by = _unit_groups(repos)
    images_by_repo: dict[tuple[str, str, str], pd.DataFrame] = {}
    if len(images) and len(rules):
        prefixes = {(str(a), str(r)): list(g["ecr_repository_prefix"].dropna().astype(str))
                    for (a, r), g in rules.groupby(["account_id", "region"])}
        wanted = images[[any(_matches(str(n), p) for p in prefixes.get((str(a), str(r)), ()))
                         for a, r, n in zip(images["account_id"], images["region"], images["repository_name"])]]
        for key, g in wanted.groupby(["account_id", "region", "repository_name"], sort=True):
            images_by_repo[tuple(map(str, key))] = g
    cov_by = {(str(r["account_id"]), str(r["region"]), str(r["repository_name"])): r
              for r in coverage.to_dict("records")} if len(coverage) else {}
    tmpl_by = _unit_groups(templates)

    units = sorted(set(ctx.units) | set(rules_by))
    in_use_refs = _in_use_sources(tables, settings, units, rules_by)
    need_network = set(rules_by) | {u for u, _, _, _ in in_use_refs}
    networks: dict[Unit, UnitNetwork] = {}
    topo_rows: list[dict[str, Any]] = []
    for unit in sorted(need_network):
        networks[unit], rows = _topology(unit, tables, failed, settings, ctx.prices, settings.metrics_days)
        topo_rows.extend(rows)

    pt_rows: list[dict[str, Any]] = []
    stale_rows: list[dict[str, Any]] = []
    stale_cutoff = as_of - pd.Timedelta(days=settings.stale_days)
    for unit, unit_rules in rules_by.items():
        account, region = unit
        net = networks[unit]
        std = ctx.prices.amount("ecr.storage.standard", region)
        archive = ctx.prices.amount("ecr.storage.archive", region)
        unit_repos = repos_by.get(unit, pd.DataFrame())
        repo_names = sorted(unit_repos["repository_name"].astype(str)) if len(unit_repos) else []
        repo_policy = ({str(r["repository_name"]): _none(r["lifecycle_policy_status"])
                        for r in unit_repos.to_dict("records")} if len(unit_repos) else {})
        metrics_failed = (account, region, "cloudwatch:GetMetricData") in failed
        templates_failed = (account, region, "ecr:DescribeRepositoryCreationTemplates") in failed
        for rule in unit_rules.sort_values("ecr_repository_prefix").to_dict("records"):
            prefix = str(rule["ecr_repository_prefix"])
            tmpl = _template_for(tmpl_by.get(unit, pd.DataFrame()), prefix)
            base = {"account_id": account, "region": region, "ecr_repository_prefix": prefix,
                    "upstream_registry": _none(rule["upstream_registry"]),
                    "upstream_registry_url": _none(rule["upstream_registry_url"]),
                    "creation_template": None if tmpl is None else tmpl[0],
                    "template_has_lifecycle_policy": None if tmpl is None and templates_failed
                    else (False if tmpl is None else tmpl[1])}
            cached = [n for n in repo_names if _matches(n, prefix)]
            if not cached:
                pt_rows.append({**base, "repository_name": None, "images": 0, "stored_bytes": 0,
                                "storage_monthly_usd": 0.0, "pulls_window": 0.0,
                                "window_days": float(settings.metrics_days), "pulls_monthly": 0.0,
                                "pulls_per_image_monthly": None, "bytes_per_pull": None,
                                "pulled_gb_monthly": 0.0, "nat_routed_share": net.nat_share,
                                "saving_share": net.saving_share, "nat_avoided_monthly_usd": 0.0,
                                "endpoint_data_monthly_usd": 0.0, "net_saving_monthly_usd": 0.0,
                                "saving_per_pull_usd": None, "break_even_pulls_per_image_monthly": None,
                                "pays_for_itself": None, "stale_images": 0, "stale_bytes": 0,
                                "stale_monthly_usd": 0.0, "last_pull_at": None, "scan_frequency": None,
                                "scanned_automatically": None, "lifecycle_policy_status": None,
                                "partial": False,
                                "note": "No cached repository yet: the rule costs nothing and saves nothing."})
                continue
            for name in cached:
                imgs = images_by_repo.get((account, region, name), pd.DataFrame())
                row = _repository_row(base, name, imgs, pulls_by.get((account, region, name)), metrics_failed,
                                      net, settings, reuse, std, archive, as_of)
                cov = cov_by.get((account, region, name))
                row["scan_frequency"] = None if cov is None else _none(cov["scan_frequency"])
                row["scanned_automatically"] = None if cov is None else _none(cov["automatically_scanned"])
                row["lifecycle_policy_status"] = repo_policy.get(name)
                pt_rows.append(row)
                stale_rows.extend(_stale_rows(base, name, imgs, stale_cutoff, as_of, std, archive,
                                              repo_policy.get(name)))
                row["stale_images"] = sum(1 for s in stale_rows if s["repository_name"] == name
                                          and s["account_id"] == account and s["region"] == region)
                mine = [s for s in stale_rows if s["repository_name"] == name and s["account_id"] == account
                        and s["region"] == region]
                row["stale_bytes"] = int(sum(s["size_bytes"] for s in mine))
                row["stale_monthly_usd"] = float(sum(s["monthly_usd"] for s in mine))

    in_use_rows, uncached_rows = _in_use(in_use_refs, rules_by, repos_by, images_by_repo, pulls_by,
                                         networks, settings, reuse, ctx.prices, failed)
    rate_rows = _rate_limits(uncached_rows, networks)

    out = {
        "pull_through": _conform("pull_through", pt_rows),
        "pull_through_stale": _conform("pull_through_stale", stale_rows),
        "pull_through_uncached": _conform("pull_through_uncached", uncached_rows),
        "pull_through_in_use": _conform("pull_through_in_use", in_use_rows),
        "pull_through_topology": _conform("pull_through_topology", topo_rows),
        "pull_through_rate_limits": _conform("pull_through_rate_limits", rate_rows),
    }
    summary = _summary(out, networks, settings)
    notes = _notes(out, networks, rules_by)
    return ConcernResult(tables=out, summary=summary, notes=tuple(notes),
                         methodology=methodology(settings, summary))


def _conform(name: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    columns = list(RESULT_TABLES[name])
    frame = pd.DataFrame([{c: r.get(c) for c in columns} for r in rows], columns=columns)
    return conform(name, frame, RESULT_TABLES[name])


def _template_for(templates: pd.DataFrame, prefix: str) -> tuple[str, bool] | None:
    """The PULL_THROUGH_CACHE creation template a new cached repository under `prefix` gets."""
    if not len(templates):
        return None
    usable = templates[templates["applies_to_pull_through"].fillna(False).astype(bool)]
    for candidate in (prefix, "ROOT"):
        hit = usable[usable["prefix"] == candidate]
        if len(hit):
            return candidate, bool(hit.iloc[0]["has_lifecycle_policy"])
    return None


def _storage_mask(imgs: pd.DataFrame) -> np.ndarray:
    return ~is_manifest_list(imgs)


def _repository_row(base: dict[str, Any], name: str, imgs: pd.DataFrame, pull: Mapping[str, Any] | None,
                    metrics_failed: bool, net: UnitNetwork, settings: Settings, reuse: float, std: float,
                    archive: float, as_of: pd.Timestamp) -> dict[str, Any]:
    notes = []
    if len(imgs):
        stored = imgs[_storage_mask(imgs)]
        archived = stored["image_status"] == "ARCHIVED"
        stored_bytes = int(stored["size_bytes"].sum())
        storage = (float(stored.loc[~archived, "size_bytes"].sum()) * std
                   + float(stored.loc[archived, "size_bytes"].sum()) * archive) / GB
        tagged = imgs[np.array([bool(t) for t in imgs["image_tags"]], dtype=bool) & ~is_referrer(imgs)]
        n_images = len(tagged) or int((~is_manifest_list(imgs) & ~is_referrer(imgs)).sum())
        platform = imgs[~is_manifest_list(imgs) & ~is_referrer(imgs)]
        window_start = as_of - pd.Timedelta(days=settings.metrics_days)
        recent = platform[platform["last_pull_at"].notna() & (platform["last_pull_at"] >= window_start)]
        sample = recent if len(recent) else platform
        bytes_per_pull = float(sample["size_bytes"].mean()) if len(sample) else None
        last_pull = imgs["last_pull_at"].max() if imgs["last_pull_at"].notna().any() else None
    else:
        stored_bytes, storage, n_images, bytes_per_pull, last_pull = 0, 0.0, 0, None, None
    partial = False
    if pull is None or pull.get("status") == "Error":
        pulls_window = None
        partial = True
        notes.append("pull count not collected" if pull is None or not metrics_failed
                     else "pull count call failed")
        window_days = float(settings.metrics_days)
    else:
        pulls_window = float(pull["value_sum"])
        window_days = max(1e-9, (pull["window_end"] - pull["window_start"]).total_seconds() / 86400)
        if pull.get("status") != "Complete":
            partial = True
            notes.append(f"CloudWatch returned {pull.get('status')}")
    if not net.known:
        partial = True
        notes.append("network topology not collected")
    pulls_monthly = None if pulls_window is None else pulls_window / window_days * DAYS_PER_MONTH
    pulled_gb = (None if pulls_monthly is None or bytes_per_pull is None
                 else pulls_monthly * bytes_per_pull * (1 - reuse) / GB)
    if pulls_monthly == 0:
        pulled_gb = 0.0
    nat_avoided = None if pulled_gb is None or not net.known else pulled_gb * net.nat_rate
    endpoint_data = None if pulled_gb is None or not net.known else pulled_gb * net.endpoint_rate
    net_saving = None if nat_avoided is None else nat_avoided - endpoint_data - storage
    per_pull = (None if bytes_per_pull is None or not net.known
                else bytes_per_pull * (1 - reuse) / GB * (net.nat_rate - net.endpoint_rate))
    break_even = None
    if per_pull and per_pull > 0 and n_images:
        break_even = (storage / n_images) / per_pull
    if net.known and net.saving_share == 0:
        notes.append("no VPC here where the cache avoids NAT processing")
    return {
        **base, "repository_name": name, "images": int(n_images), "stored_bytes": stored_bytes,
        "storage_monthly_usd": storage, "pulls_window": pulls_window, "window_days": window_days,
        "pulls_monthly": pulls_monthly,
        "pulls_per_image_monthly": None if pulls_monthly is None or not n_images else pulls_monthly / n_images,
        "bytes_per_pull": bytes_per_pull, "pulled_gb_monthly": pulled_gb,
        "nat_routed_share": net.nat_share if net.known else None,
        "saving_share": net.saving_share if net.known else None,
        "nat_avoided_monthly_usd": nat_avoided, "endpoint_data_monthly_usd": endpoint_data,
        "net_saving_monthly_usd": net_saving, "saving_per_pull_usd": per_pull,
        "break_even_pulls_per_image_monthly": break_even,
        "pays_for_itself": None if net_saving is None else bool(net_saving >= 0),
        "last_pull_at": last_pull, "partial": partial, "note": "; ".join(notes) or None,
    }


def _stale_rows(base: Mapping[str, Any], name: str, imgs: pd.DataFrame, cutoff: pd.Timestamp,
                as_of: pd.Timestamp, std: float, archive: float, policy: Any) -> list[dict[str, Any]]:
    if not len(imgs):
        return []
    rows = []
    for rec in imgs[_storage_mask(imgs)].to_dict("records"):
        last = _none(rec["last_pull_at"])
        ref = last if last is not None else _none(rec["pushed_at"])
        if ref is None or ref >= cutoff:
            continue
        price = archive if rec["image_status"] == "ARCHIVED" else std
        tags = tuple(rec["image_tags"] or ())
        rows.append({
            "account_id": base["account_id"], "region": base["region"],
            "ecr_repository_prefix": base["ecr_repository_prefix"], "upstream_registry": base["upstream_registry"],
            "repository_name": name, "image_digest": rec["image_digest"],
            "image_tags": ", ".join(tags) if tags else None, "pushed_at": _none(rec["pushed_at"]),
            "last_pull_at": last, "days_since_pull": (as_of - ref).total_seconds() / 86400,
            "size_bytes": int(rec["size_bytes"]), "monthly_usd": int(rec["size_bytes"]) * price / GB,
            "lifecycle_policy_status": policy, "creation_template": base["creation_template"],
        })
    return rows


# --- images in use -----------------------------------------------------------------------------


def _in_use_sources(tables: Mapping[str, pd.DataFrame], settings: Settings, units: list[Unit],
                    rules_by: Mapping[Unit, pd.DataFrame]) -> list[tuple[Unit, str, str, int]]:
    """(unit the pull is made from, source, reference, containers)."""
    out: list[tuple[Unit, str, str, int]] = []
    ecs = _frame(tables, "ecs_container_images")
    if len(ecs):
        # The newest ACTIVE revision of each family is the one taken as running.
        newest = ecs.groupby(["account_id", "region", "family"])["revision"].transform("max")
        current = ecs[ecs["revision"] == newest]
        counts: dict[tuple[Unit, str, str], int] = defaultdict(int)
        for rec in current.to_dict("records"):
            counts[((str(rec["account_id"]), str(rec["region"])),
                    f"ecs:{rec['family']}:{rec['revision']}", str(rec["image"]))] += 1
        out.extend((u, s, r, n) for (u, s, r), n in sorted(counts.items()))
    if settings.images_in_use:
        unit = _file_unit(settings, units, rules_by)
        if unit is not None:
            counts_file: dict[str, int] = defaultdict(int)
            for ref in settings.images_in_use:
                counts_file[ref] += 1
            out.extend((unit, "images-in-use file", r, n) for r, n in sorted(counts_file.items()))
    return out


def _file_unit(settings: Settings, units: list[Unit], rules_by: Mapping[Unit, Any]) -> Unit | None:
    if settings.images_in_use_account and settings.images_in_use_region:
        return (settings.images_in_use_account, settings.images_in_use_region)
    candidates = [u for u in units if u in rules_by] or list(units)
    if settings.images_in_use_region:
        candidates = [u for u in candidates if u[1] == settings.images_in_use_region] or candidates
    if settings.images_in_use_account:
        candidates = [u for u in candidates if u[0] == settings.images_in_use_account] or candidates
    return candidates[0] if candidates else None


def _cached_repo(ref: ImageRef, rules_by: Mapping[Unit, pd.DataFrame]) -> tuple[Unit, str, str] | None:
    unit = (str(ref.ecr_account), str(ref.ecr_region))
    rules = rules_by.get(unit)
    if rules is None:
        return None
    for rec in rules.to_dict("records"):
        if _matches(ref.repository, str(rec["ecr_repository_prefix"])):
            return unit, str(rec["ecr_repository_prefix"]), str(rec["upstream_registry"])
    return None


def _upstream_path(rule: Mapping[str, Any], path: str) -> str | None:
    """The cached repository path for an upstream path under `rule`, or None if it is outside."""
    up = _none(rule.get("upstream_repository_prefix"))
    if up and up != "ROOT":
        if not path.startswith(str(up) + "/"):
            return None
        path = path[len(str(up)) + 1:]
    return f"{rule['ecr_repository_prefix']}/{path}"


def _in_use(refs: list[tuple[Unit, str, str, int]], rules_by: Mapping[Unit, pd.DataFrame],
            repos_by: Mapping[Unit, pd.DataFrame], images_by_repo: Mapping[tuple[str, str, str], pd.DataFrame],
            pulls_by: Mapping[tuple[str, str, str], Mapping[str, Any]], networks: Mapping[Unit, UnitNetwork],
            settings: Settings, reuse: float, prices: Any, failed: set) -> tuple[list, list]:
    in_use, uncached = [], []
    # Sibling ECR images of each ECS source, for the pull-count stand-in.
    siblings: dict[tuple[Unit, str], list[str]] = defaultdict(list)
    for unit, source, raw, _ in refs:
        ref = parse_reference(raw)
        if (source.startswith("ecs:") and ref.registry_kind == "ecr"
                and (ref.ecr_account, ref.ecr_region) == unit):
            siblings[(unit, source)].append(ref.repository)
    known_units = set(repos_by) | set(rules_by)
    for unit, source, raw, count in refs:
        ref = parse_reference(raw)
        row = {"account_id": unit[0], "region": unit[1], "source": source, "reference": raw,
               "registry_host": ref.host, "upstream_registry": ref.upstream_registry,
               "repository_name": None, "in_cache": None, "served_if_upstream_down": None, "note": None}
        if ref.registry_kind == "ecr":
            hit = _cached_repo(ref, rules_by)
            if hit is not None:
                cunit, prefix, upstream = hit
                imgs = images_by_repo.get((cunit[0], cunit[1], ref.repository), pd.DataFrame())
                present = bool(len(imgs)) and bool(
                    (ref.digest is not None and (imgs["image_digest"] == ref.digest).any())
                    or (ref.digest is None and any(ref.tag in tuple(t or ()) for t in imgs["image_tags"])))
                row.update(kind="CACHED", upstream_registry=upstream, repository_name=ref.repository,
                           in_cache=present, served_if_upstream_down=present,
                           note=("Served from the cache; ECR serves the last cached copy when the "
                                 "upstream cannot be reached." if present else
                                 "Not in the cache yet: the first pull needs the upstream."))
            elif (ref.ecr_account, ref.ecr_region) in known_units:
                row.update(kind="PRIVATE", note="Private image: no upstream involved.")
            else:
                row.update(kind="OTHER_ECR", note="ECR registry outside the collected scope.")
            in_use.append(row)
            continue
        row.update(kind="UPSTREAM", served_if_upstream_down=False,
                   note="Pulled from the upstream directly: fails when the upstream is down or rate-limits.")
        in_use.append(row)
        uncached.append(_uncached_row(unit, source, raw, ref, count, rules_by, images_by_repo, pulls_by,
                                      siblings.get((unit, source), []), networks.get(unit), settings,
                                      reuse, prices))
    return in_use, uncached


def _uncached_row(unit: Unit, source: str, raw: str, ref: ImageRef, count: int,
                  rules_by: Mapping[Unit, pd.DataFrame], images_by_repo: Mapping[tuple[str, str, str], pd.DataFrame],
                  pulls_by: Mapping[tuple[str, str, str], Mapping[str, Any]], siblings: list[str],
                  net: UnitNetwork | None, settings: Settings, reuse: float, prices: Any) -> dict[str, Any]:
    region = unit[1]
    rule_prefix = cached_ref = None
    size, size_source = None, None
    rules = rules_by.get(unit)
    if rules is not None:
        for rule in rules.to_dict("records"):
            if str(rule["upstream_registry"]) != ref.upstream_registry:
                continue
            path = _upstream_path(rule, ref.repository)
            if path is None:
                continue
            rule_prefix = str(rule["ecr_repository_prefix"])
            suffix = f"@{ref.digest}" if ref.digest else f":{ref.tag}"
            cached_ref = f"{unit[0]}.dkr.ecr.{region}.amazonaws.com/{path}{suffix}"
            imgs = images_by_repo.get((unit[0], unit[1], path), pd.DataFrame())
            platform = imgs[~is_manifest_list(imgs) & ~is_referrer(imgs)] if len(imgs) else imgs
            if len(platform):
                size, size_source = float(platform["size_bytes"].mean()), f"cached copy in {path}"
            break
    if size is None:
        size = settings.uncached_image_size_mib * 1024 * 1024
        size_source = "assumed (pull_through.uncached_image_size_mib)"
    measured = [pulls_by[(unit[0], unit[1], s)] for s in siblings
                if (unit[0], unit[1], s) in pulls_by and pulls_by[(unit[0], unit[1], s)].get("status") == "Complete"]
    if measured:
        best = max(measured, key=lambda p: p["value_sum"])
        days = max(1e-9, (best["window_end"] - best["window_start"]).total_seconds() / 86400)
        pulls_per_day = float(best["value_sum"]) / days
        pulls_source = f"CloudWatch pulls of {best['dimension_value']} (same task definition)"
    else:
        pulls_per_day = settings.uncached_pulls_per_day * count
        pulls_source = f"assumed: {settings.uncached_pulls_per_day:g} per day x {count} container(s)"
    gb_monthly = pulls_per_day * DAYS_PER_MONTH * size * (1 - reuse) / GB
    nat_price = prices.amount("nat.data", region)
    known = net is not None and net.known
    docker = ref.upstream_registry == "docker-hub"
    return {
        "account_id": unit[0], "region": region, "source": source, "reference": raw,
        "upstream_registry": ref.upstream_registry, "containers": count, "rule_prefix": rule_prefix,
        "cached_reference": cached_ref, "pulls_per_day": pulls_per_day, "pulls_source": pulls_source,
        "size_bytes": size, "size_source": size_source, "gb_monthly": gb_monthly,
        "nat_monthly_usd": gb_monthly * nat_price * net.nat_share if known else None,
        "saving_if_cached_monthly_usd": gb_monthly * (net.nat_rate - net.endpoint_rate) if known else None,
        "pulls_per_6h": pulls_per_day / 4,
        "docker_hub_unauthenticated_limit_per_6h": DOCKER_HUB_UNAUTHENTICATED_PER_6H if docker else None,
        "docker_hub_personal_limit_per_6h": DOCKER_HUB_PERSONAL_PER_6H if docker else None,
    }


def _rate_limits(uncached: list[dict[str, Any]], networks: Mapping[Unit, UnitNetwork]) -> list[dict[str, Any]]:
    by_unit: dict[Unit, list[dict[str, Any]]] = defaultdict(list)
    for row in uncached:
        if row["upstream_registry"] == "docker-hub":
            by_unit[(row["account_id"], row["region"])].append(row)
    out = []
    for unit, rows in sorted(by_unit.items()):
        net = networks.get(unit)
        ips = net.nat_public_ips if net is not None else 0
        total = float(sum(r["pulls_per_6h"] for r in rows))
        per_ip = total / ips if ips else total
        if not ips:
            status = "NO_NAT"
        elif per_ip > DOCKER_HUB_UNAUTHENTICATED_PER_6H:
            status = "OVER_UNAUTHENTICATED"
        elif per_ip > 0.5 * DOCKER_HUB_UNAUTHENTICATED_PER_6H:
            status = "NEAR_UNAUTHENTICATED"
        else:
            status = "WITHIN"
        out.append({"account_id": unit[0], "region": unit[1], "nat_public_ips": ips,
                    "docker_hub_references": len(rows), "pulls_per_6h": total, "pulls_per_6h_per_ip": per_ip,
                    "unauthenticated_limit_per_6h": DOCKER_HUB_UNAUTHENTICATED_PER_6H,
                    "personal_limit_per_6h": DOCKER_HUB_PERSONAL_PER_6H, "status": status,
                    "source": DOCKER_HUB_LIMITS_SOURCE})
    return out


# --- summary and notes -------------------------------------------------------------------------


def _sum(series: pd.Series) -> float:
    return float(series.astype("float64").fillna(0).sum())


def _summary(out: Mapping[str, pd.DataFrame], networks: Mapping[Unit, UnitNetwork],
             settings: Settings) -> dict[str, Any]:
    pt = out["pull_through"]
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
    stale = out["pull_through_stale"]
    uncached = out["pull_through_uncached"]
    in_use = out["pull_through_in_use"]
    external = in_use[in_use["kind"].isin(["CACHED", "UPSTREAM"])]
    rate = out["pull_through_rate_limits"]
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
        "layer_reuse_fraction": settings.layer_reuse_fraction,
        "metrics_days": settings.metrics_days,
        "stale_days": settings.stale_days,
        "stale_images": int(len(stale)),
        "stale_bytes": int(stale["size_bytes"].sum()) if len(stale) else 0,
        "stale_monthly_usd": round(_sum(stale["monthly_usd"]), 2) if len(stale) else 0.0,
        "repositories_not_scanned_automatically": int((repos["scanned_automatically"] == False)  # noqa: E712
                                                      .fillna(False).sum()),
        "in_use_references": int(len(external)),
        "in_use_served_if_upstream_down": int(external["served_if_upstream_down"].fillna(False).sum()),
        "uncached_references": int(len(uncached)),
        "uncached_nat_monthly_usd": round(_sum(uncached["nat_monthly_usd"]), 2) if len(uncached) else 0.0,
        "uncached_saving_if_cached_monthly_usd": (round(_sum(uncached["saving_if_cached_monthly_usd"]), 2)
                                                  if len(uncached) else 0.0),
        "docker_hub_max_pulls_per_6h_per_ip": (round(float(rate["pulls_per_6h_per_ip"].max()), 1)
                                               if len(rate) else None),
        "partial": bool(pt["partial"].fillna(False).any()) if len(pt) else False,
    }


def _notes(out: Mapping[str, pd.DataFrame], networks: Mapping[Unit, UnitNetwork],
           rules_by: Mapping[Unit, Any]) -> list[str]:
    notes = []
    for unit in sorted(rules_by):
        net = networks.get(unit)
        if net is not None and not net.known:
            notes.append(msg("Pull-through cache: the VPC topology of {account}/{region} could not be "
                             "collected, so its NAT savings are unknown.", account=unit[0], region=unit[1]))
    pt = out["pull_through"]
    missing = pt[pt["repository_name"].notna() & pt["pulls_window"].isna()]
    if len(missing):
        notes.append(msg("Pull-through cache: pull counts are missing for {n} cached "
                         "repositories; their savings are unknown, not zero.", n=len(missing)))
    return notes


def label(upstream: Any) -> str:
    text = _none(upstream)
    return UPSTREAM_LABELS.get(str(text), str(text)) if text else "unknown"
