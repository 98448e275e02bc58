"""Collectors for what moto lacks, against botocore Stubber responses.

Stubber validates both our request parameters and its canned responses against botocore's
service model, so these tests fail if the collectors send a malformed request or read a field
the real API does not have.
"""

from __future__ import annotations

from datetime import datetime, timezone

import boto3
import pytest
from botocore.stub import ANY, Stubber

from ecr_report.jobs.aws_session import Account, SessionFactory
from ecr_report.jobs.collect import inspector
from ecr_report.jobs.collect.context import UnitContext
from ecr_report.jobs.collect.ecr import collect_pull_through_rules, collect_registry
from ecr_report.jobs.evidence import EvidenceRecorder
from ecr_report.jobs.plugins import CONCERNS
from ecr_report.reports.normalize import normalize

ACCOUNT, REGION = "111122223333", "ap-northeast-1"
T0 = datetime(2026, 11, 20, 8, 30, tzinfo=timezone.utc)
DIGEST = "sha256:" + "ab" * 32


@pytest.fixture
def ctx() -> UnitContext:
    factory = SessionFactory(EvidenceRecorder(), max_attempts=1, base_session=boto3.Session())
    return UnitContext(factory, Account(ACCOUNT), ACCOUNT, REGION)


def _stub(ctx: UnitContext, service: str) -> Stubber:
    stubber = Stubber(ctx.client(service))
    stubber.activate()
    return stubber


