"""Inspector pricing exposure: what Amazon Inspector's ECR scanning costs now, what AWS itself
estimates, and what it would cost under other settings.

Modules: `tables` (snapshot tables from GetConfiguration and ListUsageTotals, and the result
tables' schemas), `rules` (the per-image billing rules), `model` (the fleet model, calibration,
reconciliation), `scenarios` (what-ifs), `analysis` (the concern's `analyse`), `result` (its
headline figures), `methodology`; what the outputs take from it: `headline`, `leadership`,
`finops`, its report section and Japanese catalog.
"""

from __future__ import annotations

from ..concern import Concern, Presentation
from . import config, finops, headline, ja, leadership, section
from .analysis import analyse
from .tables import RESULT_TABLES, SNAPSHOT_TABLES

CONCERN = Concern(
    key="inspector",
    title="Inspector pricing exposure",
    snapshot_tables=SNAPSHOT_TABLES,
    result_tables=RESULT_TABLES,
    requires=("registries", "coverage", "images", "inspector_coverage", "lifecycle_actions"),
    analyse=analyse,
    placeholder={"estimated_monthly_usd": 0.0},
    config=config.InspectorConfig,
    presentation=Presentation(
        section=section.build_inspector,
        section_id=section.ANCHOR,
        section_title=section.TITLE,
        metrics=leadership.METRICS,
        figures=leadership.figures,
        headline_tiles=headline.tiles,
        email_figures=headline.email_figures,
        actions=leadership.actions,
        cost_lines=finops.cost_lines,
        workbook_sheets=(
            ("inspector", "Amazon Inspector cost, one row per repository"),
            ("inspector_scenarios", "Inspector cost under other settings"),
            ("inspector_reconciliation", "our Inspector model against AWS's own usage figures"),
        ),
        translations=(ja,),
    ),
)
