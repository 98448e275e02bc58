"""Proof, both ways: the generated policies grant every operation the product really calls, and
nothing it never calls.

`run --demo` (the same collectors against the embedded emulator) runs with the optional
features all on, all off and at their defaults; a recorder on botocore's client base class notes
every call (refused ones included). The calls, mapped to IAM actions through the registry, must
equal the union of the generated policies of the configuration's identities; and each scoped call
must fall inside its statement's Resource. Then the moto-backed run (real HTTP; collection,
assumed member role, SES email and Object Lock archive upload) must stay inside its policies.
"""

from __future__ import annotations

import fnmatch
from datetime import datetime, timezone
from email.utils import parseaddr

import boto3
import pytest

from ecr_report.jobs.aws_session import MutatingCallRefused
from ecr_report.jobs.cli import main
from ecr_report.jobs.config import load_config
from ecr_report.jobs.iam_policy import generate
from ecr_report.jobs.operations import IDENTITIES, OPERATIONS, SHARD_STORE_S3, enabled_features

from iam_support import SWITCHES, CallLog, iter_statements, record_calls
from moto_fleet import ACCOUNT, REGION, make_fleet

SENDER = "ecr-report@example.com"


def _toml(on: set[str], extra: str = "") -> str:
    sections: dict[str, list[str]] = {}
    for feature, (section, key) in SWITCHES.items():
        sections.setdefault(section, []).append(f"{key} = {'true' if feature in on else 'false'}")
    body = "".join(f"[{name}]\n" + "\n".join(lines) + "\n" for name, lines in sections.items())
    return body + extra


def _declared(config) -> dict[tuple[str, str], list]:
    features = enabled_features(config)
    out: dict[tuple[str, str], list] = {}
    for op in OPERATIONS:
        if op.feature in features:
            out.setdefault(op.key, []).append(op)
    return out


def _policies(config) -> dict[str, object]:
    return {identity: generate(config, identity) for identity in IDENTITIES}


def _check_both_ways(log: CallLog, config) -> set[str]:
    """Every call declared for an enabled feature; called actions == granted actions (returned)."""
    declared = _declared(config)
    undeclared = sorted(f"{s}:{o}" for s, o in log.operations() if (s, o) not in declared)
    assert undeclared == [], "called but not declared for this configuration (so not granted)"
    called = {a for key in log.operations() for op in declared[key] for a in op.actions}
    granted = {a for p in _policies(config).values() for a in p.actions}
    assert called - granted == set(), "called but not granted"
    return granted - called


def _check_identities(log: CallLog, config, base_key: str) -> int:
    """A member role (assumed credentials) makes only calls its own policy, --for collect, grants;
    the member roles are assumed with the base identity's credentials. Returns the member calls."""
    collect = set(generate(config, "collect").actions)
    collect_keys = {op.key for op in OPERATIONS if op.identity == "collect"}
    member = [c for c in log.calls if c.access_key not in (None, base_key)]
    for call in member:
        assert (call.service, call.operation) in collect_keys, call
        ops = [op for op in OPERATIONS if op.key == (call.service, call.operation) and op.identity == "collect"]
        assert all(set(op.actions) <= collect for op in ops if op.feature in enabled_features(config)), call
    assert all(c.access_key == base_key for c in log.calls if (c.service, c.operation) == ("sts", "AssumeRole"))
    return len(member)


def _resource_of(call, region: str) -> str | None:
    """The ARN IAM authorises a scoped call against, from the call's own parameters."""
    p = call.params
    if call.service == "ecr":
        return f"arn:aws:ecr:{region}:{ACCOUNT}:repository/{p.get('repositoryName') or '*'}"
    if (call.service, call.operation) == ("sts", "AssumeRole"):
        return p["RoleArn"]
    if call.service == "s3" and call.operation == "PutObject":
        return f"arn:aws:s3:::{p['Bucket']}/{p['Key']}"
    if call.service == "ses":
        return f"arn:aws:ses:{region}:{ACCOUNT}:identity/{parseaddr(p['Source'])[1]}"
    return None


