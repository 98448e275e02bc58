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
from .fleet import Fleet, Key, Policies
from .frame import DEFAULTS, KEY_COLUMNS, REQUIRED
from .lint import LintWarning, lint, static_warnings
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

LINT_COLUMNS = frozenset((*KEY_COLUMNS, *REQUIRED, *DEFAULTS))


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
    # Only the columns the linter reads (image_frame's set): each repository's slice below
    # then copies 13 columns instead of the snapshot's 22.
    images = fleet.images[[c for c in fleet.images.columns if c in LINT_COLUMNS]]
    groups = images.groupby(list(KEY_COLUMNS), sort=False, observed=True).indices if len(images) else {}
    groups = {tuple(str(x) for x in k): v for k, v in groups.items()}
    child_groups = _by_repo(fleet.children)
    acted_all = current["action"].notna().to_numpy()
    rows: list[dict[str, Any]] = []
    counts: dict[Key, int] = defaultdict(int)
    for i, key in enumerate(fleet.keys):
        status = policies.current.status[key]
        if status == "UNKNOWN":
            continue
        if status == "INVALID":
            warnings = [not_evaluated(policies.invalid_current[key])]
        else:
            idx = groups.get(key)
            sub = images.iloc[idx] if idx is not None else None
            acted: np.ndarray | None = acted_all[idx] if idx is not None else None
            warnings = lint(policies.current.policies[key], sub if sub is not None and len(sub) else None, as_of,
                            children=child_groups.get(key), created_by_pull_through_cache=bool(fleet.pull_through[i]),
                            pull_time_update_exclusions=fleet.exclusions.get(key[:2]), repository=key[2],
                            acted=acted, one_repository=True)
        rows.extend(lint_rows(warnings, key, "current"))
        counts[key] += len(warnings)
    return rows, counts


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


def _by_repo(children: pd.DataFrame | None) -> dict[Key, pd.DataFrame]:
    if children is None or children.empty:
        return {}
    return {tuple(str(x) for x in k): g for k, g in children.groupby(list(KEY_COLUMNS), sort=False)}
