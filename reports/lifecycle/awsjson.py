"""Reading what the AWS CLI prints: ``describe-images`` and ``batch-get-image`` JSON.

Timestamps may be ISO 8601 strings (the CLI's default) or epoch seconds as numbers (the raw API
and boto3's JSON form). Anything malformed raises `AwsJsonError` with a one-line reason.
"""

from __future__ import annotations

import json
import operator
from collections.abc import Callable, Iterable
from datetime import datetime
from itertools import chain, repeat
from typing import Any

import numpy as np
import orjson
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .manifests import BLOB_COLUMNS, CHILD_COLUMNS, KNOWN_COLUMNS, Manifests

LIST_MEDIA_TYPES = (
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.index.v1+json",
)


class AwsJsonError(ValueError):
    """The input is not the JSON the AWS CLI prints for this command."""


def parse_timestamp(value: Any, field: str) -> pd.Timestamp:
    """ISO 8601 text or epoch seconds -> UTC timestamp; None stays NaT."""
    if value is None:
        return pd.NaT
    try:
        if isinstance(value, bool):
            raise TypeError
        if isinstance(value, (int, float)):
            return pd.Timestamp(value, unit="s", tz="UTC")
        ts = pd.Timestamp(str(value))
    except (TypeError, ValueError, OverflowError):
        raise AwsJsonError(f"{field}: not an ISO 8601 time or epoch seconds: {value!r}") from None
    if ts is pd.NaT:
        raise AwsJsonError(f"{field}: not an ISO 8601 time or epoch seconds: {value!r}")
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def images_from_describe(doc: Any) -> pd.DataFrame:
    """``aws ecr describe-images`` output (``{"imageDetails": [...]}``) or a bare list -> image frame."""
    details = doc.get("imageDetails") if isinstance(doc, dict) else doc
    if not isinstance(details, list):
        raise AwsJsonError("images: expected an object with \"imageDetails\" or a list of ImageDetail objects")
    if details:
        try:
            return _fast_frame(details)
        except _NotFast:
            pass
    return _frame_row_by_row(details)


class _NotFast(Exception):
    """Input the column-wise reader leaves to the row-by-row one (which names what is wrong)."""


_DETAIL_TIMES = (("pushed_at", "pushed"), ("last_pull_at", "pulled"), ("last_archived_at", "archived"),
                 ("last_activated_at", "activated"))  # frame column, `_fields` name


def _fast_frame(details: list[Any]) -> pd.DataFrame:
    """The same frame as `_frame_row_by_row`, built a column at a time (200k images in well
    under a second instead of ~10 s): the checks stay per row but cheap, and the times are
    parsed by one vectorised call per column. Anything unusual (a check that fails, a time that
    is not ISO 8601 text) raises `_NotFast`, so the row-by-row reader gives the exact answer or
    the exact one-line reason."""
    f = _fields(details)
    # Type checks as sets of types (map(type, ...) runs in C).
    if set(f["type"]) != {dict} or _types(f["digest"]) != {str} or type(None) in _types(f["pushed"]) \
            or not _types(f["tags"]) <= {list} or not _types(chain.from_iterable(f["tags"])) <= {str} \
            or not (size_types := _types(f["size"])) <= {int, float}:
        raise _NotFast
    times = {col: _time_column(f[field]) for col, field in _DETAIL_TIMES}
    return pd.DataFrame({
        "account_id": _text_column(f["registry"], "", str),
        "region": _text_column([""] * len(details)),
        "repository_name": _text_column(f["repository"], "", str),
        "image_digest": _text_column(f["digest"]),
        "image_tags": [tuple(t) for t in f["tags"]],
        "pushed_at": times["pushed_at"],
        "size_bytes": f["size"] if size_types <= {int} else [int(x) for x in f["size"]],
        "last_pull_at": times["last_pull_at"],
        "image_status": _text_column(f["status"], "ACTIVE"),
        "last_archived_at": times["last_archived_at"],
        "last_activated_at": times["last_activated_at"],
        "subject_digest": _text_column(f["subject"]),
        "manifest_media_type": _text_column(f["manifest_type"]),
        "artifact_media_type": _text_column(f["artifact_type"]),
    })


