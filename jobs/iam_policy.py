"""`ecr-report iam-policy`: the least-privilege IAM policy of one identity, for one configuration.

The policy is made from the operation registry (`jobs/operations.py`) and nothing else: the
operations the configuration enables for that identity, each mapped to its IAM actions, grouped
by the resource scope AWS allows for them. What can be scoped is scoped (ECR repositories, the
member role, the archive and shard prefixes, the SES identity); what AWS allows only on "*" is
granted on "*" in a statement that says so, and the notes printed beside the policy list why.
The tests prove the result both ways: every operation the product calls is granted, and nothing
it never calls is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any

from .operations import (
    ANY,
    ARCHIVE_OBJECTS,
    AWS_ONLY_STAR,
    ECR_REPOSITORY,
    MEMBER_ROLE,
    SES_IDENTITY,
    SHARD_BUCKET,
    SHARD_OBJECTS,
    Operation,
    operations_for,
)

POLICY_VERSION = "2012-10-17"
# Statement ids, in the order statements are written: one statement per resource scope.
SIDS = {
    ECR_REPOSITORY: "EcrRepositories",
    MEMBER_ROLE: "AssumeMemberRole",
    ARCHIVE_OBJECTS: "ArchiveObjectLockedWrites",
    SES_IDENTITY: "SendReportEmail",
    SHARD_OBJECTS: "ShardStoreObjects",
    SHARD_BUCKET: "ShardStoreList",
    ANY: "AwsAllowsOnlyResourceStar",
}
STAR_BY_CHOICE_SID = "ResourceStarSeeNotes"


@dataclass(frozen=True)
class GeneratedPolicy:
    """A policy document and the notes that explain its scopes (None document: nothing to grant)."""

    identity: str
    document: dict[str, Any] | None
    notes: tuple[str, ...]
    operations: tuple[Operation, ...]

    @property
    def actions(self) -> tuple[str, ...]:
        if self.document is None:
            return ()
        return tuple(sorted({a for s in self.document["Statement"] for a in s["Action"]}))

    def to_json(self) -> str:
        return json.dumps(self.document, indent=2) + "\n" if self.document is not None else ""


def generate(config: Any, identity: str, *, output_root: str | None = None) -> GeneratedPolicy:
    """The least-privilege policy of `identity` ("collect", "deliver", "hub") under `config`."""
    ops = operations_for(config, identity, output_root=output_root)
    granted = [op for op in ops if op.actions]
    groups: dict[str, list[Operation]] = {}
    for op in granted:
        groups.setdefault(_sid(op), []).append(op)
    order = list(SIDS.values()) + [STAR_BY_CHOICE_SID]
    statements = [_statement(sid, groups[sid], config, output_root)
                  for sid in sorted(groups, key=order.index)]
    document = {"Version": POLICY_VERSION, "Statement": statements} if statements else None
    return GeneratedPolicy(identity, document, _notes(ops, identity), ops)


def _sid(op: Operation) -> str:
    if op.resource == ANY and op.note != AWS_ONLY_STAR:
        return STAR_BY_CHOICE_SID
    return SIDS[op.resource]


def _statement(sid: str, ops: list[Operation], config: Any, output_root: str | None) -> dict[str, Any]:
    actions = sorted({a for op in ops for a in op.actions})
    statement: dict[str, Any] = {"Sid": sid, "Effect": "Allow", "Action": actions,
                                 "Resource": _resources(ops[0].resource, config, output_root)}
    if ops[0].resource == SHARD_BUCKET:
        _, prefix = _s3_location(_shard_root(config, output_root))
        statement["Condition"] = {"StringLike": {"s3:prefix": [f"{prefix}*"]}}
    return statement


def _resources(scope: str, config: Any, output_root: str | None) -> list[str] | str:
    partition = partition_of(config)
    if scope == ECR_REPOSITORY:
        # Per region when the configuration names them. The account is left as "*": one policy
        # serves every member account (a role reads another account's repository only if that
        # repository's own policy also grants it), and parliament rejects the policy variable
        # ${aws:PrincipalAccount} in an ARN's account field.
        regions = list(config.aws.regions) or ["*"]
        return [f"arn:{partition}:ecr:{r}:*:repository/*" for r in regions]
    if scope == MEMBER_ROLE:
        return member_role_arns(config)
    if scope == ARCHIVE_OBJECTS:
        from .deliver.archive import parse_s3_uri  # the keys upload_run writes: <prefix><run_id>/...

        bucket, prefix = parse_s3_uri(config.archive.s3_uri)
        return [f"arn:{partition}:s3:::{bucket}/{prefix}*"]
    if scope in (SHARD_OBJECTS, SHARD_BUCKET):
        bucket, prefix = _s3_location(_shard_root(config, output_root))
        return [f"arn:{partition}:s3:::{bucket}" + (f"/{prefix}*" if scope == SHARD_OBJECTS else "")]
    if scope == SES_IDENTITY:
        return ses_identity_arns(config)
    return "*"


def member_role_arns(config: Any) -> list[str]:
    """The roles the hub assumes: the configured role ARNs, and with account discovery the
    member role's name in every account."""
    arns = {a.role_arn for a in config.aws.accounts if a.role_arn}
    organization = config.aws.organization
    if organization is not None:
        arns.add(f"arn:{partition_of(config)}:iam::*:role/{organization.role_name}")
    return sorted(arns)


