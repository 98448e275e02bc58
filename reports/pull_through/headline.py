"""The pull-through concern's tile on the first page: the net monthly saving of the caches."""

from __future__ import annotations

from typing import Any, Mapping

from ..render.filters import fmt_usd, is_missing
from ..render.headline import UNKNOWN, Tile, TileContext, known
from ..text import msg


def tiles(ctx: TileContext) -> tuple[Tile, ...]:
    block = ctx.block("pull_through")
    net = ctx.metric("pull_through_net_saving_monthly_usd").get("value")
    if net is None:  # no trends recorded: the analysis's own figure
        net = block.get("net_saving_monthly_usd")
    detail = ctx.partial(msg("per month, net of {usd} storage",
                             usd=known(fmt_usd(block.get("storage_monthly_usd"), 2, UNKNOWN))))
    tone = "unknown" if is_missing(net) else ("good" if float(net) >= 0 else "alert")
    return (ctx.tile("pull_through_net_saving_monthly_usd", "Pull-through saving",
                     fmt_usd(net, 2, UNKNOWN), detail, tone, lambda v: fmt_usd(v, 2), "pull_through"),)


def email_figures(block: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The weekly email's lines for this concern: what the cache costs and what it saves."""
    return [("Pull-through cache storage (per month)", fmt_usd(block.get("storage_monthly_usd"))),
            ("NAT egress saved by pull-through (per month)", fmt_usd(block.get("nat_savings_monthly_usd")))]
