"""Inspector pricing exposure: what Amazon Inspector's ECR scanning costs now, what AWS itself
estimates, and what it would cost under other settings.

Modules: `tables` (snapshot tables from GetConfiguration and ListUsageTotals, and the result
tables' schemas), `rules` (the per-image billing rules), `model` (the fleet model, calibration,
reconciliation), `scenarios` (what-ifs), `analysis` (the concern's `analyse`), `result` (its
headline figures), `methodology`.
"""

from __future__ import annotations

from ..concern import Concern
from .analysis import analyse
from .tables import RESULT_TABLES, SNAPSHOT_TABLES

CONCERN = Concern(
    key="inspector",
    title="Inspector pricing exposure",
    snapshot_tables=SNAPSHOT_TABLES,
    result_tables=RESULT_TABLES,
    analyse=analyse,
)
