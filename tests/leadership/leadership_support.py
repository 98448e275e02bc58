"""Hand-built summaries and run directories for the leadership tests (first page, trends, actions)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pandas as pd

BASE_SUMMARY: dict[str, Any] = {
    "run_id": "20260301T080000Z",
    "as_of": "2026-03-01T08:00:00Z",
    "demo": False,
    "accounts": ["111122223333"],
    "regions": ["us-east-1"],
    "coverage": {"repositories_total": 10, "repositories_scanned": 5, "repositories_pct": 50.0,
                 "images_total": 120, "images_scannable": 100, "images_scanned": 40,
                 "images_pct": 40.0, "open_findings": {"critical": 4, "high": 30}},
    "compliance": {"controls_failing": 12,
                   "by_control": {"ECR.1": {"PASS": 5, "FAIL": 5, "UNKNOWN": 0, "NOT_APPLICABLE": 0},
                                  "ECR.2": {"PASS": 3, "FAIL": 7, "UNKNOWN": 0, "NOT_APPLICABLE": 0}}},
    "completeness": {"errors": [], "calls": 100, "complete": True},
    "inspector": {"estimated_monthly_usd": 12.5, "scenarios": {}},
    "pull_through": {"storage_monthly_usd": 1.0, "nat_savings_monthly_usd": 41.0,
                     "net_saving_monthly_usd": 40.0},
    "lifecycle": {"images_expiring": 3, "reclaimable_bytes": 2 * 2**30, "reclaimable_monthly_usd": 0.2,
                  "proposed": {"status": "evaluated", "reclaimable_bytes": 10 * 2**30,
                               "reclaimable_monthly_usd": 1.0}},
    "sections_not_computed": [],
}


DEMO_SCOPE = {"accounts": ["111122223333", "444455556666"], "regions": ["ap-northeast-1", "us-east-1"]}
"""The demo fleet's accounts and regions (earlier runs must match it to count as its history)."""


def summary(run_id: str = "20260301T080000Z", **changes: Any) -> dict[str, Any]:
    """BASE_SUMMARY with `run_id` (and its as_of) and dotted-path changes: coverage__repositories_pct=60."""
    doc = copy.deepcopy(BASE_SUMMARY)
    doc["run_id"] = run_id
    doc["as_of"] = f"{run_id[:4]}-{run_id[4:6]}-{run_id[6:8]}T{run_id[9:11]}:{run_id[11:13]}:{run_id[13:15]}Z"
    for path, value in changes.items():
        keys = path.split("__")
        target = doc
        for key in keys[:-1]:
            target = target.setdefault(key, {})
        target[keys[-1]] = value
    return doc



def earlier_demo_summary(run_id: str, n: int) -> dict[str, Any]:
    """The summary.json of an earlier demo run, its figures shifted by `n` (a trend to draw)."""
    return summary(run_id, demo=True, **DEMO_SCOPE,
                   coverage__repositories_pct=20.0 + n, coverage__images_pct=10.0 + n,
                   coverage__open_findings={"critical": 0, "high": 2000 - n},
                   compliance__controls_failing=300 - n,
                   inspector={"estimated_monthly_usd": 25.0 + n},
                   pull_through={"net_saving_monthly_usd": 500.0 + n, "storage_monthly_usd": 1.0,
                                 "nat_savings_monthly_usd": 501.0 + n},
                   lifecycle={"reclaimable_bytes": 2**30, "reclaimable_monthly_usd": 0.1,
                              "proposed": {"status": "evaluated", "reclaimable_bytes": (90 + n) * 2**30,
                                           "reclaimable_monthly_usd": 9.0 + n}})

def write_run(root: Path, run_id: str, doc: Any = None, *, manifest: bool = True,
              partial: bool = False, raw: str | None = None) -> Path:
    """A finished (or `.partial-`, or manifest-less) run directory with a summary.json."""
    name = (".partial-" if partial else "") + run_id
    run_dir = root / "runs" / name
    run_dir.mkdir(parents=True)
    text = raw if raw is not None else json.dumps(doc if doc is not None else summary(run_id))
    (run_dir / "summary.json").write_text(text, encoding="utf-8")
    if manifest:
        (run_dir / "manifest.json").write_text("{}", encoding="utf-8")
    return run_dir


def weekly_ids(n: int, start_day: int = 1) -> list[str]:
    """n sortable run ids a day apart in January 2026 (day start_day onwards)."""
    return [f"202601{start_day + i:02d}T080000Z" for i in range(n)]


def coverage_table(rows: list[tuple[str, int]]) -> pd.DataFrame:
    """(repository, critical) -> a coverage-like frame, one account and region."""
    return pd.DataFrame({"account_id": "111122223333", "region": "us-east-1",
                         "repository_name": [r for r, _ in rows],
                         "critical": pd.array([c for _, c in rows], dtype="Int64")})


def compliance_table(fails: dict[str, tuple[int, str]]) -> pd.DataFrame:
    """control -> (failing repositories, severity)."""
    rows = []
    for control, (n, severity) in fails.items():
        for i in range(n):
            rows.append({"account_id": "111122223333", "region": "us-east-1",
                         "repository_name": f"repo-{i}", "control_id": control,
                         "title": f"title of {control}", "severity": severity, "status": "FAIL"})
    return pd.DataFrame(rows, columns=["account_id", "region", "repository_name", "control_id",
                                       "title", "severity", "status"])
