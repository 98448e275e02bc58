"""The lifecycle concern's tables: the snapshot tables built from the recorded calls, and the
schemas of its result tables.

Snapshot tables: the registries' pull-time update exclusions, what BatchGetImage returned
(`image_manifests`), how much of it was read (`lifecycle_registries`), and AWS's own preview
(`lifecycle_aws_preview`). Result tables: `lifecycle` (one row per repository and scenario),
`lifecycle_actions` (one row per acted-on image and scenario) and `lifecycle_lint`.

`lifecycle_actions` is a contract read by the Inspector concern, which runs after this one:
keep its column names. `lifecycle_lint` keeps each warning twice: `message`, the English a
person reads, and the fact it was said from, `message_id` (the English template, which the
report's catalogs translate) and `message_params` (its parameters as compact JSON with sorted
keys; `reports.text.from_fact(message_id, message_params)` says the message again).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Mapping

import pandas as pd

from ..concern import TableSpec
from ..normalize import Tuples
from ..schema import BOOL, INT, STR, UNIT_KEY
from .awsjson import AwsJsonError, manifest_refs

REPO_KEY = {**UNIT_KEY, "repository_name": STR}
FLOAT = "float64"

# --- snapshot tables ---------------------------------------------------------------------------

PULL_TIME_UPDATE_EXCLUSIONS = {**UNIT_KEY, "principal_arn": STR}
LIFECYCLE_REGISTRIES = {
    **UNIT_KEY,
    # Every page of ListPullTimeUpdateExclusions was read (<NA>: never called; False: failed).
    "pull_time_exclusions_read": BOOL,
    "pull_time_exclusion_count": INT,
    "manifests_requested": INT,  # image ids sent to BatchGetImage
    "manifests_read": INT,  # manifests returned
    "manifests_failed": INT,  # failures[] entries plus ids of failed calls
}
IMAGE_MANIFESTS = {
    **REPO_KEY,
    "image_digest": STR,
    "kind": STR,  # BLOB (a layer or config the image references) | CHILD (a manifest list's entry) | READ
    "ref_digest": STR,
    "size_bytes": INT,  # BLOB: compressed size; <NA> otherwise
}
LIFECYCLE_AWS_PREVIEW = {
    **REPO_KEY,
    "preview_status": STR,  # IN_PROGRESS | COMPLETE | EXPIRED | FAILED (GetLifecyclePolicyPreview)
    "image_digest": STR,  # <NA> on the one row per repository that carries only the status
    "action": STR,  # EXPIRE | TRANSITION
    "applied_rule_priority": INT,
}

# --- result tables -----------------------------------------------------------------------------

LIFECYCLE = {
    **REPO_KEY,
    "scenario": STR,  # current | proposed
    # current: PRESENT | ABSENT | UNKNOWN (not collected) | INVALID (text not accepted here)
    # proposed: PROPOSED (the proposal applies) | KEPT (own policy kept) | UNKNOWN | INVALID
    "policy_status": STR,
    "created_by_pull_through_cache": BOOL,
    "images_total": INT,
    "stored_bytes": INT,  # naive sum of imageSizeInBytes of every image in the repository
    "images_expiring": INT,
    "bytes_expiring": INT,  # naive: sum of imageSizeInBytes of the expiring images
    "bytes_expiring_exact": INT,  # layers no remaining image references; <NA> without manifests
    "bytes_expiring_from_archive": INT,  # naive bytes of expiring images already in archive
    "images_transitioning": INT,
    "bytes_transitioning": INT,  # naive
    "bytes_transitioning_exact": INT,
    "exact_available": BOOL,
    "manifest_lists": INT,  # images whose manifest is a manifest list / image index
    "images_held_by_manifest_list": INT,  # a rule hit them, but a manifest list that stays holds them
    # naive figures in a repository with manifest lists: their children could not be recognised
    # (no manifests), so images AWS would hold may be counted: an upper bound
    "upper_bound": BOOL,
    "bytes_basis": STR,  # exact | naive: which bytes the dollars use
    "monthly_usd_saved": FLOAT,
    "archive_commitment_usd": FLOAT,  # the 90-day archive minimum of the bytes transitioned
    "lint_warnings": INT,
    "partial": BOOL,  # the repository's images could not all be read
}
LIFECYCLE_ACTIONS = {  # contract: read by the Inspector concern
    **REPO_KEY,
    "image_digest": STR,
    "scenario": STR,
    "action": STR,  # EXPIRE | TRANSITION
    "applied_rule_priority": INT,
    "size_bytes": "int64",
}
LIFECYCLE_LINT = {
    **REPO_KEY,  # account/region/repository <NA> for warnings about the proposed policy's text
    "scenario": STR,
    "code": STR,
    "rule_priority": INT,
    "message": STR,  # the warning in English, "rule N (priority P): " first when it is about a rule
    "message_id": STR,  # the English template `message` was formatted from (the catalogs' key)
    "message_params": STR,  # its parameters: compact JSON, sorted keys (reports.text.params_json)
}


def table_frame(rows: list[dict[str, Any]], schema: Mapping[str, str]) -> pd.DataFrame:
    """`rows` as a frame with exactly the schema's columns and types (typed columns when empty)."""
    df = pd.DataFrame(rows, columns=list(schema))
    if df.empty:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in schema.items()})
    return df.astype(dict(schema))


