"""Write deploy/cloudformation/*.json: the member read role, the hub role and the evidence bucket.

The IAM policies in the templates are not typed by hand: each is the document
`ecr-report iam-policy` generates (jobs/iam_policy.py) for a configuration that stands for the
template's use, with the configuration's values that a stack decides (the member role's name,
the bucket, the archive prefix, the partition) turned into `Fn::Sub` references to the stack's
parameters. tests/deploy/test_cloudformation.py runs this with `--check`, so a template that
drifts from the generator (or from this script) fails the tests.

    python tools/gen_cloudformation.py          # (re)write the templates
    python tools/gen_cloudformation.py --check  # exit 1 and name the stale templates
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ecr_report.jobs.config import Config
from ecr_report.jobs.iam_policy import generate

OUT = Path(__file__).resolve().parent.parent / "deploy" / "cloudformation"
ROLE_NAME = "ecr-report-read"
"""Placeholder role name in the generating configuration, replaced by ${MemberRoleName}."""
BUCKET, PREFIX = "ecr-report-placeholder-bucket", "ecr-report-placeholder-prefix/"
"""Placeholder archive location, replaced by the bucket's name and ${ArchivePrefix}."""


def _document(config: dict[str, Any], identity: str) -> dict[str, Any]:
    document = generate(Config.model_validate(config), identity).document
    assert document is not None, f"nothing to grant to {identity} under {config}"
    return document


def _sub(value: Any, names: dict[str, str]) -> Any:
    """Strings naming a placeholder or an ARN become Fn::Sub over the stack's parameters."""
    if isinstance(value, dict):
        return {k: _sub(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_sub(v, names) for v in value]
    if isinstance(value, str) and (value.startswith("arn:aws:") or any(p in value for p in names)):
        text = value.replace("arn:aws:", "arn:${AWS::Partition}:", 1)
        for placeholder, reference in names.items():
            text = text.replace(placeholder, reference)
        return {"Fn::Sub": text}
    return value


def member_role() -> dict[str, Any]:
    names = {ROLE_NAME: "${MemberRoleName}"}
    base = _sub(_document({}, "collect"), names)
    cross_check = _sub(_document({"lifecycle": {"cross_check_aws": True}}, "collect"), names)
    trust_condition = {"StringEquals": {"sts:ExternalId": {"Ref": "ExternalId"}}}
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "ecr-report: the read-only role the hub assumes in each member account "
                       "(deploy with a service-managed StackSet across the organization). Its policy is "
                       "`ecr-report iam-policy --for collect`.",
        "Parameters": {
            "HubRoleArn": {"Type": "String", "AllowedPattern": r"^arn:aws[a-z-]*:iam::\d{12}:role/.+$",
                           "Description": "The hub role (hub-role.json) allowed to assume this role"},
            "MemberRoleName": {"Type": "String", "Default": ROLE_NAME, "AllowedPattern": r"^[\w+=,.@-]{1,64}$",
                               "Description": "[aws.organization] role_name in ecr-report.toml"},
            "ExternalId": {"Type": "String", "Default": "", "MaxLength": 1224,
                           "Description": "[aws.organization] external_id; empty: no ExternalId condition"},
            "MaxSessionDuration": {"Type": "Number", "Default": 3600, "MinValue": 3600, "MaxValue": 43200,
                                   "Description": "Seconds; at least [aws] role_session_duration_seconds"},
            "AllowLifecycleCrossCheck": {"Type": "String", "Default": "false", "AllowedValues": ["true", "false"],
                                         "Description": "[lifecycle] cross_check_aws: allow AWS's lifecycle "
                                                        "preview (ecr:StartLifecyclePolicyPreview)"},
        },
        "Conditions": {
            "HasExternalId": {"Fn::Not": [{"Fn::Equals": [{"Ref": "ExternalId"}, ""]}]},
            "CrossCheck": {"Fn::Equals": [{"Ref": "AllowLifecycleCrossCheck"}, "true"]},
        },
        "Resources": {
            "MemberReadRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "RoleName": {"Ref": "MemberRoleName"},
                    "Description": "ecr-report: read ECR, Inspector, pull-through and lifecycle data",
                    "MaxSessionDuration": {"Ref": "MaxSessionDuration"},
                    "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{
                        "Effect": "Allow", "Action": "sts:AssumeRole",
                        "Principal": {"AWS": {"Ref": "HubRoleArn"}},
                        "Condition": {"Fn::If": ["HasExternalId", trust_condition, {"Ref": "AWS::NoValue"}]},
                    }]},
                    "Policies": [{"PolicyName": "ecr-report-collect",
                                  "PolicyDocument": {"Fn::If": ["CrossCheck", cross_check, base]}}],
                },
            },
        },
        "Outputs": {"MemberReadRoleArn": {"Value": {"Fn::GetAtt": ["MemberReadRole", "Arn"]}}},
    }


