"""The lifecycle concern: snapshot tables from the recorded calls, and the fleet-wide analysis.

Two scenarios, each one row per repository in the `lifecycle` result table:

* ``current``: every repository's own policy (``repositories.lifecycle_policy_text``). ABSENT
  acts on nothing; UNKNOWN (GetLifecyclePolicy failed) and INVALID (a text this evaluator cannot
  accept) have unknown figures, never zeros.
* ``proposed``: the fleet after the proposed policy (settings ``proposed_policy_text``) is put on
  the repositories without a policy (``apply_proposed_to = without_policy``) or on all of them
  (``all``). Repositories that keep their own policy carry their current figures (status
  KEPT), so fleet totals compare like with like. An invalid proposed policy yields no proposed
  rows, its validation errors in the summary and a note, never an exception.

`lifecycle_actions` (one row per acted-on image and scenario) is a contract read by the
Inspector concern, which runs after this one: keep its column names.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from ..concern import AnalysisContext, Concern, ConcernResult, Presentation, TableSpec
from ..render.i18n import ja_lifecycle
from ..render.section_lifecycle import build_lifecycle
from ..prices import DERIVED, GB, OFFICIAL
from ..schema import BOOL, INT, STR, UNIT_KEY
from ..text import Text, join, msg
from .awsjson import LIST_MEDIA_TYPES, AwsJsonError, manifest_records
from .baseline import BASELINE_NAME
from .evaluate import evaluate_fleet
from .frame import KEY_COLUMNS
from . import config, finops, headline, leadership
from .lint import LintWarning, lint, static_warnings
from .manifests import BLOB_COLUMNS, CHILD_COLUMNS, KNOWN_COLUMNS, Manifests
from .messages import issues_text
from .methodology import METHODOLOGY
from .policy import Policy, parse_policy
from .reclaim import reclaimable
from .validate import PolicyValidationError

REPO_KEY = {**UNIT_KEY, "repository_name": STR}
SCENARIOS = ("current", "proposed")
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
    "message": STR,
}


# --- normalize: builders over the recorded calls ------------------------------------------------


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


def _manifest_rows(index: Any, unit: tuple[str, str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    seen: set[tuple[str, str]] = set()
    for call in index.get(unit, "ecr", "BatchGetImage"):
        if not call.ok:
            continue
        repo = call.params.get("repositoryName")
        for item in call.response.get("images") or []:
            try:
                blobs, children, known = manifest_records(
                    {**item, "repositoryName": item.get("repositoryName") or repo})
            except AwsJsonError:
                continue  # unreadable manifest: the image stays unknown, exact bytes unavailable
            key = {"account_id": unit[0], "region": unit[1]}
            for rec in known:
                if (rec["repository_name"], rec["image_digest"]) in seen:
                    break
                seen.add((rec["repository_name"], rec["image_digest"]))
                rows.append({**key, "repository_name": rec["repository_name"], "image_digest": rec["image_digest"],
                             "kind": "READ", "ref_digest": None, "size_bytes": None})
                for blob in blobs:
                    rows.append({**key, "repository_name": blob["repository_name"], "image_digest": blob["image_digest"],
                                 "kind": "BLOB", "ref_digest": blob["blob_digest"], "size_bytes": int(blob["blob_size"])})
                for child in children:
                    rows.append({**key, "repository_name": child["repository_name"], "image_digest": child["parent_digest"],
                                 "kind": "CHILD", "ref_digest": child["child_digest"], "size_bytes": None})
    return rows


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


# --- analysis ----------------------------------------------------------------------------------


def manifests_from_table(table: pd.DataFrame | None) -> Manifests | None:
    """The `image_manifests` snapshot table as the evaluator's `Manifests` (None when empty)."""
    if table is None or table.empty:
        return None
    frame = table.astype({c: object for c in (*KEY_COLUMNS, "image_digest", "kind", "ref_digest")})
    blobs = frame[frame["kind"] == "BLOB"]
    children = frame[frame["kind"] == "CHILD"]
    known = frame[frame["kind"] == "READ"]
    return Manifests(
        blobs.rename(columns={"ref_digest": "blob_digest", "size_bytes": "blob_size"})[list(BLOB_COLUMNS)]
        .astype({"blob_size": "int64"}).reset_index(drop=True),
        children.rename(columns={"image_digest": "parent_digest", "ref_digest": "child_digest"})[list(CHILD_COLUMNS)]
        .reset_index(drop=True),
        known[list(KNOWN_COLUMNS)].drop_duplicates().reset_index(drop=True),
    )


