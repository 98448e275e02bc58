"""Read what the Inspector pricing model needs, per unit: the ECR rescan configuration and the
usage totals of the last 30 days (src: inspector-rescan-duration, src: inspector-usage).

Both are read-only and go through `UnitContext`, so every response is kept as evidence and a
failure becomes a completeness error (the analysis then says the figure is not calibrated or not
reconciled, instead of showing zero). Not called where Inspector's ECR scanning is known to be
DISABLED or SUSPENDED for the account: there is nothing to reconcile, and the model uses the
documented default rescan settings instead (it says so).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .context import UnitContext

if TYPE_CHECKING:  # pragma: no cover
    from .unit import CollectOptions, UnitState

USAGE_PAGE = 500
NOT_CALLED_STATUSES = frozenset({"DISABLED", "SUSPENDED"})


def should_collect(inspector_status: str | None) -> bool:
    """Unknown status (the call failed) is asked too, rather than guessed."""
    return inspector_status not in NOT_CALLED_STATUSES


def collect_inspector_pricing(ctx: UnitContext, state: "UnitState", options: "CollectOptions") -> None:
    if not should_collect(state.inspector_status):
        return
    ctx.side_by_side([
        lambda: ctx.call("inspector2", "GetConfiguration"),
        lambda: list(ctx.pages("inspector2", "ListUsageTotals", accountIds=[ctx.account_id], maxResults=USAGE_PAGE)),
    ], options.repository_workers)
