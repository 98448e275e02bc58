"""The lifecycle collector against botocore Stubber responses (validated against the ECR model).

ListPullTimeUpdateExclusions (paged), BatchGetImage (100 ids a call, manifests and manifest
lists, only for repositories some policy acts on), the normalised snapshot tables they feed, and
the optional AWS preview cross-check behind the read-only guard.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import boto3
import pytest
from botocore.stub import Stubber

from ecr_report.jobs.aws_session import Account, MutatingCallRefused, SessionFactory
from ecr_report.jobs.collect import CollectOptions, UnitState
from ecr_report.jobs.collect.context import UnitContext
from ecr_report.jobs.collect.lifecycle import (
    ACCEPTED_MEDIA_TYPES,
    collect_lifecycle,
    collect_manifests,
    collect_pull_time_exclusions,
    cross_check,
    cross_check_guard,
    manifest_targets,
)
from ecr_report.jobs.evidence import EvidenceRecorder
from ecr_report.jobs.plugins import CONCERNS, collectors
from ecr_report.reports.coverage import BasicFindingsScope
from ecr_report.reports.normalize import normalize

ACCOUNT, REGION = "111122223333", "ap-northeast-1"
AS_OF = datetime(2026, 11, 20, 8, 30, tzinfo=timezone.utc)
DOCKER = "application/vnd.docker.distribution.manifest.v2+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
EXPIRE_UNTAGGED = json.dumps({"rules": [{"rulePriority": 1, "description": "expire untagged after 7 days",
                                         "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed",
                                                       "countUnit": "days", "countNumber": 7},
                                         "action": {"type": "expire"}}]})


def digest(n: int) -> str:
    return f"sha256:{n:064x}"


def detail(repo: str, n: int, days: float, tags=(), size: int = 1000) -> dict:
    d = {"registryId": ACCOUNT, "repositoryName": repo, "imageDigest": digest(n),
         "imagePushedAt": AS_OF - timedelta(days=days), "imageSizeInBytes": size, "imageManifestMediaType": DOCKER}
    if tags:
        d["imageTags"] = list(tags)
    return d


def manifest(layers: list[tuple[str, int]]) -> str:
    return json.dumps({"schemaVersion": 2, "mediaType": DOCKER,
                       "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": 10, "digest": "sha256:" + "c" * 64},
                       "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": s, "digest": d} for d, s in layers]})


def make_ctx(guard=None) -> UnitContext:
    kwargs = {"guard": guard} if guard is not None else {}
    factory = SessionFactory(EvidenceRecorder(), max_attempts=1, base_session=boto3.Session(), **kwargs)
    return UnitContext(factory, Account(ACCOUNT), ACCOUNT, REGION)


@pytest.fixture
def ctx() -> UnitContext:
    return make_ctx()


def _stub(ctx: UnitContext) -> Stubber:
    stubber = Stubber(ctx.client("ecr"))
    stubber.activate()
    return stubber


def _options(**lifecycle) -> CollectOptions:
    return CollectOptions(as_of=AS_OF, scope=BasicFindingsScope(True, 30, None), repository_workers=1,
                          settings={"lifecycle": lifecycle})


def test_the_collector_is_registered():
    assert any(collect_lifecycle in steps for steps in collectors())


def test_pull_time_update_exclusions_are_paged_and_normalised(ctx):
    ecr = _stub(ctx)
    ecr.add_response("list_pull_time_update_exclusions",
                     {"pullTimeUpdateExclusions": [f"arn:aws:iam::{ACCOUNT}:role/scanner"], "nextToken": "t1"},
                     {"maxResults": 1000})
    ecr.add_response("list_pull_time_update_exclusions",
                     {"pullTimeUpdateExclusions": [f"arn:aws:iam::{ACCOUNT}:role/replication-audit"]},
                     {"maxResults": 1000, "nextToken": "t1"})
    assert collect_pull_time_exclusions(ctx) == [f"arn:aws:iam::{ACCOUNT}:role/scanner",
                                                 f"arn:aws:iam::{ACCOUNT}:role/replication-audit"]
    ecr.assert_no_pending_responses()
    tables = normalize(ctx.factory.recorder.calls, [(ACCOUNT, REGION)], CONCERNS)
    assert sorted(tables["pull_time_update_exclusions"]["principal_arn"]) == [
        f"arn:aws:iam::{ACCOUNT}:role/replication-audit", f"arn:aws:iam::{ACCOUNT}:role/scanner"]
    reg = tables["lifecycle_registries"].iloc[0]
    assert bool(reg["pull_time_exclusions_read"]) is True and reg["pull_time_exclusion_count"] == 2


def test_an_empty_exclusion_list_is_known_and_a_failed_one_is_not(ctx):
    ecr = _stub(ctx)
    ecr.add_response("list_pull_time_update_exclusions", {"pullTimeUpdateExclusions": []})
    collect_pull_time_exclusions(ctx)
    reg = normalize(ctx.factory.recorder.calls, [(ACCOUNT, REGION)], CONCERNS)["lifecycle_registries"].iloc[0]
    assert bool(reg["pull_time_exclusions_read"]) is True and reg["pull_time_exclusion_count"] == 0

    other = make_ctx()
    ecr2 = _stub(other)
    ecr2.add_client_error("list_pull_time_update_exclusions", "AccessDeniedException", "not authorized")
    assert collect_pull_time_exclusions(other) == []
    assert [e.operation.split(" ")[0] for e in other.errors] == ["ecr:ListPullTimeUpdateExclusions"]
    reg = normalize(other.factory.recorder.calls, [(ACCOUNT, REGION)], CONCERNS)["lifecycle_registries"].iloc[0]
    assert bool(reg["pull_time_exclusions_read"]) is False and str(reg["pull_time_exclusion_count"]) == "<NA>"


def test_batch_get_image_reads_100_ids_a_call_with_the_accepted_media_types(ctx):
    repo = "web/app"
    details = [detail(repo, n, days=30) for n in range(1, 151)]
    state = UnitState("BASIC", [repo], {repo: details}, None)
    ecr = _stub(ctx)
    ids = sorted(d["imageDigest"] for d in details)
    for chunk in (ids[:100], ids[100:]):
        images = [{"registryId": ACCOUNT, "repositoryName": repo, "imageId": {"imageDigest": d},
                   "imageManifest": manifest([("sha256:" + "b" * 64, 500), ("sha256:" + d[-64:].replace("0", "e"), 400)]),
                   "imageManifestMediaType": DOCKER} for d in chunk]
        ecr.add_response("batch_get_image", {"images": images, "failures": []},
                         {"repositoryName": repo, "imageIds": [{"imageDigest": d} for d in chunk],
                          "acceptedMediaTypes": list(ACCEPTED_MEDIA_TYPES)})
    assert collect_manifests(ctx, state, [repo], workers=1) == 150
    ecr.assert_no_pending_responses()
    tables = normalize(ctx.factory.recorder.calls, [(ACCOUNT, REGION)], CONCERNS)
    manifests = tables["image_manifests"]
    assert (manifests["kind"] == "READ").sum() == 150
    assert (manifests["kind"] == "BLOB").sum() == 150 * 3  # config + 2 layers
    reg = tables["lifecycle_registries"].iloc[0]
    assert (reg["manifests_requested"], reg["manifests_read"], reg["manifests_failed"]) == (150, 150, 0)


def test_manifest_lists_become_child_references_and_failures_are_counted(ctx):
    repo = "web/multiarch"
    state = UnitState("BASIC", [repo], {repo: [detail(repo, 1, 3), detail(repo, 2, 3), detail(repo, 3, 3)]}, None)
    index = json.dumps({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [
        {"mediaType": DOCKER, "size": 900, "digest": digest(2), "platform": {"architecture": "amd64", "os": "linux"}}]})
    ecr = _stub(ctx)
    ecr.add_response("batch_get_image", {
        "images": [{"registryId": ACCOUNT, "repositoryName": repo, "imageId": {"imageDigest": digest(1)},
                    "imageManifest": index, "imageManifestMediaType": OCI_INDEX},
                   {"registryId": ACCOUNT, "repositoryName": repo, "imageId": {"imageDigest": digest(2)},
                    "imageManifest": manifest([("sha256:" + "d" * 64, 700)]), "imageManifestMediaType": DOCKER}],
        "failures": [{"imageId": {"imageDigest": digest(3)}, "failureCode": "ImageNotFound",
                      "failureReason": "Requested image not found"}]})
    collect_manifests(ctx, state, [repo], workers=1)
    tables = normalize(ctx.factory.recorder.calls, [(ACCOUNT, REGION)], CONCERNS)
    m = tables["image_manifests"]
    children = m[m["kind"] == "CHILD"]
    assert list(zip(children["image_digest"], children["ref_digest"])) == [(digest(1), digest(2))]
    assert set(m.loc[m["kind"] == "READ", "image_digest"]) == {digest(1), digest(2)}
    assert tables["lifecycle_registries"].iloc[0]["manifests_failed"] == 1


def test_only_repositories_some_policy_acts_on_are_read_within_the_budget(ctx):
    acting, idle, unpolicied = "team/acting", "team/idle", "team/none"
    state = UnitState("BASIC", [acting, idle, unpolicied], {
        acting: [detail(acting, 1, 30), detail(acting, 2, 1, tags=["v1"])],  # untagged, 30 days: expires
        idle: [detail(idle, 3, 1, tags=["v1"])],  # nothing to expire
        unpolicied: [detail(unpolicied, 4, 30)],
    }, None)
    ecr = _stub(ctx)
    for name in (acting, idle):
        ecr.add_response("get_lifecycle_policy", {"registryId": ACCOUNT, "repositoryName": name,
                                                  "lifecyclePolicyText": EXPIRE_UNTAGGED}, {"repositoryName": name})
    ecr.add_client_error("get_lifecycle_policy", "LifecyclePolicyNotFoundException", "none",
                         expected_params={"repositoryName": unpolicied})
    for name in (acting, idle, unpolicied):
        ctx.call("ecr", "GetLifecyclePolicy", repositoryName=name, expected=("LifecyclePolicyNotFoundException",))
    # Current policies only: the repository without one is not read.
    assert manifest_targets(ctx, state, {"exact_bytes_max_images": 100}, AS_OF) == [acting]
    # A proposal for repositories without a policy adds that one.
    settings = {"proposed_policy_text": EXPIRE_UNTAGGED, "apply_proposed_to": "without_policy", "exact_bytes_max_images": 100}
    assert sorted(manifest_targets(ctx, state, settings, AS_OF)) == [acting, unpolicied]
    # The budget keeps whole repositories only: 2 images do not fit in 1.
    assert manifest_targets(ctx, state, {**settings, "exact_bytes_max_images": 1}, AS_OF) == [unpolicied]


def test_collect_lifecycle_without_exact_bytes_makes_no_batch_get_image_call(ctx):
    ecr = _stub(ctx)
    ecr.add_response("list_pull_time_update_exclusions", {"pullTimeUpdateExclusions": []})
    collect_lifecycle(ctx, UnitState("BASIC", ["a"], {"a": [detail("a", 1, 30)]}, None), _options(exact_bytes=False))
    ecr.assert_no_pending_responses()
    assert ctx.factory.recorder.operation_counts() == {"ecr.ListPullTimeUpdateExclusions": 1}


def test_the_cross_check_is_refused_by_the_default_read_only_guard(ctx):
    # No Stubber here: an active Stubber answers before the guard is consulted.
    repo = "team/acting"
    ctx.factory.recorder.record(ACCOUNT, REGION, "ecr", "GetLifecyclePolicy", {"repositoryName": repo},
                                {"registryId": ACCOUNT, "repositoryName": repo, "lifecyclePolicyText": EXPIRE_UNTAGGED})
    state = UnitState("BASIC", [repo], {repo: [detail(repo, 1, 30)]}, None)
    with pytest.raises(MutatingCallRefused):
        cross_check(ctx, state, 1, sleep=lambda s: None)


def test_the_cross_check_polls_aws_preview_and_normalises_its_results():
    ctx = make_ctx(cross_check_guard())
    repo = "team/acting"
    ecr = _stub(ctx)
    ecr.add_response("get_lifecycle_policy", {"registryId": ACCOUNT, "repositoryName": repo,
                                              "lifecyclePolicyText": EXPIRE_UNTAGGED})
    ctx.call("ecr", "GetLifecyclePolicy", repositoryName=repo)
    ecr.add_response("start_lifecycle_policy_preview", {"registryId": ACCOUNT, "repositoryName": repo,
                                                        "lifecyclePolicyText": EXPIRE_UNTAGGED, "status": "IN_PROGRESS"},
                     {"repositoryName": repo})
    ecr.add_response("get_lifecycle_policy_preview", {"registryId": ACCOUNT, "repositoryName": repo, "status": "IN_PROGRESS"},
                     {"repositoryName": repo, "maxResults": 100})
    ecr.add_response("get_lifecycle_policy_preview", {
        "registryId": ACCOUNT, "repositoryName": repo, "status": "COMPLETE", "lifecyclePolicyText": EXPIRE_UNTAGGED,
        "previewResults": [{"imageDigest": digest(1), "imagePushedAt": AS_OF - timedelta(days=30),
                            "action": {"type": "EXPIRE"}, "appliedRulePriority": 1, "storageClass": "STANDARD"}],
        "summary": {"expiringImageTotalCount": 1}}, {"repositoryName": repo, "maxResults": 100})
    state = UnitState("BASIC", [repo], {repo: [detail(repo, 1, 30)]}, None)
    pauses = []
    assert cross_check(ctx, state, 5, sleep=pauses.append) == [repo]
    ecr.assert_no_pending_responses()
    assert len(pauses) == 1
    preview = normalize(ctx.factory.recorder.calls, [(ACCOUNT, REGION)], CONCERNS)["lifecycle_aws_preview"]
    images = preview[preview["image_digest"].notna()]
    assert list(zip(images["image_digest"], images["action"], images["applied_rule_priority"])) == [(digest(1), "EXPIRE", 1)]


def test_cross_check_aws_is_skipped_not_crashed_when_the_guard_refuses_it(ctx):
    ecr = _stub(ctx)
    ecr.add_response("list_pull_time_update_exclusions", {"pullTimeUpdateExclusions": []})
    ctx.factory.recorder.record(ACCOUNT, REGION, "ecr", "GetLifecyclePolicy", {"repositoryName": "a"},
                                {"registryId": ACCOUNT, "repositoryName": "a", "lifecyclePolicyText": EXPIRE_UNTAGGED})
    collect_lifecycle(ctx, UnitState("BASIC", ["a"], {"a": [detail("a", 1, 30)]}, None), _options(cross_check_aws=True))
    ecr.assert_no_pending_responses()
    assert ctx.errors == []