def _parse(text: Any) -> tuple[Policy | None, list[str]]:
    try:
        return parse_policy(text), []
    except PolicyValidationError as exc:
        return None, [str(issue) for issue in exc.issues]


def _ptc(repositories: pd.DataFrame, rules: pd.DataFrame | None) -> np.ndarray:
    """Was each repository created by a pull-through cache rule (name under a rule's prefix)?"""
    prefixes: dict[tuple[str, str], list[str]] = defaultdict(list)
    if rules is not None:
        for a, r, p in zip(rules["account_id"], rules["region"], rules["ecr_repository_prefix"]):
            if isinstance(p, str) and p:
                prefixes[(str(a), str(r))].append(p)
    out = []
    for a, r, name in zip(repositories["account_id"], repositories["region"], repositories["repository_name"]):
        name = str(name)
        out.append(any(p == "ROOT" or name == p or name.startswith(p + "/") for p in prefixes.get((str(a), str(r)), ())))
    return np.array(out, dtype=bool)


def _exclusions(tables: Mapping[str, pd.DataFrame]) -> dict[tuple[str, str], list[str] | None]:
    """Registered exclusions per unit; None where the list was not (fully) read."""
    reg = tables.get("lifecycle_registries")
    exc = tables.get("pull_time_update_exclusions")
    out: dict[tuple[str, str], list[str] | None] = {}
    if reg is None:
        return out
    for a, r, read in zip(reg["account_id"], reg["region"], reg["pull_time_exclusions_read"]):
        out[(str(a), str(r))] = [] if (not pd.isna(read) and bool(read)) else None
    if exc is not None:
        for a, r, arn in zip(exc["account_id"], exc["region"], exc["principal_arn"]):
            if out.get((str(a), str(r))) is not None:
                out[(str(a), str(r))].append(str(arn))
    return out


def _partial_repos(errors: Iterable[Mapping[str, str]]) -> set[tuple[str, str, str]]:
    """Repositories whose DescribeImages failed (their images, and so their figures, are partial)."""
    out = set()
    for e in errors:
        m = re.match(r"^ecr:DescribeImages \((.+?)(?: page \d+)?\)$", str(e.get("operation", "")))
        if m:
            out.add((str(e.get("account", "")), str(e.get("region", "")), m.group(1)))
    return out


def _lint_rows(warnings: list[LintWarning], key: tuple[Any, Any, Any], scenario: str) -> list[dict[str, Any]]:
    rows = []
    for w in warnings:
        where = f"rule {w.rule_index} (priority {w.rule_priority}): " if w.rule_priority is not None else ""
        rows.append({"account_id": key[0], "region": key[1], "repository_name": key[2], "scenario": scenario,
                     "code": w.code, "rule_priority": w.rule_priority, "message": where + w.message})
    return rows


def _frame(rows: list[dict[str, Any]], schema: Mapping[str, str]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=list(schema))
    if df.empty:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in schema.items()})
    return df.astype(dict(schema))


