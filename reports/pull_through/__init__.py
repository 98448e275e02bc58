"""Pull-through cache economics: cached storage against the NAT processing the cache avoids.

Modules: `tables` (snapshot tables and the result tables' schemas), `inputs` (settings and the
indexed snapshot), `topology` (what each VPC means for the cache), `economics` (storage against
NAT processing avoided, per cached repository), `in_use` (images in use, direct upstream pulls,
Docker Hub rate limits), `analysis` (the concern's `analyse`), `result` (its headline figures),
`methodology`. Its collector is `jobs/collect/pull_through.py`; what the outputs take
from it is in `headline`, `leadership`, `finops`, its report section and its Japanese catalog.
"""

from __future__ import annotations

from ..concern import Concern, Presentation
from . import config, finops, headline, ja, leadership, section
from .analysis import analyse
from .tables import RESULT_TABLES, SNAPSHOT_TABLES

CONCERN = Concern(
    key="pull_through",
    title="Pull-through cache economics",
    snapshot_tables=SNAPSHOT_TABLES,
    result_tables=RESULT_TABLES,
    requires=("pull_through_rules", "repositories", "images", "coverage"),
    analyse=analyse,
    placeholder={"storage_monthly_usd": 0.0, "nat_savings_monthly_usd": 0.0},
    config=config.PullThroughConfig,
    settings=config.settings,
    presentation=Presentation(
        section=section.build_pull_through,
        section_id=section.ANCHOR,
        section_title=section.TITLE,
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
        translations=(ja,),
    ),
)

__all__ = ["CONCERN"]
