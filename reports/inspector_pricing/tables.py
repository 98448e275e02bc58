"""The concern's snapshot tables, built from the recorded Inspector calls (pure).

* `inspector_configuration`: one row per unit: the ECR rescan settings from GetConfiguration,
  and whether GetConfiguration and ListUsageTotals were collected (COLLECTED | FAILED |
  NOT_CALLED), so the analysis can tell "no usage" from "usage unknown".
* `inspector_usage`: one row per usage line of ListUsageTotals (every type, as evidence; the
  model reads ECR_INITIAL_SCAN and ECR_RESCAN).
"""

from __future__ import annotations

from typing import Any

from ..concern import TableSpec
from ..normalize import CallIndex
from ..schema import BOOL, STR, TS

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
