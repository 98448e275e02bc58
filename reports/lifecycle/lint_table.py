"""The `lifecycle_lint` table: every lint warning of the fleet, as English and as a fact.

Per repository for the current policies (an INVALID policy gets one `not-evaluated` row saying
why), and for the proposed policy: its text once, plus `pulled-without-exclusions` once per
registry it is put on that has no pull-time update exclusion.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import numpy as np
import pandas as pd

from ..text import join, params_json, to_fact
from .fleet import Fleet, Key, Policies, first_rows
from .frame import DEFAULTS
from .lint import ImageRow, LintWarning, image_rows, lint, repository_image_warnings, static_warnings
from .tables import LIFECYCLE_LINT, table_frame
from .validate import PolicyIssue

NOT_EVALUATED = "AWS accepted this policy but ecr-report's validator does not: {issues}. Its figures are unknown."


def issues_text(issues: list[PolicyIssue], separator: str = "; ") -> str:
    """Several validation issues in one sentence, each translatable on its own."""
    texts = [issue.text() for issue in issues]
    return texts[0] if len(texts) == 1 else join(texts, separator)


def not_evaluated(issues: list[PolicyIssue]) -> LintWarning:
    """The warning for a policy AWS accepted and this validator does not (its figures are unknown)."""
    return LintWarning("not-evaluated", NOT_EVALUATED, {"issues": issues_text(issues)})


def lint_rows(warnings: list[LintWarning], key: tuple[Any, Any, Any], scenario: str) -> list[dict[str, Any]]:
    """`lifecycle_lint` rows for the warnings about one repository (or registry, or policy text)."""
    rows = []
    for w in warnings:
        text = w.text()
        fact = to_fact(text)
        message_id, params = fact["id"], fact["params"]
        rows.append({"account_id": key[0], "region": key[1], "repository_name": key[2], "scenario": scenario,
                     "code": w.code, "rule_priority": w.rule_priority, "message": str(text),
                     "message_id": message_id, "message_params": params_json(params)})
    return rows


def lint_fleet(fleet: Fleet, policies: Policies, current: pd.DataFrame,
               as_of: pd.Timestamp) -> tuple[pd.DataFrame, dict[Key, int]]:
    """The lint table, and the number of current-policy warnings per repository. ``current`` is
    the current scenario's evaluation (lint reuses what it acts on rather than evaluating again)."""
    rows, counts = _current_rows(fleet, policies, current, as_of)
    if policies.proposed_policy is not None:
        rows.extend(_proposed_rows(fleet, policies))
    return table_frame(rows, LIFECYCLE_LINT), counts


def _current_rows(fleet: Fleet, policies: Policies, current: pd.DataFrame,
                  as_of: pd.Timestamp) -> tuple[list[dict[str, Any]], dict[Key, int]]:
    by_repo = _RepositoryRows(fleet, current["action"].notna().to_numpy())
    rows: list[dict[str, Any]] = []
    counts: dict[Key, int] = defaultdict(int)
    for i, key in enumerate(fleet.keys):
        status = policies.current.status[key]
        if status == "UNKNOWN":
            continue
        if status == "INVALID":
            warnings = [not_evaluated(policies.invalid_current[key])]
        else:
            policy = policies.current.policies[key]
            # lint() without images: the warnings from the text and the registry; what the
            # policy does to the images comes from the fleet's rows, read once for all.
            warnings = lint(policy, created_by_pull_through_cache=bool(fleet.pull_through[i]),
                            pull_time_update_exclusions=fleet.exclusions.get(key[:2]), repository=key[2])
            image_rows, acted = by_repo.of(i)
            if policy is not None and image_rows:
                warnings.extend(repository_image_warnings(policy, image_rows, acted, as_of, key[2]))
        rows.extend(lint_rows(warnings, key, "current"))
        counts[key] += len(warnings)
    return rows, counts


class _RepositoryRows:
    """The fleet's images as lint reads them, one repository at a time: the columns are read
    once and sorted by repository, so each repository is a slice (not a frame copied out)."""

    def __init__(self, fleet: Fleet, acted: np.ndarray):
        images = fleet.images
        order = np.argsort(fleet.image_repo, kind="stable")  # each repository's images in fleet order
        repo = fleet.image_repo[order]
        n = len(fleet.keys)
        self._start = np.searchsorted(repo, np.arange(n), side="left")
        self._end = np.searchsorted(repo, np.arange(n), side="right")
        self._first = first_rows(fleet.keys)
        self._tags, self._status, self._subjects = (_column(images, c)[order] for c in
                                                    ("image_tags", "image_status", "subject_digest"))
        digests = images["image_digest"].tolist() if len(images) else []
        self._digests = [digests[j] for j in order.tolist()]
        self._acted = acted[order]

    def of(self, i: int) -> tuple[list[ImageRow], bool]:
        """Repository ``i``'s (of the fleet's keys) `image_rows`, and whether the policy acts on any."""
        r = self._first[i]
        a, b = int(self._start[r]), int(self._end[r])
        return (image_rows(self._tags[a:b], self._status[a:b], self._subjects[a:b], self._digests[a:b]),
                bool(self._acted[a:b].any()))


def _column(images: pd.DataFrame, name: str) -> np.ndarray:
    """A column's values as lint reads them (image_frame's default where the column is absent)."""
    if name in images.columns:
        return images[name].to_numpy()
    return np.full(len(images), DEFAULTS.get(name), dtype=object)


def _proposed_rows(fleet: Fleet, policies: Policies) -> list[dict[str, Any]]:
    proposed = policies.proposed_policy
    assert proposed is not None and policies.proposed is not None
    rows = lint_rows(static_warnings(proposed), (None, None, None), "proposed")
    uses_pulled = any(r.selection.count_type == "sinceImagePulled" for r in proposed.rules)
    applied_units = sorted({k[:2] for k, s in policies.proposed.status.items() if s == "PROPOSED"})
    for unit in applied_units:
        if uses_pulled and fleet.exclusions.get(unit) == []:
            pulled = [w for w in lint(proposed, pull_time_update_exclusions=[]) if w.code == "pulled-without-exclusions"]
            rows.extend(lint_rows(pulled, (unit[0], unit[1], None), "proposed"))
    return rows