def analyse(ctx: AnalysisContext) -> ConcernResult:
    tables = ctx.tables
    settings = ctx.settings or {}
    repos = tables["repositories"].reset_index(drop=True)
    images = tables["images"]
    manifests = manifests_from_table(tables.get("image_manifests"))
    children = manifests.children if manifests is not None else None
    keys = [(str(a), str(r), str(n)) for a, r, n in zip(repos["account_id"], repos["region"], repos["repository_name"])]
    status = [str(s) if isinstance(s, str) else "UNKNOWN" for s in repos["lifecycle_policy_status"]]
    texts = list(repos["lifecycle_policy_text"])
    ptc = _ptc(repos, tables.get("pull_through_rules"))
    exclusions = _exclusions(tables)
    partial = _partial_repos(ctx.errors)

    # Current policies.
    current: dict[tuple[str, str, str], Policy | None] = {}
    current_status: dict[tuple[str, str, str], str] = {}
    invalid_current: dict[tuple[str, str, str], list[str]] = {}
    for key, st, text in zip(keys, status, texts):
        if st == "PRESENT" and isinstance(text, str):
            policy, issues = _parse(text)
            current[key] = policy
            current_status[key] = "PRESENT" if policy is not None else "INVALID"
            if policy is None:
                invalid_current[key] = issues
        else:
            current[key] = None
            current_status[key] = "ABSENT" if st == "ABSENT" else "UNKNOWN"

    # The proposed policy, and where it applies.
    proposed_text = settings.get("proposed_policy_text")
    apply_all = settings.get("apply_proposed_to") == "all"
    proposed, proposed_issues = _parse(proposed_text) if isinstance(proposed_text, str) else (None, [])
    proposed_map: dict[tuple[str, str, str], Policy | None] = {}
    proposed_status: dict[tuple[str, str, str], str] = {}
    if proposed is not None:
        for key in keys:
            if apply_all or current_status[key] == "ABSENT":
                proposed_map[key], proposed_status[key] = proposed, "PROPOSED"
            else:
                proposed_map[key] = current[key]
                proposed_status[key] = "KEPT" if current_status[key] == "PRESENT" else current_status[key]

    known_keys = set(keys)
    image_keys = list(zip(images["account_id"].astype(str), images["region"].astype(str), images["repository_name"].astype(str)))
    in_fleet = np.array([k in known_keys for k in image_keys], dtype=bool)
    fleet_images = images[in_fleet].reset_index(drop=True) if not in_fleet.all() else images.reset_index(drop=True)
    results = {"current": evaluate_fleet(fleet_images, current, ctx.as_of, children=children)}
    statuses = {"current": current_status}
    if proposed is not None:
        results["proposed"] = evaluate_fleet(fleet_images, proposed_map, ctx.as_of, children=children)
        statuses["proposed"] = proposed_status

    # Lint, per repository (current policies), and for the proposed policy's text.
    lint_rows: list[dict[str, Any]] = []
    groups = fleet_images.groupby(list(KEY_COLUMNS), sort=False, observed=True).indices if len(fleet_images) else {}
    groups = {tuple(str(x) for x in k): v for k, v in groups.items()}
    child_groups = _by_repo(children)
    current_acted = results["current"]["action"].notna().to_numpy()
    lint_count: dict[tuple[str, str, str], int] = defaultdict(int)
    for i, key in enumerate(keys):
        st = current_status[key]
        if st == "UNKNOWN":
            continue
        if st == "INVALID":
            warnings = [LintWarning("not-evaluated", "AWS accepted this policy but ecr-report's validator does not: "
                                    + "; ".join(invalid_current[key]) + ". Its figures are unknown.")]
        else:
            idx = groups.get(key)
            sub = fleet_images.iloc[idx] if idx is not None else None
            # The fleet evaluation already says what the policy acts on: lint reuses it rather
            # than evaluating each repository again.
            acted = current_acted[idx] if idx is not None else None
            warnings = lint(current[key], sub if sub is not None and len(sub) else None, ctx.as_of,
                            children=child_groups.get(key), created_by_pull_through_cache=bool(ptc[i]),
                            pull_time_update_exclusions=exclusions.get(key[:2]), repository=key[2],
                            acted=acted)
        lint_rows.extend(_lint_rows(warnings, key, "current"))
        lint_count[key] += len(warnings)
    if proposed is not None:
        lint_rows.extend(_lint_rows(static_warnings(proposed), (None, None, None), "proposed"))
        uses_pulled = any(r.selection.count_type == "sinceImagePulled" for r in proposed.rules)
        applied_units = sorted({k[:2] for k, s in proposed_status.items() if s == "PROPOSED"})
        for unit in applied_units:
            if uses_pulled and exclusions.get(unit) == []:
                pulled = [w for w in lint(proposed, pull_time_update_exclusions=[]) if w.code == "pulled-without-exclusions"]
                lint_rows.extend(_lint_rows(pulled, (unit[0], unit[1], None), "proposed"))

    # Per repository and scenario.
    price_cache: dict[str, tuple[float, float, float]] = {}

    def prices(region: str) -> tuple[float, float, float]:
        if region not in price_cache:
            price_cache[region] = (ctx.prices.amount("ecr.storage.standard", region),
                                   ctx.prices.amount("ecr.storage.archive", region),
                                   ctx.prices.amount("ecr.archive.minimum_days", region))
        return price_cache[region]

    lists = fleet_images["manifest_media_type"].isin(LIST_MEDIA_TYPES).fillna(False).astype(bool)
    list_map = {tuple(str(x) for x in k): int(v) for k, v in
                lists.groupby([fleet_images[c] for c in KEY_COLUMNS], sort=False, observed=True).sum().items()} if len(fleet_images) else {}
    stored = fleet_images.groupby(list(KEY_COLUMNS), sort=False, observed=True)["size_bytes"].agg(["size", "sum"]) if len(fleet_images) else None
    stored_map = {tuple(str(x) for x in k): (int(v["size"]), int(v["sum"])) for k, v in stored.iterrows()} if stored is not None else {}
    rows: list[dict[str, Any]] = []
    actions: list[pd.DataFrame] = []
    for scenario, result in results.items():
        per = reclaimable(result, manifests)
        per_map = {(str(a), str(r), str(n)): rec for (a, r, n), rec in
                   zip(zip(per["account_id"], per["region"], per["repository_name"]), per.to_dict("records"))}
        acted = result[result["action"].notna()]
        held = result[result["held_by_manifest_list"]].groupby(list(KEY_COLUMNS), sort=False, observed=True).size()
        held_map = {tuple(str(x) for x in k): int(v) for k, v in held.items()}
        actions.append(pd.DataFrame({
            "account_id": acted["account_id"].astype(str), "region": acted["region"].astype(str),
            "repository_name": acted["repository_name"].astype(str), "image_digest": acted["image_digest"].astype(str),
            "scenario": scenario, "action": acted["action"].astype(str),
            "applied_rule_priority": acted["applied_rule_priority"], "size_bytes": acted["size_bytes"].astype("int64"),
        }))
        for i, key in enumerate(keys):
            st = statuses[scenario][key]
            n_images, n_bytes = stored_map.get(key, (0, 0))
            row: dict[str, Any] = {"account_id": key[0], "region": key[1], "repository_name": key[2], "scenario": scenario,
                                   "policy_status": st, "created_by_pull_through_cache": bool(ptc[i]),
                                   "images_total": n_images, "stored_bytes": n_bytes,
                                   "manifest_lists": list_map.get(key, 0),
                                   "lint_warnings": lint_count.get(key, 0) if scenario == "current" else None,
                                   "partial": key in partial}
            if st in ("UNKNOWN", "INVALID"):
                rows.append(row)  # every figure unknown: never "reclaims 0"
                continue
            rec = per_map.get(key)
            std, arch, min_days = prices(key[1])
            if rec is None:  # no images
                rec = {"images_expiring": 0, "expiring_bytes_naive": 0, "expiring_archive_bytes_naive": 0,
                       "images_transitioning": 0, "transitioning_bytes_naive": 0,
                       "expiring_bytes_exact": 0, "transitioning_bytes_exact": 0,
                       "exact_available": manifests is not None}
            exact = bool(rec["exact_available"])
            exp_naive, exp_arch = int(rec["expiring_bytes_naive"]), int(rec["expiring_archive_bytes_naive"])
            tra_naive = int(rec["transitioning_bytes_naive"])
            exp_exact = int(rec["expiring_bytes_exact"]) if exact else None
            tra_exact = int(rec["transitioning_bytes_exact"]) if exact else None
            exp_best = exp_exact if exact else exp_naive
            tra_best = tra_exact if exact else tra_naive
            from_archive = min(exp_arch, exp_best)
            usd = ((exp_best - from_archive) / GB * std + from_archive / GB * arch + tra_best / GB * (std - arch))
            row.update({
                "images_expiring": int(rec["images_expiring"]), "bytes_expiring": exp_naive,
                "bytes_expiring_exact": exp_exact, "bytes_expiring_from_archive": exp_arch,
                "images_transitioning": int(rec["images_transitioning"]), "bytes_transitioning": tra_naive,
                "bytes_transitioning_exact": tra_exact, "exact_available": exact,
                "images_held_by_manifest_list": held_map.get(key, 0) if exact else None,
                "upper_bound": (not exact) and list_map.get(key, 0) > 0
                and (int(rec["images_expiring"]) + int(rec["images_transitioning"])) > 0,
                "bytes_basis": "exact" if exact else "naive",
                "monthly_usd_saved": round(usd, 6),
                "archive_commitment_usd": round(tra_best / GB * arch * min_days * 12 / 365, 6),
            })
            rows.append(row)
    lifecycle = _frame(rows, LIFECYCLE)
    action_frame = pd.concat(actions, ignore_index=True) if actions else None
    action_frame = _frame(action_frame.to_dict("records") if action_frame is not None else [], LIFECYCLE_ACTIONS)
    lint_frame = _frame(lint_rows, LIFECYCLE_LINT)
    cross = _cross_check(tables.get("lifecycle_aws_preview"), action_frame)

    summary = _summary(lifecycle, lint_frame, settings, proposed, proposed_issues, manifests is not None, cross)
    first = sorted(set(k[1] for k in keys))[:1] or ["us-east-1"]
    std_p, arch_p = ctx.prices.get("ecr.storage.standard", first[0]), ctx.prices.get("ecr.storage.archive", first[0])
    summary["prices"] = {"region": first[0], "standard_usd_per_gb_month": std_p.amount, "standard_status": std_p.status,
                         "archive_usd_per_gb_month": arch_p.amount, "archive_status": arch_p.status,
                         "archive_minimum_days": ctx.prices.amount("ecr.archive.minimum_days", first[0])}
    notes = _notes(summary, invalid_current, proposed_issues, settings)
    return ConcernResult(
        tables={"lifecycle": lifecycle, "lifecycle_actions": action_frame, "lifecycle_lint": lint_frame},
        summary=summary, notes=tuple(notes), methodology=tuple(_methodology(ctx, lifecycle, settings, manifests is not None)),
    )


