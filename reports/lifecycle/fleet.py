"""The fleet as the lifecycle analysis sees it: each repository, its images, the facts lint needs,
and the policy it is evaluated with in each scenario.

* ``current``: every repository's own policy (``repositories.lifecycle_policy_text``). ABSENT
  acts on nothing; UNKNOWN (GetLifecyclePolicy failed) and INVALID (a text this evaluator cannot
  accept) have unknown figures, never zeros.
* ``proposed``: the proposed policy (settings ``proposed_policy_text``) put on the repositories
  without a policy (``apply_proposed_to = without_policy``) or on all of them (``all``).
  Repositories that keep their own policy carry their current figures (status KEPT), so fleet
  totals compare like with like. An invalid proposed policy yields no proposed scenario.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import numpy as np
import pandas as pd

from ..concern import AnalysisContext
from .codes import joint_codes
from .frame import KEY_COLUMNS, is_value
from .manifests import BLOB_COLUMNS, CHILD_COLUMNS, KNOWN_COLUMNS, Manifests
from .policy import Policy, parse_policy
from .validate import PolicyIssue, PolicyValidationError

Key = tuple[str, str, str]
"""(account_id, region, repository_name)"""


@dataclass(frozen=True)
class Fleet:
    """The repositories (in the snapshot's order) and what is known about them."""

    keys: list[Key]
    images: pd.DataFrame
    """The images of these repositories (index 0..n-1)."""
    image_repo: np.ndarray
    """Per image: its repository's position in `keys`."""
    manifests: Manifests | None
    """The manifests read with BatchGetImage; None when none were."""
    pull_through: np.ndarray
    """Per repository: created by a pull-through cache rule (its name is under a rule's prefix)."""
    exclusions: dict[tuple[str, str], list[str] | None]
    """Per registry: its pull-time update exclusions; None where the list was not (fully) read."""
    partial: set[Key]
    """Repositories whose DescribeImages failed (their figures are partial)."""

    @property
    def children(self) -> pd.DataFrame | None:
        return self.manifests.children if self.manifests is not None else None


def read_fleet(ctx: AnalysisContext) -> Fleet:
    tables = ctx.tables
    repos = tables["repositories"].reset_index(drop=True)
    keys = [(str(a), str(r), str(n)) for a, r, n in zip(repos["account_id"], repos["region"], repos["repository_name"])]
    images, image_repo = _fleet_images(tables["images"], repos)
    return Fleet(keys=keys, images=images, image_repo=image_repo,
                 manifests=manifests_from_table(tables.get("image_manifests")),
                 pull_through=_pull_through(repos, tables.get("pull_through_rules")),
                 exclusions=_exclusions(tables), partial=_partial_repos(ctx.errors))


def _fleet_images(images: pd.DataFrame, repos: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """The images of the listed repositories, and each one's repository (its row in ``repos``;
    the first such row should a key be listed twice)."""
    repo_code, image_code = joint_codes([[repos[c] for c in KEY_COLUMNS], [images[c] for c in KEY_COLUMNS]])
    row_of = np.full(int(max(repo_code.max(initial=-1), image_code.max(initial=-1))) + 1, -1, dtype=np.int64)
    row_of[repo_code[::-1]] = np.arange(len(repo_code) - 1, -1, -1)  # the first row of a key wins
    image_repo = row_of[image_code]
    in_fleet = image_repo >= 0
    if in_fleet.all():
        return images.reset_index(drop=True), image_repo
    return images[in_fleet].reset_index(drop=True), image_repo[in_fleet]


def first_rows(keys: list[Key]) -> np.ndarray:
    """Per position in ``keys``: the first position of the same key (a key listed twice has
    its images on its first row, `Fleet.image_repo`)."""
    first: dict[Key, int] = {}
    return np.array([first.setdefault(k, i) for i, k in enumerate(keys)], dtype=np.int64)


def manifests_from_table(table: pd.DataFrame | None) -> Manifests | None:
    """The `image_manifests` snapshot table as the evaluator's `Manifests` (None when empty)."""
    if table is None or table.empty:
        return None
    # Categorical key and image digest: the three frames cut from the table copy 4-byte codes,
    # not their text (a scale-40 fleet has 270k blob rows). `ref_digest`, nearly one value per
    # row, costs more to categorise than to copy. The evaluator and the byte accounting read
    # values, or codes of values, whatever the dtype.
    frame = table.astype({c: "category" for c in (*KEY_COLUMNS, "image_digest")})
    kind = frame["kind"]
    blobs = frame[is_value(kind, "BLOB")]
    children = frame[is_value(kind, "CHILD")]
    known = frame[is_value(kind, "READ")]
    return Manifests(
        blobs.rename(columns={"ref_digest": "blob_digest", "size_bytes": "blob_size"})[list(BLOB_COLUMNS)]
        .astype({"blob_size": "int64"}).reset_index(drop=True),
        children.rename(columns={"image_digest": "parent_digest", "ref_digest": "child_digest"})[list(CHILD_COLUMNS)]
        .reset_index(drop=True),
        known[list(KNOWN_COLUMNS)].drop_duplicates().reset_index(drop=True),
    )


def _pull_through(repositories: pd.DataFrame, rules: pd.DataFrame | None) -> np.ndarray:
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


def _partial_repos(errors: Iterable[Mapping[str, str]]) -> set[Key]:
    """Repositories whose DescribeImages failed (their images, and so their figures, are partial)."""
    out = set()
    for e in errors:
        m = re.match(r"^ecr:DescribeImages \((.+?)(?: page \d+)?\)$", str(e.get("operation", "")))
        if m:
            out.add((str(e.get("account", "")), str(e.get("region", "")), m.group(1)))
    return out


# --- the policy of each repository, per scenario -----------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """One scenario: the policy each repository is evaluated with, and its status."""

    policies: dict[Key, Policy | None]
    status: dict[Key, str]


@dataclass(frozen=True)
class Policies:
    current: Scenario
    """Status PRESENT | ABSENT | UNKNOWN | INVALID."""
    invalid_current: dict[Key, list[PolicyIssue]]
    """Why each INVALID current policy is not accepted."""
    proposed_policy: Policy | None
    """None when there is no proposal, or it is invalid (`proposed_issues` says why)."""
    proposed_issues: list[PolicyIssue]
    proposed: Scenario | None
    """Status PROPOSED | KEPT | UNKNOWN | INVALID; None without a valid proposed policy."""

    def scenarios(self) -> dict[str, Scenario]:
        """The scenarios evaluated, by name: current, and proposed when there is one."""
        return {"current": self.current, **({"proposed": self.proposed} if self.proposed is not None else {})}


def choose_policies(repositories: pd.DataFrame, keys: list[Key], settings: Mapping[str, Any]) -> Policies:
    current, invalid = _current_policies(repositories, keys)
    proposed_text = settings.get("proposed_policy_text")
    proposed, issues = _parse(proposed_text) if isinstance(proposed_text, str) else (None, [])
    scenario = None
    if proposed is not None:
        scenario = _proposed_scenario(proposed, current, keys, settings.get("apply_proposed_to") == "all")
    return Policies(current=current, invalid_current=invalid, proposed_policy=proposed, proposed_issues=issues,
                    proposed=scenario)


def _parse(text: Any) -> tuple[Policy | None, list[PolicyIssue]]:
    try:
        return parse_policy(text), []
    except PolicyValidationError as exc:
        return None, list(exc.issues)


def _current_policies(repositories: pd.DataFrame, keys: list[Key]) -> tuple[Scenario, dict[Key, list[PolicyIssue]]]:
    repos = repositories.reset_index(drop=True)
    status = [str(s) if isinstance(s, str) else "UNKNOWN" for s in repos["lifecycle_policy_status"]]
    policies: dict[Key, Policy | None] = {}
    statuses: dict[Key, str] = {}
    invalid: dict[Key, list[PolicyIssue]] = {}
    parsed: dict[str, tuple[Policy | None, list[PolicyIssue]]] = {}  # fleets repeat a few texts
    for key, st, text in zip(keys, status, list(repos["lifecycle_policy_text"])):
        if st == "PRESENT" and isinstance(text, str):
            if text not in parsed:
                parsed[text] = _parse(text)
            policy, issues = parsed[text][0], list(parsed[text][1])
            policies[key] = policy
            statuses[key] = "PRESENT" if policy is not None else "INVALID"
            if policy is None:
                invalid[key] = issues
        else:
            policies[key] = None
            statuses[key] = "ABSENT" if st == "ABSENT" else "UNKNOWN"
    return Scenario(policies, statuses), invalid


def _proposed_scenario(proposed: Policy, current: Scenario, keys: list[Key], apply_all: bool) -> Scenario:
    policies: dict[Key, Policy | None] = {}
    statuses: dict[Key, str] = {}
    for key in keys:
        if apply_all or current.status[key] == "ABSENT":
            policies[key], statuses[key] = proposed, "PROPOSED"
        else:
            policies[key] = current.policies[key]
            statuses[key] = "KEPT" if current.status[key] == "PRESENT" else current.status[key]
    return Scenario(policies, statuses)