IRSA_TRUST = {"Fn::Sub": json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "sts:AssumeRoleWithWebIdentity",
    "Principal": {"Federated": "arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/${EksOidcIssuer}"},
    "Condition": {"StringEquals": {"${EksOidcIssuer}:sub": "system:serviceaccount:${EksServiceAccount}",
                                   "${EksOidcIssuer}:aud": "sts.amazonaws.com"}}}]})}
"""IRSA's trust: its condition keys start with the issuer, and a key cannot be an intrinsic
function, so this document is JSON text with ${...} references (the AWS::IAM::Role resource
schema types AssumeRolePolicyDocument as object or string: the CloudFormation registry schema
cfn-lint bundles, aws-iam-role)."""


def hub_role() -> dict[str, Any]:
    names = {ROLE_NAME: "${MemberRoleName}"}
    hub = _sub(_document({"aws": {"organization": {"role_name": ROLE_NAME}}}, "hub"), names)
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "ecr-report: the hub role that discovers the organization's accounts and assumes the "
                       "member read role in each. Its policy is `ecr-report iam-policy --for hub` with "
                       "[aws.organization]. Deploy in the account ecr-report runs in (the management account "
                       "or a delegated administrator of AWS Organizations).",
        "Parameters": {
            "HubRoleName": {"Type": "String", "Default": "ecr-report-hub", "AllowedPattern": r"^[\w+=,.@-]{1,64}$"},
            "MemberRoleName": {"Type": "String", "Default": ROLE_NAME, "AllowedPattern": r"^[\w+=,.@-]{1,64}$",
                               "Description": "The member role's name (member-read-role.json)"},
            "TrustedPrincipalArn": {"Type": "String", "Default": "",
                                    "Description": "Who may assume the hub role: an account root "
                                                   "(arn:aws:iam::111122223333:root) or a role ARN; empty: "
                                                   "EKS Pod Identity only"},
            "TrustEksPodIdentity": {"Type": "String", "Default": "false", "AllowedValues": ["true", "false"],
                                    "Description": "Trust EKS Pod Identity (pods.eks.amazonaws.com)"},
            "EksOidcIssuer": {"Type": "String", "Default": "", "AllowedPattern": r"^([a-z0-9.-]+(/[A-Za-z0-9]+)*)?$",
                              "Description": "IRSA: the cluster's OIDC issuer without https:// "
                                             "(oidc.eks.REGION.amazonaws.com/id/ID); when set, only that "
                                             "cluster's service account may assume the role"},
            "EksServiceAccount": {"Type": "String", "Default": "ecr-report:ecr-report",
                                  "AllowedPattern": r"^[a-z0-9.-]+:[a-z0-9.-]+$",
                                  "Description": "IRSA: NAMESPACE:NAME of the service account (deploy/kubernetes)"},
            "MaxSessionDuration": {"Type": "Number", "Default": 3600, "MinValue": 3600, "MaxValue": 43200},
        },
        "Conditions": {
            "HasPrincipal": {"Fn::Not": [{"Fn::Equals": [{"Ref": "TrustedPrincipalArn"}, ""]}]},
            "PodIdentity": {"Fn::Equals": [{"Ref": "TrustEksPodIdentity"}, "true"]},
            "Irsa": {"Fn::Not": [{"Fn::Equals": [{"Ref": "EksOidcIssuer"}, ""]}]},
        },
        "Rules": {
            "SomeoneMayAssumeIt": {"Assertions": [{
                "Assert": {"Fn::Or": [{"Fn::Not": [{"Fn::Equals": [{"Ref": "TrustedPrincipalArn"}, ""]}]},
                                      {"Fn::Equals": [{"Ref": "TrustEksPodIdentity"}, "true"]},
                                      {"Fn::Not": [{"Fn::Equals": [{"Ref": "EksOidcIssuer"}, ""]}]}]},
                "AssertDescription": "set TrustedPrincipalArn, TrustEksPodIdentity=true or EksOidcIssuer"}]},
        },
        "Resources": {
            "HubRole": {
                "Type": "AWS::IAM::Role",
                "Properties": {
                    "RoleName": {"Ref": "HubRoleName"},
                    "Description": "ecr-report: discover accounts, assume the member read roles",
                    "MaxSessionDuration": {"Ref": "MaxSessionDuration"},
                    "AssumeRolePolicyDocument": {"Fn::If": ["Irsa", IRSA_TRUST, {"Version": "2012-10-17", "Statement": [
                        {"Fn::If": ["HasPrincipal", {"Effect": "Allow", "Action": "sts:AssumeRole",
                                                     "Principal": {"AWS": {"Ref": "TrustedPrincipalArn"}}},
                                    {"Ref": "AWS::NoValue"}]},
                        {"Fn::If": ["PodIdentity", {"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:TagSession"],
                                                    "Principal": {"Service": "pods.eks.amazonaws.com"}},
                                    {"Ref": "AWS::NoValue"}]},
                    ]}]},
                    "Policies": [{"PolicyName": "ecr-report-hub", "PolicyDocument": hub}],
                },
            },
        },
        "Outputs": {"HubRoleArn": {"Value": {"Fn::GetAtt": ["HubRole", "Arn"]}}},
    }