def _by_repo(children: pd.DataFrame | None) -> dict[tuple[str, str, str], pd.DataFrame]:
    if children is None or children.empty:
        return {}
    return {tuple(str(x) for x in k): g for k, g in children.groupby(list(KEY_COLUMNS), sort=False)}


def _cross_check(preview: pd.DataFrame | None, actions: pd.DataFrame) -> dict[str, Any] | None:
    """Compare AWS's own preview (when collected) with our current-scenario actions."""
    if preview is None or preview.empty:
        return None
    complete = preview[(preview["preview_status"] == "COMPLETE")]
    repos = complete[["account_id", "region", "repository_name"]].drop_duplicates()
    ours = actions[actions["scenario"] == "current"]
    disagreements = []
    for a, r, n in repos.itertuples(index=False):
        theirs = complete[(complete["account_id"] == a) & (complete["region"] == r) & (complete["repository_name"] == n)
                          & complete["image_digest"].notna()]
        mine = ours[(ours["account_id"] == a) & (ours["region"] == r) & (ours["repository_name"] == n)]
        t = {(str(d), str(x)) for d, x in zip(theirs["image_digest"], theirs["action"])}
        m = {(str(d), str(x)) for d, x in zip(mine["image_digest"], mine["action"])}
        if t != m:
            disagreements.append({"repository": f"{a}/{r}/{n}", "only_aws": len(t - m), "only_ecr_report": len(m - t)})
    return {"repositories_compared": int(len(repos)), "disagreements": disagreements}


