"""The render stage's input: everything the report shows, and nothing it has to look up.

The integrator (jobs/) builds one `ReportInput` per run from the snapshot, the analysis results
and the collection errors. Rendering is a pure function of it: the same `ReportInput` gives the
same HTML string and the same PDF bytes, because nothing in render reads the clock, the
environment or the network. `as_of` is the report's only notion of "now".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd

from ..concern import Concern


@dataclass(frozen=True)
class ReportInput:
    """Everything one report shows."""

    run_id: str
    """Sortable run identifier, as in `output/runs/<run_id>/`."""
    as_of: datetime
    """Timezone-aware UTC snapshot time; every age and date in the report is relative to it."""
    tool_version: str
    """`ecr-report` version that produced the run."""
    summary: Mapping[str, Any]
    """The summary.json dict (design.md), headline figures."""
    tables: Mapping[str, pd.DataFrame]
    """Result tables "coverage", "image_scans", "registry_coverage", "compliance"
    (reports.schema.RESULT_TABLES) and the snapshot table "registries". A missing table renders
    as "not available", never as an empty all-good table."""
    errors: Sequence[Mapping[str, str]]
    """Completeness errors: {account, region, operation, error}, one per failed call."""
    notes: Sequence[str]
    """Analysis caveats, plain sentences."""
    methodology: Sequence[tuple[str, Sequence[str]]]
    """(heading, paragraphs) supplied by the analysis modules."""
    sections_not_computed: Sequence[str]
    """Section keys ("inspector", "pull_through", "lifecycle") whose analysis is not built:
    they say so plainly instead of showing zeros."""
    demo: bool
    """True when the data comes from the emulated demo fleet: a visible DEMO marker."""
    language: str = "en"
    """Report language: "en" (default) or "ja" (reports/render/i18n.py)."""
    concerns: Sequence[Concern] = ()
    """The concerns of the run, in report order: each brings its section, headline tiles and
    translations (reports.concern.Presentation)."""

    def __post_init__(self) -> None:
        if self.as_of.tzinfo is None or self.as_of.utcoffset() is None:
            raise ValueError("ReportInput.as_of must be timezone-aware (UTC)")
