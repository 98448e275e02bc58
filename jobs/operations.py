"""The one registry of every AWS operation ecr-report may call, with the feature and identity that need it.

Everything that decides what the product may do on AWS reads this list and nothing else:

* the read-only guard (`jobs/aws_session.py`) lets a collection client call exactly the
  operations declared here for it, so an operation that is not declared cannot be called;
* `ecr-report iam-policy` (`jobs/iam_policy.py`) turns what a configuration enables into the
  least-privilege IAM policy of each identity, and the tests prove that policy equals what the
  product really calls, feature combination by feature combination;
* `ecr-report check` and the CloudFormation templates take their permissions from it too.

An operation is declared once per (feature, identity) that needs it: the collector role in each
member account ("collect"), the delivery identity ("deliver"), and the hub that assumes the
member roles and discovers accounts ("hub"). With a single account and no roles, the one identity
running the tool is both hub and collector.

Adding a call to a collector without declaring it here fails the tests (the guard refuses it);
declaring one the code never calls fails them too (the policy would grant an unused action).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Identities
COLLECT, DELIVER, HUB = "collect", "deliver", "hub"
IDENTITIES = (COLLECT, DELIVER, HUB)

# Features (what a configuration switches on; `enabled_features` decides)
CORE = "core"
REPOSITORY_SCAN_CONFIGURATION = "repository_scan_configuration"
INSPECTOR_PRICING = "inspector_pricing"
PULL_THROUGH = "pull_through"
PULL_THROUGH_TASK_DEFINITIONS = "pull_through_task_definitions"
LIFECYCLE = "lifecycle"
LIFECYCLE_EXACT_BYTES = "lifecycle_exact_bytes"
LIFECYCLE_CROSS_CHECK = "lifecycle_cross_check"
ASSUME_ROLE = "assume_role"
ORGANIZATION = "organization"
EMAIL_SES = "email_ses"
ARCHIVE_S3 = "archive_s3"
SHARD_STORE_S3 = "shard_store_s3"
CHECK = "check"  # `ecr-report check` only (jobs/check.py); never part of a run's policy

# Resource scopes (jobs/iam_policy.py turns them into ARNs for a configuration)
ANY = "*"
ECR_REPOSITORY = "ecr_repository"
MEMBER_ROLE = "member_role"
ARCHIVE_OBJECTS = "archive_objects"
SES_IDENTITY = "ses_identity"
SHARD_OBJECTS = "shard_objects"
SHARD_BUCKET = "shard_bucket"

# Why an action is granted on "*": the Service Authorization Reference lists no resource type
# for it (https://docs.aws.amazon.com/service-authorization/latest/reference/, per service).
AWS_ONLY_STAR = "AWS allows this action only on Resource \"*\" (no resource-level permissions)"


@dataclass(frozen=True)
class Operation:
    """One AWS API operation the product may call."""

    service: str
    """boto3 service name: "ecr", "inspector2", "organizations", "sts", "s3", ..."""
    name: str
    """API operation name: "DescribeImages"."""
    feature: str
    """What needs it: "core", a concern, or an optional feature (the constants above)."""
    identity: str
    """Who calls it: "collect" (member role), "deliver", "hub"."""
    iam_actions: tuple[str, ...] | None = None
    """The IAM actions it needs; None: `<service>:<name>`; (): none at all."""
    resource: str = ANY
    """How the policy scopes it: "*" or a scope the generator resolves from the configuration."""
    guarded: bool = True
    """Called through the read-only collection factory (`SessionFactory`); False: through a plain
    client of its own (delivery, the shard store), which the guard never sees."""
    opt_in: bool = False
    """Not a read: the read-only guard refuses it unless the factory was built to allow it."""
    note: str = AWS_ONLY_STAR
    """Why the scope is what it is (printed by `iam-policy` for actions granted on "*")."""

    @property
    def key(self) -> tuple[str, str]:
        return self.service, self.name

    @property
    def actions(self) -> tuple[str, ...]:
        if self.iam_actions is not None:
            return self.iam_actions
        return (f"{IAM_PREFIX.get(self.service, self.service)}:{self.name}",)


# boto3 service name -> IAM service prefix, where they differ (none of the services used today).
IAM_PREFIX: dict[str, str] = {}

_REPO = "scoped to ECR repositories (the action supports resource-level permissions)"
_NO_PERMISSION = ("needs no IAM permission: AWS answers GetCallerIdentity even when it is denied "
                  "(STS API reference, GetCallerIdentity)")


def _collect(service: str, name: str, feature: str, **kw: Any) -> Operation:
    return Operation(service, name, feature, COLLECT, **kw)


def _ecr_repo(name: str, feature: str, **kw: Any) -> Operation:
    return _collect("ecr", name, feature, resource=ECR_REPOSITORY, note=_REPO, **kw)


OPERATIONS: tuple[Operation, ...] = (
    # The foundation, every unit (jobs/collect/__init__.py, ecr.py, inspector.py)
    _collect("sts", "GetCallerIdentity", CORE, iam_actions=(), note=_NO_PERMISSION),
    _collect("ecr", "DescribeRegistry", CORE),
    _collect("ecr", "GetRegistryScanningConfiguration", CORE),
    _collect("ecr", "GetAccountSetting", CORE),
    _ecr_repo("DescribeRepositories", CORE),
    _ecr_repo("GetLifecyclePolicy", CORE),
    _ecr_repo("DescribeImages", CORE),
    _ecr_repo("DescribeImageScanFindings", CORE),
    _collect("ecr", "DescribePullThroughCacheRules", CORE),
    _collect("inspector2", "BatchGetAccountStatus", CORE),
    _collect("inspector2", "ListCoverage", CORE),
    _collect("inspector2", "ListFindingAggregations", CORE),
    _ecr_repo("BatchGetRepositoryScanningConfiguration", REPOSITORY_SCAN_CONFIGURATION),
    # Inspector pricing (jobs/collect/inspector_pricing.py)
    _collect("inspector2", "GetConfiguration", INSPECTOR_PRICING),
    _collect("inspector2", "ListUsageTotals", INSPECTOR_PRICING),
    # Pull-through cache economics (jobs/collect/pull_through.py)
    _collect("ecr", "DescribeRepositoryCreationTemplates", PULL_THROUGH),
    _collect("ec2", "DescribeVpcs", PULL_THROUGH),
    _collect("ec2", "DescribeNatGateways", PULL_THROUGH),
    _collect("ec2", "DescribeVpcEndpoints", PULL_THROUGH),
    _collect("cloudwatch", "GetMetricData", PULL_THROUGH),
    _collect("ecs", "ListTaskDefinitions", PULL_THROUGH_TASK_DEFINITIONS),
    _collect("ecs", "DescribeTaskDefinition", PULL_THROUGH_TASK_DEFINITIONS),
    # Lifecycle (jobs/collect/lifecycle.py)
    _collect("ecr", "ListPullTimeUpdateExclusions", LIFECYCLE),
    _ecr_repo("BatchGetImage", LIFECYCLE_EXACT_BYTES),
    # AWS's own preview: StartLifecyclePolicyPreview is the one call that is not a read (it
    # changes nothing but the repository's preview state), so the guard allows it only on opt-in.
    _ecr_repo("StartLifecyclePolicyPreview", LIFECYCLE_CROSS_CHECK, opt_in=True),
    _ecr_repo("GetLifecyclePolicyPreview", LIFECYCLE_CROSS_CHECK),
    # The hub: who it is, the member roles, account discovery (jobs/aws_session.py, jobs/organization.py)
    Operation("sts", "GetCallerIdentity", CORE, HUB, iam_actions=(), note=_NO_PERMISSION),
    Operation("sts", "AssumeRole", ASSUME_ROLE, HUB, resource=MEMBER_ROLE,
              note="scoped to the member role ARNs"),
    Operation("organizations", "DescribeOrganization", ORGANIZATION, HUB),
    Operation("organizations", "ListAccounts", ORGANIZATION, HUB),
    Operation("organizations", "ListAccountsForParent", ORGANIZATION, HUB,
              note="granted on \"*\": its OU and root ARNs carry the organization id and the child "
                   "OUs are found at run time"),
    Operation("organizations", "ListOrganizationalUnitsForParent", ORGANIZATION, HUB,
              note="granted on \"*\": its OU and root ARNs carry the organization id and the child "
                   "OUs are found at run time"),
    # `ecr-report check` (jobs/check.py): its probes are the reads above, made once each on a
    # resource that does not exist; what cannot be read without a side effect (delivery, the
    # cross-check's start, the shard store) is asked of the IAM policy simulator, a read.
    Operation("iam", "SimulatePrincipalPolicy", CHECK, HUB,
              note="granted on \"*\": the principals simulated are the caller and the member roles"),
    # Shard area on S3 (s3://bucket/prefix as the output root), a plain client
    Operation("s3", "PutObject", SHARD_STORE_S3, HUB, resource=SHARD_OBJECTS, guarded=False,
              note="scoped to the shard prefix"),
    Operation("s3", "GetObject", SHARD_STORE_S3, HUB, resource=SHARD_OBJECTS, guarded=False,
              note="scoped to the shard prefix"),
    Operation("s3", "ListObjectsV2", SHARD_STORE_S3, HUB, iam_actions=("s3:ListBucket",),
              resource=SHARD_BUCKET, guarded=False, note="scoped to the bucket, s3:prefix condition"),
    # Delivery (jobs/deliver/), plain clients: SES v1 SendRawEmail; the archive's PUT carries
    # Object Lock retention headers, which need s3:PutObjectRetention too (never
    # s3:BypassGovernanceRetention: nothing is ever shortened or deleted).
    Operation("ses", "SendRawEmail", EMAIL_SES, DELIVER, resource=SES_IDENTITY, guarded=False,
              note="scoped to the sender's SES identity"),
    Operation("s3", "PutObject", ARCHIVE_S3, DELIVER, iam_actions=("s3:PutObject", "s3:PutObjectRetention"),
              resource=ARCHIVE_OBJECTS, guarded=False, note="scoped to the archive prefix"),
)


def enabled_features(config: Any, *, output_root: str | None = None) -> frozenset[str]:
    """The features `config` switches on (and `output_root`, when the run writes elsewhere than
    `[report] output_dir`)."""
    on = {CORE, INSPECTOR_PRICING, PULL_THROUGH, LIFECYCLE}
    if config.collect.repository_scan_configuration:
        on.add(REPOSITORY_SCAN_CONFIGURATION)
    pull_through = getattr(config, "pull_through", None)
    if pull_through is not None and pull_through.task_definitions and pull_through.max_task_definitions > 0:
        on.add(PULL_THROUGH_TASK_DEFINITIONS)
    lifecycle = getattr(config, "lifecycle", None)
    if lifecycle is not None and lifecycle.exact_bytes:
        on.add(LIFECYCLE_EXACT_BYTES)
    if lifecycle is not None and lifecycle.cross_check_aws:
        on.add(LIFECYCLE_CROSS_CHECK)
    if config.aws.organization is not None:
        on |= {ORGANIZATION, ASSUME_ROLE}
    if any(a.role_arn for a in config.aws.accounts):
        on.add(ASSUME_ROLE)
    if config.email.transport == "ses" and config.email.recipients:
        on.add(EMAIL_SES)
    if config.archive.s3_uri:
        on.add(ARCHIVE_S3)
    if str(output_root or config.report.output_dir).startswith("s3://"):
        on.add(SHARD_STORE_S3)
    return frozenset(on)


def operations_for(config: Any, identity: str, *, output_root: str | None = None) -> tuple[Operation, ...]:
    """The operations `identity` calls under `config` (registry order)."""
    if identity not in IDENTITIES:
        raise ValueError(f"unknown identity {identity!r}; one of {', '.join(IDENTITIES)}")
    features = enabled_features(config, output_root=output_root)
    return tuple(op for op in OPERATIONS if op.identity == identity and op.feature in features)


def guarded_reads() -> frozenset[tuple[str, str]]:
    """What the read-only guard lets a collection client call without opting in."""
    return frozenset(op.key for op in OPERATIONS if op.guarded and not op.opt_in)


def opt_in(feature: str) -> frozenset[tuple[str, str]]:
    """The non-read operations `feature` needs the guard to let through."""
    return frozenset(op.key for op in OPERATIONS if op.feature == feature and op.opt_in)


def is_declared(service: str, name: str) -> bool:
    return any(op.key == (service, name) for op in OPERATIONS)
