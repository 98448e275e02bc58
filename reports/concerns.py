"""The concerns that are built, in analysis order (a later one may read an earlier one's tables).

Add a concern by appending its `Concern` to `CONCERNS`. Every key in `PLANNED` that is not built
is listed in summary.json's `sections_not_computed`, and its report section says so.
"""

from __future__ import annotations

from .concern import Concern
from .lifecycle import CONCERN as LIFECYCLE
from .inspector_pricing import CONCERN as INSPECTOR
from .schema import register_table
from .pull_through import CONCERN as PULL_THROUGH  # issue 7

PLANNED = ("lifecycle", "inspector", "pull_through")

CONCERNS: tuple[Concern, ...] = (
    LIFECYCLE,  # first: the Inspector concern reads its lifecycle_actions table
    INSPECTOR,  # issue 4: after lifecycle, reads lifecycle_actions when present
    PULL_THROUGH,  # issue 7: reads the coverage table
)


def not_computed() -> tuple[str, ...]:
    built = {c.key for c in CONCERNS}
    return tuple(k for k in PLANNED if k not in built)


def _register() -> None:
    for concern in CONCERNS:
        for name, spec in concern.snapshot_tables.items():
            register_table(name, spec.columns)
        for name, columns in concern.result_tables.items():
            register_table(name, columns)


_register()
