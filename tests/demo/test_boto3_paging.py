"""Real boto3 clients and paginators, answered by the emulator through before-call hooks."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from ecr_report.jobs.demo import paging

from .conftest import PROD, SANDBOX, TOKYO


@pytest.mark.parametrize("page_size", [1000, 7])
def test_describe_images_paginator_matches_ground_truth(client, fleet, page_size):
    ecr = client("ecr")
    for repo in fleet.registries[PROD].repositories[:12]:
        pages = ecr.get_paginator("describe_images").paginate(
            repositoryName=repo.name, PaginationConfig={"PageSize": page_size})
        got = [d["imageDigest"] for p in pages for d in p["imageDetails"]]
        assert got == [i.digest for i in repo.images if i.status == "ACTIVE"]
        every = ecr.get_paginator("describe_images").paginate(
            repositoryName=repo.name, filter={"imageStatus": "ANY"}, PaginationConfig={"PageSize": page_size})
        assert len([d for p in every for d in p["imageDetails"]]) == len(repo.images)


def test_tag_status_filter(client, fleet):
    ecr = client("ecr")
    repo = fleet.registries[PROD].repository("web/storefront")
    pages = ecr.get_paginator("describe_images").paginate(repositoryName=repo.name,
                                                          filter={"tagStatus": "UNTAGGED", "imageStatus": "ANY"})
    got = [d for p in pages for d in p["imageDetails"]]
    assert got and all("imageTags" not in d for d in got)
    assert len(got) == sum(1 for i in repo.images if not i.tags)


def test_repositories_and_ptc_rules_paginate(client, fleet):
    for unit in (PROD, TOKYO, SANDBOX):
        ecr = client("ecr", unit)
        repos = [r for p in ecr.get_paginator("describe_repositories").paginate(PaginationConfig={"PageSize": 5})
                 for r in p["repositories"]]
        assert [r["repositoryName"] for r in repos] == [r.name for r in fleet.registries[unit].repositories]
    rules = [r for p in client("ecr").get_paginator("describe_pull_through_cache_rules").paginate(
        PaginationConfig={"PageSize": 2}) for r in p["pullThroughCacheRules"]]
    assert {r["ecrRepositoryPrefix"] for r in rules} == {"docker-hub", "ecr-public", "quay", "ghcr", "k8s"}


def test_list_coverage_paginator(client, fleet):
    ins = client("inspector2")
    reg = fleet.registries[PROD]
    every = [c for p in ins.get_paginator("list_coverage").paginate(PaginationConfig={"PageSize": 200})
             for c in p["coveredResources"]]
    assert len(every) == len(reg.repositories) + sum(1 for i in reg.images if i.coverage)
    images = [c for p in ins.get_paginator("list_coverage").paginate(
        filterCriteria={"resourceType": [{"comparison": "EQUALS", "value": "AWS_ECR_CONTAINER_IMAGE"}],
                        "ecrRepositoryName": [{"comparison": "EQUALS", "value": "payments/api"}]},
        PaginationConfig={"PageSize": 13}) for c in p["coveredResources"]]
    repo = reg.repository("payments/api")
    assert len(images) == len(repo.images)
    assert all(c["resourceId"].startswith("arn:aws:ecr:us-east-1:111122223333:repository/payments/api/sha256:")
               for c in images)
    assert not [c for p in client("inspector2", TOKYO).get_paginator("list_coverage").paginate()
                for c in p["coveredResources"]]


def test_finding_aggregations_paginator(client, fleet):
    ins = client("inspector2")
    rows = [r["awsEcrContainerAggregation"] for p in ins.get_paginator("list_finding_aggregations").paginate(
        aggregationType="AWS_ECR_CONTAINER", aggregationRequest={"awsEcrContainerAggregation": {"sortBy": "CRITICAL"}},
        PaginationConfig={"PageSize": 100}) for r in p["responses"]]
    expected = [i for i in fleet.registries[PROD].images if i.coverage and sum(i.coverage.severity_counts)
                and i.coverage.reason in ("SUCCESSFUL", "SCAN_FREQUENCY_SCAN_ON_PUSH")]
    assert len(rows) == len(expected) > 0
    crit = [r["severityCounts"]["critical"] for r in rows]
    assert crit == sorted(crit, reverse=True)
    assert all(r["severityCounts"]["all"] >= r["severityCounts"]["critical"] + r["severityCounts"]["high"] for r in rows)


def test_scan_findings_paginator(client, fleet):
    ecr = client("ecr", SANDBOX)
    reg = fleet.registries[SANDBOX]
    repo, img = next((r, i) for r in reg.repositories for i in r.images
                     if i.basic_scan and sum(c for _, c in i.basic_scan.severity_counts) > 12)
    pages = list(ecr.get_paginator("describe_image_scan_findings").paginate(
        repositoryName=repo.name, imageId={"imageDigest": img.digest}, PaginationConfig={"PageSize": 5}))
    findings = [f for p in pages for f in p["imageScanFindings"]["findings"]]
    assert len(pages) > 1 and len(findings) == sum(c for _, c in img.basic_scan.severity_counts)
    assert all(f["name"].startswith("CVE-") for f in findings)


def test_ec2_and_ecs_paginators(client, fleet):
    ec2 = client("ec2")
    nats = [n for p in ec2.get_paginator("describe_nat_gateways").paginate(PaginationConfig={"PageSize": 5})
            for n in p["NatGateways"]]
    assert len(nats) == len(fleet.registries[PROD].nat_gateways)
    eps = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-endpoint-type", "Values": ["Gateway"]}])["VpcEndpoints"]
    assert [e["ServiceName"] for e in eps] == ["com.amazonaws.us-east-1.s3"]
    arns = [a for p in client("ecs").get_paginator("list_task_definitions").paginate(PaginationConfig={"PageSize": 3})
            for a in p["taskDefinitionArns"]]
    assert len(arns) == sum(1 for t in fleet.registries[PROD].task_definitions if t.status == "ACTIVE")


def test_errors_surface_as_client_errors(client):
    ecr = client("ecr")
    with pytest.raises(ClientError) as info:
        ecr.get_lifecycle_policy(repositoryName="web/cms")
    assert info.value.response["Error"]["Code"] == "LifecyclePolicyNotFoundException"
    with pytest.raises(ClientError) as info:
        ecr.describe_images(repositoryName="payments/api", maxResults=5000)
    assert info.value.response["Error"]["Code"] == "ValidationException"


def test_sts_round_trip(client, fleet, emu):
    sts = client("sts")
    assert sts.get_caller_identity()["Account"] == fleet.caller_account
    creds = sts.assume_role(RoleArn=fleet.role_arn("444455556666"), RoleSessionName="ecr-report")["Credentials"]
    assert emu.account_for_access_key(creds["AccessKeyId"]) == "444455556666"
    assert emu.account_for_access_key("AKIASOMETHINGELSE") == fleet.caller_account


def test_the_bounds_table_is_botocores_model():
    """The handlers read page-size bounds from `paging.BOUNDS` (no second copy of the models);
    each entry must be what botocore's model says."""
    for (service, operation, key), known in paging.BOUNDS.items():
        assert known == paging.model_bounds(service, operation, key), (service, operation, key)