def ses_identity_arns(config: Any) -> list[str]:
    """SES authorises SendRawEmail against the identity that covers the sender: the address
    itself when it is verified, else its domain. Both are listed; the account is the delivery
    identity's (or the owner's, with SES sending authorization), so it is left as "*"."""
    region = config.email.ses_region or (config.aws.regions[0] if len(config.aws.regions) == 1 else "*")
    base = f"arn:{partition_of(config)}:ses:{region}:*:identity/"
    address = parseaddr(config.email.sender or "")[1]
    if "@" not in address:
        return [base + "*"]
    return [base + address, base + address.rsplit("@", 1)[1]]


def partition_of(config: Any) -> str:
    """The partition of the configured regions (one run reads one partition); "aws" by default."""
    if not config.aws.regions:
        return "aws"
    from .regions import known_regions

    return known_regions().get(config.aws.regions[0], "aws")


def _shard_root(config: Any, output_root: str | None) -> str:
    return str(output_root or config.report.output_dir)


def _s3_location(uri: str) -> tuple[str, str]:
    """(bucket, key prefix ending in "/" or empty) of an s3:// URI."""
    rest = uri[len("s3://"):]
    bucket, _, prefix = rest.partition("/")
    prefix = prefix.strip("/")
    return bucket, f"{prefix}/" if prefix else ""


def _notes(ops: tuple[Operation, ...], identity: str) -> tuple[str, ...]:
    lines = []
    star_only = sorted({a for op in ops if op.resource == ANY and op.note == AWS_ONLY_STAR for a in op.actions})
    if star_only:
        lines.append("AWS allows these actions only on Resource \"*\" (no resource-level permissions in the "
                     "Service Authorization Reference): " + ", ".join(star_only))
    for op in ops:
        if not op.actions:
            lines.append(f"{op.service}:{op.name} is called but {op.note}")
        elif op.resource == ANY and op.note != AWS_ONLY_STAR:
            lines.append(f"{', '.join(op.actions)}: {op.note}")
    if identity == "deliver":
        lines.append("s3:BypassGovernanceRetention is never granted: the archive only adds objects under retention")
    return tuple(lines)


def add_parser(sub: Any) -> None:
    """`ecr-report iam-policy [--config FILE] [--for collect|deliver|hub] [--output ROOT]`."""
    from pathlib import Path

    cmd = sub.add_parser("iam-policy", help="print the least-privilege IAM policy this configuration needs")
    cmd.add_argument("--config", type=Path, metavar="FILE", help="TOML config (default ./ecr-report.toml)")
    cmd.add_argument("--for", dest="identity", choices=("collect", "deliver", "hub"), default="collect",
                     help="collect: the read role in each member account (default); deliver: email and "
                          "archive upload; hub: assumes the member roles, discovers accounts")
    cmd.add_argument("--output", metavar="ROOT", help="output root of the runs (default report.output_dir)")
    cmd.set_defaults(func=run_command)


def run_command(args: Any) -> int:
    """Print the policy JSON on stdout and its notes on stderr (so stdout can be piped to AWS)."""
    import sys

    from .config import load_config

    config = load_config(args.config)
    policy = generate(config, args.identity, output_root=args.output)
    if policy.document is None:
        print(f"ecr-report: this configuration needs no IAM permission for the {args.identity} identity",
              file=sys.stderr)
    sys.stdout.write(policy.to_json())
    for note in policy.notes:
        print(f"note: {note}", file=sys.stderr)
    return 0
