"""`GetLifecyclePolicyPreview`-shaped output for an offline evaluation, plus `reclaimableBytes`.

The shape follows botocore's ECR model: ``previewResults[]`` lists only the images an action
applies to, ``summary.transitioningImageTotalCounts`` appears only when something transitions.
Results are ordered by repository, applied rule priority, then oldest push first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from .evaluate import evaluate
from .frame import image_frame
from .manifests import Manifests
from .policy import Policy, as_policy
from .reclaim import reclaimable, totals


def _iso(ts: pd.Timestamp) -> str:
    return ts.tz_convert("UTC").isoformat()


def preview(policy: Policy | str, images: pd.DataFrame | Iterable[Mapping[str, Any]], as_of: Any, manifests: Manifests | None = None) -> dict[str, Any]:
    """Evaluate ``policy`` on ``images`` at ``as_of`` and describe the outcome as ECR's preview would."""
    pol = as_policy(policy)
    frame = image_frame(images)
    children = manifests.children if manifests is not None else None
    result = evaluate(pol, frame, as_of, children=children)
    acted = result[result["action"].notna()].copy()
    acted["_order"] = frame.loc[acted.index, "pushed_at"]
    acted = acted.sort_values(["account_id", "region", "repository_name", "applied_rule_priority", "_order", "image_digest"], kind="stable")
    previews = []
    for row in acted.itertuples(index=False):
        action = {"type": row.action}
        if row.action == "TRANSITION":
            action["targetStorageClass"] = "ARCHIVE"
        previews.append(
            {
                "imageTags": list(row.image_tags) if isinstance(row.image_tags, (tuple, list)) else [],
                "imageDigest": row.image_digest,
                "imagePushedAt": _iso(row.pushed_at),
                "action": action,
                "appliedRulePriority": int(row.applied_rule_priority),
                "storageClass": row.storage_class,
            }
        )
    expiring = int((acted["action"] == "EXPIRE").sum())
    transitioning = int((acted["action"] == "TRANSITION").sum())
    summary: dict[str, Any] = {"expiringImageTotalCount": expiring}
    if transitioning:
        summary["transitioningImageTotalCounts"] = [{"targetStorageClass": "ARCHIVE", "imageTotalCount": transitioning}]
    out: dict[str, Any] = {}
    repos = frame[["account_id", "repository_name"]].drop_duplicates()
    if len(repos) == 1:
        account, name = repos.iloc[0]
        if account:
            out["registryId"] = account
        if name:
            out["repositoryName"] = name
    if pol.text:
        out["lifecyclePolicyText"] = pol.text
    out.update({"status": "COMPLETE", "previewResults": previews, "summary": summary})
    figures = totals(reclaimable(result, manifests))
    out["reclaimableBytes"] = {
        "expiringNaive": figures["expiring_bytes_naive"],
        "expiringExact": figures["expiring_bytes_exact"],
        "transitioningNaive": figures["transitioning_bytes_naive"],
        "transitioningExact": figures["transitioning_bytes_exact"],
        "exactAvailable": figures["expiring_bytes_exact"] is not None,
    }
    return out
