"""Read what the lifecycle analysis needs beyond the foundation's calls, for one unit.

* `ListPullTimeUpdateExclusions` (registry-wide, paged): whether scanners' own pulls may keep
  refreshing `lastRecordedPullTime`, which decides a lint warning on `sinceImagePulled` rules.
* With `[lifecycle] exact_bytes = true`: `BatchGetImage` (100 image ids a call) for every image of
  the repositories whose current or proposed policy acts on at least one image today, so the
  analysis can count the layers really freed. Exact figures need *every* manifest of a
  repository, so whole repositories are read, largest naive reclaim first, until
  `exact_bytes_max_images` manifests per registry; the rest keep naive figures only (and the
  report says so). Repositories on which no policy acts are never read.
* With `[lifecycle] cross_check_aws = true` (off by default): AWS's own lifecycle preview
  (`StartLifecyclePolicyPreview`, the one non-read call, then `GetLifecyclePolicyPreview`) for a
  sample of repositories with a policy. The read-only guard refuses the start call unless the
  session factory was built with `cross_check_guard()`.

Which repositories a policy acts on is decided with the product's own offline evaluator over the
DescribeImages answers already collected; the policy texts are those GetLifecyclePolicy returned
(read back from the evidence recorder, so no call is repeated).
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any, Callable, Mapping

import numpy as np
import pandas as pd

from ...reports.lifecycle import PolicyValidationError, evaluate_fleet, images_from_describe, parse_policy
from ...reports.lifecycle.awsjson import AwsJsonError
from ..aws_session import ReadOnlyGuard
from ..operations import LIFECYCLE_CROSS_CHECK, opt_in
from .context import UnitContext, parallel_map

if TYPE_CHECKING:
    from .unit import CollectOptions, UnitState

log = logging.getLogger("ecr_report.collect.lifecycle")

BATCH_GET_IMAGE_IDS = 100  # the API maximum of imageIds per BatchGetImage call
EXCLUSIONS_PAGE = 1000  # the API maximum of ListPullTimeUpdateExclusions maxResults
PREVIEW_PAGE = 100
ACCEPTED_MEDIA_TYPES = (
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
)
# The declared non-read the cross-check needs (StartLifecyclePolicyPreview), from the registry.
CROSS_CHECK_OPERATIONS = opt_in(LIFECYCLE_CROSS_CHECK)


def cross_check_guard() -> ReadOnlyGuard:
    """The read-only guard that also lets AWS's lifecycle preview start (cross_check_aws)."""
    return ReadOnlyGuard(extra_allowed=CROSS_CHECK_OPERATIONS)


def collect_lifecycle(ctx: UnitContext, state: "UnitState", options: "CollectOptions") -> None:
    """The lifecycle concern's collector step (paired with its declaration in jobs/plugins.py)."""
    settings = options.settings.get("lifecycle") or {}
    workers = options.repository_workers
    steps = [lambda: collect_pull_time_exclusions(ctx)]  # independent of the exact-bytes reads
    if settings.get("exact_bytes"):
        steps.append(lambda: collect_manifests(ctx, state, manifest_targets(ctx, state, settings, options.as_of),
                                               workers=workers))
    ctx.side_by_side(steps, workers)
    if settings.get("cross_check_aws"):
        if ctx.factory.guard.allows("ecr", "StartLifecyclePolicyPreview"):
            cross_check(ctx, state, int(settings.get("cross_check_sample") or 5))
        else:
            log.warning("%s/%s: cross_check_aws is set but the session's read-only guard refuses "
                        "StartLifecyclePolicyPreview (build the SessionFactory with cross_check_guard()); skipped",
                        ctx.account_id, ctx.region)


def collect_pull_time_exclusions(ctx: UnitContext) -> list[str]:
    """Every registered pull-time update exclusion (principal ARNs) of the registry."""
    found: list[str] = []
    for page in ctx.pages("ecr", "ListPullTimeUpdateExclusions", maxResults=EXCLUSIONS_PAGE):
        found.extend(page.get("pullTimeUpdateExclusions") or [])
    return found


