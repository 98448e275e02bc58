"""Hand-built tables for the Inspector pricing tests, fed through the real coverage analysis."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pandas as pd

from ecr_report.reports import schema
from ecr_report.reports.concern import AnalysisContext
from ecr_report.reports.coverage import BasicFindingsScope, analyse_coverage
from ecr_report.reports.inspector_pricing import analyse
from ecr_report.reports.prices import PriceTable

from snapshot_rows import make_table

AS_OF = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
ACCOUNT, OTHER = "111122223333", "444455556666"
REGION = "us-east-1"
DOCKER = "application/vnd.docker.distribution.manifest.v2+json"
LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
_n = iter(range(1, 10**6))


def days_ago(days: float) -> datetime:
    return AS_OF - timedelta(days=days)


def digest() -> str:
    return "sha256:" + format(next(_n), "064x")


def make(table: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    return make_table(table, rows, account=ACCOUNT, region=REGION, zero_dtypes=("int64", "float64"))


def image(repo: str, pushed: float, **extra: Any) -> dict[str, Any]:
    row = {"repository_name": repo, "image_digest": extra.pop("image_digest", None) or digest(),
           "pushed_at": days_ago(pushed), "manifest_media_type": DOCKER, "image_status": "ACTIVE",
           "size_bytes": 1000}
    for key in ("last_pull_at", "last_activated_at"):
        if key in extra and extra[key] is not None and not isinstance(extra[key], datetime):
            extra[key] = days_ago(extra[key])
    row.update(extra)
    return row


def registry(scan_type: str = "ENHANCED", status: str = "ENABLED", *, account: str = ACCOUNT,
             region: str = REGION, coverage_collected: bool | None = True) -> dict[str, Any]:
    return {"account_id": account, "region": region, "scan_type": scan_type, "inspector_ecr_status": status,
            "inspector_coverage_collected": coverage_collected, "inspector_findings_collected": coverage_collected}


def configuration(push: str = "DAYS_30", pull: str = "DAYS_14", mode: str = "LAST_PULL_DATE", *,
                  account: str = ACCOUNT, region: str = REGION, usage: str = "COLLECTED") -> dict[str, Any]:
    return {"account_id": account, "region": region, "configuration_status": "COLLECTED",
            "rescan_duration": push, "pull_date_rescan_duration": pull, "pull_date_rescan_mode": mode,
            "rescan_duration_status": "SUCCESS", "usage_status": usage}


def usage(kind: str, total: float, cost: float, *, account: str = ACCOUNT, region: str = REGION) -> dict[str, Any]:
    return {"account_id": account, "region": region, "usage_account_id": account, "usage_type": kind,
            "total": total, "estimated_monthly_cost": cost, "currency": "USD", "partial": False}


def coverage_image(repo: str, image_digest: str, code: str = "ACTIVE", reason: str = "SUCCESSFUL",
                   last_in_use: float | None = None, **unit: str) -> dict[str, Any]:
    return {**unit, "resource_type": "AWS_ECR_CONTAINER_IMAGE", "repository_name": repo,
            "image_digest": image_digest, "scan_status_code": code, "scan_status_reason": reason,
            "last_in_use_at": None if last_in_use is None else days_ago(last_in_use)}


def run(*, registries: list[dict], rules: list[dict] = (), repositories: list[str | dict] = (),
        images: list[dict] = (), inspector_coverage: list[dict] = (), configuration_rows: list[dict] = (),
        usage_rows: list[dict] = (), settings: dict | None = None, extra: dict | None = None,
        prices: PriceTable | None = None):
    repos = [r if isinstance(r, dict) else {"repository_name": r} for r in repositories]
    tables = {name: make(name, []) for name in schema.SNAPSHOT_TABLES}
    tables.update({
        "registries": make("registries", list(registries)),
        "scan_rules": make("scan_rules", list(rules)),
        "repositories": make("repositories", repos),
        "images": make("images", list(images)),
        "inspector_coverage": make("inspector_coverage", list(inspector_coverage)),
        "inspector_configuration": make("inspector_configuration", list(configuration_rows)),
        "inspector_usage": make("inspector_usage", list(usage_rows)),
    })
    cov = analyse_coverage(tables, AS_OF, BasicFindingsScope())
    tables.update({"coverage": cov.coverage, "image_scans": cov.image_scans})
    tables.update(extra or {})
    units = tuple(sorted({(r["account_id"], r["region"]) for r in registries}))
    ctx = AnalysisContext(as_of=pd.Timestamp(AS_OF), tables=tables, prices=prices or PriceTable(),
                          settings=settings or {}, units=units, errors=())
    return analyse(ctx)


def rule(frequency: str, filter_text: str, index: int = 0, **unit: str) -> dict[str, Any]:
    return {**unit, "rule_index": index, "scan_frequency": frequency, "filter": filter_text, "filter_type": "WILDCARD"}
