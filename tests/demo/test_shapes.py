"""Every implemented operation answers in botocore's output shape, for several params and pages."""

from __future__ import annotations

from datetime import timedelta

import pytest

from ecr_report.jobs.demo import DemoEmulator, DemoServiceError

from .conftest import AS_OF, PROD, SANDBOX, TOKYO, call

EMPTY = ("444455556666", "ap-northeast-1")


def _walk(emu, service, op, params, unit, token="nextToken", limit=None):
    """Follow nextToken through every page, validating each; return the pages."""
    pages, params = [], dict(params)
    while True:
        resp = call(emu, service, op, params, unit)
        pages.append(resp)
        if token not in resp:
            return pages
        params[token] = resp[token]


SIMPLE = [
    ("sts", "GetCallerIdentity", {}), ("ecr", "DescribeRegistry", {}), ("ecr", "GetRegistryScanningConfiguration", {}),
    ("ecr", "GetAccountSetting", {"name": "BASIC_SCAN_TYPE_VERSION"}), ("ecr", "GetAccountSetting", {"name": "BLOB_MOUNTING"}),
    ("ecr", "ListPullTimeUpdateExclusions", {}), ("ecr", "DescribeRepositoryCreationTemplates", {}),
    ("ecr", "DescribePullThroughCacheRules", {}), ("inspector2", "BatchGetAccountStatus", {}),
    ("inspector2", "BatchGetAccountStatus", {"accountIds": ["111122223333", "444455556666"]}),
    ("inspector2", "GetConfiguration", {}), ("inspector2", "ListUsageTotals", {}),
    ("ec2", "DescribeVpcs", {}), ("ec2", "DescribeNatGateways", {}), ("ec2", "DescribeVpcEndpoints", {}),
    ("ec2", "DescribeVpcEndpoints", {"Filters": [{"Name": "service-name", "Values": ["com.amazonaws.us-east-1.ecr.dkr"]}]}),
    ("ecs", "ListTaskDefinitions", {}), ("ecs", "ListTaskDefinitions", {"status": "INACTIVE", "sort": "DESC"}),
]


@pytest.mark.parametrize("unit", [PROD, TOKYO, SANDBOX, EMPTY, ("111122223333", "eu-west-1")])
@pytest.mark.parametrize("service,op,params", SIMPLE)
def test_simple_operations_validate(emu, unit, service, op, params):
    call(emu, service, op, params, unit)


@pytest.mark.parametrize("unit", [PROD, TOKYO, SANDBOX, EMPTY])
def test_repositories_and_per_repository_operations(emu, fleet, unit):
    pages = _walk(emu, "ecr", "DescribeRepositories", {"maxResults": 7}, unit)
    names = [r["repositoryName"] for p in pages for r in p["repositories"]]
    assert names == [r.name for r in fleet.registries[unit].repositories]
    for i in range(0, len(names), 25):
        call(emu, "ecr", "BatchGetRepositoryScanningConfiguration", {"repositoryNames": names[i:i + 25]}, unit)
    for name in names:
        try:
            call(emu, "ecr", "GetLifecyclePolicy", {"repositoryName": name}, unit)
        except DemoServiceError as err:
            assert err.code == "LifecyclePolicyNotFoundException"
        for flt in ({}, {"filter": {"imageStatus": "ANY"}}, {"filter": {"tagStatus": "UNTAGGED", "imageStatus": "ARCHIVED"}}):
            _walk(emu, "ecr", "DescribeImages", {"repositoryName": name, "maxResults": 40, **flt}, unit)


@pytest.mark.parametrize("unit", [PROD, TOKYO, SANDBOX])
def test_scan_findings_and_manifests(emu, fleet, unit):
    reg = fleet.registries[unit]
    outcomes = set()
    for repo in reg.repositories[::3]:
        for img in repo.images[::5]:
            try:
                pages = _walk(emu, "ecr", "DescribeImageScanFindings",
                              {"repositoryName": repo.name, "imageId": {"imageDigest": img.digest}, "maxResults": 5}, unit)
                outcomes.add(pages[0]["imageScanStatus"]["status"])
            except DemoServiceError as err:
                assert err.code == "ScanNotFoundException"
                outcomes.add(err.code)
        ids = [{"imageDigest": i.digest} for i in repo.images[:100]]
        resp = call(emu, "ecr", "BatchGetImage", {"repositoryName": repo.name, "imageIds": ids}, unit)
        assert len(resp["images"]) == len(ids) and not resp["failures"]
    assert "ScanNotFoundException" in outcomes and len(outcomes) >= 3


@pytest.mark.parametrize("unit", [PROD, TOKYO, SANDBOX])
def test_inspector_paged_operations(emu, unit):
    for params in ({"maxResults": 200}, {"maxResults": 37, "filterCriteria": {"resourceType": [
            {"comparison": "EQUALS", "value": "AWS_ECR_CONTAINER_IMAGE"}]}},
            {"filterCriteria": {"ecrRepositoryName": [{"comparison": "EQUALS", "value": "payments/api"}],
                                "lastScannedAt": [{"startInclusive": AS_OF - timedelta(days=30)}]}}):
        _walk(emu, "inspector2", "ListCoverage", params, unit)
    for params in ({"aggregationType": "AWS_ECR_CONTAINER", "maxResults": 100},
                   {"aggregationType": "AWS_ECR_CONTAINER", "maxResults": 9, "aggregationRequest": {
                       "awsEcrContainerAggregation": {"sortBy": "HIGH", "sortOrder": "ASC", "repositories": [
                           {"comparison": "PREFIX", "value": "payments/"}]}}},
                   {"aggregationType": "REPOSITORY"}):
        _walk(emu, "inspector2", "ListFindingAggregations", params, unit)


