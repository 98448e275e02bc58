"""The concern's tables: the snapshot tables, built from the recorded Inspector calls (pure), and
the schemas of its result tables.

* `inspector_configuration`: one row per unit: the ECR rescan settings from GetConfiguration,
  and whether GetConfiguration and ListUsageTotals were collected (COLLECTED | FAILED |
  NOT_CALLED), so the analysis can tell "no usage" from "usage unknown".
* `inspector_usage`: one row per usage line of ListUsageTotals (every type, as evidence; the
  model reads ECR_INITIAL_SCAN and ECR_RESCAN).

Result tables: `inspector`, `inspector_images`, `inspector_scenarios`, `inspector_reconciliation`.
A sentence with figures or names in it is kept twice: the English column users read, and beside
it `<column>_message`, the same sentence as a fact (`reports.text.fact_json`: the message id and
its parameters, compact JSON), which the report renders in its own language.
"""

from __future__ import annotations

from typing import Any

from .. import schema
from ..concern import TableSpec
from ..normalize import CallIndex
from ..schema import BOOL, STR, TS

F, INT64 = "float64", "int64"
COLLECTED, FAILED, NOT_CALLED = "COLLECTED", "FAILED", "NOT_CALLED"

CONFIGURATION_COLUMNS = {
    "account_id": STR,
    "region": STR,
    "configuration_status": STR,  # COLLECTED | FAILED | NOT_CALLED
    "rescan_duration": STR,  # DAYS_3 ... DAYS_180 | LIFETIME (push date)
    "pull_date_rescan_duration": STR,
    "pull_date_rescan_mode": STR,  # LAST_IN_USE_AT | LAST_PULL_DATE
    "rescan_duration_status": STR,  # SUCCESS | PENDING | FAILED (of the last update)
    "updated_at": TS,
    "usage_status": STR,  # COLLECTED (every page read) | FAILED | NOT_CALLED
}
USAGE_COLUMNS = {
    "account_id": STR,
    "region": STR,
    "usage_account_id": STR,
    "usage_type": STR,  # ECR_INITIAL_SCAN | ECR_RESCAN | EC2_INSTANCE_HOURS | ...
    "total": "float64",
    "estimated_monthly_cost": "float64",
    "currency": STR,
    "cloud_provider": STR,
    "partial": BOOL,  # a later page of the listing failed
}


def _status(calls: list) -> str:
    if not calls:
        return NOT_CALLED
    if all(c.ok for c in calls) and not calls[-1].response.get("nextToken"):
        return COLLECTED
    return FAILED


def configuration_rows(index: CallIndex, unit: tuple[str, str]) -> list[dict[str, Any]]:
    calls = index.get(unit, "inspector2", "GetConfiguration")
    answer = index.first_ok(unit, "inspector2", "GetConfiguration")
    state = ((answer or {}).get("ecrConfiguration") or {}).get("rescanDurationState") or {}
    return [{
        "account_id": unit[0], "region": unit[1],
        "configuration_status": (COLLECTED if answer is not None else FAILED) if calls else NOT_CALLED,
        "rescan_duration": state.get("rescanDuration"),
        "pull_date_rescan_duration": state.get("pullDateRescanDuration"),
        "pull_date_rescan_mode": state.get("pullDateRescanMode"),
        "rescan_duration_status": state.get("status"),
        "updated_at": state.get("updatedAt"),
        "usage_status": _status(index.get(unit, "inspector2", "ListUsageTotals")),
    }]


def usage_rows(index: CallIndex, unit: tuple[str, str]) -> list[dict[str, Any]]:
    partial = _status(index.get(unit, "inspector2", "ListUsageTotals")) != COLLECTED
    rows = []
    for page in index.ok(unit, "inspector2", "ListUsageTotals"):
        for total in page.get("totals") or []:
            for usage in total.get("usage") or []:
                rows.append({
                    "account_id": unit[0], "region": unit[1],
                    "usage_account_id": total.get("accountId") or unit[0],
                    "usage_type": usage.get("type"),
                    "total": float(usage.get("total") or 0.0),
                    "estimated_monthly_cost": (None if usage.get("estimatedMonthlyCost") is None
                                               else float(usage["estimatedMonthlyCost"])),
                    "currency": usage.get("currency"),
                    "cloud_provider": usage.get("cloudProvider"),
                    "partial": partial,
                })
    return rows


