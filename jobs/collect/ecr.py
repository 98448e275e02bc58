"""Read what scan coverage and compliance need from Amazon ECR, for one unit.

Bulk calls first (registry, scanning configuration, repositories, images at 1000 a page);
per-repository calls only where ECR has no bulk form (lifecycle policy, DescribeImages is
per repository), and per-image calls only for basic findings, bounded by the configured scope.
The responses themselves are kept by the evidence recorder; this module only reads the few
fields it needs to decide what to call next.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable

import pandas as pd

from ...reports.coverage import SCOPE_COLUMNS, BasicFindingsScope
from ...reports.normalize import image_rows
from ...reports.schema import ALL_TABLES, conform
from .context import UnitContext, parallel_map

DESCRIBE_IMAGES_PAGE = 1000  # the API maximum
DESCRIBE_REPOSITORIES_PAGE = 1000
SCAN_CONFIG_BATCH = 25  # BatchGetRepositoryScanningConfiguration: at most 25 names a call
SCOPE_SCHEMA = {c: ALL_TABLES["images"][c] for c in SCOPE_COLUMNS}


def collect_registry(ctx: UnitContext, workers: int = 1) -> str | None:
    """Registry-wide settings (three independent calls); returns the registry's scan type (None when unknown)."""
    _, scanning, _ = ctx.side_by_side([
        lambda: ctx.call("ecr", "DescribeRegistry"),
        lambda: ctx.call("ecr", "GetRegistryScanningConfiguration"),
        lambda: ctx.call("ecr", "GetAccountSetting", name="BASIC_SCAN_TYPE_VERSION"),
    ], workers)
    if scanning is None:
        return None
    return scanning.get("scanningConfiguration", {}).get("scanType", "BASIC")


def collect_repositories(ctx: UnitContext) -> list[str]:
    names: list[str] = []
    for page in ctx.pages("ecr", "DescribeRepositories", maxResults=DESCRIBE_REPOSITORIES_PAGE):
        names.extend(r["repositoryName"] for r in page.get("repositories", []))
    return names


def collect_repository_scan_config(ctx: UnitContext, names: list[str]) -> None:
    for batch in _chunks(names, SCAN_CONFIG_BATCH):
        ctx.call("ecr", "BatchGetRepositoryScanningConfiguration", repositoryNames=batch,
                 about=f"{len(batch)} repositories from {batch[0]}")


def collect_per_repository(ctx: UnitContext, names: list[str], workers: int) -> dict[str, list[dict[str, Any]]]:
    """Lifecycle policy and every image (archived included) of each repository.

    The two reads of a repository do not depend on each other: they are separate items of one
    fan-out (a repository's policy, then its images, in the order a one-thread run asks them)."""

    def one(item: tuple[str, str]) -> list[dict[str, Any]]:
        name, what = item
        if what == "policy":
            ctx.call("ecr", "GetLifecyclePolicy", repositoryName=name,
                     expected=("LifecyclePolicyNotFoundException",), about=name)
            return []
        details: list[dict[str, Any]] = []
        for page in ctx.pages("ecr", "DescribeImages", about=name, repositoryName=name,
                              maxResults=DESCRIBE_IMAGES_PAGE, filter={"imageStatus": "ANY"}):
            details.extend(page.get("imageDetails", []))
        return details

    items = [(name, what) for name in names for what in ("policy", "images")]
    return {name: details for (name, what), details in zip(items, parallel_map(one, items, workers))
            if what == "images"}


def collect_basic_findings(ctx: UnitContext, images_by_repo: dict[str, list[dict[str, Any]]],
                           scope: BasicFindingsScope, as_of: datetime, workers: int) -> int:
    """DescribeImageScanFindings for the images in scope; returns how many were asked for.

    Only the first page is read: the severity counts summarise the whole scan, and the
    per-finding list is not used by the report (maxResults=1 keeps the evidence small).
    """
    targets = [(repo, digest) for repo, digests in _in_scope(images_by_repo, scope, as_of, ctx)
               for digest in digests]

    def one(target: tuple[str, str]) -> None:
        repo, digest = target
        ctx.call("ecr", "DescribeImageScanFindings", repositoryName=repo,
                 imageId={"imageDigest": digest}, maxResults=1,
                 expected=("ScanNotFoundException",), about=f"{repo}@{digest[:19]}")

    list(parallel_map(one, targets, workers))
    return len(targets)


def collect_pull_through_rules(ctx: UnitContext) -> None:
    for _ in ctx.pages("ecr", "DescribePullThroughCacheRules", maxResults=1000):
        pass


def _in_scope(images_by_repo: dict[str, list[dict[str, Any]]], scope: BasicFindingsScope,
              as_of: datetime, ctx: UnitContext) -> Iterable[tuple[str, list[str]]]:
    rows = [row for repo, details in images_by_repo.items()
            for row in image_rows(ctx.account_id, ctx.region, repo, details)]
    if not rows:
        return []
    # The columns the scope reads, with the types the analysis sees (all 22 cost a unit ~4x more).
    frame = conform("images", pd.DataFrame(rows, columns=SCOPE_COLUMNS), SCOPE_SCHEMA)
    chosen = frame[scope.select(frame, as_of).to_numpy()]
    return [(repo, list(group["image_digest"])) for repo, group in chosen.groupby("repository_name", sort=True)]


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]