def _check_resources(log: CallLog, config) -> int:
    """Each call of a scoped operation falls inside its statement's Resource; returns how many."""
    scoped = {op.key: op for op in OPERATIONS if op.resource != "*" and op.feature in enabled_features(config)}
    statements = [s for p in _policies(config).values() for s in iter_statements(p.document)]
    checked = 0
    for call in log.calls:
        op = scoped.get((call.service, call.operation))
        if op is None:
            continue
        arn = _resource_of(call, call.region or REGION)
        if arn is None:
            continue
        grants = [s for s in statements if set(op.actions) <= set(s["Action"])]
        resources = [r for s in grants for r in ([s["Resource"]] if isinstance(s["Resource"], str) else s["Resource"])]
        # SES: the address's own identity or its domain's covers it.
        candidates = [arn, arn.rsplit("@", 1)[0].rsplit("/", 1)[0] + "/" + arn.rsplit("@", 1)[-1]] if "@" in arn else [arn]
        assert any(fnmatch.fnmatchcase(c, r) for c in candidates for r in resources), (call, resources)
        checked += 1
    return checked


def _demo_accounts() -> str:
    """The demo fleet's member accounts as configured accounts: the demo collects them through
    their read roles, so the hub's policy must grant assuming exactly those."""
    from ecr_report.jobs.demo import build_fleet

    fleet = build_fleet(scale=1)
    return "".join(f'[[aws.accounts]]\nid = "{a}"\nrole_arn = "{fleet.role_arn(a)}"\n'
                   for a in fleet.accounts if a != fleet.caller_account)


@pytest.mark.parametrize("on", [
    set(),
    {"lifecycle_exact_bytes", "pull_through_task_definitions", "repository_scan_configuration"},  # defaults
    set(SWITCHES),
], ids=["all-off", "defaults", "all-on"])
def test_run_demo_calls_exactly_what_the_policies_grant(tmp_path, monkeypatch, capsys, on):
    path = tmp_path / "ecr-report.toml"
    path.write_text(_toml(on, _demo_accounts()))
    config = load_config(path)
    log = record_calls(monkeypatch, tmp_path)
    code = main(["run", "--demo", "--no-pdf", "--config", str(path), "--output", str(tmp_path / "out")])
    assert code == 0, capsys.readouterr().err
    never_called = _check_both_ways(log, config)
    assert never_called == set(), "granted but never called"
    assert _check_resources(log, config) > 0
    assert _check_identities(log, config, base_key="demo") > 0
    if "lifecycle_cross_check" in on:  # the opt-in really ran, start to pages
        assert {("ecr", "StartLifecyclePolicyPreview"), ("ecr", "GetLifecyclePolicyPreview")} <= log.operations()


def test_a_feature_whose_operation_is_not_declared_fails(tmp_path, monkeypatch):
    """A collector that calls an operation nobody declared: the guard refuses it before anything
    is sent, the run stops on it (a product bug, not a failed call to report), and the proof
    names it."""
    import ecr_report.jobs.collect.ecr as ecr_collect

    original = ecr_collect.collect_pull_through_rules

    def with_an_extra_call(ctx):
        ctx.call("ecr", "DescribeImageReplicationStatus", repositoryName="x", imageId={"imageTag": "v1"})
        return original(ctx)

    monkeypatch.setattr(ecr_collect, "collect_pull_through_rules", with_an_extra_call)
    path = tmp_path / "ecr-report.toml"
    path.write_text(_toml(set(), _demo_accounts()))
    log = record_calls(monkeypatch, tmp_path)
    with pytest.raises(MutatingCallRefused, match="declared in jobs/operations.py"):
        main(["run", "--demo", "--no-pdf", "--config", str(path), "--output", str(tmp_path / "out")])
    assert not list((tmp_path / "out" / "runs").glob("2*"))  # no finished run
    with pytest.raises(AssertionError, match="not declared"):
        _check_both_ways(log, load_config(path))


@pytest.fixture
def aws_peers(moto_aws):
    """The moto registry, a verified SES sender and an Object Lock bucket, made outside the product."""
    make_fleet()
    boto3.client("ses", region_name=REGION).verify_email_identity(EmailAddress=SENDER)
    boto3.client("s3", region_name=REGION).create_bucket(Bucket="evidence-bucket", ObjectLockEnabledForBucket=True)
    return moto_aws


