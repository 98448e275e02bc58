"""Analysis: snapshot tables in, result tables and headline figures out. Pure.

Each concern plugs in here. Concerns not built yet are listed in `SECTIONS_NOT_COMPUTED`, and
both `summary.json` and the report say so instead of showing zeros as if they were measured.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import pandas as pd

from .compliance import METHODOLOGY as COMPLIANCE_METHODOLOGY
from .compliance import evaluate_controls
from .coverage import METHODOLOGY as COVERAGE_METHODOLOGY
from .coverage import analyse_coverage
from .snapshot import Snapshot
from .summary import build_summary

SECTIONS_NOT_COMPUTED = ("inspector", "pull_through", "lifecycle")


@dataclass(frozen=True)
class Analysis:
    snapshot: Snapshot
    tables: Mapping[str, pd.DataFrame]
    """Snapshot tables plus result tables (coverage, image_scans, registry_coverage, compliance)."""
    summary: Mapping[str, Any]
    notes: tuple[str, ...]
    methodology: tuple[tuple[str, tuple[str, ...]], ...]
    sections_not_computed: tuple[str, ...]


def analyse(snapshot: Snapshot) -> Analysis:
    meta = snapshot.meta
    scope = meta.scope
    coverage = analyse_coverage(snapshot.tables, meta.as_of, scope,
                                stale_after_days=meta.stale_basic_scan_days)
    compliance = evaluate_controls(snapshot.tables, coverage)
    tables = {
        **snapshot.tables,
        "coverage": coverage.coverage,
        "image_scans": coverage.image_scans,
        "registry_coverage": coverage.registry_coverage,
        "compliance": compliance,
    }
    summary = build_summary(snapshot, tables, SECTIONS_NOT_COMPUTED)
    methodology = (
        ("Scan coverage", tuple(COVERAGE_METHODOLOGY)),
        ("Compliance controls", tuple(COMPLIANCE_METHODOLOGY)),
        ("Scope of per-image basic findings", (scope.describe(),)),
        ("Data collection", (
            f"{snapshot.calls_total:,} read-only API calls were made; every response is kept "
            "verbatim under raw/ in the run directory, and every figure in this report is "
            "computed from those responses as of the snapshot time, never from the clock.",
        )),
    )
    return Analysis(snapshot, tables, summary, tuple(coverage.notes), methodology, SECTIONS_NOT_COMPUTED)
