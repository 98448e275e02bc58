"""Snapshot tables of the pull-through concern: schemas and builders over the recorded calls."""

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