SNAPSHOT_TABLES = {
    "inspector_configuration": TableSpec(CONFIGURATION_COLUMNS, configuration_rows),
    "inspector_usage": TableSpec(USAGE_COLUMNS, usage_rows),
}


# --- result tables ------------------------------------------------------------------------

INSPECTOR_COLUMNS = {  # data/inspector.csv: the FinOps view, one row per repository
    **schema.REPO_KEY,
    "scan_type": STR,
    "scan_frequency": STR,  # effective (coverage table)
    "inspector_frequency": STR,  # CONTINUOUS_SCAN | SCAN_ON_PUSH | <NA>: Inspector does not scan it
    "images_eligible": INT64,  # container images Inspector can scan (not archived/unsupported)
    "images_pushed_in_window": INT64,  # eligible, pushed or restored in the push window
    "initial_scans_month": F,  # per 30 days, from the push rate
    "monitored_images": INT64,  # continuous and inside the rescan windows now
    "rescans_per_image_month": F,
    "rescan_rate_source": STR,
    "rescan_rate_source_message": STR,
    "rescans_month": F,
    "initial_scan_price_usd": F,
    "rescan_price_usd": F,
    "initial_scan_monthly_usd": F,
    "rescan_monthly_usd": F,
    "monthly_usd": F,
    "price_status": STR,
    "rescan_settings": STR,
    "rescan_settings_message": STR,
    "partial": BOOL,  # a call in this unit failed: the figure may be low
}
IMAGE_COLUMNS = {  # data/inspector_images.csv: the per-image verdicts behind the figures
    **schema.IMAGE_KEY,
    "inspector_frequency": STR,
    "excluded_reason": STR,
    "push_reference_at": TS,
    "pull_reference_source": STR,
    "initial_scan_in_window": BOOL,
    "monitored": BOOL,
    "monitored_by": STR,  # push date | last pull | last in use
}
SCENARIO_COLUMNS = {
    "scenario": STR,
    "label": STR,
    "label_message": STR,
    "available": BOOL,
    "unavailable_reason": STR,
    "monthly_usd": F,
    "initial_scan_monthly_usd": F,
    "rescan_monthly_usd": F,
    "change_usd": F,
    "change_pct": F,
    "one_time_usd": F,  # activation scans of images already present (basic -> enhanced)
    "monitored_images": schema.INT,
    "monitored_images_change": schema.INT,
    "continuous_repositories": schema.INT,
    "continuous_repositories_change": schema.INT,
    "inspector_repositories": schema.INT,  # repositories with language-package visibility
    "inspector_repositories_change": schema.INT,
    "inspector_images": schema.INT,  # eligible images in those repositories
    "inspector_images_change": schema.INT,
    "notes": STR,
    "notes_message": STR,
}
RECONCILIATION_COLUMNS = {
    **schema.UNIT_KEY,
    "inspector_ecr_status": STR,
    "usage_status": STR,
    "model_initial_scans": F,
    "aws_initial_scans": F,
    "model_monitored_images": INT64,
    "inspector_active_images": schema.INT,  # ListCoverage ACTIVE images in continuous repositories
    "rescans_per_image_month": F,
    "rescan_rate_source": STR,
    "rescan_rate_source_message": STR,
    "model_rescans": F,
    "aws_rescans": F,
    "model_monthly_usd": F,
    "aws_estimated_monthly_usd": F,
    "difference_usd": F,
    "difference_pct": F,
    "note": STR,
}
RESULT_TABLES = {
    "inspector": INSPECTOR_COLUMNS,
    "inspector_images": IMAGE_COLUMNS,
    "inspector_scenarios": SCENARIO_COLUMNS,
    "inspector_reconciliation": RECONCILIATION_COLUMNS,
}

