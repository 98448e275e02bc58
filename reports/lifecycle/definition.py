"""The lifecycle concern's plug-in definition (`CONCERN`): its tables, analysis and presentation.

Kept out of the package's `__init__` so that the offline commands (`lifecycle preview|lint`),
which need only the evaluator, do not import the report renderer and the concern machinery.
"""

from ..concern import Concern, Presentation
from . import config, finops, headline, ja, leadership, section
from .analysis import analyse
from .tables import RESULT_TABLES, SNAPSHOT_TABLES

CONCERN = Concern(
    key="lifecycle",
    title="Lifecycle policies",
    snapshot_tables=SNAPSHOT_TABLES,
    result_tables=RESULT_TABLES,
    requires=("repositories", "images", "pull_through_rules"),
    analyse=analyse,
    placeholder={"images_expiring": 0, "reclaimable_bytes": 0, "reclaimable_monthly_usd": 0.0},
    config=config.LifecycleConfig,
    settings=config.settings,
    presentation=Presentation(
        section=section.build_lifecycle,
        section_id=section.SECTION_ID,
        section_title=section.TITLE,
        metrics=leadership.METRICS,
        figures=leadership.figures,
        trend_figures=leadership.TREND_FIGURES,
        headline_tiles=headline.tiles,
        email_figures=headline.email_figures,
        actions=leadership.actions,
        cost_lines=finops.cost_lines,
        workbook_sheets=(
            ("lifecycle", "lifecycle reclaimable bytes and dollars, one row per repository and scenario"),
        ),
        translations=(ja,),
    ),
)
