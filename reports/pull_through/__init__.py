"""Pull-through cache economics: cached storage against the NAT processing the cache avoids.

The concern's snapshot tables (`tables.py`), model (`model.py`) and methodology, and what the
outputs take from it (`headline`, `leadership`, `finops`, its report section and Japanese
catalog); its collector is `jobs/collect/pull_through.py`.
"""

from __future__ import annotations

from ..concern import Concern, Presentation
from ..render.i18n import ja_pull_through
from ..render.section_pull_through import build_pull_through
from . import finops, headline, leadership
from .model import RESULT_TABLES, analyse
from .tables import SNAPSHOT_TABLES

CONCERN = Concern(
    key="pull_through",
    title="Pull-through cache economics",
    snapshot_tables=SNAPSHOT_TABLES,
    result_tables=RESULT_TABLES,
    requires=("pull_through_rules", "repositories", "images", "coverage"),
    analyse=analyse,
    placeholder={"storage_monthly_usd": 0.0, "nat_savings_monthly_usd": 0.0},
    presentation=Presentation(
        section=build_pull_through,
        section_id="pull-through",
        section_title="Pull-through cache economics",
        metrics=leadership.METRICS,
        figures=leadership.figures,
        headline_tiles=headline.tiles,
        email_figures=headline.email_figures,
        actions=leadership.actions,
        cost_lines=finops.cost_lines,
        workbook_sheets=(
            ("pull_through", "pull-through cache economics, one row per rule and cached repository"),
            ("pull_through_stale", "cached images not pulled recently"),
            ("pull_through_uncached", "upstream images pulled without the cache"),
            ("pull_through_topology", "VPCs: NAT gateways, endpoints, and whether the cache saves NAT processing"),
        ),
        translations=(ja_pull_through,),
    ),
)

__all__ = ["CONCERN"]
