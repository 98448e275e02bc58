"""The lifecycle concern on the first page: its trend figures and its ranked action."""

from __future__ import annotations

from typing import Any, Mapping

from ..concern import Metric
from ..formatting import fmt_bytes, fmt_int, fmt_usd, fmt_usd_per_month
from ..leadership import Action, ActionInput, severity_points
from ..summary import block
from ..text import counted, msg
from ..trends import as_number

METRICS = (
    Metric("reclaimable_bytes", "Reclaimable storage", "bytes", "down", basis="reclaimable_basis"),
    Metric("reclaimable_monthly_usd", "Reclaimable / month", "usd", "down", basis="reclaimable_basis"),
)
TREND_FIGURES = ("reclaimable_current_bytes",)


def figures(life: Mapping[str, Any]) -> dict[str, Any]:
    """The reclaimable figures, under the proposed policy when it was evaluated, else today's
    policies; `reclaimable_basis` says which ("proposed" or "current")."""
    proposed = block(life, "proposed")
    if proposed.get("status") == "evaluated" and as_number(proposed.get("reclaimable_bytes")) is not None:
        basis, source = "proposed", proposed
    else:
        basis, source = "current", life
    return {
        "reclaimable_bytes": as_number(source.get("reclaimable_bytes")),
        "reclaimable_monthly_usd": as_number(source.get("reclaimable_monthly_usd")),
        "reclaimable_basis": basis,
        "reclaimable_current_bytes": as_number(life.get("reclaimable_bytes")),
    }


def actions(given: ActionInput) -> list[Action]:
    found = _proposed_policy_action(given)
    return [found] if found is not None else []


def _proposed_policy_action(given: ActionInput) -> Action | None:
    life, controls = given.block("lifecycle"), given.controls
    prop = block(life, "proposed")
    if prop.get("status") != "evaluated":
        return None
    applied = int(as_number(prop.get("repositories_applied")) or 0)
    if prop.get("apply_to") != "all" and isinstance(prop.get("without_policy"), Mapping):
        freed = prop["without_policy"]
        gained_bytes, usd = as_number(freed.get("reclaimable_bytes")), as_number(freed.get("reclaimable_monthly_usd"))
    else:
        gained_bytes = (as_number(prop.get("reclaimable_bytes")) or 0) - (as_number(life.get("reclaimable_bytes")) or 0)
        usd = (as_number(prop.get("reclaimable_monthly_usd")) or 0) - (as_number(life.get("reclaimable_monthly_usd")) or 0)
    usd = max(usd or 0.0, 0.0)
    gained_bytes = max(gained_bytes or 0.0, 0.0)
    ecr3 = controls.get("ECR.3")
    fixes = min(applied, ecr3["failing"]) if ecr3 else 0
    points = fixes * severity_points(ecr3["severity"]) if ecr3 else 0.0
    if not applied or (usd <= 0 and points <= 0):
        return None
    source = str(prop.get("source") or "")
    name = (msg("the baseline lifecycle policy") if "baseline" in source.lower()
            else msg("the proposed lifecycle policy"))
    figure = fmt_usd_per_month(usd)
    if gained_bytes > 0:
        text = msg("Apply {policy} to {repos}: frees {size}, {usd}/month", policy=name,
                   repos=counted(applied, "repository"), size=fmt_bytes(gained_bytes), usd=fmt_usd(usd, 2))
    else:
        text = msg("Apply {policy} to {repos} (ECR.3)", policy=name, repos=counted(applied, "repository"))
    why = f"saves {figure}" + (f" + {fmt_int(fixes)} ECR.3 failures x {ecr3['severity']}" if fixes else "")
    return Action("lifecycle_proposed", text, figure, "lifecycle", "lifecycle", usd, points, why,
                  fixes=("ECR.3",))