def _known_sum(frame: pd.DataFrame, column: str) -> int:
    return int(frame[column].fillna(0).sum())


def _scenario_totals(rows: pd.DataFrame) -> dict[str, Any]:
    known = rows[rows["images_expiring"].notna()]
    best = np.where(known["exact_available"].fillna(False).astype(bool),
                    known["bytes_expiring_exact"].fillna(0).astype("int64"), known["bytes_expiring"].fillna(0).astype("int64"))
    best_tra = np.where(known["exact_available"].fillna(False).astype(bool),
                        known["bytes_transitioning_exact"].fillna(0).astype("int64"), known["bytes_transitioning"].fillna(0).astype("int64"))
    acted = known[(known["images_expiring"] > 0) | (known["images_transitioning"] > 0)]
    all_exact = bool(len(acted)) and bool(acted["exact_available"].fillna(False).all())
    return {
        "images_expiring": _known_sum(known, "images_expiring"),
        "reclaimable_bytes": int(best.sum()),
        "reclaimable_monthly_usd": round(float(known["monthly_usd_saved"].fillna(0).sum()), 2),
        "reclaimable_bytes_naive": _known_sum(known, "bytes_expiring"),
        "reclaimable_bytes_exact": _known_sum(known, "bytes_expiring_exact") if all_exact else None,
        "images_transitioning": _known_sum(known, "images_transitioning"),
        "bytes_to_archive": int(best_tra.sum()),
        "archive_commitment_usd": round(float(known["archive_commitment_usd"].fillna(0).sum()), 2),
        "repositories_acted_on": int(len(acted)),
        "repositories_unknown": int(rows["images_expiring"].isna().sum()),
        "repositories_upper_bound": int(known["upper_bound"].fillna(False).astype(bool).sum()),
    }


