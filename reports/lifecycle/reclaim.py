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

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .codes import any_by, joint_codes, sum_by
from .frame import KEY_COLUMNS, is_value
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


def reclaimable(result: pd.DataFrame, manifests: Manifests | None = None, *,
                codes: ImageCodes | None = None) -> pd.DataFrame:
    """Per repository byte figures for an evaluation ``result`` (output of `evaluate`), one row per
    repository in key order. ``codes``: `image_codes` of an evaluation of the same images (with
    the same manifests), when several scenarios are counted."""
    codes = codes if codes is not None else image_codes(result, manifests)
    if len(codes.repo) != len(result):
        raise ValueError(f"codes of {len(codes.repo)} images for an evaluation of {len(result)}")
    code, n, size = codes.repo, len(codes.first), codes.size
    e, t = is_value(result["action"], "EXPIRE"), is_value(result["action"], "TRANSITION")
    per = result[list(KEY_COLUMNS)].iloc[codes.first].reset_index(drop=True)
    per["images_total"] = np.bincount(code, minlength=n).astype(np.int64)
    per["images_expiring"] = np.bincount(code, weights=e, minlength=n).astype(np.int64)
    per["images_transitioning"] = np.bincount(code, weights=t, minlength=n).astype(np.int64)
    per["expiring_bytes_naive"] = sum_by(code, np.where(e, size, 0), n)
    per["expiring_archive_bytes_naive"] = sum_by(code, np.where(e & ~codes.active, size, 0), n)
    per["transitioning_bytes_naive"] = sum_by(code, np.where(t, size, 0), n)
    if codes.blobs is None:
        per["expiring_bytes_exact"] = pd.array([pd.NA] * n, dtype="Int64")
        per["transitioning_bytes_exact"] = pd.array([pd.NA] * n, dtype="Int64")
        per["exact_available"] = False
    else:
        available = codes.blobs.available
        exp, tra = _exact(codes.blobs, e, t, codes.archived, n)
        per["expiring_bytes_exact"] = pd.arrays.IntegerArray(exp, ~available)
        per["transitioning_bytes_exact"] = pd.arrays.IntegerArray(tra, ~available)
        per["exact_available"] = available
    return per[list(PER_REPO_COLUMNS)]


@dataclass(frozen=True)
class BlobCodes:
    """The images' manifests, coded: which images were read, and the blobs they reference."""

    pair: np.ndarray
    """Per image: the code of its (repository, digest)."""
    pairs: int
    available: np.ndarray
    """Per repository: every image's manifest was read."""
    blob_pair: np.ndarray
    """Per blob row of an evaluated image: that image's pair."""
    blob: np.ndarray
    """Per blob row of an evaluated image: the code of its (repository, blob digest)."""
    largest: np.ndarray
    """Per blob of a repository: its size (the largest reported)."""
    repo_of: np.ndarray
    """Per blob of a repository: the repository."""


@dataclass(frozen=True)
class ImageCodes:
    """What `reclaimable` reads of an evaluation besides the actions, coded: the same for every
    scenario evaluated on the same images."""

    repo: np.ndarray
    """Per image: its repository's code (repositories in key order)."""
    first: np.ndarray
    """Per repository: its first image's row."""
    size: np.ndarray
    active: np.ndarray
    archived: np.ndarray
    blobs: BlobCodes | None
    """None without manifests (no exact bytes)."""


def image_codes(result: pd.DataFrame, manifests: Manifests | None = None) -> ImageCodes:
    """`ImageCodes` of an evaluation (its key, digest, size and status columns)."""
    (code,) = joint_codes([[result[c] for c in KEY_COLUMNS]], sort=True)  # a repository's code is its row
    n = int(code.max()) + 1 if len(code) else 0
    first = np.full(n, len(code), dtype=np.int64)
    np.minimum.at(first, code, np.arange(len(code)))
    return ImageCodes(code, first, result["size_bytes"].to_numpy(dtype=np.int64),
                      is_value(result["image_status"], "ACTIVE"), is_value(result["image_status"], "ARCHIVED"),
                      _blob_codes(result, code, n, manifests) if manifests is not None else None)


def _blob_codes(result: pd.DataFrame, repo: np.ndarray, n: int, manifests: Manifests) -> BlobCodes:
    """The joins of the images with their manifests, on integer codes of (repository, digest)."""
    image_key = [result[c] for c in (*KEY_COLUMNS, "image_digest")]
    known_key = [manifests.known[c] for c in (*KEY_COLUMNS, "image_digest")]
    blob_key = [manifests.blobs[c] for c in (*KEY_COLUMNS, "image_digest")]
    pair, known_pair, blob_pair = joint_codes([image_key, known_key, blob_key])
    m = int(max(pair.max(initial=-1), known_pair.max(initial=-1), blob_pair.max(initial=-1))) + 1
    is_known = np.zeros(m, dtype=bool)
    is_known[known_pair] = True
    available = ~any_by(repo, ~is_known[pair], n)
    pair_repo = np.full(m, -1, dtype=np.int64)
    pair_repo[pair] = repo
    on_image = pair_repo[blob_pair] >= 0  # the inner join: blobs of the images evaluated
    blob_pair = blob_pair[on_image]
    blob_repo = pair_repo[blob_pair]
    digest, _ = pd.factorize(manifests.blobs["blob_digest"], use_na_sentinel=False)
    blob_size = manifests.blobs["blob_size"].to_numpy()[on_image].astype(np.int64)
    blob, _ = pd.factorize(blob_repo * max(int(digest.max(initial=0)) + 1, 1) + np.asarray(digest, dtype=np.int64)[on_image])
    k = int(blob.max()) + 1 if len(blob) else 0
    largest = np.full(k, np.iinfo(np.int64).min, dtype=np.int64)
    np.maximum.at(largest, blob, blob_size)
    repo_of = np.zeros(k, dtype=np.int64)
    repo_of[blob] = blob_repo
    return BlobCodes(pair, m, available, blob_pair, blob, largest, repo_of)


def _exact(codes: BlobCodes, e: np.ndarray, t: np.ndarray, archived: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Per repository: expiring and transitioning exact bytes."""
    # An image (pair) stays, or stays in standard storage, when any of its rows does (a merge
    # with duplicate image rows would count each: `any` is the same either way).
    stays = ~e
    flags = {name: any_by(codes.pair, f, codes.pairs) for name, f in (
        ("e", e), ("t", t), ("stays", stays), ("standard", stays & ~t & ~archived))}
    # One blob of one repository: whether any image referencing it expires, stays ...
    k = len(codes.largest)
    per_blob = {name: any_by(codes.blob, f[codes.blob_pair], k) for name, f in flags.items()}
    exp = sum_by(codes.repo_of, np.where(per_blob["e"] & ~per_blob["stays"], codes.largest, 0), n)
    tra = sum_by(codes.repo_of, np.where(per_blob["t"] & ~per_blob["standard"], codes.largest, 0), n)
    return exp, tra


def totals(per_repo: pd.DataFrame) -> dict[str, int | None]:
    """Fleet totals of `reclaimable`'s figures; exact totals are None unless every repository has them."""
    out: dict[str, int | None] = {c: int(per_repo[c].sum()) for c in PER_REPO_COLUMNS[3:9]}
    all_exact = bool(len(per_repo)) and bool(per_repo["exact_available"].all())
    for col in ("expiring_bytes_exact", "transitioning_bytes_exact"):
        out[col] = int(per_repo[col].sum()) if all_exact else None
    return out