def typed_frame(frame: pd.DataFrame | None, schema: Mapping[str, str]) -> pd.DataFrame:
    """`table_frame` of a frame's rows, read column by column rather than as a list of dicts.

    Built from plain values like `table_frame`, not cast in place: a cast keeps the Arrow chunks
    of the columns it came from (the snapshot's), and Parquet's writer, batch by chunk, fills its
    dictionary page at another row: the same table would be other bytes."""
    if frame is None or frame.empty:
        return table_frame([], schema)
    return pd.DataFrame({c: frame[c].tolist() for c in schema}, columns=list(schema)).astype(dict(schema))


# --- snapshot table builders over the recorded calls ------------------------------------------


def _fully_read(calls: list) -> bool | None:
    if not calls:
        return None
    return all(c.ok for c in calls) and not calls[-1].response.get("nextToken")


def _exclusion_rows(index: Any, unit: tuple[str, str]) -> list[dict[str, Any]]:
    rows = []
    for page in index.ok(unit, "ecr", "ListPullTimeUpdateExclusions"):
        for arn in page.get("pullTimeUpdateExclusions") or []:
            rows.append({"account_id": unit[0], "region": unit[1], "principal_arn": arn})
    return rows


def _registry_rows(index: Any, unit: tuple[str, str]) -> list[dict[str, Any]]:
    listing = index.get(unit, "ecr", "ListPullTimeUpdateExclusions")
    read = _fully_read(listing)
    count = sum(len(c.response.get("pullTimeUpdateExclusions") or []) for c in listing if c.ok)
    batch = index.get(unit, "ecr", "BatchGetImage")
    requested = sum(len(c.params.get("imageIds") or []) for c in batch)
    got = sum(len(c.response.get("images") or []) for c in batch if c.ok)
    failed = sum(len(c.response.get("failures") or []) if c.ok else len(c.params.get("imageIds") or []) for c in batch)
    return [{"account_id": unit[0], "region": unit[1], "pull_time_exclusions_read": read,
             "pull_time_exclusion_count": count if read else None,
             "manifests_requested": requested if batch else None,
             "manifests_read": got if batch else None, "manifests_failed": failed if batch else None}]


def _manifest_rows(index: Any, unit: tuple[str, str]) -> Tuples:
    """`image_manifests`: per image whose manifest was read, a READ row, then a BLOB row per
    layer or config it references, or a CHILD row per image of a manifest list (the schema's
    columns in order: ~335k rows at scale 40)."""
    account, region = unit
    rows: list[tuple[Any, ...]] = []
    seen: set[tuple[str, str]] = set()
    for call in index.get(unit, "ecr", "BatchGetImage"):
        if not call.ok:
            continue
        repo = call.params.get("repositoryName")
        for item in call.response.get("images") or []:
            repository = str(item.get("repositoryName") or repo or "")
            try:
                refs = manifest_refs(item)
            except AwsJsonError:
                continue  # unreadable manifest: the image stays unknown, exact bytes unavailable
            if refs is None or (repository, refs[0]) in seen:
                continue
            digest, blobs, children = refs
            seen.add((repository, digest))
            rows.append((account, region, repository, digest, "READ", None, None))
            rows.extend([(account, region, repository, digest, "BLOB", blob, size) for blob, size in blobs])
            rows.extend([(account, region, repository, digest, "CHILD", child, None) for child in children])
    return Tuples(rows)


def _preview_rows(index: Any, unit: tuple[str, str]) -> list[dict[str, Any]]:
    """AWS's own preview results: the last complete poll and its pages, per repository."""
    by_repo: dict[str, list] = defaultdict(list)
    for call in index.get(unit, "ecr", "GetLifecyclePolicyPreview"):
        if call.ok:
            by_repo[str(call.params.get("repositoryName"))].append(call)
    rows = []
    for repo, calls in sorted(by_repo.items()):
        status = calls[-1].response.get("status")
        rows.append({"account_id": unit[0], "region": unit[1], "repository_name": repo, "preview_status": status,
                     "image_digest": None, "action": None, "applied_rule_priority": None})
        if status != "COMPLETE":
            continue
        for call in calls:
            if call.response.get("status") != "COMPLETE":
                continue
            for res in call.response.get("previewResults") or []:
                rows.append({"account_id": unit[0], "region": unit[1], "repository_name": repo, "preview_status": status,
                             "image_digest": res.get("imageDigest"), "action": (res.get("action") or {}).get("type"),
                             "applied_rule_priority": res.get("appliedRulePriority")})
    return rows


SNAPSHOT_TABLES: dict[str, TableSpec] = {
    "pull_time_update_exclusions": TableSpec(PULL_TIME_UPDATE_EXCLUSIONS, _exclusion_rows),
    "lifecycle_registries": TableSpec(LIFECYCLE_REGISTRIES, _registry_rows),
    "image_manifests": TableSpec(IMAGE_MANIFESTS, _manifest_rows),
    "lifecycle_aws_preview": TableSpec(LIFECYCLE_AWS_PREVIEW, _preview_rows),
}
RESULT_TABLES: dict[str, Mapping[str, str]] = {
    "lifecycle": LIFECYCLE, "lifecycle_actions": LIFECYCLE_ACTIONS, "lifecycle_lint": LIFECYCLE_LINT,
}