def _summary(lifecycle: pd.DataFrame, lint_frame: pd.DataFrame, settings: Mapping[str, Any], proposed: Policy | None,
             proposed_issues: list[str], exact_collected: bool, cross: dict[str, Any] | None) -> dict[str, Any]:
    cur = lifecycle[lifecycle["scenario"] == "current"]
    prop = lifecycle[lifecycle["scenario"] == "proposed"]
    out: dict[str, Any] = _scenario_totals(cur)
    statuses = cur["policy_status"].value_counts()
    out.update({
        "lint_warnings": int((lint_frame["scenario"] == "current").sum()),
        "repositories_total": int(len(cur)),
        "repositories_with_policy": int(statuses.get("PRESENT", 0) + statuses.get("INVALID", 0)),
        "repositories_without_policy": int(statuses.get("ABSENT", 0)),
        "repositories_unknown_policy": int(statuses.get("UNKNOWN", 0)),
        "repositories_invalid_policy": int(statuses.get("INVALID", 0)),
        "exact_bytes_collected": exact_collected,
        "partial": bool(cur["partial"].fillna(False).any()) or bool(statuses.get("UNKNOWN", 0)),
    })
    source = settings.get("proposed_policy_source") or settings.get("proposed_policy_file")
    if proposed is not None:
        applied = prop[prop["policy_status"] == "PROPOSED"]
        without = applied.merge(cur[cur["policy_status"] == "ABSENT"][list(REPO_KEY)], on=list(REPO_KEY))
        out["proposed"] = {"status": "evaluated", "source": source, "apply_to": settings.get("apply_proposed_to"),
                           **_scenario_totals(prop), "repositories_applied": int(len(applied)),
                           "without_policy": {k: _scenario_totals(without)[k] for k in
                                              ("images_expiring", "reclaimable_bytes", "reclaimable_monthly_usd", "bytes_to_archive")},
                           "lint_warnings": int((lint_frame["scenario"] == "proposed").sum()), "errors": []}
    else:
        out["proposed"] = {"status": "invalid" if proposed_issues else "none", "source": source,
                           "apply_to": settings.get("apply_proposed_to"), "images_expiring": None,
                           "reclaimable_bytes": None, "reclaimable_monthly_usd": None, "bytes_to_archive": None,
                           "errors": list(proposed_issues)}
    if cross is not None:
        out["cross_check"] = cross
    return out


