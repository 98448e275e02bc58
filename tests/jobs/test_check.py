"""`ecr-report check` over moto's server with IAM enforced.

moto checks every request against the caller's IAM policies once `/moto-api/reset-auth` sets its
count of unauthenticated requests to 0 (moto's "IAM-like access control"), so a denied operation
is denied by moto's policy evaluation over real HTTP, not decided by a test double. The identities
are created first with enforcement off: an IAM user (the hub, the tool's credentials) allowed to
assume the member role, and the member role carrying the generated collect policy (all allowed)
or that policy minus one action (a denied operation). A role the user may not assume and a region
whose endpoint is a closed port complete the failures.

What moto does not implement (a few ECR and Inspector reads answer HTTP 500/404 without an AWS
error code) proves nothing either way: check lists it as "not verified", which does not fail it.
The simulator path (delivery, which cannot be probed by a read) is tested with botocore's Stubber
in test_check_simulator.py, since moto has no iam:SimulatePrincipalPolicy.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Iterator

import boto3
import pytest
import requests

from ecr_report.jobs.check import PROBES, run_check
from ecr_report.jobs.config import Config
from ecr_report.jobs.iam_policy import generate
from ecr_report.jobs.operations import COLLECT, operations_for

from delivery_peers import free_port
from moto_fleet import ACCOUNT, REGION, make_fleet

ROLE = f"arn:aws:iam::{ACCOUNT}:role/ecr-report-read"
HUB_USER = f"arn:aws:iam::{ACCOUNT}:user/hub"
MOTO_LACKS = {"ecr:GetAccountSetting", "ecr:DescribePullThroughCacheRules", "ecr:DescribeRepositoryCreationTemplates",
              "ecr:ListPullTimeUpdateExclusions", "inspector2:ListCoverage", "inspector2:ListFindingAggregations",
              "inspector2:GetConfiguration", "inspector2:ListUsageTotals"}
"""Reads moto 5 does not implement: it answers HTTP 500/404 without an AWS error code."""


def _config(**aws: object) -> Config:
    return Config.model_validate({"aws": {"regions": [REGION], "accounts": [{"id": ACCOUNT, "role_arn": ROLE}],
                                          **aws}})


def _collect_policy(config: Config, without: str = "") -> dict:
    """The generated collect policy (less one action), with every Resource "*": moto evaluates
    requests other than sts:AssumeRole against the resource "*" only, so a repository-scoped
    statement would never match there. The actions are what this test is about."""
    policy = json.loads(generate(config, COLLECT).to_json())
    for statement in policy["Statement"]:
        statement["Action"] = [a for a in statement["Action"] if a != without]
        statement["Resource"] = "*"
    policy["Statement"] = [s for s in policy["Statement"] if s["Action"]]
    # moto names CloudWatch's actions after its endpoint ("monitoring"), not IAM's "cloudwatch".
    policy["Statement"].append({"Effect": "Allow", "Action": "monitoring:GetMetricData", "Resource": "*"})
    return policy


@pytest.fixture
def iam_enforced(moto_aws: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[callable]:
    """Create the hub user and the member role, switch the tool to the user's keys, enforce IAM."""
    make_fleet()

    def setup(role_policy: dict) -> None:
        iam = boto3.client("iam", region_name=REGION)
        trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                         "Principal": {"AWS": HUB_USER}}]}
        iam.create_role(RoleName="ecr-report-read", AssumeRolePolicyDocument=json.dumps(trust))
        iam.put_role_policy(RoleName="ecr-report-read", PolicyName="collect", PolicyDocument=json.dumps(role_policy))
        iam.create_user(UserName="hub")
        # moto asks for sts:GetCallerIdentity, which AWS answers without any permission.
        hub = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": ROLE},
            {"Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"}]}
        iam.put_user_policy(UserName="hub", PolicyName="hub", PolicyDocument=json.dumps(hub))
        key = iam.create_access_key(UserName="hub")["AccessKey"]
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
        requests.post(f"{moto_aws}/moto-api/reset-auth", data=b"0", timeout=10)

    yield setup
    requests.post(f"{moto_aws}/moto-api/reset-auth", data=b"inf", timeout=10)


def _probed(config: Config) -> set[str]:
    return {a for op in operations_for(config, COLLECT) if op.key in PROBES for a in op.actions}


def _problems(report) -> list[tuple[str, str, str]]:
    return sorted((f.kind, f.where, f.what) for f in report.findings if f.kind != "unverified")


