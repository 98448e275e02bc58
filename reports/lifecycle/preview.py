"""`GetLifecyclePolicyPreview`-shaped output for an offline evaluation, plus `reclaimableBytes`.

The shape follows botocore's ECR model: ``previewResults[]`` lists only the images an action
applies to, ``summary.transitioningImageTotalCounts`` appears only when something transitions.
Results are ordered by repository, applied rule priority, then oldest push first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from .evaluate import evaluate
from .frame import image_frame
from .manifests import Manifests
from .policy import Policy, as_policy
from .reclaim import reclaimable, totals


def _iso(ts: pd.Timestamp) -> str:
    return ts.tz_convert("UTC").isoformat()


_SECOND = 10**9


def iso_column(times: pd.Series) -> list[str]:
    """`[_iso(t) for t in times]` for a UTC datetime column without NaT, computed a column at a
    time: seconds by numpy, then the fraction as Timestamp.isoformat writes it (none, six digits,
    or nine when there are nanoseconds). Times nanoseconds cannot hold (before 1677, after 2262) go row by row."""
    array = times.array.tz_convert("UTC")
    try:
        nanos = array.as_unit("ns").asi8
    except (OverflowError, ValueError):  # before 1677 or after 2262: not in int64 nanoseconds
        return [_iso(t) for t in times]
    seconds, fraction = np.divmod(nanos, _SECOND)
    base = np.datetime_as_string(seconds.astype("datetime64[s]"), unit="s").tolist()
    out = []
    for text, frac in zip(base, fraction.tolist()):
        if frac == 0:
            out.append(text + "+00:00")
        elif frac % 1000:
            out.append(f"{text}.{frac:09d}+00:00")
        else:
            out.append(f"{text}.{frac // 1000:06d}+00:00")
    return out


def preview(policy: Policy | str, images: pd.DataFrame | Iterable[Mapping[str, Any]], as_of: Any, manifests: Manifests | None = None) -> dict[str, Any]:
    """Evaluate ``policy`` on ``images`` at ``as_of`` and describe the outcome as ECR's preview would."""
    pol = as_policy(policy)
    frame = image_frame(images)
    children = manifests.children if manifests is not None else None
    result = evaluate(pol, frame, as_of, children=children)
    acted = result[result["action"].notna()].copy()
    acted["_order"] = frame.loc[acted.index, "pushed_at"]
    acted = acted.sort_values(["account_id", "region", "repository_name", "applied_rule_priority", "_order", "image_digest"], kind="stable")
    # Column by column, then one dict per image: no per-row pandas access (166k acted-on
    # images were 9 s through itertuples and Timestamp.isoformat).
    columns = zip(acted["image_tags"].tolist(), acted["image_digest"].tolist(), iso_column(acted["pushed_at"]),
                  acted["action"].tolist(), acted["applied_rule_priority"].tolist(), acted["storage_class"].tolist())
    previews = [
        {
            "imageTags": list(tags) if isinstance(tags, (tuple, list)) else [],
            "imageDigest": digest,
            "imagePushedAt": pushed,
            "action": {"type": action, "targetStorageClass": "ARCHIVE"} if action == "TRANSITION" else {"type": action},
            "appliedRulePriority": int(priority),
            "storageClass": storage,
        }
        for tags, digest, pushed, action, priority, storage in columns
    ]
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
