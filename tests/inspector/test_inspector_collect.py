"""GetConfiguration and ListUsageTotals: collected (Stubber, validated against botocore's model),
normalised, and read by the calibration and the reconciliation."""

from __future__ import annotations

from datetime import datetime, timezone

import boto3
import pytest
from botocore.stub import Stubber

from ecr_report.jobs.aws_session import Account, SessionFactory
from ecr_report.jobs.collect import CollectOptions, UnitState
from ecr_report.jobs.collect.context import UnitContext
from ecr_report.jobs.collect.inspector_pricing import collect_inspector_pricing
from ecr_report.jobs.evidence import EvidenceRecorder
from ecr_report.jobs.plugins import CONCERNS, collectors
from ecr_report.reports.coverage import BasicFindingsScope
from ecr_report.reports.normalize import normalize

from inspector_support import ACCOUNT, REGION, configuration, coverage_image, image, registry, rule, run

T0 = datetime(2026, 2, 1, tzinfo=timezone.utc)


@pytest.fixture
def ctx() -> UnitContext:
    factory = SessionFactory(EvidenceRecorder(), max_attempts=1, base_session=boto3.Session())
    return UnitContext(factory, Account(ACCOUNT), ACCOUNT, REGION)


def _state(status: str | None) -> UnitState:
    return UnitState("ENHANCED", [], {}, status)


# One step at a time: a Stubber answers in the order its responses were added.
OPTIONS = CollectOptions(as_of=T0, scope=BasicFindingsScope(), repository_workers=1)


def test_registered_as_a_concern_collector():
    assert any(collect_inspector_pricing in steps for steps in collectors())


def _usage(kind, total, cost):
    return {"type": kind, "total": total, "estimatedMonthlyCost": cost, "currency": "USD"}


def test_collected_normalised_and_used_for_calibration_and_reconciliation(ctx):
    stub = Stubber(ctx.client("inspector2"))
    stub.add_response("get_configuration", {"ecrConfiguration": {"rescanDurationState": {
        "rescanDuration": "DAYS_30", "status": "SUCCESS", "updatedAt": T0,
        "pullDateRescanDuration": "DAYS_14", "pullDateRescanMode": "LAST_PULL_DATE"}}}, {})
    stub.add_response("list_usage_totals", {"totals": [{"accountId": ACCOUNT, "usage": [
        _usage("ECR_INITIAL_SCAN", 3.0, 0.27), _usage("EC2_INSTANCE_HOURS", 720.0, 1.24)]}], "nextToken": "p2"},
        {"accountIds": [ACCOUNT], "maxResults": 500})
    stub.add_response("list_usage_totals", {"totals": [{"accountId": ACCOUNT, "usage": [
        _usage("ECR_RESCAN", 12.0, 0.12)]}]},
        {"accountIds": [ACCOUNT], "maxResults": 500, "nextToken": "p2"})
    stub.activate()
    collect_inspector_pricing(ctx, _state("ENABLED"), OPTIONS)
    stub.assert_no_pending_responses()
    assert ctx.errors == []

    tables = normalize(ctx.factory.recorder.calls, [(ACCOUNT, REGION)], CONCERNS)
    conf = tables["inspector_configuration"].iloc[0]
    assert (conf["configuration_status"], conf["rescan_duration"], conf["pull_date_rescan_duration"],
            conf["pull_date_rescan_mode"], conf["usage_status"]) == (
        "COLLECTED", "DAYS_30", "DAYS_14", "LAST_PULL_DATE", "COLLECTED")
    usage = tables["inspector_usage"]
    assert sorted(usage["usage_type"]) == ["EC2_INSTANCE_HOURS", "ECR_INITIAL_SCAN", "ECR_RESCAN"]

    # Three monitored images, Inspector lists the same three as ACTIVE: 12 rescans / 3 = 4 each.
    imgs = [image("prod-api", 1), image("prod-api", 3), image("prod-api", 20)]
    cov = [coverage_image("prod-api", i["image_digest"]) for i in imgs]
    result = run(registries=[registry()], rules=[rule("CONTINUOUS_SCAN", "prod*")], repositories=["prod-api"],
                 images=imgs, inspector_coverage=cov,
                 configuration_rows=tables["inspector_configuration"].to_dict("records"),
                 usage_rows=tables["inspector_usage"].to_dict("records"))
    rec = result.tables["inspector_reconciliation"].iloc[0]
    assert rec["rescans_per_image_month"] == pytest.approx(4.0)
    assert rec["rescan_rate_source"].startswith("calibrated: 12 rescans")
    assert rec["aws_initial_scans"] == 3 and rec["model_initial_scans"] == 3
    assert rec["aws_rescans"] == 12 and rec["model_rescans"] == pytest.approx(12)
    # model: 3 x $0.09 + 12 x $0.01 = $0.39; AWS: $0.27 + $0.12 (EC2 line ignored)
    assert rec["model_monthly_usd"] == pytest.approx(0.39)
    assert rec["aws_estimated_monthly_usd"] == pytest.approx(0.39)
    assert rec["difference_usd"] == pytest.approx(0.0)
    assert result.summary["aws_estimated_monthly_usd"] == pytest.approx(0.39)


