"""Reclaimable bytes per repository: what the evaluated actions free, naive and exact.

*Naive* adds up ``imageSizeInBytes`` of the images acted on. It over-counts: layers shared with
images that stay are not freed, and a manifest list's size is the largest child's, which is
counted again for each child. *Exact* (needs every image's manifest in the repository) counts each
blob once, and only if no image that remains in the repository references it:

* ``expiring_bytes_exact``: blobs referenced by an expiring image and by no image that stays
  (images transitioned to archive stay);
* ``transitioning_bytes_exact``: blobs referenced by a transitioning image and by no image that
  stays in standard storage (they leave standard storage).

Manifest and index documents themselves are a few KB and are not counted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .frame import KEY_COLUMNS
from .manifests import Manifests

PER_REPO_COLUMNS = (
    *KEY_COLUMNS,
    "images_total",
    "images_expiring",
    "images_transitioning",
    "expiring_bytes_naive",
    "expiring_archive_bytes_naive",
    "transitioning_bytes_naive",
    "expiring_bytes_exact",
    "transitioning_bytes_exact",
    "exact_available",
)


def reclaimable(result: pd.DataFrame, manifests: Manifests | None = None) -> pd.DataFrame:
    """Per repository byte figures for an evaluation ``result`` (output of `evaluate`)."""
    df = result[[*KEY_COLUMNS, "image_digest", "size_bytes", "image_status", "action"]].copy()
    df["action"] = df["action"].astype(object)
    expiring = df["action"] == "EXPIRE"
    transitioning = df["action"] == "TRANSITION"
    df["e"] = expiring
    df["t"] = transitioning
    df["e_bytes"] = np.where(expiring, df["size_bytes"], 0)
    df["ea_bytes"] = np.where(expiring & (df["image_status"] != "ACTIVE"), df["size_bytes"], 0)
    df["t_bytes"] = np.where(transitioning, df["size_bytes"], 0)
    keys = list(KEY_COLUMNS)
    per = df.groupby(keys, sort=True, dropna=False).agg(
        images_total=("image_digest", "size"),
        images_expiring=("e", "sum"),
        images_transitioning=("t", "sum"),
        expiring_bytes_naive=("e_bytes", "sum"),
        expiring_archive_bytes_naive=("ea_bytes", "sum"),
        transitioning_bytes_naive=("t_bytes", "sum"),
    ).reset_index()
    exact = _exact(df, manifests) if manifests is not None else None
    if exact is None:
        per["expiring_bytes_exact"] = pd.array([pd.NA] * len(per), dtype="Int64")
        per["transitioning_bytes_exact"] = pd.array([pd.NA] * len(per), dtype="Int64")
        per["exact_available"] = False
    else:
        per = per.merge(exact, on=keys, how="left")
        per["exact_available"] = per["exact_available"].fillna(False).astype(bool)
        for col in ("expiring_bytes_exact", "transitioning_bytes_exact"):
            per[col] = per[col].astype("Int64").where(per["exact_available"], pd.NA)
    for col in PER_REPO_COLUMNS[3:9]:
        if col in per and per[col].dtype != "Int64":
            per[col] = per[col].astype("int64")
    return per[list(PER_REPO_COLUMNS)]


def _exact(df: pd.DataFrame, manifests: Manifests) -> pd.DataFrame:
    keys = list(KEY_COLUMNS)
    known = manifests.known[[*keys, "image_digest"]].drop_duplicates().assign(_known=True)
    cover = df.merge(known, on=[*keys, "image_digest"], how="left")
    available = cover.groupby(keys, dropna=False)["_known"].agg(lambda s: bool(s.notna().all())).rename("exact_available")
    blobs = manifests.blobs.merge(df[[*keys, "image_digest", "e", "t", "image_status"]], on=[*keys, "image_digest"], how="inner")
    if blobs.empty:
        out = available.reset_index()
        out["expiring_bytes_exact"] = 0
        out["transitioning_bytes_exact"] = 0
        return out
    stays = ~blobs["e"]
    blobs["stays"] = stays
    blobs["stays_standard"] = stays & ~blobs["t"] & (blobs["image_status"] != "ARCHIVED")
    per_blob = blobs.groupby([*keys, "blob_digest"], dropna=False).agg(
        size=("blob_size", "max"), e=("e", "any"), t=("t", "any"), stays=("stays", "any"), stays_standard=("stays_standard", "any")
    )
    per_blob["exp"] = np.where(per_blob["e"] & ~per_blob["stays"], per_blob["size"], 0)
    per_blob["tra"] = np.where(per_blob["t"] & ~per_blob["stays_standard"], per_blob["size"], 0)
    sums = per_blob.groupby(level=keys, dropna=False)[["exp", "tra"]].sum()
    sums.columns = ["expiring_bytes_exact", "transitioning_bytes_exact"]
    out = available.to_frame().join(sums, how="left").fillna({"expiring_bytes_exact": 0, "transitioning_bytes_exact": 0})
    return out.reset_index()


def totals(per_repo: pd.DataFrame) -> dict[str, int | None]:
    """Fleet totals of `reclaimable`'s figures; exact totals are None unless every repository has them."""
    out: dict[str, int | None] = {c: int(per_repo[c].sum()) for c in PER_REPO_COLUMNS[3:9]}
    all_exact = bool(len(per_repo)) and bool(per_repo["exact_available"].all())
    for col in ("expiring_bytes_exact", "transitioning_bytes_exact"):
        out[col] = int(per_repo[col].sum()) if all_exact else None
    return out