def evidence_bucket() -> dict[str, Any]:
    names = {BUCKET: "${EvidenceBucket}", PREFIX: "${ArchivePrefix}"}
    deliver = _sub(_document({"archive": {"s3_uri": f"s3://{BUCKET}/{PREFIX}"}}, "deliver"), names)
    bucket_arn = {"Fn::GetAtt": ["EvidenceBucket", "Arn"]}
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "ecr-report: the evidence bucket ([archive] s3_uri): Object Lock with a default "
                       "retention, versioning, no public access, TLS only, encrypted; and the delivery "
                       "policy (`ecr-report iam-policy --for deliver`, archive part).",
        "Parameters": {
            "RetentionDays": {"Type": "Number", "Default": 400, "MinValue": 1, "MaxValue": 36500,
                              "Description": "Default Object Lock retention ([archive] retention_days)"},
            "RetentionMode": {"Type": "String", "Default": "COMPLIANCE", "AllowedValues": ["COMPLIANCE", "GOVERNANCE"],
                              "Description": "[archive] object_lock_mode"},
            "ArchivePrefix": {"Type": "String", "Default": "ecr-report/", "AllowedPattern": r"^([^*?]*/)?$",
                              "Description": "Key prefix of the runs ([archive] s3_uri path), ending in /"},
            "KmsKeyArn": {"Type": "String", "Default": "",
                          "Description": "A KMS key for SSE-KMS; empty: SSE-S3 (the delivery identity then "
                                         "needs kms:GenerateDataKey on the key too)"},
            "DeliveryRoleName": {"Type": "String", "Default": "",
                                 "Description": "Attach the delivery policy to this role (e.g. ecr-report-hub); "
                                                "empty: attach it yourself"},
        },
        "Conditions": {
            "UseKms": {"Fn::Not": [{"Fn::Equals": [{"Ref": "KmsKeyArn"}, ""]}]},
            "AttachDelivery": {"Fn::Not": [{"Fn::Equals": [{"Ref": "DeliveryRoleName"}, ""]}]},
        },
        "Resources": {
            "EvidenceBucket": {
                "Type": "AWS::S3::Bucket",
                "DeletionPolicy": "Retain",
                "UpdateReplacePolicy": "Retain",
                "Properties": {
                    "ObjectLockEnabled": True,
                    "ObjectLockConfiguration": {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {
                        "Mode": {"Ref": "RetentionMode"}, "Days": {"Ref": "RetentionDays"}}}},
                    "VersioningConfiguration": {"Status": "Enabled"},
                    "PublicAccessBlockConfiguration": {"BlockPublicAcls": True, "BlockPublicPolicy": True,
                                                       "IgnorePublicAcls": True, "RestrictPublicBuckets": True},
                    "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
                    "BucketEncryption": {"ServerSideEncryptionConfiguration": [{
                        "BucketKeyEnabled": {"Fn::If": ["UseKms", True, {"Ref": "AWS::NoValue"}]},
                        "ServerSideEncryptionByDefault": {"Fn::If": [
                            "UseKms", {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": {"Ref": "KmsKeyArn"}},
                            {"SSEAlgorithm": "AES256"}]}}]},
                },
            },
            "EvidenceBucketPolicy": {
                "Type": "AWS::S3::BucketPolicy",
                "Properties": {"Bucket": {"Ref": "EvidenceBucket"}, "PolicyDocument": {
                    "Version": "2012-10-17", "Statement": [{
                        "Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                        "Resource": [bucket_arn, {"Fn::Sub": "${EvidenceBucket.Arn}/*"}],
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}},
            },
            "DeliveryPolicy": {
                "Type": "AWS::IAM::ManagedPolicy",
                "Properties": {
                    "Description": "ecr-report delivery: upload runs under the archive prefix with Object Lock "
                                   "retention (never s3:BypassGovernanceRetention)",
                    "PolicyDocument": deliver,
                    "Roles": {"Fn::If": ["AttachDelivery", [{"Ref": "DeliveryRoleName"}], {"Ref": "AWS::NoValue"}]},
                },
            },
        },
        "Outputs": {
            "EvidenceBucketName": {"Value": {"Ref": "EvidenceBucket"}},
            "ArchiveS3Uri": {"Value": {"Fn::Sub": "s3://${EvidenceBucket}/${ArchivePrefix}"},
                             "Description": "[archive] s3_uri"},
            "DeliveryPolicyArn": {"Value": {"Ref": "DeliveryPolicy"}},
        },
    }


TEMPLATES = {"member-read-role.json": member_role, "hub-role.json": hub_role,
             "evidence-bucket.json": evidence_bucket}


def render(build: Any) -> str:
    return json.dumps(build(), indent=2) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare instead of writing; exit 1 when stale")
    args = parser.parse_args(argv)
    stale = []
    for name, build in TEMPLATES.items():
        path, text = OUT / name, render(build)
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            OUT.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    if stale:
        print(f"stale: {', '.join(stale)}; run python tools/gen_cloudformation.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
