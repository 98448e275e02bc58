"""Inspector pricing exposure (issue 4): what Amazon Inspector's ECR scanning costs now, what
AWS itself estimates, and what it would cost under other settings.

Modules: `tables` (snapshot tables from GetConfiguration and ListUsageTotals), `rules` (the
per-image billing rules), `analysis` (the fleet model, calibration, reconciliation),
`scenarios` (what-ifs), `result` (the concern's `analyse`).
"""

from __future__ import annotations

from ..concern import Concern
from .analysis import RESULT_TABLES
from .result import analyse
from .tables import SNAPSHOT_TABLES

CONCERN = Concern(
    key="inspector",
    title="Inspector pricing exposure",
    snapshot_tables=SNAPSHOT_TABLES,
    result_tables=RESULT_TABLES,
    analyse=analyse,
)
