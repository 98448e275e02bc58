"""`ecr-report iam-policy`: the generated policies per feature combination and identity, linted
by parliament, scoped where AWS allows, and the command's edges (bad config, nothing to grant)."""

from __future__ import annotations

import json

import pytest

from ecr_report.jobs.cli import main
from ecr_report.jobs.config import Config
from ecr_report.jobs.iam_policy import generate
from ecr_report.jobs.operations import IDENTITIES, OPERATIONS, enabled_features

from iam_support import (
    all_combinations,
    combination_config,
    combination_id,
    iter_statements,
    parliament_findings,
)

EVERYTHING = {
    "aws": {"regions": ["us-east-1", "eu-west-1"],
            "accounts": [{"id": "111122223333", "role_arn": "arn:aws:iam::111122223333:role/legacy-reader"}],
            "organization": {"role_name": "ecr-report-read", "external_id": "ecr-report-ext"}},
    "email": {"transport": "ses", "sender": "ECR report <ecr-report@example.com>",
              "recipients": ["platform@example.com"], "ses_region": "eu-west-1"},
    "archive": {"s3_uri": "s3://evidence-bucket/ecr-report", "retention_days": 400},
    "report": {"output_dir": "s3://shard-bucket/org-runs/"},
}


def _expected_actions(config, identity: str) -> set[str]:
    features = enabled_features(config)
    return {a for op in OPERATIONS if op.identity == identity and op.feature in features for a in op.actions}


@pytest.mark.parametrize("on", all_combinations(), ids=combination_id)
def test_each_feature_combination_gives_a_clean_collector_policy(on):
    config = combination_config(on)
    policy = generate(config, "collect")
    assert set(policy.actions) == _expected_actions(config, "collect")
    assert parliament_findings(policy.document) == []
    # Each switch adds exactly its own actions.
    assert ("ecr:BatchGetImage" in policy.actions) == ("lifecycle_exact_bytes" in on)
    assert ({"ecr:StartLifecyclePolicyPreview", "ecr:GetLifecyclePolicyPreview"} <= set(policy.actions)) == (
        "lifecycle_cross_check" in on)
    assert ("ecs:DescribeTaskDefinition" in policy.actions) == ("pull_through_task_definitions" in on)
    assert ("ecr:BatchGetRepositoryScanningConfiguration" in policy.actions) == ("repository_scan_configuration" in on)


@pytest.mark.parametrize("identity", IDENTITIES)
def test_every_identity_of_the_fullest_configuration_is_clean(identity):
    config = Config.model_validate(EVERYTHING)
    policy = generate(config, identity)
    assert policy.document is not None
    assert set(policy.actions) == _expected_actions(config, identity)
    assert parliament_findings(policy.document) == []


def _by_sid(policy) -> dict[str, dict]:
    return {s["Sid"]: s for s in iter_statements(policy.document)}


def test_what_aws_allows_to_scope_is_scoped():
    config = Config.model_validate(EVERYTHING)
    collect = _by_sid(generate(config, "collect"))
    assert collect["EcrRepositories"]["Resource"] == ["arn:aws:ecr:us-east-1:*:repository/*",
                                                      "arn:aws:ecr:eu-west-1:*:repository/*"]
    assert collect["AwsAllowsOnlyResourceStar"]["Resource"] == "*"
    assert not {a for a in collect["AwsAllowsOnlyResourceStar"]["Action"] if a.startswith("ecr:Describe")} & {
        "ecr:DescribeImages", "ecr:DescribeRepositories", "ecr:DescribeImageScanFindings"}

    hub = _by_sid(generate(config, "hub"))
    assert hub["AssumeMemberRole"]["Resource"] == ["arn:aws:iam::*:role/ecr-report-read",
                                                   "arn:aws:iam::111122223333:role/legacy-reader"]
    assert hub["ShardStoreObjects"]["Resource"] == ["arn:aws:s3:::shard-bucket/org-runs/*"]
    assert hub["ShardStoreList"]["Resource"] == ["arn:aws:s3:::shard-bucket"]
    assert hub["ShardStoreList"]["Condition"] == {"StringLike": {"s3:prefix": ["org-runs/*"]}}

    deliver = _by_sid(generate(config, "deliver"))
    assert deliver["ArchiveObjectLockedWrites"] == {
        "Sid": "ArchiveObjectLockedWrites", "Effect": "Allow",
        "Action": ["s3:PutObject", "s3:PutObjectRetention"],
        "Resource": ["arn:aws:s3:::evidence-bucket/ecr-report/*"]}
    assert deliver["SendReportEmail"]["Resource"] == ["arn:aws:ses:eu-west-1:*:identity/ecr-report@example.com",
                                                      "arn:aws:ses:eu-west-1:*:identity/example.com"]
    assert "s3:BypassGovernanceRetention" not in generate(config, "deliver").actions


