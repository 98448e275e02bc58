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

from ..reports.concern import CompositionError, Concern, analysis_order
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
    collect_after: tuple[str, ...] = ()
    """Concerns (keys) whose collection step must have finished in a unit before this one runs,
    because it reads their calls. Steps that read only the foundation's run side by side."""


PLUGINS: tuple[Plugin, ...] = (
    Plugin(INSPECTOR, collect_inspector_pricing),
    Plugin(PULL_THROUGH, collect_pull_through),
    Plugin(LIFECYCLE, collect_lifecycle),
)

CONCERNS: tuple[Concern, ...] = tuple(p.concern for p in PLUGINS)


def collectors(plugins: tuple[Plugin, ...] = PLUGINS) -> tuple[tuple[ConcernCollector, ...], ...]:
    """The plugins' collection steps in rounds: a round runs side by side after the one before
    it; a step is one round after the last of its `collect_after` (the first round: none).
    Within a round, the concerns' analysis order."""
    by_key = {p.concern.key: p for p in plugins}
    order = analysis_order(tuple(p.concern for p in plugins), FOUNDATION_TABLES)
    rounds: dict[str, int] = {}

    def round_of(key: str, path: tuple[str, ...] = ()) -> int:
        if key in path:
            raise CompositionError(f"concerns collect after each other in a cycle: {' -> '.join((*path, key))}")
        if key not in rounds:
            after = by_key[key].collect_after
            unknown = [k for k in after if k not in by_key]
            if unknown:
                raise CompositionError(f"concern {key!r} collects after {unknown[0]!r}, which is not listed")
            rounds[key] = 1 + max((round_of(k, (*path, key)) for k in after), default=-1)
        return rounds[key]

    steps = [(round_of(c.key), by_key[c.key].collect) for c in order]
    return tuple(tuple(step for r, step in steps if r == n and step is not None)
                 for n in range(1 + max((r for r, _ in steps), default=-1)))
