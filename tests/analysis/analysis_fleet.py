"""A synthetic fleet of arbitrary size, built column-wise (no per-image Python loop)."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
from analysis_fixtures import AS_OF

from ecr_report.reports import schema

UNITS = [("111122223333", "ap-northeast-1", "ENHANCED"), ("111122223333", "us-east-1", "BASIC")]


def _frame(table: str, data: dict) -> pd.DataFrame:
    n = len(next(iter(v for v in data.values() if isinstance(v, (list, np.ndarray, pd.Series)))))
    cols = {}
    for col, dtype in schema.ALL_TABLES[table].items():
        cols[col] = data[col] if col in data else ([0] * n if dtype == "int64" else [None] * n)
    return schema.conform(table, pd.DataFrame(cols))


def fleet(repositories: int = 2000, images: int = 100_000, seed: int = 1) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    unit_of_repo = np.arange(repositories) % len(UNITS)
    repo_names = np.array([f"team{i % 40}/svc-{i}{'-prod' if i % 3 == 0 else ''}" for i in range(repositories)])
    tables = {name: schema.empty_frame(name) for name in schema.SNAPSHOT_TABLES}
    tables["registries"] = _frame(
        "registries",
        {
            "account_id": [u[0] for u in UNITS],
            "region": [u[1] for u in UNITS],
            "scan_type": [u[2] for u in UNITS],
            "basic_scan_engine": ["AWS_NATIVE"] * len(UNITS),
            "inspector_ecr_status": ["ENABLED", "DISABLED"],
        },
    )
    tables["scan_rules"] = _frame(
        "scan_rules",
        {
            "account_id": [UNITS[0][0]] * 3,
            "region": [UNITS[0][1], UNITS[0][1], UNITS[1][1]],
            "rule_index": [0, 1, 0],
            "scan_frequency": ["CONTINUOUS_SCAN", "SCAN_ON_PUSH", "SCAN_ON_PUSH"],
            "filter": ["*-prod", "team1", "team2*"],
            "filter_type": ["WILDCARD"] * 3,
        },
    )
    tables["repositories"] = _frame(
        "repositories",
        {
            "account_id": [UNITS[u][0] for u in unit_of_repo],
            "region": [UNITS[u][1] for u in unit_of_repo],
            "repository_name": repo_names,
            "scan_on_push": (np.arange(repositories) % 7 == 0),
            "image_tag_mutability": np.where(np.arange(repositories) % 2 == 0, "IMMUTABLE", "MUTABLE"),
            "encryption_type": "AES256",
            "lifecycle_policy_status": "PRESENT",
        },
    )
    repo_of_image = rng.integers(0, repositories, images)
    pushed = pd.Timestamp(AS_OF) - pd.to_timedelta(rng.uniform(0, 400, images), unit="D")
    digests = np.char.add("sha256:", np.char.zfill(np.arange(images).astype(str), 64))
    status = np.where(rng.random(images) < 0.05, "ARCHIVED", "ACTIVE")
    subject = np.where(rng.random(images) < 0.05, "sha256:subject", None)
    img = {
        "account_id": [UNITS[unit_of_repo[r]][0] for r in repo_of_image],
        "region": [UNITS[unit_of_repo[r]][1] for r in repo_of_image],
        "repository_name": repo_names[repo_of_image],
        "image_digest": digests,
        "image_tags": [()] * images,
        "pushed_at": pushed,
        "size_bytes": rng.integers(1_000_000, 900_000_000, images),
        "image_status": status,
        "subject_digest": subject,
    }
    tables["images"] = _frame("images", img)
    frame = tables["images"]
    enhanced = (frame["region"] == UNITS[0][1]).to_numpy()
    e = frame[enhanced].sample(frac=0.8, random_state=seed)
    reasons = np.array(["SUCCESSFUL", "SCAN_ELIGIBILITY_EXPIRED", "PENDING_INITIAL_SCAN", "UNSUPPORTED_OS"])
    reason = reasons[rng.integers(0, 4, len(e))]
    tables["inspector_coverage"] = _frame(
        "inspector_coverage",
        {
            "account_id": e["account_id"].to_numpy(),
            "region": e["region"].to_numpy(),
            "resource_type": ["AWS_ECR_CONTAINER_IMAGE"] * len(e),
            "resource_id": e["image_digest"].to_numpy(),
            "repository_name": e["repository_name"].to_numpy(),
            "image_digest": e["image_digest"].to_numpy(),
            "scan_status_code": np.where(reason == "SUCCESSFUL", "ACTIVE", "INACTIVE"),
            "scan_status_reason": reason,
            "last_scanned_at": pd.Series(pd.Timestamp(AS_OF) - timedelta(days=1), index=range(len(e))),
        },
    )
    f = e.sample(frac=0.5, random_state=seed)
    tables["inspector_findings"] = _frame(
        "inspector_findings",
        {
            "account_id": f["account_id"].to_numpy(),
            "region": f["region"].to_numpy(),
            "repository_name": f["repository_name"].to_numpy(),
            "image_digest": f["image_digest"].to_numpy(),
            "critical": rng.integers(0, 3, len(f)),
            "high": rng.integers(0, 10, len(f)),
            "medium": rng.integers(0, 20, len(f)),
            "all": rng.integers(30, 40, len(f)),
        },
    )
    b = frame[~enhanced].sample(frac=0.3, random_state=seed)
    tables["basic_findings"] = _frame(
        "basic_findings",
        {
            "account_id": b["account_id"].to_numpy(),
            "region": b["region"].to_numpy(),
            "repository_name": b["repository_name"].to_numpy(),
            "image_digest": b["image_digest"].to_numpy(),
            "scan_status": np.where(rng.random(len(b)) < 0.9, "COMPLETE", "FAILED"),
            "scan_completed_at": (b["pushed_at"] + timedelta(minutes=5)).to_numpy(),
            "critical": rng.integers(0, 3, len(b)),
        },
    )
    return tables