def recorded_policies(ctx: UnitContext) -> tuple[dict[str, str], set[str]]:
    """(policy text per repository, repositories without a policy), as GetLifecyclePolicy answered."""
    texts: dict[str, str] = {}
    absent: set[str] = set()
    for call in ctx.factory.recorder.unit_calls(ctx.account_id, ctx.region, "GetLifecyclePolicy"):
        if (call.account_id, call.region, call.service, call.operation) != (
                ctx.account_id, ctx.region, "ecr", "GetLifecyclePolicy"):
            continue
        name = str(call.params.get("repositoryName"))
        if call.ok and isinstance(call.response.get("lifecyclePolicyText"), str):
            texts[name] = call.response["lifecyclePolicyText"]
        elif call.error_code == "LifecyclePolicyNotFoundException":
            absent.add(name)
    return texts, absent


def manifest_targets(ctx: UnitContext, state: "UnitState", settings: Mapping[str, Any],
                     as_of: Any) -> list[str]:
    """Repositories whose manifests to read: some policy acts there today; within the budget.

    The policies considered are the repository's own and, where the analysis will apply it, the
    proposed one. Largest naive reclaim first; a repository that does not fit in what is left of
    the budget is skipped (a smaller one after it may still fit), because exact figures need all
    of a repository's manifests.
    """
    texts, absent = recorded_policies(ctx)
    proposed = _parse(settings.get("proposed_policy_text"))
    apply_all = settings.get("apply_proposed_to") == "all"
    budget = int(settings.get("exact_bytes_max_images") or 20_000)
    candidates: list[tuple[str, list[dict[str, Any]], list[Any]]] = []
    for name in state.repositories:
        details = state.images.get(name) or []
        policies = [p for p in (_parse(texts.get(name)),) if p is not None]
        if proposed is not None and (apply_all or name in absent):
            policies.append(proposed)
        if details and policies:
            candidates.append((name, details, policies))
    scored: list[tuple[int, str, int]] = []
    for name, details, acted in _acted_bytes_all(candidates, as_of):
        if acted > 0:
            scored.append((acted, name, len(details)))
    scored.sort(key=lambda t: (-t[0], t[1]))
    chosen, left = [], budget
    for _, name, count in scored:
        if count <= left:
            chosen.append(name)
            left -= count
        else:
            log.info("%s/%s: %s: %d manifests exceed what is left of exact_bytes_max_images (%d); "
                     "naive bytes only", ctx.account_id, ctx.region, name, count, left)
    return chosen


def collect_manifests(ctx: UnitContext, state: "UnitState", repositories: list[str], *, workers: int = 4) -> int:
    """BatchGetImage for every image of `repositories`, 100 ids a call; returns the ids asked."""
    batches = []
    for name in repositories:
        digests = sorted({d["imageDigest"] for d in state.images.get(name) or [] if d.get("imageDigest")})
        for i in range(0, len(digests), BATCH_GET_IMAGE_IDS):
            batches.append((name, digests[i:i + BATCH_GET_IMAGE_IDS]))

    def one(batch: tuple[str, list[str]]) -> None:
        name, digests = batch
        ctx.call("ecr", "BatchGetImage", repositoryName=name,
                 imageIds=[{"imageDigest": d} for d in digests],
                 acceptedMediaTypes=list(ACCEPTED_MEDIA_TYPES),
                 about=f"{name}, {len(digests)} images from {digests[0][:19]}")

    list(parallel_map(one, batches, workers))
    return sum(len(b[1]) for b in batches)


