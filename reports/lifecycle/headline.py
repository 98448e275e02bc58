"""The lifecycle concern's tile on the first page: the storage its policies would free."""

from __future__ import annotations

from typing import Any, Mapping

from ..render.filters import fmt_bytes, fmt_int, fmt_usd
from ..render.headline import UNKNOWN, Tile, TileContext, change_of, known
from ..text import join, msg


def tiles(ctx: TileContext) -> tuple[Tile, ...]:
    reclaim = ctx.metric("reclaimable_bytes")
    usd = known(fmt_usd(ctx.metric("reclaimable_monthly_usd").get("value"), 2, UNKNOWN))
    if reclaim.get("basis") == "proposed":
        today = known(fmt_bytes(ctx.trends.get("reclaimable_current_bytes"), missing=UNKNOWN))
        detail = msg("{usd}/month with the proposed policy (today's: {today})", usd=usd, today=today)
    else:
        detail = msg("{usd}/month with today's policies", usd=usd)
    tile = ctx.tile("reclaimable_bytes", "Reclaimable storage",
                    fmt_bytes(reclaim.get("value"), missing=UNKNOWN), ctx.partial(detail),
                    "unknown" if reclaim.get("value") is None else "", lambda v: fmt_bytes(v),
                    "lifecycle")
    # Bytes and dollars can move apart (another storage tier): show both changes then.
    usd_change, _ = change_of(ctx.metric("reclaimable_monthly_usd"), not ctx.not_computed("lifecycle"))
    if usd_change and tile.change and usd_change not in ("first run", "no change") \
            and usd_change != tile.change:
        tile = tile.with_change(join([tile.change, usd_change], " · "))
    return (tile,)


def email_figures(block: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The weekly email's line for this concern: what today's policies expire now."""
    return [("Lifecycle: reclaimable now", msg(
        "{images} images, {size} ({usd} per month)", images=fmt_int(block.get("images_expiring")),
        size=fmt_bytes(block.get("reclaimable_bytes")), usd=fmt_usd(block.get("reclaimable_monthly_usd"))))]
