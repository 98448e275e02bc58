"""Pull-through cache economics: cached storage against the NAT processing the cache avoids.

Modules: `tables` (snapshot tables and the result tables' schemas), `inputs` (settings and the
indexed snapshot), `topology` (what each VPC means for the cache), `economics` (storage against
NAT processing avoided, per cached repository), `in_use` (images in use, direct upstream pulls,
Docker Hub rate limits), `analysis` (the concern's `analyse`), `result` (its headline figures),
`methodology`. Its collector is `jobs/collect/pull_through.py` and its report section
`reports/render/section_pull_through.py`.
"""

from __future__ import annotations

from ..concern import Concern
from .analysis import analyse
from .tables import RESULT_TABLES, SNAPSHOT_TABLES

CONCERN = Concern(
    key="pull_through",
    title="Pull-through cache economics",
    snapshot_tables=SNAPSHOT_TABLES,
    result_tables=RESULT_TABLES,
    analyse=analyse,
)

__all__ = ["CONCERN"]
