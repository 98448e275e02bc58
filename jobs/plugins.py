"""The composition root: the one list of the report's concerns, in report order.

Each entry pairs a concern's pure declaration (`reports/<concern>/`, a `reports.concern.Concern`)
with its collection step (`jobs/collect/<concern>.py`). Every stage gets its concerns from here,
passed down as arguments; nothing registers itself on import. The order is the report's (its
sections, summary.json blocks, workbook sheets, cost lines, email lines); analysis and collection
run in the order the concerns' declared requirements give (`reports.concern.analysis_order`).

Adding a concern: write its package and its collector, then add one line to `PLUGINS`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..reports.concern import Concern, analysis_order
from ..reports.inspector_pricing import CONCERN as INSPECTOR
from ..reports.lifecycle import CONCERN as LIFECYCLE
from ..reports.pull_through import CONCERN as PULL_THROUGH
from ..reports.schema import FOUNDATION_TABLES
from .collect.inspector_pricing import collect_inspector_pricing
from .collect.lifecycle import collect_lifecycle
from .collect.pull_through import collect_pull_through
from .collect.unit import ConcernCollector


@dataclass(frozen=True)
class Plugin:
    concern: Concern
    collect: ConcernCollector | None = None
    """Its collection step in each (account, region); None: it reads only the foundation's calls."""


PLUGINS: tuple[Plugin, ...] = (
    Plugin(INSPECTOR, collect_inspector_pricing),
    Plugin(PULL_THROUGH, collect_pull_through),
    Plugin(LIFECYCLE, collect_lifecycle),
)

CONCERNS: tuple[Concern, ...] = tuple(p.concern for p in PLUGINS)


def collectors(plugins: tuple[Plugin, ...] = PLUGINS) -> tuple[ConcernCollector, ...]:
    """The plugins' collection steps in the concerns' analysis order (a concern whose analysis
    needs another's tables also collects after it)."""
    step = {p.concern.key: p.collect for p in plugins}
    order = analysis_order(tuple(p.concern for p in plugins), FOUNDATION_TABLES)
    return tuple(s for c in order if (s := step[c.key]) is not None)
