"""Collect what the pull-through cache model needs (read-only; every response kept as evidence).

Per (account, region) unit, after the foundation has listed the pull-through cache rules,
repositories and images:

* ECR repository creation templates (does a cached repository get a lifecycle policy?);
* CloudWatch `AWS/ECR RepositoryPullCount`, daily Sum over `metrics_days` ending at `as_of`,
  for every cached repository and for the private repositories that share an ECS task definition
  with an upstream image (their pulls stand in for the upstream image's), batched 500 queries a
  call;
* EC2 VPCs, NAT gateways and VPC endpoints (the topology that decides whether the cache saves NAT
  processing), and the NAT gateways' byte metrics where CloudWatch has them;
* ECS task definitions (ACTIVE, newest first, up to `max_task_definitions`) for the image
  references they run.

Failures are filed through the `UnitContext` and become completeness errors; the model then marks
the figures that depend on them as unknown.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterable, Mapping

from ...reports.pull_through.refs import parse_reference
from .context import UnitContext, parallel_map

MAX_QUERIES = 500  # GetMetricData: at most 500 MetricDataQuery structures per call
DAY = 86400
NAT_METRICS = ("BytesInFromDestination", "BytesOutToDestination")


def collect_pull_through(ctx: UnitContext, state: Any, options: Any) -> None:
    settings: Mapping[str, Any] = (options.settings or {}).get("pull_through") or {}
    days = int(settings.get("metrics_days", 30))
    end = _day_floor(options.as_of)
    start = end - timedelta(days=days)

    prefixes = rule_prefixes(ctx)
    cached = [name for name in state.repositories if _cached(name, prefixes)]
    limit = int(settings.get("max_task_definitions", 300))
    workers = options.repository_workers
    # The network is read when the registry caches upstream images or images in use are asked
    # for (known now: read beside the task definitions), or else when a task definition runs a
    # private image beside an upstream one (known only after them).
    network_now = bool(prefixes or settings.get("images_in_use"))
    steps: dict[str, Callable[[], Any]] = {}
    if prefixes:
        steps["templates"] = lambda: collect_creation_templates(ctx)
    if settings.get("task_definitions", True) and limit > 0:  # 0: no ECS call at all (jobs/operations.py)
        steps["siblings"] = lambda: collect_task_definitions(ctx, limit, state.repositories, workers)
    if network_now:
        steps["network"] = lambda: collect_network(ctx, workers)
    found = dict(zip(steps, ctx.side_by_side(list(steps.values()), workers)))
    siblings: list[str] = found.get("siblings") or []
    nat_ids: list[str] = found.get("network") or (collect_network(ctx, workers) if siblings and not network_now else [])

    repositories = sorted(set(cached) | set(siblings))
    queries = [_pull_query(f"r{i}", name) for i, name in enumerate(repositories)]
    queries += [_nat_query(f"n{i}_{j}", nat, metric)
                for i, nat in enumerate(nat_ids) for j, metric in enumerate(NAT_METRICS)]
    collect_metrics(ctx, queries, start, end)


def rule_prefixes(ctx: UnitContext) -> list[str]:
    """The unit's pull-through cache rule prefixes, from the foundation's recorded answer."""
    out: list[str] = []
    for call in ctx.factory.recorder.unit_calls(ctx.account_id, ctx.region, "DescribePullThroughCacheRules"):
        if (call.account_id, call.region, call.service, call.operation) != (
                ctx.account_id, ctx.region, "ecr", "DescribePullThroughCacheRules") or not call.ok:
            continue
        out.extend(r.get("ecrRepositoryPrefix") for r in call.response.get("pullThroughCacheRules", [])
                   if r.get("ecrRepositoryPrefix"))
    return sorted(set(out))


def _cached(name: str, prefixes: Iterable[str]) -> bool:
    return any(p != "ROOT" and name.startswith(p + "/") for p in prefixes)


def collect_creation_templates(ctx: UnitContext) -> None:
    for _ in ctx.pages("ecr", "DescribeRepositoryCreationTemplates", maxResults=1000):
        pass


def collect_task_definitions(ctx: UnitContext, limit: int, private_repositories: Iterable[str],
                             workers: int = 4) -> list[str]:
    """Describe ACTIVE task definitions; returns the unit's private repositories that run beside
    an upstream (non-ECR) image in one of them."""
    arns: list[str] = []
    for page in ctx.pages("ecs", "ListTaskDefinitions", status="ACTIVE", sort="DESC", maxResults=100):
        arns.extend(page.get("taskDefinitionArns", []))
        if len(arns) >= limit:
            break
    known = set(private_repositories)

    def siblings_in(arn: str) -> set[str]:
        answer = ctx.call("ecs", "DescribeTaskDefinition", about=arn, taskDefinition=arn)
        if answer is None:
            return set()
        images = [c.get("image") for c in (answer.get("taskDefinition") or {}).get("containerDefinitions", [])
                  if c.get("image")]
        refs = [parse_reference(i) for i in images]
        if not any(r.registry_kind == "upstream" for r in refs):
            return set()
        return {r.repository for r in refs
                if r.registry_kind == "ecr" and (r.ecr_account, r.ecr_region) == (ctx.account_id, ctx.region)
                and r.repository in known}

    return sorted(set().union(*parallel_map(siblings_in, arns[:limit], workers)))


def collect_network(ctx: UnitContext, workers: int = 1) -> list[str]:
    """VPCs, NAT gateways and VPC endpoints (side by side); returns the available NAT gateway ids."""
    _, nat_pages, _ = ctx.side_by_side([  # literal call sites: tests/iam reads them from the source
        lambda: list(ctx.pages("ec2", "DescribeVpcs", token="NextToken", MaxResults=1000)),
        lambda: list(ctx.pages("ec2", "DescribeNatGateways", token="NextToken", MaxResults=1000)),
        lambda: list(ctx.pages("ec2", "DescribeVpcEndpoints", token="NextToken", MaxResults=1000)),
    ], workers)
    return sorted(n["NatGatewayId"] for page in nat_pages for n in page.get("NatGateways", [])
                  if n.get("State") in ("available", "pending") and n.get("NatGatewayId"))


def collect_metrics(ctx: UnitContext, queries: list[dict[str, Any]], start: datetime, end: datetime) -> None:
    for i in range(0, len(queries), MAX_QUERIES):
        batch = queries[i:i + MAX_QUERIES]
        for _ in ctx.pages("cloudwatch", "GetMetricData", token="NextToken",
                           about=f"queries {i + 1}-{i + len(batch)}", MetricDataQueries=batch,
                           StartTime=start, EndTime=end, ScanBy="TimestampAscending"):
            pass


def _pull_query(qid: str, repository: str) -> dict[str, Any]:
    return {"Id": qid, "Label": repository, "ReturnData": True, "MetricStat": {
        "Metric": {"Namespace": "AWS/ECR", "MetricName": "RepositoryPullCount",
                   "Dimensions": [{"Name": "RepositoryName", "Value": repository}]},
        "Period": DAY, "Stat": "Sum"}}


def _nat_query(qid: str, nat_id: str, metric: str) -> dict[str, Any]:
    return {"Id": qid, "Label": f"{nat_id} {metric}", "ReturnData": True, "MetricStat": {
        "Metric": {"Namespace": "AWS/NATGateway", "MetricName": metric,
                   "Dimensions": [{"Name": "NatGatewayId", "Value": nat_id}]},
        "Period": DAY, "Stat": "Sum"}}


def _day_floor(when: datetime) -> datetime:
    when = when.astimezone(timezone.utc) if when.tzinfo else when.replace(tzinfo=timezone.utc)
    return when.replace(hour=0, minute=0, second=0, microsecond=0)