_FIELDS = ("type", "digest", "pushed", "tags", "size", "registry", "repository", "status", "subject",
           "manifest_type", "artifact_type", "pulled", "archived", "activated")
_BLOCK = 1024


def _fields(details: list[Any]) -> dict[str, list[Any]]:
    """Each ImageDetail field (named as in `_FIELDS`) as a list, read in one pass over the
    images: 200k dicts do not fit in the CPU's caches, and one pass per field cost 0.04 s a
    field. A block of rows is transposed while it is still in the cache."""
    columns: list[list[Any]] = [[] for _ in _FIELDS]
    try:
        for start in range(0, len(details), _BLOCK):
            rows = [(type(d), d.get("imageDigest"), d.get("imagePushedAt"), d.get("imageTags") or [],
                     d.get("imageSizeInBytes", 0), d.get("registryId"), d.get("repositoryName"), d.get("imageStatus"),
                     d.get("subjectManifestDigest"), d.get("imageManifestMediaType"), d.get("artifactMediaType"),
                     d.get("lastRecordedPullTime"), d.get("lastArchivedAt"), d.get("lastActivatedAt"))
                    for d in details[start : start + _BLOCK]]
            for column, part in zip(columns, zip(*rows)):
                column.extend(part)
    except AttributeError:  # an entry without .get: not an object
        raise _NotFast from None
    return dict(zip(_FIELDS, columns))


def _types(values: Iterable[Any]) -> set[type]:
    return set(map(type, values))


_STR = pd.Series(["text"]).dtype  # what pandas makes of a column of strings: str, or object before pandas 3


def _text_column(values: list[Any], falsy: str | None = None, convert: Callable[[Any], str] | None = None) -> Any:
    """The column pandas builds from `values`, each value `v` taken as `v or falsy` when `falsy`
    is given (and as `convert(v or falsy)` when pandas, not Arrow, builds it). Built through
    Arrow when every value is text or None: pandas' own inference converted each string column
    three times (a third of the reader's time at 200k images). pa.array is the type check: it
    refuses every JSON value but text and null (bytes, which it would take, are not JSON)."""
    if isinstance(_STR, pd.StringDtype):
        try:
            text = pa.array(values, type=pa.large_string())
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            text = None  # numbers, lists...: pandas decides, as before
        if text is not None and falsy is not None:
            empty = pc.fill_null(pc.equal(text, ""), True)
            return pd.array(pc.if_else(empty, pa.scalar(falsy, pa.large_string()), text), dtype=_STR)
        if text is not None and text.null_count < len(text):  # all None: pandas keeps objects
            return pd.array(text, dtype=_STR)
    if falsy is not None:
        values = [v or falsy for v in values]
    return values if convert is None else [convert(v) for v in values]


def _time_column(values: list[Any]) -> pd.Series:
    """ISO 8601 texts and None -> a UTC datetime column, valued and typed as the row-by-row
    reader's `pd.to_datetime(<column of parse_timestamp results>, utc=True)` would be: NaT for
    None, the resolution the parsed times need (at least microseconds; seconds when all NaT)."""
    # Missing values by identity, as `v is not None`, in C (no per-value Python code)
    present = np.flatnonzero(np.fromiter(map(operator.is_not, values, repeat(None)), dtype=bool, count=len(values)))
    if not len(present):
        return pd.Series(pd.to_datetime(pd.Series([pd.NaT] * len(values)), utc=True))
    texts = np.fromiter(values, dtype=object, count=len(values))
    if len(present) < len(values):
        texts = texts[present]
    if _types(texts) != {str}:
        # botocore's datetimes (the collector's live answers): the text parse_timestamp reads
        if not all(isinstance(v, datetime) for v in texts):
            raise _NotFast  # epoch numbers (rare in CLI output): parsed one by one, as before
        texts = np.array([str(v) for v in texts], dtype=object)
    try:
        parsed = pd.to_datetime(pd.Series(texts, dtype=object), utc=True, format="ISO8601")
    except (TypeError, ValueError, OverflowError):
        raise _NotFast from None
    if parsed.isna().any():
        raise _NotFast
    unit = "ns" if parsed.dtype.unit == "ns" else "us"
    if len(present) == len(values):
        return parsed.astype(f"datetime64[{unit}, UTC]")
    # NaT where None; numpy datetime64 throughout (a tz-aware to_numpy() would box every value)
    naive = np.full(len(values), np.datetime64("NaT"), dtype=f"datetime64[{unit}]")
    naive[present] = parsed.dt.tz_localize(None).to_numpy(dtype=f"datetime64[{unit}]")
    return pd.Series(naive).dt.tz_localize("UTC")