def _notes(summary: Mapping[str, Any], invalid: Mapping[tuple[str, str, str], list[str]], proposed_issues: list[str],
           settings: Mapping[str, Any]) -> list[str]:
    notes: list[str] = []
    unknown = summary["repositories_unknown_policy"]
    if unknown:
        notes.append(
            msg("Lifecycle: the policy of {n} repository could not be read; what it would reclaim is unknown (not zero) "
                "and is left out of the totals.", n=unknown) if unknown == 1 else
            msg("Lifecycle: the policy of {n} repositories could not be read; what it would reclaim is unknown (not "
                "zero) and is left out of the totals.", n=unknown))
    if invalid:
        notes.append(
            msg("Lifecycle: {n} repository has a policy that ecr-report's validator does not accept; their figures are "
                "unknown (see data/lifecycle_lint.csv).", n=len(invalid)) if len(invalid) == 1 else
            msg("Lifecycle: {n} repositories have a policy that ecr-report's validator does not accept; their figures "
                "are unknown (see data/lifecycle_lint.csv).", n=len(invalid)))
    if proposed_issues:
        src = settings.get("proposed_policy_source") or settings.get("proposed_policy_file")
        notes.append(msg("Lifecycle: {source} is not a policy ECR would accept, so no proposed scenario was computed: "
                         "{issues}{more}", source=_source_text(src, msg("the proposed policy")),
                         issues=issues_text(proposed_issues[:5]), more=" ..." if len(proposed_issues) > 5 else ""))
    cross = summary.get("cross_check")
    if cross and cross["disagreements"]:
        notes.append(msg("Lifecycle: AWS's own preview disagrees with ecr-report's evaluation for {n} of {total} "
                         "sampled repositories.", n=len(cross["disagreements"]), total=cross["repositories_compared"]))
    return notes


def _source_text(source: Any, missing: str) -> str:
    """The proposed policy's source as the report names it: the built-in baseline (a translatable
    name), a file name (kept), or `missing` when none is configured."""
    if not source:
        return missing
    return msg("ecr-report built-in baseline") if source == BASELINE_NAME else str(source)


def methodology_paragraphs(text: str = METHODOLOGY) -> list[str]:
    """`METHODOLOGY` as report paragraphs: blank-line blocks, numbered items on their own."""
    out = []
    for block in text.strip().split("\n\n"):
        items: list[list[str]] = [[]]
        for line in block.splitlines():
            if re.match(r"^\d+\. ", line):
                items.append([])
            items[-1].append(line.strip())
        out.extend(" ".join(item) for item in items if item)
    return out


#: A price's status (prices.py: official | derived from the AWS Price List | UNCONFIRMED | config
#: override) as a translatable word: the same catalog entry as the "Prices used" table's status
#: (prices' units and sources too are looked up whole, as that table's cells are).
_PRICE_STATUS: dict[str, str] = {status: Text(status) for status in (OFFICIAL, DERIVED, "config override")}