def test_the_partition_follows_the_regions():
    config = Config.model_validate({"aws": {"regions": ["cn-north-1"], "organization": {"role_name": "r"}}})
    assert _by_sid(generate(config, "collect"))["EcrRepositories"]["Resource"] == [
        "arn:aws-cn:ecr:cn-north-1:*:repository/*"]
    assert _by_sid(generate(config, "hub"))["AssumeMemberRole"]["Resource"] == ["arn:aws-cn:iam::*:role/r"]


def test_the_notes_name_the_star_only_actions_and_what_needs_no_permission():
    notes = "\n".join(generate(Config.model_validate(EVERYTHING), "collect").notes)
    assert 'only on Resource "*"' in notes and "ecr:DescribeRegistry" in notes
    assert "ecr:DescribeImages" not in notes.split("\n")[0]  # scoped, so not in the '*' list
    assert "sts:GetCallerIdentity is called but needs no IAM permission" in notes
    hub_notes = "\n".join(generate(Config.model_validate(EVERYTHING), "hub").notes)
    assert "organizations:ListAccountsForParent" in hub_notes and "found at run time" in hub_notes


def test_the_command_prints_the_policy_and_its_notes(tmp_path, capsys):
    path = tmp_path / "ecr-report.toml"
    path.write_text('[email]\ntransport = "ses"\nsender = "r@example.com"\nrecipients = ["a@example.com"]\n'
                    '[archive]\ns3_uri = "s3://bucket/p/"\n')
    assert main(["iam-policy", "--config", str(path), "--for", "deliver"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out) == generate(Config.model_validate({
        "email": {"transport": "ses", "sender": "r@example.com", "recipients": ["a@example.com"]},
        "archive": {"s3_uri": "s3://bucket/p/"}}), "deliver").document
    assert "s3:BypassGovernanceRetention is never granted" in err

    assert main(["iam-policy", "--config", str(path)]) == 0  # default: --for collect
    assert "ecr:DescribeImages" in json.loads(capsys.readouterr().out)["Statement"][0]["Action"]


def test_nothing_to_grant_prints_no_policy(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no ./ecr-report.toml: the defaults
    assert main(["iam-policy", "--for", "deliver"]) == 0
    out, err = capsys.readouterr()
    assert out == "" and "needs no IAM permission for the deliver identity" in err


@pytest.mark.parametrize("argv_tail, content, message", [
    (["--for", "admin"], None, "invalid choice: 'admin'"),
    ([], "[aws]\nregions = ['us-east1']\n", "unknown AWS region 'us-east1'"),
    ([], "[aws.organization]\nrole_name = 'bad role name'\n", "invalid configuration at aws.organization.role_name"),
    ([], "[archive]\ns3_uri = 'https://not-s3'\n", "invalid configuration at archive.s3_uri"),
    ([], "[lifecycle]\nexact_byte = true\n", "invalid configuration at lifecycle.exact_byte"),
])
def test_a_bad_configuration_exits_2_in_one_line(tmp_path, capsys, argv_tail, content, message):
    argv = ["iam-policy", *argv_tail]
    if content is not None:
        path = tmp_path / "bad.toml"
        path.write_text(content)
        argv += ["--config", str(path)]
    assert _exit_code(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def _exit_code(argv: list[str]) -> int:
    """main's return value, or argparse's exit status (usage errors exit from the parser)."""
    try:
        return main(argv)
    except SystemExit as exc:
        return int(exc.code)
