"""A registry's VPCs and what they mean for the cache: per VPC, how ECR pulls leave it (NAT
gateway, ECR and S3 endpoints), whether a cached pull avoids NAT processing there, and its share
of the pulls; per registry, the rates the economics multiply by the GB pulled."""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from ..prices import GB, HOURS_PER_MONTH
from .inputs import Settings, Unit, UnitNetwork, frame_of, none_if_missing, unit_groups

NETWORK_CALLS = ("ec2:DescribeVpcs", "ec2:DescribeNatGateways", "ec2:DescribeVpcEndpoints")
GONE_ENDPOINT_STATES = ["deleted", "deleting", "failed", "rejected", "expired"]
NOTES = {
    "ENDPOINTS": "ECR pulls stay off the NAT gateway: the cache avoids NAT processing.",
    "S3_GATEWAY_ONLY": ("Layers reach S3 through the endpoint; manifests and API calls still "
                        "cross the NAT gateway (a few KB per pull)."),
    "ECR_ENDPOINTS_NO_S3": ("No S3 endpoint: layers of ECR pulls cross the NAT gateway, so the "
                            "cache saves no NAT processing here."),
    "NAT_ONLY": ("No ECR or S3 endpoint: pulls from ECR cross the NAT gateway too, so the cache "
                 "saves no NAT processing here."),
    "NO_NAT": "No NAT gateway: not counted in the pull shares.",
}
"""The topology column's note, per topology."""


def topology(unit: Unit, tables: Mapping[str, pd.DataFrame], failed: set, settings: Settings,
             prices: Any) -> tuple[UnitNetwork, list[dict[str, Any]]]:
    """The registry's network figures and one data/pull_through_topology.csv row per VPC."""
    account, region = unit
    frames = {name: unit_groups(frame_of(tables, name)).get(unit, pd.DataFrame())
              for name in ("network_vpcs", "network_nat_gateways", "network_vpc_endpoints",
                           "network_metrics_view")}
    vpcs, nats, eps = frames["network_vpcs"], frames["network_nat_gateways"], frames["network_vpc_endpoints"]
    known = not any((account, region, op) in failed for op in NETWORK_CALLS)
    nat_price = prices.amount("nat.data", region)
    vpce_data = prices.amount("vpce.interface.data", region)
    vpce_hour = prices.amount("vpce.interface.hour", region)
    vpc_ids = _vpc_ids(vpcs, nats, eps)
    configured = {k: v for k, v in (settings.vpc_pull_shares or {}).items() if k in vpc_ids}
    rows = []
    weights: dict[str, float] = {}
    for vpc_id in vpc_ids:
        row = _vpc_row(unit, vpc_id, frames, vpce_hour)
        if row["nat_gateways"]:
            weights[vpc_id] = float(configured.get(vpc_id, 0.0) if configured else row["nat_gateways"])
        rows.append(row)
    shares = _apply_shares(rows, weights, bool(configured), nat_price, vpce_data)
    fixed_total = float(sum(r["endpoint_fixed_monthly_usd"] for r in rows))
    ips = int(sum(r["nat_public_ips"] for r in rows))
    return UnitNetwork(known, *shares, fixed_total, ips), rows


def _vpc_ids(vpcs: pd.DataFrame, nats: pd.DataFrame, eps: pd.DataFrame) -> list[str]:
    """Every VPC the registry's network tables name, described VPCs first."""
    vpc_ids = list(vpcs["vpc_id"].astype(str)) if len(vpcs) else []
    for frame in (nats, eps):
        if len(frame):
            vpc_ids += [v for v in frame["vpc_id"].dropna().astype(str) if v not in vpc_ids]
    return vpc_ids


def classify(n_nat: int, dkr: bool, s3_gw: bool, s3_if: bool) -> tuple[str, str, bool]:
    """(topology, the path layers take, whether a cached pull avoids NAT processing)."""
    if n_nat == 0:
        return "NO_NAT", "no NAT gateway (internet gateway or no internet route)", False
    if s3_gw:
        return ("ENDPOINTS" if dkr else "S3_GATEWAY_ONLY"), "S3 gateway endpoint (free)", True
    if s3_if:
        return ("ENDPOINTS" if dkr else "S3_GATEWAY_ONLY"), "S3 interface endpoint (per-GB charge)", True
    return ("ECR_ENDPOINTS_NO_S3" if dkr else "NAT_ONLY"), "NAT gateway", False


