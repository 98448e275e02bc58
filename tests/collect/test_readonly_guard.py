"""The session factory refuses any mutating AWS call before a request is built or sent."""

from __future__ import annotations

import boto3
import pytest

from ecr_report.jobs.aws_session import Account, MutatingCallRefused, ReadOnlyGuard, SessionFactory
from ecr_report.jobs.evidence import EvidenceRecorder


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
