"""The composition root: the one list of the report's concerns, in report order.

Each entry pairs a concern's pure declaration (`reports/<concern>/`, a `reports.concern.Concern`)
with its collection step (`jobs/collect/<concern>.py`). Every stage gets its concerns from here,
passed down as arguments; nothing registers itself on import. The order is the report's (its
sections, summary.json blocks, workbook sheets, cost lines); analysis and collection run in the
order the concerns' declared requirements give (`reports.concern.analysis_order`).

Adding a concern: write its package and collector, then add one line below.
"""

from __future__ import annotations

from ..reports.concern import Concern
from ..reports.inspector_pricing import CONCERN as INSPECTOR
from ..reports.lifecycle.concern import CONCERN as LIFECYCLE
from ..reports.pull_through import CONCERN as PULL_THROUGH

CONCERNS: tuple[Concern, ...] = (
    INSPECTOR,
    PULL_THROUGH,
    LIFECYCLE,
)
