"""`GetLifecyclePolicyPreview`-shaped output for an offline evaluation, plus `reclaimableBytes`.

The shape follows botocore's ECR model: ``previewResults[]`` lists only the images an action
applies to, ``summary.transitioningImageTotalCounts`` appears only when something transitions.
Results are ordered by repository, applied rule priority, then oldest push first. Every number
in the document is a Python int (`lifecycle preview` writes it without looking for floats).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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
    whole = np.datetime_as_string(seconds.astype("datetime64[s]"), unit="s")
    if not fraction.any():  # whole seconds, as the AWS CLI prints them: one numpy concatenation
        return np.char.add(whole, "+00:00").tolist()
    base = whole.tolist()
    out = []
    for text, frac in zip(base, fraction.tolist()):
        if frac == 0:
            out.append(text + "+00:00")
        elif frac % 1000:
            out.append(f"{text}.{frac:09d}+00:00")
        else:
            out.append(f"{text}.{frac // 1000:06d}+00:00")
    return out


_ORDER = ("account_id", "region", "repository_name", "applied_rule_priority", "pushed_at", "image_digest")


def _result_order(result: pd.DataFrame) -> np.ndarray:
    """Rows acted on, ordered by repository, applied rule priority, oldest push, then digest.

    One stable Arrow sort over the acted-on rows (0.2 s for pandas' sort_values on 166k rows,
    which factorises every string key first); anything Arrow cannot take as it stands (mixed
    or non-string keys in a caller's frame) is sorted by pandas, as before."""
    rows = np.flatnonzero(np.asarray(result["action"].notna(), dtype=bool))
    try:
        keys = pa.table({col: _arrow_key(result[col], rows) for col in _ORDER})
        return rows[pc.sort_indices(keys, sort_keys=[(col, "ascending") for col in _ORDER]).to_numpy()]
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        return result.iloc[rows].sort_values(list(_ORDER), kind="stable").index.to_numpy()


def _arrow_key(series: pd.Series, rows: np.ndarray) -> pa.Array:
    """`series[rows]` as Arrow: strings, integers and times keep their order, missing values
    become nulls (sorted last, as pandas sorts them)."""
    if series.dtype == object:
        return pa.array(series.to_numpy()[rows], from_pandas=True)
    return pa.array(series.array).take(pa.array(rows))


def preview(policy: Policy | str, images: pd.DataFrame | Iterable[Mapping[str, Any]], as_of: Any, manifests: Manifests | None = None) -> dict[str, Any]:
    """Evaluate ``policy`` on ``images`` at ``as_of`` and describe the outcome as ECR's preview would."""
    pol = as_policy(policy)
    frame = image_frame(images)
    children = manifests.children if manifests is not None else None
    result = evaluate(pol, frame, as_of, children=children)
    order = _result_order(result)
    actions = result["action"].take(order).tolist()
    # Column by column, then one dict per image: no per-row pandas access (166k acted-on
    # images were 9 s through itertuples and Timestamp.isoformat).
    columns = zip(result["image_tags"].take(order).tolist(), result["image_digest"].take(order).tolist(),
                  iso_column(result["pushed_at"].take(order)), actions,
                  result["applied_rule_priority"].take(order).tolist(), result["storage_class"].take(order).tolist())
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
    expiring = actions.count("EXPIRE")
    transitioning = actions.count("TRANSITION")
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