def test_metric_data_and_task_definitions(emu, fleet):
    reg = fleet.registries[PROD]
    queries = [{"Id": f"q{i}", "MetricStat": {"Metric": {"Namespace": "AWS/ECR", "MetricName": "RepositoryPullCount",
                                                          "Dimensions": [{"Name": "RepositoryName", "Value": r.name}]},
                                               "Period": 86400, "Stat": "Sum"}} for i, r in enumerate(reg.repositories)]
    resp = call(emu, "cloudwatch", "GetMetricData", {"MetricDataQueries": queries, "StartTime": AS_OF - timedelta(days=30),
                                                     "EndTime": AS_OF}, PROD)
    assert len(resp["MetricDataResults"]) == len(reg.repositories)
    assert any(r["Values"] for r in resp["MetricDataResults"])
    arns = [a for p in _walk(emu, "ecs", "ListTaskDefinitions", {"maxResults": 10}, PROD) for a in p["taskDefinitionArns"]]
    assert arns
    for arn in arns[:20]:
        call(emu, "ecs", "DescribeTaskDefinition", {"taskDefinition": arn}, PROD)


def test_assume_role_validates(emu, fleet):
    resp = call(emu, "sts", "AssumeRole", {"RoleArn": fleet.role_arn("444455556666"), "RoleSessionName": "ecr-report"})
    assert resp["AssumedRoleUser"]["Arn"].startswith("arn:aws:sts::444455556666:assumed-role/")


@pytest.mark.parametrize("service,op,params,code", [
    ("ecr", "DescribeImages", {"repositoryName": "nope/nope"}, "RepositoryNotFoundException"),
    ("ecr", "DescribeImages", {"repositoryName": "payments/api", "maxResults": 1001}, "ValidationException"),
    ("ecr", "DescribeImages", {"repositoryName": "payments/api", "nextToken": "garbage"}, "InvalidParameterException"),
    ("ecr", "DescribeImages", {"repositoryName": "payments/api", "imageIds": [{"imageTag": "no-such-tag"}]},
     "ImageNotFoundException"),
    ("ecr", "GetLifecyclePolicy", {"repositoryName": "web/cms"}, "LifecyclePolicyNotFoundException"),
    ("ecr", "GetAccountSetting", {"name": "NOPE"}, "ValidationException"),
    ("ecr", "BatchGetRepositoryScanningConfiguration", {"repositoryNames": ["a"] * 26}, "ValidationException"),
    ("inspector2", "ListCoverage", {"maxResults": 201}, "ValidationException"),
    ("inspector2", "ListFindingAggregations", {"aggregationType": "AWS_ECR_CONTAINER", "maxResults": 101},
     "ValidationException"),
    ("sts", "AssumeRole", {"RoleArn": "arn:aws:iam::999999999999:role/x", "RoleSessionName": "s"}, "AccessDenied"),
    ("ecr", "DeleteRepository", {"repositoryName": "payments/api"}, "UnsupportedOperation"),
])
def test_errors(emu, service, op, params, code):
    with pytest.raises(DemoServiceError) as info:
        emu.handle(service, op, params, *PROD)
    assert info.value.code == code


def test_unknown_account_is_denied(emu):
    with pytest.raises(DemoServiceError) as info:
        emu.handle("ecr", "DescribeRepositories", {}, "999999999999", "us-east-1")
    assert info.value.http_status == 403


def test_operations_list_is_complete():
    expected = {("sts", "GetCallerIdentity"), ("sts", "AssumeRole"), ("ecr", "DescribeRegistry"),
                ("ecr", "GetRegistryScanningConfiguration"), ("ecr", "GetAccountSetting"), ("ecr", "DescribeRepositories"),
                ("ecr", "BatchGetRepositoryScanningConfiguration"), ("ecr", "GetLifecyclePolicy"),
                ("ecr", "DescribeImages"), ("ecr", "DescribeImageScanFindings"), ("ecr", "DescribePullThroughCacheRules"),
                ("inspector2", "BatchGetAccountStatus"), ("inspector2", "ListCoverage"),
                ("inspector2", "ListFindingAggregations"), ("ecr", "DescribeRepositoryCreationTemplates"),
                ("ecr", "ListPullTimeUpdateExclusions"), ("ecr", "BatchGetImage"), ("inspector2", "GetConfiguration"),
                ("inspector2", "ListUsageTotals"), ("cloudwatch", "GetMetricData"), ("ec2", "DescribeNatGateways"),
                ("ec2", "DescribeVpcEndpoints"), ("ec2", "DescribeVpcs"), ("ecs", "ListTaskDefinitions"),
                ("ecs", "DescribeTaskDefinition")}
    assert expected <= DemoEmulator.operations
