"""Builders shared by the lifecycle tests: images N days old, rules and policy text."""

from __future__ import annotations

import json

import pandas as pd

AS_OF = pd.Timestamp("2025-06-30T12:00:00Z")


def image(name: str, tags=(), days: float = 0.0, **extra) -> dict:
    """An ACTIVE image pushed ``days`` before AS_OF; ``name`` becomes the digest suffix."""
    row = {
        "image_digest": f"sha256:{name}",
        "image_tags": tuple(tags),
        "pushed_at": AS_OF - pd.Timedelta(days=days),
        "size_bytes": 100,
        "image_status": "ACTIVE",
        "last_pull_at": None,
        "last_archived_at": None,
        "last_activated_at": None,
        "subject_digest": None,
    }
    row.update(extra)
    return row


def rule(priority: int, action: str = "expire", **selection) -> dict:
    act = {"type": action}
    if action == "transition":
        act["targetStorageClass"] = "archive"
    return {"rulePriority": priority, "selection": selection, "action": act}


def policy(*rules: dict) -> str:
    return json.dumps({"rules": list(rules)}, indent=1)


def acted(result: pd.DataFrame) -> dict[str, tuple[int, str]]:
    """{digest suffix: (priority, action)} for images an action applies to."""
    rows = result[result["action"].notna()]
    return {d.split(":", 1)[1]: (int(p), str(a)) for d, p, a in zip(rows["image_digest"], rows["applied_rule_priority"], rows["action"])}