def test_everything_allowed_passes(iam_enforced):
    config = _config()
    iam_enforced(_collect_policy(config))
    report = run_check(config, session=boto3.Session())
    assert _problems(report) == [], "\n".join(report.lines())
    assert not report.failed
    assert {f.what for f in report.findings} == MOTO_LACKS  # only what moto cannot answer
    assert report.verified == {f"{ACCOUNT} {REGION}": len(_probed(config) - MOTO_LACKS)}
    assert report.caller_arn.endswith(":user/hub")


def test_a_denied_operation_is_listed_with_the_statement_that_grants_it(iam_enforced):
    config = _config()
    iam_enforced(_collect_policy(config, without="ecr:DescribeImages"))
    report = run_check(config, session=boto3.Session())
    assert report.failed
    assert _problems(report) == [("missing", f"{ACCOUNT} {REGION}", "ecr:DescribeImages")]
    missing = next(f for f in report.findings if f.kind == "missing")
    assert "403" in missing.detail  # moto answers a JSON API with an XML AccessDenied botocore cannot parse
    assert "ecr:DescribeImages" in json.loads(missing.grant)["Action"]
    text = "\n".join(report.lines())
    assert "denied: ecr:DescribeImages" in text and "granted by: {" in text


def test_a_role_that_cannot_be_assumed_and_an_unreachable_region(iam_enforced):
    other = "210987654321"
    config = _config(regions=[REGION, "eu-west-1"],
                     accounts=[{"id": ACCOUNT, "role_arn": ROLE},
                               {"id": other, "role_arn": f"arn:aws:iam::{other}:role/ecr-report-read",
                                "external_id": "abc"}])
    iam_enforced(_collect_policy(config))
    closed = f"http://127.0.0.1:{free_port()}"
    report = run_check(config, session=boto3.Session(), endpoints={"eu-west-1": closed})
    assert report.failed
    assert _problems(report) == [("unassumable", other, f"arn:aws:iam::{other}:role/ecr-report-read"),
                                 ("unreachable", f"{ACCOUNT} eu-west-1", "region eu-west-1")]
    text = "\n".join(report.lines())
    assert f"FAIL {ACCOUNT} eu-west-1" in text and f"ok   {ACCOUNT} {REGION}" in text
    assert "accept the ExternalId" in text


def _cli(*args: str, cwd, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ecr_report.jobs.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=300, env=env)


def test_the_command_exits_2_and_prints_what_is_missing(iam_enforced, tmp_path):
    config = _config()
    iam_enforced(_collect_policy(config, without="ecr:GetLifecyclePolicy"))
    (tmp_path / "ecr-report.toml").write_text(
        f'[aws]\nregions = ["{REGION}"]\n[[aws.accounts]]\nid = "{ACCOUNT}"\nrole_arn = "{ROLE}"\n')
    result = _cli("check", cwd=tmp_path, env=dict(os.environ))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"caller   {HUB_USER}"
    assert f"FAIL {ACCOUNT} {REGION}: {len(_probed(config)) - len(MOTO_LACKS) - 1} operation(s) allowed" in lines
    assert "  - denied: ecr:GetLifecyclePolicy (HTTP 403 Forbidden (no parseable error code))" in lines
    assert lines[-1] == f"1 problem(s), {len(MOTO_LACKS)} not verified: fix the problems above before the first run"
    assert list(tmp_path.iterdir()) == [tmp_path / "ecr-report.toml"]  # check writes nothing


def test_the_command_without_a_region_is_bad_input(tmp_path):
    result = _cli("check", cwd=tmp_path, env={k: v for k, v in os.environ.items() if "REGION" not in k})
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "ecr-report: error: no AWS region: set [aws] regions in the config, or AWS_REGION / AWS_DEFAULT_REGION"]


def test_with_an_organization_the_hub_reads_are_checked_too(moto_aws):
    config = _config(organization={"role_name": "ecr-report-read", "ou_ids": ["ou-ab12-cdef3456"]})
    report = run_check(config, session=boto3.Session())
    # moto, without IAM enforcement, answers every Organizations read (an organization not in
    # use, an OU not found): each proves the call was authorized.
    assert report.verified["hub"] == 4 and not [f for f in report.findings if f.where == "hub"]
    # The run's own discovery runs too: moto has no organization here, so a run would stop,
    # and check says so (exit 2) instead of checking accounts it cannot know.
    [discovery] = [f for f in report.findings if f.where == "organization"]
    assert discovery.kind == "discovery" and "AWSOrganizationsNotInUseException" in discovery.detail
    assert report.failed
