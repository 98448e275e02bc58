"""The session factory refuses any mutating AWS call before a request is built or sent."""

from __future__ import annotations

import boto3
import pytest
from botocore import xform_name

from ecr_report.jobs.aws_session import NEVER_ALLOWED, Account, MutatingCallRefused, ReadOnlyGuard, SessionFactory
from ecr_report.jobs.evidence import EvidenceRecorder
from ecr_report.jobs.operations import OPERATIONS


@pytest.fixture
def factory() -> SessionFactory:
    return SessionFactory(EvidenceRecorder(), max_attempts=1, base_session=boto3.Session())


def _watch_wire(client) -> list[str]:
    sent: list[str] = []
    client.meta.events.register("before-send", lambda request, **_: sent.append(request.url))
    client.meta.events.register("request-created", lambda request, **_: sent.append("built"))
    return sent


@pytest.mark.parametrize("service, method, params", [
    ("ecr", "delete_repository", {"repositoryName": "payments/api", "force": True}),
    ("ecr", "batch_delete_image", {"repositoryName": "r", "imageIds": [{"imageTag": "v1"}]}),
    ("ecr", "put_lifecycle_policy", {"repositoryName": "r", "lifecyclePolicyText": "{" + " " * 100 + "}"}),
    ("ecr", "start_image_scan", {"repositoryName": "r", "imageId": {"imageTag": "v1"}}),
    ("ecr", "get_authorization_token", {}),
    ("inspector2", "disable", {"resourceTypes": ["ECR"]}),
])
def test_mutating_calls_are_refused_before_anything_is_sent(factory, service, method, params):
    client = factory.client(service, Account("111122223333"), "us-east-1")
    sent = _watch_wire(client)
    with pytest.raises(MutatingCallRefused, match="only reads"):
        getattr(client, method)(**params)
    assert sent == []
    assert factory.recorder.calls == []


def test_reads_pass_the_guard_and_reach_the_wire(factory, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    client = factory.client("ecr", Account("111122223333"), "us-east-1")
    sent = _watch_wire(client)
    with pytest.raises(Exception) as raised:
        client.describe_repositories()
    assert not isinstance(raised.value, MutatingCallRefused)
    assert sent  # it was built and sent (and failed to connect, as intended)


def test_the_allow_list_is_explicit():
    guard = ReadOnlyGuard()
    assert guard.allows("ecr", "DescribeImages") and guard.allows("inspector2", "ListCoverage")
    assert guard.allows("sts", "AssumeRole") and guard.allows("sts", "GetCallerIdentity")
    # STS reads that hand out credentials are refused though their names look like reads.
    assert not guard.allows("sts", "GetSessionToken") and not guard.allows("sts", "GetFederationToken")
    assert not guard.allows("ecr", "StartLifecyclePolicyPreview")
    assert ReadOnlyGuard(frozenset({("ecr", "StartLifecyclePolicyPreview")})).allows(
        "ecr", "StartLifecyclePolicyPreview")


@pytest.mark.parametrize("service, operation", [
    # Reads by name, but not declared in jobs/operations.py: refused all the same.
    ("ecr", "DescribeImageReplicationStatus"),
    ("ecr", "ListTagsForResource"),
    ("inspector2", "ListFindings"),
    ("s3", "ListBuckets"),
    ("iam", "GetRole"),
    ("organizations", "ListPolicies"),
])
def test_an_undeclared_read_is_refused_too(factory, service, operation):
    assert not ReadOnlyGuard().allows(service, operation)
    client = factory.client(service, Account("111122223333"), "us-east-1")
    sent = _watch_wire(client)
    with pytest.raises(MutatingCallRefused, match="jobs/operations.py"):
        getattr(client, xform_name(operation))()
    assert sent == []


def test_every_guarded_operation_of_the_registry_is_allowed_and_nothing_else():
    guard = ReadOnlyGuard()
    for op in OPERATIONS:
        assert guard.allows(*op.key) == (op.guarded and not op.opt_in), op
    # The plain clients' operations (delivery, shard store) are not the collection clients' business.
    assert not guard.allows("ses", "SendRawEmail") and not guard.allows("s3", "PutObject")


def test_never_allowed_wins_over_an_opt_in():
    assert not ReadOnlyGuard(frozenset()).allows("ecr", "GetAuthorizationToken")
    assert not NEVER_ALLOWED & {op.key for op in OPERATIONS}


def test_opting_in_to_an_undeclared_operation_is_refused():
    with pytest.raises(ValueError, match="not in the operation registry"):
        ReadOnlyGuard(frozenset({("ecr", "PutLifecyclePolicy")}))
