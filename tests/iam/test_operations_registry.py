"""The operation registry (jobs/operations.py) against botocore's service models, the Service
Authorization Reference (as the IAM definitions parliament ships) and the collectors' source."""

from __future__ import annotations

import re
from pathlib import Path

import botocore.session
import pytest

from ecr_report.jobs.config import Config
from ecr_report.jobs.operations import (
    ANY,
    AWS_ONLY_STAR,
    IDENTITIES,
    OPERATIONS,
    enabled_features,
    guarded_reads,
    operations_for,
)

from iam_support import iam_definitions

ROOT = Path(__file__).resolve().parents[2]
READ_PREFIXES = ("Describe", "List", "Get", "BatchGet")
# Declared for the guarded clients without a read-like name: AssumeRole creates no resource and is
# how the hub reaches the member accounts; SimulatePrincipalPolicy (`ecr-report check` only) is a
# "Read" action in the Service Authorization Reference: it evaluates policies, changes nothing.
NOT_READ_BY_NAME = {("sts", "AssumeRole"), ("iam", "SimulatePrincipalPolicy")}
# Actions newer than the IAM definitions parliament 1.6.4 bundles (see iam_support.PARLIAMENT_IGNORES).
NEWER_THAN_PARLIAMENT = {"ecr:ListPullTimeUpdateExclusions"}
# Resource-scope types each scope stands for in the Service Authorization Reference.
SCOPE_TYPES = {"ecr_repository": "repository*", "member_role": "role*", "archive_objects": "object*",
               "shard_objects": "object*", "shard_bucket": "bucket*", "ses_identity": "identity*"}


def test_every_operation_exists_in_botocores_model():
    session = botocore.session.get_session()
    for op in OPERATIONS:
        assert op.name in session.get_service_model(op.service).operation_names, op


def test_each_operation_is_declared_once_per_feature_and_identity():
    keys = [(op.service, op.name, op.feature, op.identity) for op in OPERATIONS]
    assert len(keys) == len(set(keys))
    assert {op.identity for op in OPERATIONS} <= set(IDENTITIES)


def test_what_the_guard_lets_through_without_opting_in_is_a_read():
    for key in guarded_reads():
        assert key[1].startswith(READ_PREFIXES) or key in NOT_READ_BY_NAME, key


def test_the_only_opt_in_is_awss_lifecycle_preview():
    assert {op.key for op in OPERATIONS if op.opt_in} == {("ecr", "StartLifecyclePolicyPreview")}


def test_bypassing_governance_retention_is_never_declared():
    actions = {a for op in OPERATIONS for a in op.actions}
    assert "s3:BypassGovernanceRetention" not in actions
    assert {"s3:PutObject", "s3:PutObjectRetention"} <= actions


def test_every_iam_action_exists_in_the_service_authorization_reference():
    definitions = iam_definitions()
    for op in OPERATIONS:
        for action in op.actions:
            if action in NEWER_THAN_PARLIAMENT:
                continue
            prefix, name = action.split(":")
            assert name in definitions.get(prefix, {}), f"{action} (for {op.service}:{op.name})"


def test_the_resource_scope_is_what_aws_allows():
    """'*' only where the reference lists no resource type (or a note says why not), and a
    scoped grant only on the resource type the action names."""
    definitions = iam_definitions()
    for op in OPERATIONS:
        for action in op.actions:
            if action in NEWER_THAN_PARLIAMENT:
                assert op.resource == ANY  # registry-level, like the registry's other settings
                continue
            prefix, name = action.split(":")
            types = {r["resource_type"] for r in definitions[prefix][name]["resource_types"]} - {""}
            if op.resource == ANY and op.note == AWS_ONLY_STAR:
                assert not types, f"{action} could be scoped to {types}"
            elif op.resource == ANY:
                assert op.note and types, op  # scoping is possible; the note says why it is not
            else:
                assert SCOPE_TYPES[op.resource] in types, f"{action}: {types}"


def _called_in_source(folder: str) -> set[tuple[str, str]]:
    pattern = re.compile(r'ctx\.(?:call|pages)\(\s*"([a-z0-9-]+)",\s*"([A-Za-z0-9]+)"')
    found: set[tuple[str, str]] = set()
    for path in (ROOT / folder).rglob("*.py"):
        found |= set(pattern.findall(path.read_text(encoding="utf-8")))
    return found


def test_every_call_site_of_the_collectors_is_declared_and_every_collect_operation_is_called():
    """A static cross-check of the dynamic proof (tests/iam/test_policy_proof.py)."""
    in_source = _called_in_source("jobs/collect")
    declared = {op.key for op in OPERATIONS if op.identity == "collect"}
    assert in_source, "the call-site pattern no longer matches the collectors"
    assert in_source - declared == set()
    assert declared - in_source == set()


@pytest.mark.parametrize("identity", IDENTITIES)
def test_a_default_configuration_enables_no_optional_identity_feature(identity):
    features = enabled_features(Config())
    assert not features & {"organization", "assume_role", "email_ses", "archive_s3", "shard_store_s3",
                           "lifecycle_cross_check"}
    ops = operations_for(Config(), identity)
    assert all(op.identity == identity for op in ops)
    if identity == "deliver":
        assert ops == ()


def test_an_unknown_identity_is_refused():
    with pytest.raises(ValueError, match="unknown identity"):
        operations_for(Config(), "admin")


@pytest.mark.parametrize("limit, ecs_calls", [(0, set()), (5, {"ListTaskDefinitions", "DescribeTaskDefinition"})])
def test_max_task_definitions_0_makes_no_ecs_call_as_the_policy_says(limit, ecs_calls):
    """enabled_features drops the ECS actions at max_task_definitions = 0: the collector must
    then make no ECS call (it used to list one page anyway)."""
    from datetime import datetime, timezone

    from ecr_report.jobs.aws_session import Account, SessionFactory
    from ecr_report.jobs.collect import CollectOptions, collect_unit
    from ecr_report.jobs.collect.unit import Unit
    from ecr_report.jobs.demo import DemoEmulator, build_fleet
    from ecr_report.jobs.evidence import EvidenceRecorder
    from ecr_report.jobs.plugins import collectors
    from ecr_report.jobs.settings import analysis_settings
    from ecr_report.reports.coverage import BasicFindingsScope

    fleet = build_fleet(scale=1)
    config = Config.model_validate({"pull_through": {"max_task_definitions": limit}})
    assert ("pull_through_task_definitions" in enabled_features(config)) == bool(ecs_calls)
    factory = SessionFactory(EvidenceRecorder(), max_attempts=1, backend=DemoEmulator(fleet),
                             base_account_id=fleet.caller_account)
    account, region = next(u for u in fleet.units if u[0] == fleet.caller_account)
    options = CollectOptions(as_of=datetime.now(timezone.utc), scope=BasicFindingsScope(),
                             settings=analysis_settings(config), collectors=collectors())
    assert collect_unit(factory, Unit(Account(account), account, region), options) == []
    assert {c.operation for c in factory.recorder.calls if c.service == "ecs"} == ecs_calls
