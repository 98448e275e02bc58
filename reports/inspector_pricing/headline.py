"""The Inspector concern's tile on the first page: what enhanced scanning costs a month."""

from __future__ import annotations

from typing import Any, Mapping

from ..render.filters import fmt_usd, is_missing
from ..render.headline import UNKNOWN, Tile, TileContext


def tiles(ctx: TileContext) -> tuple[Tile, ...]:
    monthly = ctx.block("inspector").get("estimated_monthly_usd")
    return (ctx.tile("inspector_monthly_usd", "Inspector cost / month", fmt_usd(monthly, 2, UNKNOWN),
                     ctx.partial("at today's settings"), "unknown" if is_missing(monthly) else "",
                     lambda v: fmt_usd(v, 2), "inspector"),)


def email_figures(block: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The weekly email's line for this concern."""
    return [("Inspector enhanced scanning (est. per month)", fmt_usd(block.get("estimated_monthly_usd")))]