def test_the_moto_backed_run_and_delivery_stay_inside_their_policies(aws_peers, tmp_path, monkeypatch, capsys):
    extra = (f'[aws]\nregions = ["{REGION}"]\n'
             f'[[aws.accounts]]\nid = "{ACCOUNT}"\nrole_arn = "arn:aws:iam::{ACCOUNT}:role/ecr-report-read"\n'
             f'[email]\ntransport = "ses"\nsender = "{SENDER}"\nrecipients = ["platform@example.com"]\n'
             f'[archive]\ns3_uri = "s3://evidence-bucket/ecr-report/"\nretention_days = 1\n')
    path = tmp_path / "ecr-report.toml"
    path.write_text(_toml(set(SWITCHES), extra))
    config = load_config(path)
    log = record_calls(monkeypatch, tmp_path)
    code = main(["run", "--no-pdf", "--deliver", "--config", str(path), "--output", str(tmp_path / "out")])
    # moto implements only part of ECR and Inspector: the run completes with failed calls (3),
    # but every call it made, failed or not, was declared and granted.
    assert code in (0, 3), capsys.readouterr().err
    never_called = _check_both_ways(log, config)
    assert {("sts", "AssumeRole"), ("ses", "SendRawEmail"), ("s3", "PutObject")} <= log.operations()
    assert _check_resources(log, config) > 0
    assert _check_identities(log, config, base_key="testing") > 0
    # What moto's small registry gives no occasion to call; the demo runs above call every one.
    assert never_called == {
        # no pull-through cache rule, task definition or images-in-use file: no network or metrics read
        "cloudwatch:GetMetricData", "ec2:DescribeNatGateways", "ec2:DescribeVpcEndpoints", "ec2:DescribeVpcs",
        "ecr:DescribeRepositoryCreationTemplates", "ecs:DescribeTaskDefinition",
        # its lifecycle policy expires no image today, so no manifest is worth reading
        "ecr:BatchGetImage",
        # moto does not implement StartLifecyclePolicyPreview (called, it fails), so nothing to poll
        "ecr:GetLifecyclePolicyPreview",
        # a BASIC registry whose Inspector status moto does not report as ENABLED
        "inspector2:ListCoverage", "inspector2:ListFindingAggregations",
    }


def test_a_sharded_run_on_s3_calls_exactly_what_the_shard_store_grants(moto_aws, tmp_path, monkeypatch, capsys):
    """`collect` x2 and `assemble` with an s3:// shard area (jobs/shard_store_s3.py; the demo's
    collection, moto's S3): every call is declared for the configuration with that output root;
    the S3 calls are exactly the shard store's operations, each inside the hub policy's
    statements (objects under the prefix; the listing under the s3:prefix condition)."""
    boto3.client("s3", region_name=REGION).create_bucket(Bucket="shard-bucket")
    # Now: the demo's assumed-role credentials expire an hour after the run's as-of time.
    root, run_id = "s3://shard-bucket/ecr-report", datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    path = tmp_path / "ecr-report.toml"
    path.write_text(_toml(set(), _demo_accounts() + "[report]\npdf = false\n"))
    config = load_config(path)
    log = record_calls(monkeypatch, tmp_path)
    common = ["--demo", "--run-id", run_id, "--output", root, "--config", str(path)]
    for k in range(2):
        assert main(["collect", *common, "--shard", f"{k}/2"]) == 0, capsys.readouterr().err
    assert main(["assemble", *common, "--run-root", str(tmp_path / "out")]) == 0, capsys.readouterr().err

    features = enabled_features(config, output_root=root)
    declared = {op.key for op in OPERATIONS if op.feature in features}
    assert sorted(log.operations() - declared) == [], "called but not declared for this configuration"
    shard_store = {op.key for op in OPERATIONS if op.feature == SHARD_STORE_S3}
    assert {key for key in log.operations() if key[0] == "s3"} == shard_store  # none unused, none else
    statements = {s["Sid"]: s for s in iter_statements(generate(config, "hub", output_root=root).document)}
    objects, listing = statements["ShardStoreObjects"], statements["ShardStoreList"]
    s3_calls = [c for c in log.calls if c.service == "s3"]
    for call in s3_calls:
        if call.operation == "ListObjectsV2":
            assert "s3:ListBucket" in listing["Action"]
            assert any(fnmatch.fnmatchcase(f"arn:aws:s3:::{call.params['Bucket']}", r) for r in listing["Resource"])
            assert any(fnmatch.fnmatchcase(call.params["Prefix"], p)
                       for p in listing["Condition"]["StringLike"]["s3:prefix"]), call
        else:
            assert f"s3:{call.operation}" in objects["Action"]
            arn = f"arn:aws:s3:::{call.params['Bucket']}/{call.params['Key']}"
            assert any(fnmatch.fnmatchcase(arn, r) for r in objects["Resource"]), call
    assert len(s3_calls) > 10