def _frame_row_by_row(details: list[Any]) -> pd.DataFrame:
    rows = []
    for i, d in enumerate(details):
        if not isinstance(d, dict):
            raise AwsJsonError(f"imageDetails[{i}]: expected an object")
        if not isinstance(d.get("imageDigest"), str):
            raise AwsJsonError(f"imageDetails[{i}]: imageDigest is required")
        if d.get("imagePushedAt") is None:
            raise AwsJsonError(f"imageDetails[{i}]: imagePushedAt is required")
        tags = d.get("imageTags") or []
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise AwsJsonError(f"imageDetails[{i}]: imageTags must be a list of strings")
        size = d.get("imageSizeInBytes", 0)
        if isinstance(size, bool) or not isinstance(size, (int, float)):
            raise AwsJsonError(f"imageDetails[{i}]: imageSizeInBytes must be a number")
        rows.append(
            {
                "account_id": str(d.get("registryId") or ""),
                "region": "",
                "repository_name": str(d.get("repositoryName") or ""),
                "image_digest": d["imageDigest"],
                "image_tags": tuple(tags),
                "pushed_at": parse_timestamp(d["imagePushedAt"], f"imageDetails[{i}].imagePushedAt"),
                "size_bytes": int(size),
                "last_pull_at": parse_timestamp(d.get("lastRecordedPullTime"), f"imageDetails[{i}].lastRecordedPullTime"),
                "image_status": d.get("imageStatus") or "ACTIVE",
                "last_archived_at": parse_timestamp(d.get("lastArchivedAt"), f"imageDetails[{i}].lastArchivedAt"),
                "last_activated_at": parse_timestamp(d.get("lastActivatedAt"), f"imageDetails[{i}].lastActivatedAt"),
                "subject_digest": d.get("subjectManifestDigest"),
                "manifest_media_type": d.get("imageManifestMediaType"),
                "artifact_media_type": d.get("artifactMediaType"),
            }
        )
    frame = pd.DataFrame(rows, columns=None if rows else ["image_digest", "image_tags", "pushed_at"])
    for col in ("pushed_at", "last_pull_at", "last_archived_at", "last_activated_at"):
        if col in frame:
            frame[col] = pd.to_datetime(frame[col], utc=True)
    return frame


def manifest_records(item: Any, where: str = "image") -> tuple[list[dict], list[dict], list[dict]]:
    """One BatchGetImage `images[]` entry -> (blob rows, child rows, known-image rows).

    Plain records, no DataFrames (`manifest_refs` as rows with the entry's registry and
    repository). Raises AwsJsonError for an entry that is not a readable manifest.
    """
    refs = manifest_refs(item, where)
    if refs is None:
        return [], [], []
    digest, blobs, children = refs
    key = {"account_id": str(item.get("registryId") or ""), "region": "",
           "repository_name": str(item.get("repositoryName") or "")}
    return ([{**key, "image_digest": digest, "blob_digest": blob, "blob_size": size} for blob, size in blobs],
            [{**key, "parent_digest": digest, "child_digest": child} for child in children],
            [{**key, "image_digest": digest}])


