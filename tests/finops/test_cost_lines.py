"""The FinOps cost lines from a small hand-built analysis, with every amount computed by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from ecr_report.jobs.plugins import CONCERNS
from ecr_report.reports.finops import (
    COST_LINES,
    CUSTOM_COLUMNS,
    FOCUS_COLUMNS,
    FOCUS_VERSION,
    METHODOLOGY,
    cost_lines,
    totals,
)
from ecr_report.reports.prices import GB, Price, PriceTable
from ecr_report.reports.schema import conform

AS_OF = pd.Timestamp("2026-11-30T06:00:00Z")
ACCOUNT, REGION = "111122223333", "us-east-1"
ARN = f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/"


def _prices() -> PriceTable:
    # archive at half the standard price, so moving images to the archive tier saves something
    return PriceTable(overrides=[Price("ecr.storage.archive", REGION, "GB-month", 0.05, "test", "2026-01-01",
                                       "config override")])


def _tables() -> dict[str, pd.DataFrame]:
    repos = pd.DataFrame({"account_id": [ACCOUNT], "region": [REGION], "repository_name": ["web/app"],
                          "repository_arn": [ARN + "web/app"]})
    inspector = pd.DataFrame([
        # 10 initial scans x $0.09 = $0.90; 20 rescans x $0.01 = $0.20
        {"account_id": ACCOUNT, "region": REGION, "repository_name": "web/app", "initial_scans_month": 10.0,
         "initial_scan_price_usd": 0.09, "initial_scan_monthly_usd": 0.90, "rescans_month": 20.0,
         "rescan_price_usd": 0.01, "rescan_monthly_usd": 0.20, "partial": False},
        # nothing scanned: no line at all
        {"account_id": ACCOUNT, "region": REGION, "repository_name": "idle", "initial_scans_month": 0.0,
         "initial_scan_price_usd": 0.09, "initial_scan_monthly_usd": 0.0, "rescans_month": 0.0,
         "rescan_price_usd": 0.01, "rescan_monthly_usd": 0.0, "partial": False},
    ])
    pull_through = pd.DataFrame([
        # 2 GiB stored x $0.10 = $0.20; 100 GB pulled, half of it from VPCs where the cache avoids
        # NAT: 50 GB x $0.045 = $2.25 avoided; 20 GB through an S3 interface endpoint x $0.01 = $0.20
        {"account_id": ACCOUNT, "region": REGION, "upstream_registry": "docker-hub",
         "repository_name": "docker-hub/library/nginx", "stored_bytes": 2 * GB, "storage_monthly_usd": 0.20,
         "pulled_gb_monthly": 100.0, "saving_share": 0.5, "nat_avoided_monthly_usd": 2.25,
         "endpoint_data_monthly_usd": 0.20, "partial": True},
        # a rule with no cached repository yet: no line
        {"account_id": ACCOUNT, "region": REGION, "upstream_registry": "ecr-public", "repository_name": None,
         "stored_bytes": 0, "storage_monthly_usd": 0.0, "pulled_gb_monthly": None, "saving_share": None,
         "nat_avoided_monthly_usd": 0.0, "endpoint_data_monthly_usd": 0.0, "partial": False},
    ])
    endpoints = pd.DataFrame([
        # (2 + 3) AZs x 730 h x $0.01 = $36.50; gateway, deleted and non-ECR endpoints cost nothing here
        {"account_id": ACCOUNT, "region": REGION, "endpoint_id": "vpce-api", "vpc_id": "vpc-1",
         "service_name": f"com.amazonaws.{REGION}.ecr.api", "service": "ecr.api", "endpoint_type": "Interface",
         "state": "available", "subnet_count": 2},
        {"account_id": ACCOUNT, "region": REGION, "endpoint_id": "vpce-dkr", "vpc_id": "vpc-1",
         "service_name": f"com.amazonaws.{REGION}.ecr.dkr", "service": "ecr.dkr", "endpoint_type": "Interface",
         "state": "available", "subnet_count": 3},
        {"account_id": ACCOUNT, "region": REGION, "endpoint_id": "vpce-s3", "vpc_id": "vpc-1",
         "service_name": f"com.amazonaws.{REGION}.s3", "service": "s3", "endpoint_type": "Gateway",
         "state": "available", "subnet_count": 0},
        {"account_id": ACCOUNT, "region": REGION, "endpoint_id": "vpce-old", "vpc_id": "vpc-1",
         "service_name": f"com.amazonaws.{REGION}.ecr.dkr", "service": "ecr.dkr", "endpoint_type": "Interface",
         "state": "deleted", "subnet_count": 2},
        {"account_id": ACCOUNT, "region": REGION, "endpoint_id": "vpce-sqs", "vpc_id": "vpc-1",
         "service_name": f"com.amazonaws.{REGION}.sqs", "service": "sqs", "endpoint_type": "Interface",
         "state": "available", "subnet_count": 2},
        # a unit without pull-through rules: not the cache's network path
        {"account_id": "444455556666", "region": REGION, "endpoint_id": "vpce-other", "vpc_id": "vpc-9",
         "service_name": f"com.amazonaws.{REGION}.ecr.dkr", "service": "ecr.dkr", "endpoint_type": "Interface",
         "state": "available", "subnet_count": 2},
    ])
    lifecycle = pd.DataFrame([
        # exact bytes: 3 GiB expire, 1 GiB of them already archived, 4 GiB move to archive:
        # 2 x 0.10 + 1 x 0.05 + 4 x (0.10 - 0.05) = $0.45 a month
        {"account_id": ACCOUNT, "region": REGION, "repository_name": "web/app", "scenario": "current",
         "bytes_basis": "exact", "bytes_expiring": 5 * GB, "bytes_expiring_exact": 3 * GB,
         "bytes_expiring_from_archive": 1 * GB, "bytes_transitioning": 6 * GB,
         "bytes_transitioning_exact": 4 * GB, "monthly_usd_saved": 0.45, "partial": False},
        # proposed, naive bytes: 1 GiB expires: $0.10
        {"account_id": ACCOUNT, "region": REGION, "repository_name": "web/app", "scenario": "proposed",
         "bytes_basis": "naive", "bytes_expiring": 1 * GB, "bytes_expiring_exact": None,
         "bytes_expiring_from_archive": 0, "bytes_transitioning": 0, "bytes_transitioning_exact": None,
         "monthly_usd_saved": 0.10, "partial": False},
        # the policy could not be read: unknown, so no line (never "saves $0")
        {"account_id": ACCOUNT, "region": REGION, "repository_name": "locked", "scenario": "current",
         "bytes_basis": None, "bytes_expiring": None, "bytes_expiring_exact": None,
         "bytes_expiring_from_archive": None, "bytes_transitioning": None, "bytes_transitioning_exact": None,
         "monthly_usd_saved": None, "partial": True},
    ])
    return {"repositories": repos, "inspector": inspector, "pull_through": pull_through,
            "network_vpc_endpoints": endpoints, "lifecycle": lifecycle}


@pytest.fixture(scope="module")
def lines() -> pd.DataFrame:
    return cost_lines(_tables(), AS_OF, _prices(), CONCERNS)


def _line(lines: pd.DataFrame, concern: str, component: str, scenario: str = "current",
          resource: str | None = None) -> pd.Series:
    hit = lines[(lines["x_Concern"] == concern) & (lines["x_CostComponent"] == component)
                & (lines["x_Scenario"] == scenario)]
    if resource is not None:
        hit = hit[hit["ResourceId"] == resource]
    assert len(hit) == 1, hit
    return hit.iloc[0]


def test_every_line_and_amount(lines):
    got = sorted((r.x_Concern, r.x_CostComponent, r.x_Scenario, r.ResourceId, round(r.PricingQuantity, 6),
                  round(r.ListCost, 6)) for r in lines.itertuples())
    nginx = ARN + "docker-hub/library/nginx"
    assert got == sorted([
        ("inspector", "initial_scan", "current", ARN + "web/app", 10.0, 0.90),
        ("inspector", "rescan", "current", ARN + "web/app", 20.0, 0.20),
        ("pull_through", "storage", "current", nginx, 2.0, 0.20),
        ("pull_through", "nat_processing", "current", nginx, -50.0, -2.25),
        ("pull_through", "endpoint_data", "current", nginx, 20.0, 0.20),
        ("pull_through", "endpoint_hours", "current", "vpce-api", 1460.0, 14.60),
        ("pull_through", "endpoint_hours", "current", "vpce-dkr", 2190.0, 21.90),
        ("lifecycle", "storage_expired", "current", ARN + "web/app", -2.0, -0.20),
        ("lifecycle", "archive_storage_expired", "current", ARN + "web/app", -1.0, -0.05),
        ("lifecycle", "storage_transitioned", "current", ARN + "web/app", -4.0, -0.40),
        ("lifecycle", "archive_storage_transitioned", "current", ARN + "web/app", 4.0, 0.20),
        ("lifecycle", "storage_expired", "proposed", ARN + "web/app", -1.0, -0.10),
    ])


def test_totals_by_concern_and_kind_match_the_concerns_figures(lines):
    assert totals(lines) == {
        "inspector": {"Cost": 1.10},
        "pull_through": {"AvoidedCost": -2.25, "Cost": 36.90},  # 0.20 storage + 0.20 data + 36.50 hours
        "lifecycle": {"PotentialSaving": -0.10, "Saving": -0.45},
    }


def test_focus_semantics(lines):
    assert (lines["ListUnitPrice"] >= 0).all()
    assert ((lines["PricingQuantity"] * lines["ListUnitPrice"] - lines["ListCost"]).abs() < 1e-9).all()
    assert (lines["EffectiveCost"] == lines["ListCost"]).all()
    assert lines["BilledCost"].isna().all()  # projections, never billed
    assert lines["BillingAccountId"].isna().all()
    assert (lines["SubAccountId"] == ACCOUNT).all()
    assert set(lines["BillingCurrency"]) == {"USD"}
    assert set(lines["ChargeCategory"]) == {"Usage"}
    assert set(lines["ChargeFrequency"]) == {"Usage-Based"}
    assert (lines["ChargePeriodStart"] == AS_OF).all()
    assert (lines["ChargePeriodEnd"] - lines["ChargePeriodStart"] == pd.Timedelta(days=30)).all()
    assert set(lines["ServiceCategory"]) <= {"Security", "Compute", "Networking"}
    nat = _line(lines, "pull_through", "nat_processing")
    assert (nat.x_CostKind, nat.ServiceName, nat.ServiceCategory, nat.PricingUnit) == (
        "AvoidedCost", "Amazon Elastic Compute Cloud", "Networking", "GB processed")
    assert bool(nat.x_Partial) is True  # the pull-through row was partial
    scans = _line(lines, "inspector", "initial_scan")
    assert (scans.ServiceName, scans.ServiceCategory, scans.PricingUnit, scans.ListUnitPrice) == (
        "Amazon Inspector", "Security", "image", 0.09)
    assert scans.x_PriceStatus == "UNCONFIRMED"
    archive = _line(lines, "lifecycle", "archive_storage_transitioned")
    assert (archive.x_CostKind, archive.x_PriceStatus, archive.ListUnitPrice) == ("Saving", "config override", 0.05)
    assert _line(lines, "lifecycle", "storage_expired", "proposed").x_CostKind == "PotentialSaving"
    hours = _line(lines, "pull_through", "endpoint_hours", resource="vpce-api")
    assert (hours.ResourceType, hours.ResourceName, hours.PricingUnit, hours.x_SourceTable) == (
        "VPC interface endpoint", f"com.amazonaws.{REGION}.ecr.api", "endpoint-AZ-hour", "network_vpc_endpoints")


def test_columns_are_focus_then_ours_and_typed(lines):
    assert list(lines.columns) == list(COST_LINES) == [*FOCUS_COLUMNS, *CUSTOM_COLUMNS]
    pd.testing.assert_frame_equal(conform("cost_lines", lines, COST_LINES), lines)  # already conformed
    for name in ("BillingAccountId", "SubAccountId", "RegionId", "ServiceName", "ServiceCategory", "ResourceId",
                 "ResourceName", "ChargeCategory", "ChargeDescription", "ChargePeriodStart", "ChargePeriodEnd",
                 "BillingCurrency", "PricingUnit", "PricingQuantity", "ListUnitPrice", "ListCost",
                 "EffectiveCost", "BilledCost"):
        assert name in FOCUS_COLUMNS
    assert all(c.startswith("x_") for c in CUSTOM_COLUMNS)
    assert not any(c.startswith("x_") for c in FOCUS_COLUMNS)
    assert {c: str(t) for c, t in lines.dtypes.items()} == COST_LINES
    text = " ".join(METHODOLOGY)
    assert f"FOCUS {FOCUS_VERSION}" in text and "BilledCost" in text and "x_CostKind" in text


def test_a_region_without_a_price_uses_us_east_1_and_says_so():
    tables = _tables()
    inspector = tables["inspector"].iloc[:1].copy()
    inspector["region"] = "eu-west-1"
    lines = cost_lines({"inspector": inspector}, AS_OF, None, CONCERNS)
    assert len(lines) == 2 and lines["x_PriceRegionFallback"].all()
    assert (lines["RegionId"] == "eu-west-1").all()
    assert lines["ResourceId"].iloc[0] == "arn:aws:ecr:eu-west-1:111122223333:repository/web/app"


def test_a_blend_of_two_prices_keeps_the_concerns_figure_and_quantity_times_price():
    tables = _tables()
    pt = tables["pull_through"].iloc[:1].copy()
    pt["storage_monthly_usd"] = 0.15  # half the bytes archived at $0.05
    lines = cost_lines({"pull_through": pt}, AS_OF, _prices(), CONCERNS)
    storage = _line(lines, "pull_through", "storage")
    assert storage.ListCost == pytest.approx(0.15) and storage.PricingQuantity == pytest.approx(2.0)
    assert storage.ListUnitPrice == pytest.approx(0.075) and "blended" in storage.x_PriceSource


def test_no_tables_give_an_empty_typed_table():
    lines = cost_lines({}, AS_OF, None, CONCERNS)
    assert len(lines) == 0 and list(lines.columns) == list(COST_LINES)
    assert totals(lines) == {}
