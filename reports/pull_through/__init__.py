"""Pull-through cache economics: cached storage against the NAT processing the cache avoids.

The concern's snapshot tables (`tables.py`), model (`model.py`) and methodology; its collector is
`jobs/collect/pull_through.py` and its report section `reports/render/section_pull_through.py`.
"""

from __future__ import annotations

from ..concern import Concern
from .model import RESULT_TABLES, analyse
from .tables import SNAPSHOT_TABLES

CONCERN = Concern(
    key="pull_through",
    title="Pull-through cache economics",
    snapshot_tables=SNAPSHOT_TABLES,
    result_tables=RESULT_TABLES,
    analyse=analyse,
)

__all__ = ["CONCERN"]
