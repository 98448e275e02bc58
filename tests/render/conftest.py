"""A realistic, hand-built ReportInput: two registries, 60 repositories, one hostile name."""

from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd
import pytest

from ecr_report.jobs.plugins import CONCERNS
from ecr_report.reports import schema
from ecr_report.reports.leadership import build_leadership
from ecr_report.reports.render import ReportInput

AS_OF = datetime(2026, 3, 2, 8, 0, tzinfo=timezone.utc)
ACCOUNT = "111122223333"
ENHANCED = (ACCOUNT, "us-east-1")
BASIC = (ACCOUNT, "ap-northeast-1")
HOSTILE = "<script>alert(1)</script>"
TEAMS = ("payments", "checkout", "search", "identity", "platform", "data")
SERVICES = ("api", "worker", "web", "cron", "gateway")
CONTROLS = {
    "ECR.1": ("ECR private repositories should have image scanning configured", "High"),
    "ECR.2": ("ECR private repositories should have tag immutability configured", "Medium"),
    "ECR.3": ("ECR repositories should have at least one lifecycle policy configured", "Medium"),
    "ECR.5": ("ECR repositories should be encrypted with customer managed AWS KMS keys",
              "Medium"),
}


def _repos() -> list[tuple[str, str, str]]:
    names = [f"{t}/{s}" for t in TEAMS for s in SERVICES]  # 30 per registry
    out = [(*ENHANCED, n) for n in names] + [(*BASIC, n) for n in names]
    out[-1] = (*BASIC, HOSTILE)
    return out


#: The rendering fixtures name no raw files: the report shows no evidence pointer (they are data).
NO_EVIDENCE = {"evidence_file": None, "evidence_pointer": None}
NO_SOURCES = {"scanning_source_file": None, "scanning_source_pointer": None,
              "inspector_source_file": None, "inspector_source_pointer": None}


def coverage_frame() -> pd.DataFrame:
    rows = []
    for i, (account, region, name) in enumerate(_repos()):
        enhanced = region == "us-east-1"
        if enhanced:
            freq = "CONTINUOUS_SCAN" if i % 3 else "SCAN_ON_PUSH"
            source, matched = "registry rule", ("prod-*" if i % 3 else "payments")
        else:
            freq = "MANUAL" if i % 4 == 0 else "SCAN_ON_PUSH"
            source, matched = "repository scanOnPush", None
        images = 10 + i % 7
        scanned = images - (i % 3)
        unknown = (not enhanced) and i % 11 == 0  # findings call failed
        rows.append({
            "account_id": account, "region": region, "repository_name": name,
            "scan_type": "ENHANCED" if enhanced else "BASIC",
            "scan_engine": "INSPECTOR" if enhanced else "CLAIR",
            "scan_frequency": freq, "frequency_source": source, "matched_filter": matched,
            "automatically_scanned": freq != "MANUAL",
            "aws_scan_frequency": ("SCAN_ON_PUSH" if i == 4 else freq) if enhanced else None,
            "aws_disagrees": (i == 4) if enhanced else pd.NA,
            "images_total": images, "images_scannable": images - 1, "images_scanned": scanned,
            "images_monitored": scanned if enhanced else 0,
            "images_not_checked": 0 if enhanced else i % 3,
            "critical": pd.NA if unknown else (i * 7) % 5 // 3,
            "high": pd.NA if unknown else (i * 3) % 9,
            "medium": pd.NA if unknown else i % 4, "low": 0 if not unknown else pd.NA,
            "informational": 0 if not unknown else pd.NA, "undefined": 0 if not unknown else pd.NA,
            **NO_EVIDENCE,
        })
    return schema.conform("coverage", pd.DataFrame(rows))


