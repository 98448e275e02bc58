"""The evaluator's input table: images as a pandas frame with known columns and types.

Accepts the snapshot's ``images`` frame (reports/schema.py) or plain records (dicts). Missing
optional columns get their "unknown" value, so a minimal frame of digest, tags, push time and
size is enough to evaluate a policy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

KEY_COLUMNS = ("account_id", "region", "repository_name")
REQUIRED = ("image_digest", "image_tags", "pushed_at")
TIME_COLUMNS = ("pushed_at", "last_pull_at", "last_archived_at", "last_activated_at")
DEFAULTS: dict[str, Any] = {
    "account_id": "",
    "region": "",
    "repository_name": "",
    "size_bytes": 0,
    "last_pull_at": pd.NaT,
    "image_status": "ACTIVE",
    "last_archived_at": pd.NaT,
    "last_activated_at": pd.NaT,
    "subject_digest": None,
    "manifest_media_type": None,
}
NAT = np.iinfo(np.int64).min  # how pandas stores NaT in int64 nanoseconds


class ImageInputError(ValueError):
    """The images table lacks a required column or has an unusable value."""


def image_frame(images: pd.DataFrame | Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Return the images as a frame with every evaluator column, index 0..n-1, input order kept.

    A frame that already has the columns and types is passed through without copying (pandas
    copy-on-write): a million-row snapshot must not be rebuilt just to be read.
    """
    df = images if isinstance(images, pd.DataFrame) else pd.DataFrame(list(images))
    n = len(df)
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing and n:
        raise ImageInputError(f"images lack required columns: {', '.join(missing)}")
    if not isinstance(df.index, pd.RangeIndex) or df.index.start != 0 or df.index.step != 1:
        df = df.reset_index(drop=True)
    add = {}
    for col in (*KEY_COLUMNS, *REQUIRED, *DEFAULTS):
        if col not in df.columns:
            value = DEFAULTS.get(col)
            add[col] = np.full(n, value, dtype=object) if isinstance(value, str) else pd.Series([value] * n, dtype=object)
    if add:
        df = df.assign(**add)
    fixes = {}
    for col in TIME_COLUMNS:
        series = df[col]
        if not isinstance(series.dtype, pd.DatetimeTZDtype) or str(series.dtype.tz) != "UTC":
            try:
                fixes[col] = pd.to_datetime(series, utc=True, format="ISO8601") if series.dtype == object else pd.to_datetime(series, utc=True)
            except (ValueError, TypeError) as exc:
                raise ImageInputError(f"column {col}: {exc}") from None
    for col in KEY_COLUMNS:
        if df[col].isna().any():
            fixes[col] = df[col].fillna("")
    if df["size_bytes"].dtype != np.int64:
        try:
            fixes["size_bytes"] = pd.to_numeric(df["size_bytes"]).fillna(0).astype("int64")
        except (ValueError, TypeError) as exc:
            raise ImageInputError(f"column size_bytes: {exc}") from None
    if fixes:
        df = df.assign(**fixes)
    if n and df["pushed_at"].isna().any():
        raise ImageInputError("every image needs pushed_at")
    return df


def as_of_ns(as_of: Any) -> int:
    """The evaluation instant as int64 nanoseconds; naive values are taken as UTC."""
    ts = pd.Timestamp(as_of)
    if ts is pd.NaT:
        raise ValueError("as_of is required")
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return int(ts.as_unit("ns").value)


def ns(series: pd.Series) -> np.ndarray:
    """UTC timestamps as int64 nanoseconds since the epoch; NaT is `NAT`."""
    return series.array.as_unit("ns").asi8


def tag_lists(series: pd.Series) -> pa.ListArray:
    """The ``image_tags`` column as an Arrow list<string> array (None: no tags)."""
    values = series.to_numpy()
    try:
        return pa.array(values, type=pa.list_(pa.string()), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        clean = [tuple(v) if isinstance(v, (tuple, list, np.ndarray)) else () for v in values]
        try:
            return pa.array(clean, type=pa.list_(pa.string()))
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            raise ImageInputError(f"image_tags must hold tuples of strings: {exc}") from None


def strings(series: pd.Series) -> pa.Array | pa.ChunkedArray:
    """A string column as Arrow, without a copy when pandas already stores it in Arrow."""
    if hasattr(series.array, "__arrow_array__"):
        try:
            return pa.array(series.array).cast(pa.string())
        except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
            pass
    return pa.array(series.to_numpy(dtype=object), type=pa.string(), from_pandas=True)


def is_value(series: pd.Series, value: str) -> np.ndarray:
    """Boolean numpy mask ``series == value`` with missing values False."""
    return np.asarray(series.eq(value).fillna(False), dtype=bool)