def test_calibration_uses_inspector_active_count_so_model_gaps_show(ctx):
    # The model monitors 2 images (push window 30 days); Inspector lists 4 ACTIVE: rate 8 / 4 = 2.
    imgs = [image("prod-api", 1), image("prod-api", 3), image("prod-api", 40), image("prod-api", 50)]
    cov = [coverage_image("prod-api", i["image_digest"]) for i in imgs]
    result = run(registries=[registry()], rules=[rule("CONTINUOUS_SCAN", "prod*")], repositories=["prod-api"],
                 images=imgs, inspector_coverage=cov, configuration_rows=[configuration()],
                 usage_rows=[{"usage_type": "ECR_RESCAN", "usage_account_id": ACCOUNT, "total": 8.0,
                              "estimated_monthly_cost": 0.08, "currency": "USD", "partial": False}])
    rec = result.tables["inspector_reconciliation"].iloc[0]
    assert rec["inspector_active_images"] == 4 and rec["model_monitored_images"] == 2
    assert rec["model_rescans"] == pytest.approx(4.0)
    assert rec["difference_usd"] == pytest.approx(2 * 0.09 + 4 * 0.01 - 0.08)


def test_failed_usage_is_an_error_and_falls_back_to_the_default(ctx):
    stub = Stubber(ctx.client("inspector2"))
    stub.add_response("get_configuration", {"ecrConfiguration": {"rescanDurationState": {
        "rescanDuration": "DAYS_14", "status": "SUCCESS", "pullDateRescanDuration": "DAYS_14",
        "pullDateRescanMode": "LAST_IN_USE_AT"}}}, {})
    stub.add_client_error("list_usage_totals", "AccessDeniedException", "not authorized")
    stub.activate()
    collect_inspector_pricing(ctx, _state(None), OPTIONS)
    assert [e.operation for e in ctx.errors] == ["inspector2:ListUsageTotals (page 1)"]
    tables = normalize(ctx.factory.recorder.calls, [(ACCOUNT, REGION)], CONCERNS)
    assert tables["inspector_configuration"].iloc[0]["usage_status"] == "FAILED"
    result = run(registries=[registry()], rules=[rule("CONTINUOUS_SCAN", "prod*")], repositories=["prod-api"],
                 images=[image("prod-api", 1)],
                 configuration_rows=tables["inspector_configuration"].to_dict("records"))
    rec = result.tables["inspector_reconciliation"].iloc[0]
    assert rec["rescan_rate_source"].startswith("configured default")
    assert str(rec["aws_estimated_monthly_usd"]) in ("nan", "<NA>")
    assert result.summary["aws_estimated_monthly_usd"] is None


def test_not_called_where_inspector_ecr_scanning_is_disabled(ctx):
    stub = Stubber(ctx.client("inspector2"))
    stub.activate()
    collect_inspector_pricing(ctx, _state("DISABLED"), OPTIONS)
    assert ctx.factory.recorder.calls == []
    conf = normalize([], [(ACCOUNT, REGION)], CONCERNS)["inspector_configuration"].iloc[0]
    assert (conf["configuration_status"], conf["usage_status"]) == ("NOT_CALLED", "NOT_CALLED")
