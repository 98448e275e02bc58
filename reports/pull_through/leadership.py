"""The pull-through concern on the first page: its trend figure and its ranked actions."""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from ..concern import Metric
from ..formatting import fmt_bytes, fmt_int, fmt_usd, fmt_usd_per_month
from ..leadership import Action, ActionInput
from ..text import msg
from ..trends import as_number

METRICS = (Metric("pull_through_net_saving_monthly_usd", "Pull-through net saving / month", "usd", "up"),)


def figures(block: Mapping[str, Any]) -> dict[str, Any]:
    """The net saving; derived from its two parts for a summary that predates the key."""
    net = as_number(block.get("net_saving_monthly_usd"))
    if net is None and as_number(block.get("nat_savings_monthly_usd")) is not None \
            and as_number(block.get("storage_monthly_usd")) is not None:
        net = round(float(block["nat_savings_monthly_usd"]) - float(block["storage_monthly_usd"]), 2)
    return {"pull_through_net_saving_monthly_usd": net}


def actions(given: ActionInput) -> list[Action]:
    s, tables = given.block("pull_through"), given.tables
    out = []
    refs = int(as_number(s.get("uncached_references")) or 0)
    saving = as_number(s.get("uncached_saving_if_cached_monthly_usd")) or 0.0
    if refs and saving > 0:
        out.append(Action(
            "pull_through_uncached",
            msg("Cache {images} pulled through NAT: saves {usd}/month",
                images=(msg("{n} upstream image", n=fmt_int(refs)) if refs == 1
                        else msg("{n} upstream images", n=fmt_int(refs))),
                usd=fmt_usd(saving, 2)),
            fmt_usd_per_month(saving), "pull-through", "pull-through-uncached", saving, 0.0,
            f"saves {fmt_usd_per_month(saving)}"))
    stale = int(as_number(s.get("stale_images")) or 0)
    stale_usd = as_number(s.get("stale_monthly_usd")) or 0.0
    if stale and stale_usd > 0:
        days = as_number(s.get("stale_days"))
        images = (msg("{n} stale cached image", n=fmt_int(stale)) if stale == 1
                  else msg("{n} stale cached images", n=fmt_int(stale)))
        size, usd = fmt_bytes(as_number(s.get("stale_bytes")) or 0), fmt_usd(stale_usd, 2)
        out.append(Action(
            "pull_through_stale",
            (msg("Expire {images} not pulled for {days} days: frees {size}, {usd}/month",
                 images=images, days=fmt_int(days), size=size, usd=usd) if days
             else msg("Expire {images}: frees {size}, {usd}/month", images=images, size=size,
                      usd=usd)),
            fmt_usd_per_month(stale_usd), "pull-through", "pull-through-stale", stale_usd, 0.0,
            f"saves {fmt_usd_per_month(stale_usd)}"))
    pt = tables.get("pull_through")
    key = ["account_id", "region", "ecr_repository_prefix"]
    if isinstance(pt, pd.DataFrame) and len(pt) and set(key + ["net_saving_monthly_usd"]) <= set(pt.columns):
        net = pt.assign(_net=pd.to_numeric(pt["net_saving_monthly_usd"], errors="coerce")) \
            .groupby(key, sort=True)["_net"].sum(min_count=1)
        losing = net[net < 0]
        loss = -float(losing.sum())
        if len(losing) and round(loss, 2) > 0:
            out.append(Action(
                "pull_through_not_paying",
                (msg("Review {rules} costing more than it saves: {usd}/month",
                     rules=msg("{n} pull-through cache rule", n=fmt_int(len(losing))),
                     usd=fmt_usd(loss, 2)) if len(losing) == 1
                 else msg("Review {rules} costing more than they save: {usd}/month",
                          rules=msg("{n} pull-through cache rules", n=fmt_int(len(losing))),
                          usd=fmt_usd(loss, 2))),
                fmt_usd_per_month(loss), "pull-through", "pull-through-repositories", loss, 0.0,
                f"saves {fmt_usd_per_month(loss)}"))
    return out
