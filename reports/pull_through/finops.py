"""The pull-through concern's FinOps cost lines: cache storage, the NAT processing it avoids, the
S3 endpoint data of the cached pulls, and the interface endpoint hours of that network path."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..finops import EC2, ECR, VPC, LineSink, missing, number
from ..prices import GB, HOURS_PER_MONTH

ENDPOINT_SERVICES = ("ecr.api", "ecr.dkr", "s3")
DEAD_ENDPOINT_STATES = ("deleted", "deleting", "failed", "rejected", "expired")


def cost_lines(sink: LineSink) -> None:
    frame = sink.tables.get("pull_through")
    if frame is not None and len(frame):
        for rec in frame[frame["repository_name"].notna()].to_dict("records"):
            _repository_lines(sink, rec)
    _endpoint_hour_lines(sink, sink.tables.get("network_vpc_endpoints"), frame)


def _repository_lines(sink: LineSink, rec: dict[str, Any]) -> None:
    common = dict(concern="pull_through", account=rec["account_id"], region=rec["region"],
                  resource_id=sink.repository_arn(rec["account_id"], rec["region"], rec["repository_name"]),
                  resource_name=rec["repository_name"], resource_type="ECR repository",
                  partial=rec.get("partial"), source_table="pull_through")
    upstream = rec.get("upstream_registry") or "upstream"
    sink.add(**common, kind="Cost", component="storage", service=ECR, item="ecr.storage.standard",
             description=f"ECR storage of images cached from {upstream} by a pull-through cache rule",
             quantity=int(rec["stored_bytes"]) / GB, cost=number(rec["storage_monthly_usd"]))
    pulled, share = number(rec["pulled_gb_monthly"]), number(rec["saving_share"])
    nat = number(rec["nat_avoided_monthly_usd"])
    if not missing(nat) and nat > 0 and not missing(pulled) and not missing(share):
        sink.add(**common, kind="AvoidedCost", component="nat_processing", service=EC2, category="Networking",
                 item="nat.data", quantity=-(pulled * share), cost=-nat,
                 description=(f"NAT gateway data processing avoided: pulls of {upstream} images served by "
                              "the cache through VPC endpoints instead of the internet"))
    endpoint = number(rec["endpoint_data_monthly_usd"])
    if not missing(endpoint) and endpoint > 0:
        # The concern gives dollars only (GB x the share of pulls from VPCs with an S3
        # interface endpoint x its price): the quantity is those dollars over that price.
        sink.add(**common, kind="Cost", component="endpoint_data", service=VPC, item="vpce.interface.data",
                 cost=endpoint, description="S3 interface endpoint data processing of pulls served by the cache")


def _endpoint_hour_lines(sink: LineSink, endpoints: pd.DataFrame | None, pull_through: pd.DataFrame | None) -> None:
    """Interface endpoints to ECR and S3 in the units with pull-through rules: their hours are the
    fixed cost of the path that lets the cache avoid NAT (`endpoint_fixed_monthly_usd`)."""
    if endpoints is None or not len(endpoints) or pull_through is None or not len(pull_through):
        return
    units = set(zip(pull_through["account_id"], pull_through["region"]))
    live = endpoints[endpoints["vpc_id"].notna()
                     & (endpoints["endpoint_type"].astype(str).str.lower() == "interface")
                     & endpoints["service"].isin(ENDPOINT_SERVICES)
                     & ~endpoints["state"].astype(str).str.lower().isin(DEAD_ENDPOINT_STATES)]
    for rec in live.to_dict("records"):
        if (rec["account_id"], rec["region"]) not in units:
            continue
        azs = max(1, int(number(rec["subnet_count"]) if not missing(rec["subnet_count"]) else 1))
        hours = float(azs * HOURS_PER_MONTH)
        sink.add(concern="pull_through", kind="Cost", component="endpoint_hours", account=rec["account_id"],
                 region=rec["region"], service=VPC, resource_id=rec["endpoint_id"],
                 resource_name=rec["service_name"], resource_type="VPC interface endpoint",
                 item="vpce.interface.hour", quantity=hours, source_table="network_vpc_endpoints",
                 description=(f"Interface endpoint hours ({rec['service']}, {azs} availability zone"
                              f"{'s' if azs != 1 else ''}), paid whether or not the cache is used"))
