"""Offline, exact evaluation of Amazon ECR lifecycle policies (pure: no AWS, no clock).

`parse_policy` validates policy text as ECR would; `evaluate` / `evaluate_fleet` say, per image,
which rule acts and how; `reclaimable` turns that into bytes; `lint` flags accepted-but-suspicious
policies; `preview` renders a `GetLifecyclePolicyPreview`-shaped answer. The choices made where
AWS's documentation is silent are in `METHODOLOGY` (methodology.py).

The lifecycle concern (`CONCERN`) runs them fleet-wide: `tables` (its snapshot and result tables),
`analysis` (`analyse` and its steps over `fleet`, `figures` and `lint_table`), `result` (the
typed headline figures, summary.json's `lifecycle` key), `methodology`, `config` (the
`[lifecycle]` section); and what the outputs take from it: `section` (+ `section_tables`),
`headline`, `leadership`, `finops`, `ja`.
"""

from ..concern import Concern, Presentation
from . import config, finops, headline, ja, leadership, section
from .analysis import analyse
from .awsjson import AwsJsonError, images_from_describe, manifests_from_batch_get, parse_timestamp
from .evaluate import evaluate, evaluate_fleet
from .frame import ImageInputError, image_frame
from .lint import LintWarning, lint, static_warnings
from .manifests import Manifests
from .methodology import METHODOLOGY
from .policy import Action, Policy, Rule, Selection, parse_policy
from .preview import preview
from .reclaim import reclaimable, totals
from .tables import RESULT_TABLES, SNAPSHOT_TABLES
from .validate import PolicyIssue, PolicyValidationError, validate_text

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


__all__ = [
    "CONCERN",
    "METHODOLOGY",
    "Action",
    "AwsJsonError",
    "ImageInputError",
    "LintWarning",
    "Manifests",
    "Policy",
    "PolicyIssue",
    "PolicyValidationError",
    "Rule",
    "Selection",
    "evaluate",
    "evaluate_fleet",
    "image_frame",
    "images_from_describe",
    "lint",
    "manifests_from_batch_get",
    "parse_policy",
    "parse_timestamp",
    "preview",
    "reclaimable",
    "static_warnings",
    "totals",
    "validate_text",
]
