"""The pull-through collector: moto's server over real HTTP for CloudWatch, EC2 and ECS; botocore
Stubber for what moto lacks (pull-through cache rules, repository creation templates)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import boto3
import pytest
from botocore.stub import Stubber

from ecr_report.jobs.aws_session import Account, SessionFactory
from ecr_report.jobs.collect.context import UnitContext
from ecr_report.jobs.collect.pull_through import (
    collect_creation_templates,
    collect_metrics,
    collect_pull_through,
    rule_prefixes,
)
from ecr_report.jobs.evidence import EvidenceRecorder
from ecr_report.jobs.plugins import CONCERNS
from ecr_report.reports.normalize import normalize

ACCOUNT, REGION = "123456789012", "us-east-1"  # moto's default account
AS_OF = datetime.now(timezone.utc).replace(hour=12, minute=0, second=0, microsecond=0)
REGISTRY = f"{ACCOUNT}.dkr.ecr.{REGION}.amazonaws.com"


def _ctx() -> UnitContext:
    factory = SessionFactory(EvidenceRecorder(), max_attempts=1, base_session=boto3.Session())
    return UnitContext(factory, Account(ACCOUNT), ACCOUNT, REGION)


def _options(**settings) -> SimpleNamespace:
    return SimpleNamespace(as_of=AS_OF, repository_workers=4,
                           settings={"pull_through": {"metrics_days": 7, **settings}})


@pytest.fixture
def fleet(moto_aws: str) -> dict[str, str]:
    ec2 = boto3.client("ec2", region_name=REGION)
    vpc = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
    rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=eip)["NatGateway"]["NatGatewayId"]
    ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{REGION}.s3", VpcEndpointType="Gateway",
                            RouteTableIds=[rtb])
    ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=f"com.amazonaws.{REGION}.ecr.dkr",
                            VpcEndpointType="Interface", SubnetIds=[subnet])
    ecs = boto3.client("ecs", region_name=REGION)
    ecs.register_task_definition(family="web", containerDefinitions=[
        {"name": "app", "image": f"{REGISTRY}/web/app:1", "memory": 256},
        {"name": "proxy", "image": "nginx:1.27", "memory": 128}])
    ecs.register_task_definition(family="batch", containerDefinitions=[
        {"name": "job", "image": f"{REGISTRY}/batch/job:2", "memory": 256}])
    cw = boto3.client("cloudwatch", region_name=REGION)
    day = AS_OF.replace(hour=0) - timedelta(days=2)
    for repo, value in (("web/app", 40.0), ("docker-hub/library/nginx", 7.0)):
        cw.put_metric_data(Namespace="AWS/ECR", MetricData=[
            {"MetricName": "RepositoryPullCount", "Dimensions": [{"Name": "RepositoryName", "Value": repo}],
             "Timestamp": day + timedelta(hours=h), "Value": value, "Unit": "Count"} for h in (1, 5)])
    cw.put_metric_data(Namespace="AWS/NATGateway", MetricData=[
        {"MetricName": "BytesInFromDestination", "Dimensions": [{"Name": "NatGatewayId", "Value": nat}],
         "Timestamp": day + timedelta(hours=3), "Value": 5e9, "Unit": "Bytes"}])
    return {"vpc": vpc, "nat": nat}


def test_collects_topology_task_definitions_and_metrics_over_http(fleet):
    ctx = _ctx()
    # What the foundation recorded before (moto has no pull-through cache rules).
    ctx.factory.recorder.record(ACCOUNT, REGION, "ecr", "DescribePullThroughCacheRules", {"maxResults": 1000},
                                {"pullThroughCacheRules": [{"ecrRepositoryPrefix": "docker-hub",
                                                            "upstreamRegistry": "docker-hub"}]})
    state = SimpleNamespace(repositories=["batch/job", "docker-hub/library/nginx", "web/app"])
    ecr = Stubber(ctx.client("ecr"))
    ecr.add_response("describe_repository_creation_templates", {"registryId": ACCOUNT,
                                                                "repositoryCreationTemplates": []},
                     {"maxResults": 1000})
    ecr.activate()

    collect_pull_through(ctx, state, _options())
    ecr.assert_no_pending_responses()
    assert ctx.errors == []
    tables = normalize(ctx.factory.recorder.calls, [(ACCOUNT, REGION)], CONCERNS)

    nats = tables["network_nat_gateways"]
    assert list(nats["nat_gateway_id"]) == [fleet["nat"]] and list(nats["vpc_id"]) == [fleet["vpc"]]
    eps = tables["network_vpc_endpoints"]
    mine = eps[eps["vpc_id"] == fleet["vpc"]]
    assert sorted(zip(mine["service"], mine["endpoint_type"])) == [("ecr.dkr", "Interface"), ("s3", "Gateway")]
    assert fleet["vpc"] in set(tables["network_vpcs"]["vpc_id"])

    images = tables["ecs_container_images"]
    assert sorted(images["image"]) == sorted([f"{REGISTRY}/web/app:1", "nginx:1.27", f"{REGISTRY}/batch/job:2"])

    metrics = tables["pull_through_metrics"].set_index(["namespace", "dimension_value", "metric"])
    # Cached repository and the private image beside an upstream one; not batch/job.
    assert metrics.loc[("AWS/ECR", "docker-hub/library/nginx", "RepositoryPullCount"), "value_sum"] == 14.0
    assert metrics.loc[("AWS/ECR", "web/app", "RepositoryPullCount"), "value_sum"] == 80.0
    assert ("AWS/ECR", "batch/job", "RepositoryPullCount") not in metrics.index
    nat = metrics.loc[("AWS/NATGateway", fleet["nat"], "BytesInFromDestination")]
    assert nat["value_sum"] == 5e9 and nat["status"] == "Complete"
    window = metrics.iloc[0]
    assert (window["window_end"] - window["window_start"]).days == 7


def test_metric_queries_are_batched_500_a_call(moto_aws):
    ctx = _ctx()
    start = AS_OF - timedelta(days=3)
    queries = [{"Id": f"r{i}", "MetricStat": {"Metric": {
        "Namespace": "AWS/ECR", "MetricName": "RepositoryPullCount",
        "Dimensions": [{"Name": "RepositoryName", "Value": f"repo-{i}"}]}, "Period": 86400, "Stat": "Sum"}}
        for i in range(1001)]
    collect_metrics(ctx, queries, start, AS_OF)
    calls = [c for c in ctx.factory.recorder.calls if c.operation == "GetMetricData"]
    assert [len(c.params["MetricDataQueries"]) for c in calls] == [500, 500, 1]
    assert ctx.errors == []


def test_creation_templates_and_rules_with_stubber():
    ctx = _ctx()
    ecr = Stubber(ctx.client("ecr"))
    ecr.add_response("describe_pull_through_cache_rules", {"pullThroughCacheRules": [
        {"ecrRepositoryPrefix": "docker-hub", "upstreamRegistryUrl": "registry-1.docker.io",
         "upstreamRegistry": "docker-hub", "registryId": ACCOUNT},
        {"ecrRepositoryPrefix": "quay", "upstreamRegistryUrl": "quay.io", "upstreamRegistry": "quay",
         "registryId": ACCOUNT}]}, {"maxResults": 1000})
    ecr.add_response("describe_repository_creation_templates", {"registryId": ACCOUNT, "repositoryCreationTemplates": [
        {"prefix": "docker-hub", "appliedFor": ["PULL_THROUGH_CACHE"], "description": "keep 10",
         "lifecyclePolicy": '{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":'
                            '"imageCountMoreThan","countNumber":10},"action":{"type":"expire"}}]}'}],
        "nextToken": "t2"}, {"maxResults": 1000})
    ecr.add_response("describe_repository_creation_templates", {"registryId": ACCOUNT, "repositoryCreationTemplates": [
        {"prefix": "ROOT", "appliedFor": ["CREATE_ON_PUSH", "REPLICATION"]}]},
        {"maxResults": 1000, "nextToken": "t2"})
    ecr.activate()
    from ecr_report.jobs.collect.ecr import collect_pull_through_rules

    collect_pull_through_rules(ctx)
    assert rule_prefixes(ctx) == ["docker-hub", "quay"]
    collect_creation_templates(ctx)
    ecr.assert_no_pending_responses()
    templates = normalize(ctx.factory.recorder.calls, [(ACCOUNT, REGION)], CONCERNS)["pull_through_templates"]
    assert list(templates["prefix"]) == ["docker-hub", "ROOT"]
    assert list(templates["applies_to_pull_through"]) == [True, False]
    assert list(templates["has_lifecycle_policy"]) == [True, False]


def test_a_failed_call_becomes_a_completeness_error():
    ctx = _ctx()
    ecr = Stubber(ctx.client("ecr"))
    ecr.add_client_error("describe_repository_creation_templates", "AccessDeniedException",
                         "not authorized to perform ecr:DescribeRepositoryCreationTemplates")
    ecr.activate()
    collect_creation_templates(ctx)
    assert [(e.operation, e.error.split(":")[0]) for e in ctx.errors] == [
        ("ecr:DescribeRepositoryCreationTemplates (page 1)", "AccessDeniedException")]