def test_registry_settings_including_the_basic_scan_engine(ctx):
    ecr = _stub(ctx, "ecr")
    ecr.add_response("describe_registry", {"registryId": ACCOUNT, "replicationConfiguration": {"rules": []}})
    ecr.add_response("get_registry_scanning_configuration", {
        "registryId": ACCOUNT,
        "scanningConfiguration": {"scanType": "ENHANCED", "rules": [
            {"scanFrequency": "CONTINUOUS_SCAN",
             "repositoryFilters": [{"filter": "prod*", "filterType": "WILDCARD"}]},
            {"scanFrequency": "SCAN_ON_PUSH",
             "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}]}]}})
    ecr.add_response("get_account_setting", {"name": "BASIC_SCAN_TYPE_VERSION", "value": "CLAIR"},
                     {"name": "BASIC_SCAN_TYPE_VERSION"})

    assert collect_registry(ctx) == "ENHANCED"
    ecr.assert_no_pending_responses()
    tables = normalize(ctx.factory.recorder.calls, [(ACCOUNT, REGION)], CONCERNS)
    registry = tables["registries"].iloc[0]
    assert (registry["scan_type"], registry["basic_scan_engine"]) == ("ENHANCED", "CLAIR")
    rules = tables["scan_rules"]
    assert list(zip(rules["rule_index"], rules["scan_frequency"], rules["filter"])) == [
        (0, "CONTINUOUS_SCAN", "prod*"), (1, "SCAN_ON_PUSH", "*")]
    assert ctx.errors == []


def test_access_denied_becomes_an_error_row_and_unknown_values(ctx):
    ecr = _stub(ctx, "ecr")
    ecr.add_response("describe_registry", {"registryId": ACCOUNT})
    ecr.add_client_error("get_registry_scanning_configuration", "AccessDeniedException",
                         "User is not authorized to perform ecr:GetRegistryScanningConfiguration")
    ecr.add_response("get_account_setting", {"name": "BASIC_SCAN_TYPE_VERSION", "value": "AWS_NATIVE"})

    assert collect_registry(ctx) is None
    assert [(e.operation, e.error.split(":")[0]) for e in ctx.errors] == [
        ("ecr:GetRegistryScanningConfiguration", "AccessDeniedException")]
    registry = normalize(ctx.factory.recorder.calls, [(ACCOUNT, REGION)], CONCERNS)["registries"].iloc[0]
    assert registry["scan_type"] is None or str(registry["scan_type"]) == "<NA>"


def test_pull_through_cache_rules_are_paged_and_normalised(ctx):
    ecr = _stub(ctx, "ecr")
    ecr.add_response("describe_pull_through_cache_rules", {"pullThroughCacheRules": [
        {"ecrRepositoryPrefix": "docker-hub", "upstreamRegistryUrl": "registry-1.docker.io",
         "createdAt": T0, "registryId": ACCOUNT, "upstreamRegistry": "docker-hub",
         "credentialArn": f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:ecr-pullthroughcache/dh-Ab12"}],
        "nextToken": "page-2"}, {"maxResults": 1000})
    ecr.add_response("describe_pull_through_cache_rules", {"pullThroughCacheRules": [
        {"ecrRepositoryPrefix": "ecr-public", "upstreamRegistryUrl": "public.ecr.aws",
         "createdAt": T0, "registryId": ACCOUNT, "upstreamRegistry": "ecr-public"}]},
        {"maxResults": 1000, "nextToken": "page-2"})

    collect_pull_through_rules(ctx)
    ecr.assert_no_pending_responses()
    rules = normalize(ctx.factory.recorder.calls, [(ACCOUNT, REGION)], CONCERNS)["pull_through_rules"]
    assert list(rules["ecr_repository_prefix"]) == ["docker-hub", "ecr-public"]
    assert list(rules["has_credential"]) == [True, False]


def test_inspector_status_coverage_and_finding_counts(ctx):
    ins = _stub(ctx, "inspector2")
    ins.add_response("batch_get_account_status", {"accounts": [{
        "accountId": ACCOUNT,
        "state": {"status": "ENABLED", "errorCode": "ALREADY_ENABLED", "errorMessage": "enabled"},
        "resourceState": {
            "ec2": {"status": "DISABLED", "errorCode": "ALREADY_ENABLED", "errorMessage": "enabled"},
            "ecr": {"status": "ENABLED", "errorCode": "ALREADY_ENABLED", "errorMessage": "enabled"}}}],
        "failedAccounts": []},
        {"accountIds": [ACCOUNT]})
    image_id = f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/payments/api/{DIGEST}"
    ins.add_response("list_coverage", {"coveredResources": [
        {"resourceType": "AWS_ECR_CONTAINER_IMAGE", "resourceId": image_id, "accountId": ACCOUNT,
         "scanType": "PACKAGE", "scanStatus": {"statusCode": "INACTIVE", "reason": "SCAN_ELIGIBILITY_EXPIRED"},
         "resourceMetadata": {"ecrImage": {"tags": ["v1"], "imagePulledAt": T0}}, "lastScannedAt": T0},
        {"resourceType": "AWS_ECR_REPOSITORY", "accountId": ACCOUNT, "scanType": "PACKAGE",
         "resourceId": f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/payments/api",
         "scanStatus": {"statusCode": "ACTIVE", "reason": "SUCCESSFUL"},
         "resourceMetadata": {"ecrRepository": {"name": "payments/api", "scanFrequency": "CONTINUOUS_SCAN"}}},
    ]}, {"maxResults": 200, "filterCriteria": ANY})
    ins.add_response("list_finding_aggregations", {"aggregationType": "AWS_ECR_CONTAINER", "responses": [
        {"awsEcrContainerAggregation": {"resourceId": image_id, "imageSha": DIGEST, "repository": "payments/api",
                                        "accountId": ACCOUNT, "severityCounts": {"all": 9, "critical": 1, "high": 3, "medium": 5}}}]},
        {"aggregationType": "AWS_ECR_CONTAINER", "maxResults": 100})

    assert inspector.collect_account_status(ctx) == "ENABLED"
    inspector.collect_coverage(ctx)
    inspector.collect_finding_counts(ctx)
    ins.assert_no_pending_responses()

    tables = normalize(ctx.factory.recorder.calls, [(ACCOUNT, REGION)], CONCERNS)
    assert tables["registries"].iloc[0]["inspector_ecr_status"] == "ENABLED"
    cov = tables["inspector_coverage"].set_index("resource_type")
    image = cov.loc["AWS_ECR_CONTAINER_IMAGE"]
    assert (image["repository_name"], image["image_digest"]) == ("payments/api", DIGEST)
    assert image["scan_status_reason"] == "SCAN_ELIGIBILITY_EXPIRED"
    assert cov.loc["AWS_ECR_REPOSITORY", "scan_frequency"] == "CONTINUOUS_SCAN"
    counts = tables["inspector_findings"].iloc[0]
    assert (counts["critical"], counts["high"], counts["medium"], counts["all"]) == (1, 3, 5, 9)


def test_coverage_request_filters_on_ecr_resource_types(ctx):
    ins = _stub(ctx, "inspector2")
    ins.add_response("list_coverage", {"coveredResources": []}, {
        "maxResults": 200,
        "filterCriteria": {"resourceType": [
            {"comparison": "EQUALS", "value": "AWS_ECR_CONTAINER_IMAGE"},
            {"comparison": "EQUALS", "value": "AWS_ECR_REPOSITORY"}]}})
    inspector.collect_coverage(ctx)
    ins.assert_no_pending_responses()
