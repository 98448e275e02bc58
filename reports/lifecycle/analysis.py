"""The lifecycle concern's fleet-wide analysis: `analyse(ctx)` and its steps.

Two scenarios (fleet.py), each one row per repository in the `lifecycle` result table
(figures.py); the lint warnings in `lifecycle_lint` (lint_table.py); the headline figures as a
`LifecycleResult` (result.py), which is summary.json's `lifecycle` key; notes and methodology.
"""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from ..concern import AnalysisContext, ConcernResult
from ..text import msg
from .baseline import proposed_source, source_text
from .evaluate import evaluate_scenarios
from .figures import repository_figures
from .fleet import Fleet, Policies, choose_policies, read_fleet
from .lint_table import issues_text, lint_fleet
from .methodology import methodology
from .result import CrossCheck, Disagreement, LifecycleResult, PricesUsed, ProposedResult, ScenarioTotals
from .tables import REPO_KEY


def analyse(ctx: AnalysisContext) -> ConcernResult:
    settings = ctx.settings or {}
    fleet = read_fleet(ctx)
    policies = choose_policies(ctx.tables["repositories"], fleet.keys, settings)
    scenarios = policies.scenarios()
    results = evaluate_scenarios(fleet.images, {name: s.policies for name, s in scenarios.items()}, ctx.as_of,
                                 children=fleet.children)
    lint_frame, lint_counts = lint_fleet(fleet, policies, results["current"], ctx.as_of)
    lifecycle, actions = repository_figures(fleet, scenarios, results, lint_counts, ctx.prices)
    cross = cross_check(ctx.tables.get("lifecycle_aws_preview"), actions)
    result = build_result(lifecycle, lint_frame, settings, policies, fleet, cross, PricesUsed.of(
        ctx.prices, [k[1] for k in fleet.keys]))
    return ConcernResult(
        tables={"lifecycle": lifecycle, "lifecycle_actions": actions, "lifecycle_lint": lint_frame},
        headline=result, notes=tuple(notes(result, policies, settings)),
        methodology=tuple(methodology(ctx.prices, lifecycle, settings, fleet.manifests is not None)),
    )


def cross_check(preview: pd.DataFrame | None, actions: pd.DataFrame) -> CrossCheck | None:
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
            disagreements.append(Disagreement(f"{a}/{r}/{n}", len(t - m), len(m - t)))
    return CrossCheck(int(len(repos)), tuple(disagreements))


def build_result(lifecycle: pd.DataFrame, lint_frame: pd.DataFrame, settings: Mapping[str, Any], policies: Policies,
                 fleet: Fleet, cross: CrossCheck | None, prices: PricesUsed) -> LifecycleResult:
    cur = lifecycle[lifecycle["scenario"] == "current"]
    statuses = cur["policy_status"].value_counts()
    return LifecycleResult(
        current=ScenarioTotals.of(cur),
        lint_warnings=int((lint_frame["scenario"] == "current").sum()),
        repositories_total=int(len(cur)),
        repositories_with_policy=int(statuses.get("PRESENT", 0) + statuses.get("INVALID", 0)),
        repositories_without_policy=int(statuses.get("ABSENT", 0)),
        repositories_unknown_policy=int(statuses.get("UNKNOWN", 0)),
        repositories_invalid_policy=int(statuses.get("INVALID", 0)),
        exact_bytes_collected=fleet.manifests is not None,
        partial=bool(cur["partial"].fillna(False).any()) or bool(statuses.get("UNKNOWN", 0)),
        proposed=_proposed_result(lifecycle, lint_frame, settings, policies),
        cross_check=cross, prices=prices)


def _proposed_result(lifecycle: pd.DataFrame, lint_frame: pd.DataFrame, settings: Mapping[str, Any],
                     policies: Policies) -> ProposedResult:
    source, apply_to = proposed_source(settings), settings.get("apply_proposed_to")
    if policies.proposed_policy is None:
        return ProposedResult("invalid" if policies.proposed_issues else "none", source, apply_to,
                              errors=tuple(policies.proposed_issues))
    cur = lifecycle[lifecycle["scenario"] == "current"]
    prop = lifecycle[lifecycle["scenario"] == "proposed"]
    applied = prop[prop["policy_status"] == "PROPOSED"]
    without = applied.merge(cur[cur["policy_status"] == "ABSENT"][list(REPO_KEY)], on=list(REPO_KEY))
    return ProposedResult("evaluated", source, apply_to, totals=ScenarioTotals.of(prop),
                          repositories_applied=int(len(applied)), without_policy=ScenarioTotals.of(without),
                          lint_warnings=int((lint_frame["scenario"] == "proposed").sum()))


def notes(result: LifecycleResult, policies: Policies, settings: Mapping[str, Any]) -> list[str]:
    """The caveats the report lists: unknown and invalid policies, a rejected proposal, and AWS's
    own preview disagreeing."""
    out: list[str] = []
    unknown = result.repositories_unknown_policy
    if unknown:
        out.append(
            msg("Lifecycle: the policy of {n} repository could not be read; what it would reclaim is unknown (not zero) "
                "and is left out of the totals.", n=unknown) if unknown == 1 else
            msg("Lifecycle: the policy of {n} repositories could not be read; what it would reclaim is unknown (not "
                "zero) and is left out of the totals.", n=unknown))
    invalid = len(policies.invalid_current)
    if invalid:
        out.append(
            msg("Lifecycle: {n} repository has a policy that ecr-report's validator does not accept; their figures are "
                "unknown (see data/lifecycle_lint.csv).", n=invalid) if invalid == 1 else
            msg("Lifecycle: {n} repositories have a policy that ecr-report's validator does not accept; their figures "
                "are unknown (see data/lifecycle_lint.csv).", n=invalid))
    issues = policies.proposed_issues
    if issues:
        out.append(msg("Lifecycle: {source} is not a policy ECR would accept, so no proposed scenario was computed: "
                       "{issues}{more}", source=source_text(proposed_source(settings), msg("the proposed policy")),
                       issues=issues_text(issues[:5]), more=" ..." if len(issues) > 5 else ""))
    cross = result.cross_check
    if cross and cross.disagreements:
        out.append(msg("Lifecycle: AWS's own preview disagrees with ecr-report's evaluation for {n} of {total} "
                       "sampled repositories.", n=len(cross.disagreements), total=cross.repositories_compared))
    return out