def _methodology(ctx: AnalysisContext, lifecycle: pd.DataFrame, settings: Mapping[str, Any], exact: bool) -> list[str]:
    regions = sorted(set(lifecycle["region"].dropna().astype(str))) or ["us-east-1"]
    std = [ctx.prices.get("ecr.storage.standard", r) for r in regions]
    arch = [ctx.prices.get("ecr.storage.archive", r) for r in regions]
    mind = ctx.prices.get("ecr.archive.minimum_days", regions[0])

    def describe(prices: list) -> str:
        p = prices[0]
        fallback = [x.region for x in prices if x.region_fallback]
        text = msg("${amount} per {unit} ({source}, {date}; status: {status})", amount=f"{p.amount:.2f}",
                   unit=Text(p.unit), source=Text(p.source), date=p.date, status=_PRICE_STATUS.get(p.status, p.status))
        if fallback:
            text = msg("{price}; the us-east-1 price is used for {regions}", price=text, regions=", ".join(fallback))
        return text

    unconfirmed = sorted({p.item for p in (*std, *arch, mind) if p.status == "UNCONFIRMED"})
    source = settings.get("proposed_policy_source") or settings.get("proposed_policy_file")
    prices = msg(
        "Prices: standard storage {standard}; archive storage {archive}. Archived images are billed for at least "
        "{days} days ({source}): archive_commitment_usd is that minimum for the bytes a policy would move to "
        "archive, the least it costs even if those images are deleted early. With the archive price equal to the "
        "standard one below 150 TB, archiving saves no storage money at that scale; it only keeps images "
        "restorable at the same price.", standard=describe(std), archive=describe(arch), days=f"{mind.amount:.0f}",
        source=Text(mind.source))
    if unconfirmed:
        prices = join([prices, msg("UNCONFIRMED prices (no official source could be retrieved): {items}.",
                                   items=", ".join(unconfirmed))])
    paragraphs: list[str] = list(methodology_paragraphs())
    paragraphs += [
        join([msg("Scenarios."),
              msg("'Current' evaluates each repository's own lifecycle policy as collected."),
              msg("A repository whose policy could not be read (UNKNOWN) or that ecr-report's validator refuses "
                  "(INVALID) has unknown figures and is left out of the totals, never counted as reclaiming nothing."),
              msg("'Proposed' is the fleet after the proposed policy ({source}) is put on {where}.",
                  source=_source_text(source, msg("none configured")),
                  where=msg("every repository") if settings.get("apply_proposed_to") == "all" else
                  msg("the repositories without a policy; the others keep their own (KEPT)"))]),
        msg("Dollar model. Monthly saving = GiB expired from standard storage x the standard storage price + GiB "
            "expired from archive x the archive price + GiB moved to archive x (standard - archive price). Bytes are "
            "the exact figure where every manifest of the repository was read, the naive one otherwise (the "
            "bytes_basis column says which); 1 GiB = 2^30 bytes. The saving is a monthly run rate from the next "
            "lifecycle run on; ECR acts within 24 hours of an image meeting a rule."),
        prices,
        msg("Exact bytes. Manifests were read with BatchGetImage for the repositories where some policy acts today, "
            "whole repositories, largest reclaim first, up to [lifecycle] exact_bytes_max_images per registry; "
            "elsewhere only naive bytes are shown.") if exact else
        msg("Exact bytes. Manifests were not read in this run ([lifecycle] exact_bytes = false), so only naive bytes "
            "are shown; naive bytes overstate what is freed when expiring images share layers with images that stay. "
            "Without manifests, the child images of a multi-architecture manifest list cannot be recognised either: "
            "AWS keeps them while their list stays, the offline evaluation may count them, so a repository holding "
            "manifest lists has figures that are an upper bound (upper_bound column)."),
    ]
    return paragraphs


CONCERN = Concern(
    key="lifecycle",
    title="Lifecycle policies",
    snapshot_tables={
        "pull_time_update_exclusions": TableSpec(PULL_TIME_UPDATE_EXCLUSIONS, _exclusion_rows),
        "lifecycle_registries": TableSpec(LIFECYCLE_REGISTRIES, _registry_rows),
        "image_manifests": TableSpec(IMAGE_MANIFESTS, _manifest_rows),
        "lifecycle_aws_preview": TableSpec(LIFECYCLE_AWS_PREVIEW, _preview_rows),
    },
    result_tables={"lifecycle": LIFECYCLE, "lifecycle_actions": LIFECYCLE_ACTIONS, "lifecycle_lint": LIFECYCLE_LINT},
    requires=("repositories", "images", "pull_through_rules"),
    analyse=analyse,
    placeholder={"images_expiring": 0, "reclaimable_bytes": 0, "reclaimable_monthly_usd": 0.0},
    config=config.LifecycleConfig,
    settings=config.settings,
    presentation=Presentation(
        section=build_lifecycle,
        section_id="lifecycle",
        section_title="Lifecycle reclaimable storage",
        metrics=leadership.METRICS,
        figures=leadership.figures,
        trend_figures=leadership.TREND_FIGURES,
        headline_tiles=headline.tiles,
        email_figures=headline.email_figures,
        actions=leadership.actions,
        cost_lines=finops.cost_lines,
        workbook_sheets=(
            ("lifecycle", "lifecycle reclaimable bytes and dollars, one row per repository and scenario"),
        ),
        translations=(ja_lifecycle,),
    ),
)