def image_scans_frame() -> pd.DataFrame:
    states = ("SCANNED", "MONITORED", "STALE_BASIC", "NOT_CHECKED", "NEVER_SCANNED", "ARCHIVED",
              "PENDING", "UNSUPPORTED")
    rows = []
    for i, (account, region, name) in enumerate(_repos()):
        for j in range(4):
            state = states[(i + j) % len(states)]
            if region == "us-east-1" and state == "STALE_BASIC":
                state = "MONITORED"
            rows.append({
                "account_id": account, "region": region, "repository_name": name,
                "image_digest": f"sha256:{i:032x}{j:032x}",
                "pushed_at": "2026-02-2%dT10:00:00Z" % (j + 1), "image_status": "ACTIVE",
                "scan_state": state, "scan_state_reason": None, "scannable": True,
                "scan_source": "INSPECTOR" if region == "us-east-1" else "BASIC",
                "scan_completed_at": None, "scan_age_days": float("nan"),
                "critical": 0, "high": 1, "medium": 0, "low": 0, "informational": 0,
                "undefined": 0, **NO_EVIDENCE,
            })
    return schema.conform("image_scans", pd.DataFrame(rows))


def registry_coverage_frame() -> pd.DataFrame:
    rows = []
    for (account, region), enhanced in ((ENHANCED, True), (BASIC, False)):
        rows.append({
            "account_id": account, "region": region,
            "scan_type": "ENHANCED" if enhanced else "BASIC",
            "scan_engine": "INSPECTOR" if enhanced else "CLAIR",
            "repositories_total": 30, "repositories_scanned": 30 if enhanced else 22,
            "images_total": 390, "images_scannable": 380, "images_scanned": 360 if enhanced else 300,
            "images_pushed_last_24h": 41, "max_images_pushed_per_day": 120,
            "max_scan_on_push_pushes_per_day": 0 if enhanced else 90,
            "basic_scan_quota_per_day": 100_000,
            "quota_headroom_pct": float("nan") if enhanced else 99.88,
            "partial": False,
        })
    return schema.conform("registry_coverage", pd.DataFrame(rows))


def compliance_frame() -> pd.DataFrame:
    rows = []
    for i, (account, region, name) in enumerate(_repos()):
        for control, (title, severity) in CONTROLS.items():
            if control == "ECR.1":
                status = "FAIL" if (region == "ap-northeast-1" and i % 4 == 0) else "PASS"
            elif control == "ECR.2":
                status = "FAIL" if i % 3 else "PASS"
            elif control == "ECR.3":
                status = "UNKNOWN" if (region == "ap-northeast-1" and i % 11 == 0) else (
                    "FAIL" if i % 5 == 0 else "PASS")
            else:
                status = "FAIL" if i % 2 else "PASS"
            rows.append({
                "account_id": account, "region": region, "repository_name": name,
                "control_id": control, "title": title, "severity": severity, "status": status,
                "evidence": f"imageTagMutability=MUTABLE for {name}" if control == "ECR.2"
                else "encryptionType=AES256" if control == "ECR.5" else "see data",
                **NO_EVIDENCE, "rule": None,
            })
    return schema.conform("compliance", pd.DataFrame(rows))


def registries_frame() -> pd.DataFrame:
    rows = [
        {"account_id": ACCOUNT, "region": "us-east-1", "registry_id": ACCOUNT,
         "caller_arn": f"arn:aws:iam::{ACCOUNT}:role/ecr-report-read", "scan_type": "ENHANCED",
         "basic_scan_engine": "AWS_NATIVE", "inspector_ecr_status": "ENABLED",
         "inspector_coverage_collected": True, "inspector_findings_collected": True, **NO_SOURCES},
        {"account_id": ACCOUNT, "region": "ap-northeast-1", "registry_id": ACCOUNT,
         "caller_arn": f"arn:aws:iam::{ACCOUNT}:role/ecr-report-read", "scan_type": "BASIC",
         "basic_scan_engine": "CLAIR", "inspector_ecr_status": None,
         "inspector_coverage_collected": None, "inspector_findings_collected": None, **NO_SOURCES},
    ]
    return schema.conform("registries", pd.DataFrame(rows))