def _vpc_row(unit: Unit, vpc_id: str, frames: Mapping[str, pd.DataFrame], vpce_hour: float) -> dict[str, Any]:
    """One VPC's row; `pull_share` and `pull_share_source` are filled in by `_apply_shares`."""
    vpcs, nats, eps = frames["network_vpcs"], frames["network_nat_gateways"], frames["network_vpc_endpoints"]
    info = vpcs[vpcs["vpc_id"] == vpc_id].iloc[0] if len(vpcs) and (vpcs["vpc_id"] == vpc_id).any() else None
    vnats = nats[(nats["vpc_id"] == vpc_id) & (nats["state"].isin(["available", "pending"]))
                 & (nats["connectivity_type"] != "private")] if len(nats) else nats
    veps = eps[(eps["vpc_id"] == vpc_id) & (~eps["state"].str.lower().isin(GONE_ENDPOINT_STATES))] \
        if len(eps) else eps

    def has(service: str, kind: str) -> bool:
        return bool(len(veps)) and bool(((veps["service"] == service)
                                         & (veps["endpoint_type"].str.lower() == kind)).any())

    api, dkr = has("ecr.api", "interface"), has("ecr.dkr", "interface")
    s3_gw, s3_if = has("s3", "gateway"), has("s3", "interface")
    n_nat = int(len(vnats))
    topo, path, saves = classify(n_nat, dkr, s3_gw, s3_if)
    nat_bytes = _nat_bytes(frames["network_metrics_view"], vnats) if n_nat else None
    return {
        "account_id": unit[0], "region": unit[1], "vpc_id": vpc_id,
        "vpc_name": None if info is None else none_if_missing(info["name"]),
        "is_default": None if info is None else bool(info["is_default"]),
        "nat_gateways": n_nat, "nat_public_ips": int(vnats["public_ip_count"].sum()) if n_nat else 0,
        "ecr_api_endpoint": api, "ecr_dkr_endpoint": dkr,
        "s3_gateway_endpoint": s3_gw, "s3_interface_endpoint": s3_if, "topology": topo,
        "layers_path": path, "cache_saves_nat": saves, "pull_share": 0.0,
        "pull_share_source": "", "endpoint_fixed_monthly_usd": _endpoint_fixed(veps, vpce_hour),
        "nat_gb_in_window": None if nat_bytes is None else nat_bytes / GB, "note": NOTES[topo],
        "s3_interface_only": s3_if and not s3_gw,
    }


def _endpoint_fixed(veps: pd.DataFrame, vpce_hour: float) -> float:
    """Hourly charges of the VPC's ECR and S3 interface endpoints, per month (one per subnet)."""
    if not len(veps):
        return 0.0
    interface = veps[(veps["endpoint_type"].str.lower() == "interface")
                     & veps["service"].isin(["ecr.api", "ecr.dkr", "s3"])]
    return float(sum(max(1, int(c)) for c in interface["subnet_count"])) * HOURS_PER_MONTH * vpce_hour


def _nat_bytes(metrics: pd.DataFrame, vnats: pd.DataFrame) -> float | None:
    """Bytes the VPC's NAT gateways brought in over the window, where CloudWatch answered in full."""
    if not len(metrics):
        return None
    mine = metrics[metrics["dimension_value"].isin(list(vnats["nat_gateway_id"]))
                   & (metrics["metric"] == "BytesInFromDestination")]
    if len(mine) and (mine["status"] == "Complete").all() and mine["datapoints"].sum() > 0:
        return float(mine["value_sum"].sum())
    return None


def _apply_shares(rows: list[dict[str, Any]], weights: Mapping[str, float], configured: bool,
                  nat_price: float, vpce_data: float) -> tuple[float, float, float, float]:
    """Each VPC's share of the pulls, into its row; (NAT share, saving share, NAT rate, endpoint
    rate) of the registry (rates in USD per GB pulled through the cache)."""
    total = sum(weights.values())
    nat_share = saving_share = nat_rate = endpoint_rate = 0.0
    for row in rows:
        share = weights.get(row["vpc_id"], 0.0) / total if total > 0 else 0.0
        row["pull_share"] = share
        if row["nat_gateways"]:
            row["pull_share_source"] = ("configured (pull_through.vpc_pull_shares)" if configured
                                        else "by NAT gateway count")
        nat_share += share
        s3_interface_only = row.pop("s3_interface_only")
        if row["cache_saves_nat"]:
            saving_share += share
            nat_rate += share * nat_price
            if s3_interface_only:
                endpoint_rate += share * vpce_data
    return nat_share, saving_share, nat_rate, endpoint_rate
