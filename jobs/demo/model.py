"""Frozen ground-truth data model of the demo fleet.

Tests and the emulator read these; nothing here talks to AWS.  Timestamps are tz-aware UTC
datetimes computed from the fleet's ``as_of``.  ``None`` means "absent from the API answer".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Mapping

from .names import READ_ROLE_NAME


@dataclass(frozen=True, slots=True)
class BasicScan:
    """A basic (AWS_NATIVE or CLAIR) scan result for one image."""

    status: str
    """COMPLETE, FAILED or UNSUPPORTED_IMAGE."""
    description: str
    completed_at: datetime
    source_updated_at: datetime | None
    severity_counts: tuple[tuple[str, int], ...]
    """Non-zero counts only, e.g. ``(("HIGH", 1), ("MEDIUM", 4))``; empty unless COMPLETE."""


@dataclass(frozen=True, slots=True)
class Coverage:
    """Amazon Inspector coverage of one image in an ENHANCED registry."""

    status_code: str
    """ACTIVE or INACTIVE."""
    reason: str
    """aws-facts.md §3.3 reason code."""
    last_scanned_at: datetime | None
    severity_counts: tuple[int, int, int, int, int]
    """(critical, high, medium, low, informational) open findings; zeros if none/closed."""
    initial_scan_at: datetime | None
    """When Inspector first scanned the image (None: never)."""
    rescans_30d: int
    """Rescans in the 30 days before as_of (continuous scanning only)."""


@dataclass(frozen=True, slots=True)
class Image:
    """One image manifest (an image, an image index, an index child or a referrer)."""

    digest: str
    tags: tuple[str, ...]
    size: int
    """imageSizeInBytes: compressed layer bytes; for an index the max of its children."""
    pushed_at: datetime
    manifest_media_type: str
    artifact_media_type: str | None
    kind: str
    """image | index | child | signature | sbom"""
    status: str
    """ACTIVE | ARCHIVED | ACTIVATING"""
    last_pull: datetime | None
    last_archived_at: datetime | None
    last_activated_at: datetime | None
    subject_digest: str | None
    """subjectManifestDigest for referrers."""
    parent_digest: str | None
    """The index that references this child image."""
    child_digests: tuple[str, ...]
    architecture: str | None
    os_name: str
    in_use_count: int
    last_in_use_at: datetime | None
    basic_scan: BasicScan | None
    coverage: Coverage | None
    seed: int
    """Per-image seed for on-demand detail (findings, layers); derived from the fleet RNG."""


@dataclass(frozen=True, slots=True)
class LifecyclePolicy:
    kind: str
    """Key in ``policies.POLICIES`` (good_count, archive, legacy_prefix, noop, ml, cache_template)."""
    text: str
    last_evaluated_at: datetime


@dataclass(frozen=True, slots=True)
class Repository:
    name: str
    arn: str
    uri: str
    created_at: datetime
    profile: str
    """service | base | ml | stale | cache"""
    tag_mutability: str
    mutability_exclusions: tuple[str, ...]
    encryption_type: str
    kms_key: str | None
    legacy_scan_on_push: bool
    """Repository-level imageScanningConfiguration.scanOnPush."""
    scan_frequency: str
    """Effective frequency after registry rules (scanning.effective_scanning)."""
    applied_filters: tuple[str, ...]
    scan_on_push: bool
    """The ``scanOnPush`` field of BatchGetRepositoryScanningConfiguration."""
    lifecycle: LifecyclePolicy | None
    pull_through_prefix: str | None
    daily_pulls: float
    """Mean RepositoryPullCount per day."""
    os_name: str
    base_layers: tuple[tuple[str, int], ...]
    """(digest, size) layers shared by every image of the repository."""
    images: tuple[Image, ...]
    """Sorted by push time, oldest first."""


@dataclass(frozen=True, slots=True)
class ScanRule:
    frequency: str
    filters: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class PullThroughRule:
    prefix: str
    upstream_registry: str
    upstream_url: str
    credential_arn: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class CreationTemplate:
    prefix: str
    description: str
    applied_for: tuple[str, ...]
    lifecycle_policy: str | None
    tag_mutability: str
    encryption_type: str
    kms_key: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class InspectorState:
    """Inspector account status and ECR settings for one (account, region)."""

    account_status: str
    ec2_status: str
    ecr_status: str
    lambda_status: str
    rescan_duration: str
    pull_date_rescan_duration: str
    pull_date_rescan_mode: str
    config_updated_at: datetime
    ec2_instance_hours_30d: float


@dataclass(frozen=True, slots=True)
class Vpc:
    vpc_id: str
    cidr: str
    name: str
    is_default: bool
    subnets: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NatGateway:
    nat_gateway_id: str
    vpc_id: str
    subnet_id: str
    public_ip: str
    private_ip: str
    allocation_id: str
    eni_id: str
    created_at: datetime
    name: str


@dataclass(frozen=True, slots=True)
class VpcEndpoint:
    endpoint_id: str
    vpc_id: str
    service_name: str
    endpoint_type: str
    """Interface | Gateway"""
    subnet_ids: tuple[str, ...]
    route_table_ids: tuple[str, ...]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class TaskDefinition:
    family: str
    revision: int
    status: str
    """ACTIVE | INACTIVE"""
    images: tuple[str, ...]
    """Container image references (ECR URIs with tag or digest, or upstream names)."""
    registered_at: datetime


@dataclass(frozen=True)
class Registry:
    """Everything the demo knows about one private registry (account, region)."""

    account_id: str
    region: str
    account_alias: str
    scan_type: str
    """BASIC | ENHANCED"""
    scan_rules: tuple[ScanRule, ...]
    basic_scan_version: str
    """BASIC_SCAN_TYPE_VERSION: AWS_NATIVE | CLAIR"""
    registry_policy_scope: str
    blob_mounting: str
    replication_destinations: tuple[tuple[str, str], ...]
    """(region, registryId) destinations of a single replication rule, with its prefix filters."""
    replication_prefixes: tuple[str, ...]
    repositories: tuple[Repository, ...]
    pull_through_rules: tuple[PullThroughRule, ...]
    creation_templates: tuple[CreationTemplate, ...]
    pull_time_exclusions: tuple[str, ...]
    inspector: InspectorState
    inspector_enabled_at: datetime | None
    vpcs: tuple[Vpc, ...]
    nat_gateways: tuple[NatGateway, ...]
    vpc_endpoints: tuple[VpcEndpoint, ...]
    task_definitions: tuple[TaskDefinition, ...]
    _by_name: dict = field(default=None, compare=False, repr=False, hash=False)

    def __post_init__(self):
        object.__setattr__(self, "_by_name", {r.name: r for r in self.repositories})

    def repository(self, name: str) -> Repository | None:
        """The repository called ``name``, or None."""
        return self._by_name.get(name)

    @property
    def images(self):
        """Every image of every repository (iterator)."""
        return (img for repo in self.repositories for img in repo.images)


@dataclass(frozen=True)
class DemoFleet:
    """The whole demo fleet: ground truth for the emulator and for tests."""

    scale: float
    as_of: datetime
    caller_account: str
    accounts: tuple[str, ...]
    regions: tuple[str, ...]
    units: tuple[tuple[str, str], ...]
    registries: Mapping
    """(account_id, region) -> Registry (in organization mode built on first use, see org.py)"""
    organization: "DemoOrganization | None" = None
    """Organization mode (`--demo-accounts N`): what the Organizations API answers."""
    missing_roles: frozenset = frozenset()
    """Accounts whose read role does not exist: AssumeRole into them is denied."""

    def role_arn(self, account_id: str) -> str:
        """The read-only role the demo configuration assumes in ``account_id``."""
        if account_id not in self.accounts and account_id not in self.missing_roles:
            raise KeyError(account_id)
        return f"arn:aws:iam::{account_id}:role/{READ_ROLE_NAME}"

    @property
    def image_count(self) -> int:
        return sum(len(r.images) for reg in self.registries.values() for r in reg.repositories)

    @property
    def repository_count(self) -> int:
        return sum(len(reg.repositories) for reg in self.registries.values())


@dataclass(frozen=True)
class DemoOrgAccount:
    """One account of the demo organization, as Organizations describes it."""

    id: str
    name: str
    state: str
    """ACTIVE | SUSPENDED | PENDING_CLOSURE | CLOSED (the newer `State` member)."""
    parent_id: str
    joined_at: datetime


@dataclass(frozen=True)
class DemoOrganization:
    """The demo organization: its root, organizational units and accounts."""

    id: str
    root_id: str
    management_account: str
    ous: tuple[tuple[str, str, str], ...]
    """(ou id, name, parent id), parents before children."""
    accounts: tuple[DemoOrgAccount, ...]