def manifest_refs(item: Any, where: str = "image") -> tuple[str, list[tuple[str, int]], list[str]] | None:
    """What one BatchGetImage `images[]` entry says of its image: (its digest, the (digest, size)
    of every blob it references, the digest of every child of a manifest list), or None when its
    bytes stay unknown (schema 1, or sizes missing). The fleet-wide normaliser calls this once
    per image. Raises AwsJsonError for an entry that is not a readable manifest."""
    if not isinstance(item, dict):
        raise AwsJsonError(f"{where}: expected an object")
    digest = (item.get("imageId") or {}).get("imageDigest")
    if not isinstance(digest, str):
        raise AwsJsonError(f"{where}: imageId.imageDigest is required")
    text = item.get("imageManifest") or ""
    refs = _refs(item, digest, _manifest_object(text, where, _fast_loads))
    if refs is _SIZE_NOT_INT and type(text) is str:
        # orjson reads an integer beyond 64 bits as a float, where json keeps the integer: the
        # only number read here is a blob's size, so json reads this manifest again.
        refs = _refs(item, digest, _manifest_object(text, where, json.loads))
    return None if refs is _SIZE_NOT_INT else refs  # type: ignore[return-value]


def _fast_loads(text: Any) -> Any:
    """json.loads through orjson for text (47k manifests at scale 40), which gives the same
    objects for what it reads but for integers beyond 64 bits (see `manifest_refs`); what it
    refuses (NaN literals, lone surrogates, not text) goes to json."""
    if type(text) is str:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass
    return json.loads(text)


def _manifest_object(text: Any, where: str, loads: Callable[[Any], Any]) -> dict:
    try:
        manifest = loads(text)
    except (json.JSONDecodeError, TypeError):
        raise AwsJsonError(f"{where}: imageManifest is not a JSON document") from None
    if not isinstance(manifest, dict):
        raise AwsJsonError(f"{where}: imageManifest is not a JSON object")
    return manifest


_SIZE_NOT_INT = object()


def _refs(item: dict, digest: str, manifest: dict) -> tuple[str, list[tuple[str, int]], list[str]] | None | object:
    media = manifest.get("mediaType") or item.get("imageManifestMediaType")
    if "manifests" in manifest or media in LIST_MEDIA_TYPES:
        children = [child["digest"] for child in manifest.get("manifests") or []
                    if isinstance(child, dict) and isinstance(child.get("digest"), str)]
        return digest, [], children
    entries = [manifest.get("config")] + list(manifest.get("layers") or []) + list(manifest.get("blobs") or [])
    blobs = []
    for entry in entries:  # those with a digest are the blobs; each must have an integer size
        if isinstance(entry, dict) and isinstance(blob := entry.get("digest"), str):
            size = entry.get("size")
            if not isinstance(size, int):
                return _SIZE_NOT_INT  # this image's bytes stay unknown
            blobs.append((blob, int(size)))
    if not blobs and "fsLayers" in manifest:
        return None  # schema 1: no sizes
    return digest, blobs, []


def manifests_from_batch_get(doc: Any) -> Manifests:
    """``aws ecr batch-get-image`` output -> blobs, manifest-list children and known images."""
    images = doc.get("images") if isinstance(doc, dict) else doc
    if not isinstance(images, list):
        raise AwsJsonError("manifests: expected an object with \"images\" (aws ecr batch-get-image output)")
    blobs, children, known = [], [], []
    for i, item in enumerate(images):
        item_blobs, item_children, item_known = manifest_records(item, f"images[{i}]")
        blobs.extend(item_blobs)
        children.extend(item_children)
        known.extend(item_known)
    return Manifests(
        pd.DataFrame(blobs, columns=list(BLOB_COLUMNS)).astype({"blob_size": "int64"}),
        pd.DataFrame(children, columns=list(CHILD_COLUMNS)),
        pd.DataFrame(known, columns=list(KNOWN_COLUMNS)).drop_duplicates(),
    )