def summary(errors: list[dict]) -> dict:
    cov = coverage_frame()
    comp = compliance_frame()
    by_control = {
        c: {s: int(((comp.control_id == c) & (comp.status == s)).sum())
            for s in ("PASS", "FAIL", "UNKNOWN", "NOT_APPLICABLE")}
        for c in CONTROLS
    }
    return {
        "run_id": "20260302T080000Z-3f9c",
        "as_of": "2026-03-02T08:00:00Z",
        "accounts": [ACCOUNT],
        "regions": ["ap-northeast-1", "us-east-1"],
        "coverage": {
            "repositories_total": 60, "repositories_scanned": 52,
            "images_total": 780, "images_scannable": 760, "images_scanned": 660,
            "repositories_pct": 86.7, "images_pct": 84.6,
            "by_frequency": {"MANUAL": 8, "SCAN_ON_PUSH": 28, "CONTINUOUS_SCAN": 24},
            "open_findings": {"critical": int(cov.critical.sum()), "high": int(cov.high.sum())},
        },
        "compliance": {"controls_failing": int((comp.status == "FAIL").sum()),
                       "by_control": by_control},
        "inspector": {"estimated_monthly_usd": 0.0},
        "pull_through": {"storage_monthly_usd": 0.0, "nat_savings_monthly_usd": 0.0},
        "lifecycle": {"images_expiring": 0, "reclaimable_bytes": 0,
                      "reclaimable_monthly_usd": 0.0},
        "completeness": {"errors": errors, "calls": 412},
        "sections_not_computed": ["inspector", "pull_through", "lifecycle"],
    }


ERRORS = [
    {"account": ACCOUNT, "region": "ap-northeast-1", "operation": "ecr.DescribeImageScanFindings",
     "error": "AccessDeniedException: not authorized to perform ecr:DescribeImageScanFindings"},
    {"account": ACCOUNT, "region": "ap-northeast-1", "operation": "ecr.GetLifecyclePolicy",
     "error": "ThrottlingException: Rate exceeded (after 10 attempts)"},
]


def make_report(*, errors: list[dict] | None = None, demo: bool = True,
                not_computed: tuple[str, ...] = ("inspector", "pull_through", "lifecycle"),
                tables: dict | None = None) -> ReportInput:
    errors = list(errors or [])
    summ = summary(errors)
    summ["sections_not_computed"] = list(not_computed)
    frames = tables if tables is not None else {
        "coverage": coverage_frame(),
        "image_scans": image_scans_frame(),
        "registry_coverage": registry_coverage_frame(),
        "compliance": compliance_frame(),
        "registries": registries_frame(),
    }
    # The first page shows what the analysis ranked and traced (rendering computes neither).
    lead = build_leadership(summ, frames, None, CONCERNS)
    summ["trends"], summ["actions"] = lead.trends, lead.actions
    return ReportInput(
        run_id="20260302T080000Z-3f9c",
        as_of=AS_OF,
        tool_version="0.1.0",
        summary=summ,
        tables=frames,
        errors=errors,
        notes=("ECR.3 is judged on the presence of a lifecycle policy only; its content is not "
               "evaluated.", "Basic findings were read for the newest image of each repository "
               "and images pushed in the last 30 days."),
        methodology=(("Effective scan frequency",
                      ("Computed from the registry scanning rules, their WILDCARD filters and "
                       "the legacy repository-level scanOnPush setting.",)),
                     ("Sources", ("Amazon ECR User Guide; AWS Security Hub control reference.",))),
        sections_not_computed=not_computed,
        demo=demo,
        concerns=CONCERNS,
    )


@pytest.fixture
def report() -> ReportInput:
    return make_report()


@pytest.fixture
def report_with_errors() -> ReportInput:
    return make_report(errors=ERRORS)
