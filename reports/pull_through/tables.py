"""The pull-through concern's tables: the snapshot tables (schemas and builders over the recorded
calls) and the schemas of its result tables."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..concern import Row, TableSpec
from ..schema import BOOL, STR, TS, UNIT_KEY

Unit = tuple[str, str]
INT64 = "int64"
FLOAT = "float64"
NULLABLE_INT = "Int64"

TEMPLATES = {
    **UNIT_KEY,
    "prefix": STR,
    "applied_for": STR,  # comma-separated: PULL_THROUGH_CACHE, REPLICATION, CREATE_ON_PUSH
    "applies_to_pull_through": BOOL,
    "has_lifecycle_policy": BOOL,
    "lifecycle_policy_text": STR,
    "description": STR,
}
METRICS = {
    **UNIT_KEY,
    "namespace": STR,  # AWS/ECR | AWS/NATGateway
    "metric": STR,  # RepositoryPullCount | BytesInFromDestination | BytesOutToDestination
    "dimension_value": STR,  # repository name or NAT gateway id
    "window_start": TS,
    "window_end": TS,
    "value_sum": FLOAT,  # sum of the daily Sums over the window
    "datapoints": INT64,  # days with a datapoint (CloudWatch omits days without data)
    "status": STR,  # Complete | PartialData | Error
}
VPCS = {**UNIT_KEY, "vpc_id": STR, "name": STR, "cidr": STR, "is_default": BOOL}
NAT_GATEWAYS = {
    **UNIT_KEY,
    "nat_gateway_id": STR,
    "vpc_id": STR,
    "subnet_id": STR,
    "state": STR,
    "connectivity_type": STR,  # public | private
    "public_ip_count": INT64,
}
VPC_ENDPOINTS = {
    **UNIT_KEY,
    "endpoint_id": STR,
    "vpc_id": STR,
    "service_name": STR,
    "service": STR,  # ecr.api | ecr.dkr | s3 | other
    "endpoint_type": STR,  # Interface | Gateway | GatewayLoadBalancer ...
    "state": STR,
    "subnet_count": INT64,  # interface endpoints are billed per AZ (one subnet per AZ)
}
CONTAINER_IMAGES = {
    **UNIT_KEY,
    "task_definition_arn": STR,
    "family": STR,
    "revision": INT64,
    "container_name": STR,
    "image": STR,
}


def _templates(index: Any, unit: Unit) -> list[Row]:
    rows = []
    for page in index.ok(unit, "ecr", "DescribeRepositoryCreationTemplates"):
        for t in page.get("repositoryCreationTemplates", []):
            applied = [str(a) for a in t.get("appliedFor") or []]
            rows.append({"account_id": unit[0], "region": unit[1], "prefix": t.get("prefix"),
                         "applied_for": ",".join(applied),
                         "applies_to_pull_through": "PULL_THROUGH_CACHE" in applied,
                         "has_lifecycle_policy": bool(t.get("lifecyclePolicy")),
                         "lifecycle_policy_text": t.get("lifecyclePolicy"),
                         "description": t.get("description")})
    return rows


def _ts(value: Any) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _metrics(index: Any, unit: Unit) -> list[Row]:
    acc: dict[tuple[Any, ...], dict[str, Any]] = {}
    for call in index.get(unit, "cloudwatch", "GetMetricData"):
        params = call.params
        try:
            start, end = _ts(params["StartTime"]), _ts(params["EndTime"])
        except (KeyError, ValueError, TypeError):
            continue
        by_id = {}
        for q in params.get("MetricDataQueries") or []:
            stat = q.get("MetricStat") or {}
            metric = stat.get("Metric") or {}
            dims = metric.get("Dimensions") or []
            if metric.get("Namespace") not in ("AWS/ECR", "AWS/NATGateway") or len(dims) != 1:
                continue
            by_id[q["Id"]] = (metric["Namespace"], metric.get("MetricName"), dims[0].get("Value"))
        results = {r.get("Id"): r for r in call.response.get("MetricDataResults", [])} if call.ok else {}
        for qid, (namespace, name, dim) in by_id.items():
            key = (namespace, name, dim, start, end)
            row = acc.setdefault(key, {"account_id": unit[0], "region": unit[1], "namespace": namespace,
                                       "metric": name, "dimension_value": dim, "window_start": start,
                                       "window_end": end, "value_sum": 0.0, "datapoints": 0,
                                       "status": "Complete", "_seen": set()})
            if not call.ok:
                row["status"] = "Error"
                continue
            result = results.get(qid)
            if result is None:
                continue
            for stamp, value in zip(result.get("Timestamps") or [], result.get("Values") or []):
                day = str(_ts(stamp))
                if day in row["_seen"]:  # a retried page may repeat datapoints
                    continue
                row["_seen"].add(day)
                row["value_sum"] += float(value)
                row["datapoints"] += 1
            if result.get("StatusCode") not in (None, "Complete") and row["status"] == "Complete":
                row["status"] = str(result.get("StatusCode"))
    # Keep one window per series: the longest (another caller may have asked a shorter one).
    best: dict[tuple[Any, ...], dict[str, Any]] = {}
    for (namespace, name, dim, start, end), row in acc.items():
        row.pop("_seen")
        key = (namespace, name, dim)
        if key not in best or (end - start) > (best[key]["window_end"] - best[key]["window_start"]):
            best[key] = row
    return list(best.values())


def _vpcs(index: Any, unit: Unit) -> list[Row]:
    rows = []
    for page in index.ok(unit, "ec2", "DescribeVpcs"):
        for v in page.get("Vpcs", []):
            name = next((t.get("Value") for t in v.get("Tags") or [] if t.get("Key") == "Name"), None)
            rows.append({"account_id": unit[0], "region": unit[1], "vpc_id": v.get("VpcId"), "name": name,
                         "cidr": v.get("CidrBlock"), "is_default": bool(v.get("IsDefault"))})
    return _dedupe(rows, "vpc_id")


def _nat_gateways(index: Any, unit: Unit) -> list[Row]:
    rows = []
    for page in index.ok(unit, "ec2", "DescribeNatGateways"):
        for n in page.get("NatGateways", []):
            addresses = [a for a in n.get("NatGatewayAddresses") or [] if a.get("PublicIp")]
            rows.append({"account_id": unit[0], "region": unit[1], "nat_gateway_id": n.get("NatGatewayId"),
                         "vpc_id": n.get("VpcId"), "subnet_id": n.get("SubnetId"), "state": n.get("State"),
                         "connectivity_type": n.get("ConnectivityType") or "public",
                         "public_ip_count": len(addresses)})
    return _dedupe(rows, "nat_gateway_id")


def endpoint_service(service_name: str | None, region: str) -> str:
    """`com.amazonaws.<region>.ecr.dkr` -> `ecr.dkr`; anything not ECR or S3 -> `other`."""
    name = str(service_name or "")
    for suffix in ("ecr.api", "ecr.dkr", "s3"):
        if name in (f"com.amazonaws.{region}.{suffix}", f"cn.com.amazonaws.{region}.{suffix}"):
            return suffix
    return "other"


def _vpc_endpoints(index: Any, unit: Unit) -> list[Row]:
    rows = []
    for page in index.ok(unit, "ec2", "DescribeVpcEndpoints"):
        for e in page.get("VpcEndpoints", []):
            rows.append({"account_id": unit[0], "region": unit[1], "endpoint_id": e.get("VpcEndpointId"),
                         "vpc_id": e.get("VpcId"), "service_name": e.get("ServiceName"),
                         "service": endpoint_service(e.get("ServiceName"), unit[1]),
                         "endpoint_type": e.get("VpcEndpointType"), "state": str(e.get("State") or ""),
                         "subnet_count": len(e.get("SubnetIds") or [])})
    return _dedupe(rows, "endpoint_id")


def _container_images(index: Any, unit: Unit) -> list[Row]:
    rows = []
    seen = set()
    for answer in index.ok(unit, "ecs", "DescribeTaskDefinition"):
        td = answer.get("taskDefinition") or {}
        arn = td.get("taskDefinitionArn")
        if arn in seen:
            continue
        seen.add(arn)
        for c in td.get("containerDefinitions") or []:
            if c.get("image"):
                rows.append({"account_id": unit[0], "region": unit[1], "task_definition_arn": arn,
                             "family": td.get("family"), "revision": int(td.get("revision") or 0),
                             "container_name": c.get("name"), "image": c["image"]})
    return rows


def _dedupe(rows: list[Row], key: str) -> list[Row]:
    out: dict[Any, Row] = {}
    for row in rows:
        out[row[key]] = row
    return list(out.values())


SNAPSHOT_TABLES = {
    "pull_through_templates": TableSpec(TEMPLATES, _templates),
    "pull_through_metrics": TableSpec(METRICS, _metrics),
    "network_vpcs": TableSpec(VPCS, _vpcs),
    "network_nat_gateways": TableSpec(NAT_GATEWAYS, _nat_gateways),
    "network_vpc_endpoints": TableSpec(VPC_ENDPOINTS, _vpc_endpoints),
    "ecs_container_images": TableSpec(CONTAINER_IMAGES, _container_images),
}


# --- result tables -------------------------------------------------------------------------------

F = "float64"
INT64 = "int64"
NI = "Int64"
KEY = {"account_id": STR, "region": STR}

PULL_THROUGH = {  # data/pull_through.csv: the FinOps view, one row per rule x cached repository
    **KEY,
    "ecr_repository_prefix": STR,
    "upstream_registry": STR,
    "upstream_registry_url": STR,
    "repository_name": STR,  # <NA> on the row of a rule with no cached repository
    "images": INT64,  # tagged images (a multi-arch image counts once)
    "stored_bytes": INT64,
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
    "stale_images": INT64,
    "stale_bytes": INT64,
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
    "size_bytes": INT64,
    "monthly_usd": F,
    "lifecycle_policy_status": STR,
    "creation_template": STR,
}
UNCACHED = {
    **KEY,
    "source": STR,  # ecs:<family>:<revision> | images-in-use file
    "reference": STR,
    "upstream_registry": STR,
    "containers": INT64,  # occurrences of the reference in the source
    "rule_prefix": STR,  # a cache rule for this upstream exists in the registry: its prefix
    "cached_reference": STR,  # the same image through that rule
    "pulls_per_day": F,
    "pulls_source": STR,
    "pulls_assumed": BOOL,  # pulls_per_day is the configured assumption, not measured
    "size_bytes": F,
    "size_source": STR,
    "size_assumed": BOOL,  # size_bytes is the configured assumption, not a cached copy's
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
    "nat_gateways": INT64,
    "nat_public_ips": INT64,
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
    "nat_public_ips": INT64,
    "docker_hub_references": INT64,
    "pulls_per_6h": F,
    "pulls_per_6h_per_ip": F,
    "unauthenticated_limit_per_6h": INT64,
    "personal_limit_per_6h": INT64,
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
