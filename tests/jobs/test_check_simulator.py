"""`ecr-report check`: its probes against the service models, and the IAM policy simulator path.

moto has no iam:SimulatePrincipalPolicy, so the simulator answers come from botocore's Stubber,
which validates every request and response against the IAM service model. The decisions
("allowed", "implicitDeny") are the simulator's documented EvalDecision values.
"""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.stub import Stubber
from botocore.validate import validate_parameters

from ecr_report.jobs.check import (
    PROBE_NAME,
    PROBES,
    ProbeContext,
    _grants,
    _principal_arn,
    _probe_resource,
    _simulate,
)
from ecr_report.jobs.config import Config
from ecr_report.jobs.operations import COLLECT, DELIVER, HUB, OPERATIONS, is_declared, operations_for

ACCOUNT = "123456789012"
CTX = ProbeContext(ACCOUNT, "us-east-1", "r-0000", __import__("datetime").datetime(2026, 12, 1))


def test_every_probe_is_a_declared_operation_with_parameters_the_model_accepts():
    session = boto3.Session(region_name="us-east-1")
    for (service, name), params in PROBES.items():
        assert is_declared(service, name), f"{service}:{name} is probed but not in the registry"
        model = session.client(service).meta.service_model.operation_model(name)
        if model.input_shape is None:
            assert params(CTX) == {}, f"{service}:{name} takes no parameters"
        else:
            validate_parameters(params(CTX), model.input_shape)  # raises ParamValidationError


def test_what_is_not_probed_is_simulated_and_is_no_read():
    """Every guarded operation a run calls is probed by a read, except the one non-read
    (StartLifecyclePolicyPreview) and the simulator itself; unguarded ones (delivery, the shard
    store) go to the simulator. sts:AssumeRole is proven by assuming."""
    guarded = {op.key for op in OPERATIONS if op.guarded and op.actions and op.identity in (COLLECT, HUB)}
    unprobed = guarded - set(PROBES) - {("sts", "AssumeRole")}
    assert unprobed == {("ecr", "StartLifecyclePolicyPreview"), ("iam", "SimulatePrincipalPolicy")}
    assert not any(op.opt_in for op in OPERATIONS if op.key in PROBES)


@pytest.mark.parametrize("caller, principal", [
    (f"arn:aws:sts::{ACCOUNT}:assumed-role/ecr-report-hub/botocore-session-1", f"arn:aws:iam::{ACCOUNT}:role/ecr-report-hub"),
    (f"arn:aws-cn:sts::{ACCOUNT}:assumed-role/hub/s", f"arn:aws-cn:iam::{ACCOUNT}:role/hub"),
    (f"arn:aws:iam::{ACCOUNT}:user/ops/alice", f"arn:aws:iam::{ACCOUNT}:user/ops/alice"),
    (f"arn:aws:iam::{ACCOUNT}:root", None),
])
def test_the_simulated_principal(caller, principal):
    assert _principal_arn(caller) == principal


def test_the_simulated_resource_is_inside_what_the_policy_grants():
    assert _probe_resource(["arn:aws:s3:::bucket/ecr/*"], CTX) == f"arn:aws:s3:::bucket/ecr/{PROBE_NAME}"
    assert _probe_resource(["arn:aws:ses:*:*:identity/r@example.com"], CTX) == \
        f"arn:aws:ses:us-east-1:{ACCOUNT}:identity/r@example.com"
    assert _probe_resource("*", CTX) == "*"


def _delivery_config() -> Config:
    return Config.model_validate({"email": {"transport": "ses", "sender": "r@example.com",
                                            "recipients": ["a@example.com"]},
                                  "archive": {"s3_uri": "s3://bucket/ecr/"}})


def _stubbed(service: str) -> tuple[object, Stubber]:
    client = boto3.client(service, region_name="us-east-1")
    return client, Stubber(client)


def _decision(action: str, resource: str, decision: str) -> dict:
    return {"EvaluationResults": [{"EvalActionName": action, "EvalResourceName": resource,
                                   "EvalDecision": decision}]}


def test_delivery_is_simulated_and_a_denied_action_comes_with_its_statement():
    config = _delivery_config()
    iam, iam_stub = _stubbed("iam")
    sts, sts_stub = _stubbed("sts")
    caller = f"arn:aws:sts::{ACCOUNT}:assumed-role/ecr-report-hub/run"
    role = f"arn:aws:iam::{ACCOUNT}:role/ecr-report-hub"
    sts_stub.add_response("get_caller_identity", {"Arn": caller, "Account": ACCOUNT, "UserId": "AROA:run"})
    object_arn = f"arn:aws:s3:::bucket/ecr/{PROBE_NAME}"
    identity_arn = f"arn:aws:ses:us-east-1:{ACCOUNT}:identity/r@example.com"
    for action, resource, decision in [("ses:SendRawEmail", identity_arn, "allowed"),  # registry order
                                       ("s3:PutObject", object_arn, "allowed"),
                                       ("s3:PutObjectRetention", object_arn, "implicitDeny")]:
        iam_stub.add_response("simulate_principal_policy", _decision(action, resource, decision),
                              {"PolicySourceArn": role, "ActionNames": [action], "ResourceArns": [resource]})
    operations = [op for op in operations_for(config, DELIVER) if op.actions]
    with iam_stub, sts_stub:
        verified, findings = _simulate(iam, sts, "", "deliver", DELIVER, operations, CTX, _grants(config))
    assert [f.detail for f in findings if f.kind != "missing"] == []
    iam_stub.assert_no_pending_responses()
    assert verified == 2
    assert [(f.kind, f.what) for f in findings] == [("missing", "s3:PutObjectRetention")]
    assert "implicitDeny" in findings[0].detail
    grant = json.loads(findings[0].grant)
    assert grant["Sid"] == "ArchiveObjectLockedWrites" and "s3:PutObjectRetention" in grant["Action"]


def test_a_simulator_the_caller_may_not_use_leaves_the_action_not_verified():
    config = _delivery_config()
    iam, iam_stub = _stubbed("iam")
    sts, _ = _stubbed("sts")
    operations = [op for op in operations_for(config, DELIVER) if op.name == "SendRawEmail"]
    iam_stub.add_client_error("simulate_principal_policy", "AccessDenied", "not authorized", 403)
    with iam_stub:
        verified, findings = _simulate(iam, sts, f"arn:aws:iam::{ACCOUNT}:user/ops", "deliver", DELIVER,
                                       operations, CTX, _grants(config))
    assert verified == 0
    assert [(f.kind, f.what) for f in findings] == [("unverified", "ses:SendRawEmail")]
    assert "iam:SimulatePrincipalPolicy" in findings[0].detail and "AccessDenied" in findings[0].detail
