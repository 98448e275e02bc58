"""deploy/cloudformation/: cfn-lint finds nothing, the role policies are the generated ones, and
the evidence bucket has the controls the archive relies on.

Two guards against drift: the templates must be what tools/gen_cloudformation.py writes now
(`--check`), and, independently of that script, each policy in a template, with its parameters
set to their defaults, must equal what `ecr-report iam-policy` generates for that use.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ecr_report.jobs.config import Config
from ecr_report.jobs.iam_policy import generate

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "deploy" / "cloudformation"
NAMES = ["evidence-bucket.json", "hub-role.json", "member-read-role.json"]
CFN_LINT = str(Path(sys.executable).parent / "cfn-lint")  # the test extra's console script


def _template(name: str) -> dict:
    return json.loads((TEMPLATES / name).read_text(encoding="utf-8"))


def _resolve(value, values: dict[str, str], conditions: dict[str, bool]):
    """The template value with parameters set: Fn::Sub, Ref and Fn::If (by `conditions`)."""
    if isinstance(value, list):
        return [_resolve(v, values, conditions) for v in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"Fn::Sub"}:
        return re.sub(r"\$\{([^}]+)\}", lambda m: values[m.group(1)], value["Fn::Sub"])
    if set(value) == {"Ref"}:
        return values[value["Ref"]]
    if set(value) == {"Fn::If"}:
        name, yes, no = value["Fn::If"]
        return _resolve(yes if conditions[name] else no, values, conditions)
    return {k: _resolve(v, values, conditions) for k, v in value.items()}


def _generated(config: dict, identity: str) -> dict:
    return generate(Config.model_validate(config), identity).document


def test_the_templates_are_what_the_generator_writes():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_cloudformation.py"), "--check"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in TEMPLATES.glob("*.json")) == NAMES


def test_cfn_lint_finds_nothing_not_even_informational():
    result = subprocess.run([CFN_LINT, "--format", "parseable", "--include-checks", "I",
                             "--", *(str(TEMPLATES / n) for n in NAMES)],
                            capture_output=True, text=True, timeout=300)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_cfn_lint_does_find_a_broken_template(tmp_path):
    """The lint above can fail: a wrong type is an error, an unused parameter a warning."""
    broken = _template("evidence-bucket.json")
    broken["Resources"]["EvidenceBucket"]["Properties"]["ObjectLockEnabled"] = "maybe"
    broken["Parameters"]["Unused"] = {"Type": "String"}
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(broken))
    result = subprocess.run([CFN_LINT, "--format", "parseable", "--", str(path)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert ":E3012:'maybe' is not of type 'boolean'" in result.stdout and ":W2001:" in result.stdout


@pytest.mark.parametrize("cross_check", [False, True])
def test_the_member_role_policy_is_the_generated_collect_policy(cross_check):
    role = _template("member-read-role.json")["Resources"]["MemberReadRole"]["Properties"]
    values = {"AWS::Partition": "aws", "MemberRoleName": "ecr-report-read"}
    policy = _resolve(role["Policies"][0]["PolicyDocument"], values, {"CrossCheck": cross_check})
    assert policy == _generated({"lifecycle": {"cross_check_aws": cross_check}}, "collect")
    assert ("ecr:StartLifecyclePolicyPreview" in json.dumps(policy)) is cross_check


def test_the_member_role_trusts_the_hub_with_an_optional_external_id():
    role = _template("member-read-role.json")["Resources"]["MemberReadRole"]["Properties"]
    hub = "arn:aws:iam::111122223333:role/ecr-report-hub"
    values = {"HubRoleArn": hub, "ExternalId": "xyz", "AWS::NoValue": None}
    with_id = _resolve(role["AssumeRolePolicyDocument"], values, {"HasExternalId": True})
    (statement,) = with_id["Statement"]
    assert statement["Principal"] == {"AWS": hub} and statement["Action"] == "sts:AssumeRole"
    assert statement["Condition"] == {"StringEquals": {"sts:ExternalId": "xyz"}}
    without = _resolve(role["AssumeRolePolicyDocument"], values, {"HasExternalId": False})
    assert without["Statement"][0]["Condition"] is None  # AWS::NoValue: the key is dropped
    assert role["RoleName"] == {"Ref": "MemberRoleName"}


def test_the_hub_policy_is_the_generated_hub_policy_with_discovery():
    role = _template("hub-role.json")["Resources"]["HubRole"]["Properties"]
    values = {"AWS::Partition": "aws", "MemberRoleName": "ecr-report-read"}
    policy = _resolve(role["Policies"][0]["PolicyDocument"], values, {})
    assert policy == _generated({"aws": {"organization": {"role_name": "ecr-report-read"}}}, "hub")
    actions = {a for s in policy["Statement"] for a in s["Action"]}
    assert {"sts:AssumeRole", "organizations:ListAccounts"} <= actions


def test_the_evidence_bucket_controls():
    template = _template("evidence-bucket.json")
    bucket = template["Resources"]["EvidenceBucket"]
    props = bucket["Properties"]
    assert bucket["DeletionPolicy"] == "Retain"
    assert props["ObjectLockEnabled"] is True
    assert props["ObjectLockConfiguration"] == {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {
        "Mode": {"Ref": "RetentionMode"}, "Days": {"Ref": "RetentionDays"}}}}
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    assert props["PublicAccessBlockConfiguration"] == dict.fromkeys(
        ["BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"], True)
    sse = props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    values = {"KmsKeyArn": "arn:aws:kms:us-east-1:111122223333:key/k"}
    assert _resolve(sse, values, {"UseKms": False}) == {"SSEAlgorithm": "AES256"}
    assert _resolve(sse, values, {"UseKms": True}) == {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": values["KmsKeyArn"]}
    (tls,) = template["Resources"]["EvidenceBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert (tls["Effect"], tls["Principal"], tls["Action"]) == ("Deny", "*", "s3:*")
    assert tls["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert len(tls["Resource"]) == 2  # the bucket and its objects


def test_the_delivery_policy_is_the_generated_archive_policy():
    template = _template("evidence-bucket.json")
    document = template["Resources"]["DeliveryPolicy"]["Properties"]["PolicyDocument"]
    values = {"AWS::Partition": "aws", "EvidenceBucket": "evidence", "ArchivePrefix": "ecr-report/"}
    policy = _resolve(document, values, {})
    assert policy == _generated({"archive": {"s3_uri": "s3://evidence/ecr-report/"}}, "deliver")
    assert "s3:BypassGovernanceRetention" not in json.dumps(policy)


def test_the_hub_trusts_a_principal_pod_identity_or_one_irsa_service_account():
    role = _template("hub-role.json")["Resources"]["HubRole"]["Properties"]
    values = {"AWS::Partition": "aws", "AWS::AccountId": "111122223333", "AWS::NoValue": None,
              "TrustedPrincipalArn": "arn:aws:iam::111122223333:root",
              "EksOidcIssuer": "oidc.eks.us-east-1.amazonaws.com/id/ABC123", "EksServiceAccount": "ecr-report:ecr-report"}
    plain = _resolve(role["AssumeRolePolicyDocument"], values, {"Irsa": False, "HasPrincipal": True, "PodIdentity": True})
    assert [s["Principal"] for s in plain["Statement"]] == [{"AWS": values["TrustedPrincipalArn"]},
                                                            {"Service": "pods.eks.amazonaws.com"}]
    irsa = json.loads(_resolve(role["AssumeRolePolicyDocument"], values, {"Irsa": True}))
    (statement,) = irsa["Statement"]
    issuer = values["EksOidcIssuer"]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Principal"] == {"Federated": f"arn:aws:iam::111122223333:oidc-provider/{issuer}"}
    assert statement["Condition"] == {"StringEquals": {f"{issuer}:sub": "system:serviceaccount:ecr-report:ecr-report",
                                                       f"{issuer}:aud": "sts.amazonaws.com"}}