def cross_check(ctx: UnitContext, state: "UnitState", sample: int, *,
                sleep: Callable[[float], None] = time.sleep, max_polls: int = 10) -> list[str]:
    """AWS's own preview of the current policy for up to `sample` repositories with a policy.

    Repositories are taken in name order among those with a policy and images (deterministic).
    Each preview is started, then polled until COMPLETE (at most `max_polls` times, with a
    growing pause); its result pages are recorded as evidence for the analysis to compare.
    """
    names = [n for n in sorted(recorded_policies(ctx)[0]) if state.images.get(n)][:sample]
    for name in names:
        started = ctx.call("ecr", "StartLifecyclePolicyPreview", repositoryName=name, about=name,
                           expected=("LifecyclePolicyPreviewInProgressException",))
        if started is None and not _in_progress(ctx, name):
            continue
        for attempt in range(max_polls):
            first = ctx.call("ecr", "GetLifecyclePolicyPreview", repositoryName=name,
                             maxResults=PREVIEW_PAGE, about=f"{name} poll {attempt + 1}")
            if first is None or first.get("status") != "IN_PROGRESS":
                break
            sleep(min(2.0 * (attempt + 1), 10.0))
        else:
            continue
        if first is None or first.get("status") != "COMPLETE":
            continue
        token = first.get("nextToken")
        page_no = 1
        while token:
            page_no += 1
            page = ctx.call("ecr", "GetLifecyclePolicyPreview", repositoryName=name,
                            maxResults=PREVIEW_PAGE, nextToken=token, about=f"{name} page {page_no}")
            token = (page or {}).get("nextToken")
    return names


def _in_progress(ctx: UnitContext, name: str) -> bool:
    """A preview already running for `name` (started by someone else) is still worth reading."""
    for call in reversed(ctx.factory.recorder.unit_calls(ctx.account_id, ctx.region, "StartLifecyclePolicyPreview")):
        if (call.account_id, call.region, call.operation) == (ctx.account_id, ctx.region, "StartLifecyclePolicyPreview") \
                and call.params.get("repositoryName") == name:
            return call.error_code == "LifecyclePolicyPreviewInProgressException"
    return False


def _parse(text: Any) -> Any:
    if not isinstance(text, str):
        return None
    try:
        return parse_policy(text)
    except PolicyValidationError:
        return None


def _acted_bytes_all(candidates: list[tuple[str, list[dict[str, Any]], list[Any]]],
                     as_of: Any) -> list[tuple[str, list[dict[str, Any]], int]]:
    """(name, details, the most naive bytes any of its policies acts on) per candidate repository.

    One image frame and one evaluation per policy slot for the whole registry (the evaluator
    works per repository, so this is the per-repository answer): a registry of 2,000
    repositories was 4,000 small evaluations. Input the whole-registry road cannot read goes
    repository by repository, each failing alone as before."""
    if not candidates:
        return []
    try:
        frame = images_from_describe([{**d, "repositoryName": name} for name, details, _ in candidates
                                      for d in details])
        best: dict[str, int] = {}
        for slot in range(max(len(policies) for _, _, policies in candidates)):
            chosen = {name: policies[slot] for name, _, policies in candidates if len(policies) > slot}
            rows = frame if slot == 0 else frame[frame["repository_name"].isin(chosen)]
            result = evaluate_fleet(rows, chosen, as_of)
            acted = result["action"].notna().to_numpy()
            names = result["repository_name"].to_numpy(dtype=object)
            by_repo = pd.DataFrame({"name": names, "bytes": np.where(acted, result["size_bytes"].to_numpy(), 0),
                                    "count": acted.astype(np.int64)}).groupby("name", sort=False).sum()
            for name, acted_bytes, count in zip(by_repo.index, by_repo["bytes"], by_repo["count"]):
                value = int(acted_bytes) or int(count)
                best[name] = max(best.get(name, value), value)
        return [(name, details, best.get(name, 0)) for name, details, _ in candidates]
    except (AwsJsonError, ValueError):
        return [(name, details, max(_acted_bytes(p, name, details, as_of) for p in policies))
                for name, details, policies in candidates]


def _acted_bytes(policy: Any, name: str, details: list[dict[str, Any]], as_of: Any) -> int:
    """Naive bytes the policy expires or archives in this repository today (0 on bad input)."""
    try:
        frame = images_from_describe([{**d, "repositoryName": name} for d in details])
        result = evaluate_fleet(frame, {name: policy}, as_of)
    except (AwsJsonError, ValueError) as exc:
        log.warning("%s: cannot evaluate for manifest selection: %s", name, exc)
        return 0
    acted = result["action"].notna().to_numpy()
    return int(result["size_bytes"].to_numpy()[acted].sum()) or int(acted.sum())
