"""Analysis: snapshot tables in, result tables and headline figures out. Pure.

Scan coverage and compliance are the foundation; every other concern is a plug-in
(`reports.concern.Concern`) given by the caller, and runs after the foundation in the order its
declared requirements give. A concern declared but not built is listed in
`sections_not_computed`, and both `summary.json` and the report say so instead of showing zeros
as if they were measured.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import pandas as pd

from .compliance import METHODOLOGY as COMPLIANCE_METHODOLOGY
from .compliance import evaluate_controls
from .concern import AnalysisContext, Concern, analysis_order
from .coverage import METHODOLOGY as COVERAGE_METHODOLOGY
from .coverage import analyse_coverage
from .finops import METHODOLOGY as FINOPS_METHODOLOGY
from .finops import cost_lines as finops_cost_lines
from .frameworks import framework_mapping
from .leadership import build_leadership
from .prices import PriceTable
from .schema import FOUNDATION_TABLES
from .snapshot import Snapshot
from .stages import stage
from .summary import build_summary
from .text import msg


@dataclass(frozen=True)
class Analysis:
    snapshot: Snapshot
    tables: Mapping[str, pd.DataFrame]
    """Snapshot tables plus every result table (coverage, compliance, each concern's, prices)."""
    summary: Mapping[str, Any]
    notes: tuple[str, ...]
    """Plain-language caveats; sentences with figures in them are `reports.text.Text` (msg)."""
    methodology: tuple[tuple[str, tuple[str, ...]], ...]
    """(heading, paragraphs): headings are the catalog's section titles, paragraphs `Text`
    (msg) or fixed sentences the catalog knows; the report translates both."""
    sections_not_computed: tuple[str, ...]
    concerns: tuple[Concern, ...] = ()
    """The concerns this analysis ran, in the composition root's (the report's) order."""


def not_computed(concerns: Sequence[Concern]) -> tuple[str, ...]:
    """Keys of the concerns declared but not built."""
    return tuple(c.key for c in concerns if c.analyse is None)


def analyse(snapshot: Snapshot, concerns: Sequence[Concern]) -> Analysis:
    meta = snapshot.meta
    order = analysis_order(concerns, FOUNDATION_TABLES)  # fails clearly on a missing table or a cycle
    with stage("analysis: coverage + compliance"):
        tables, notes, methodology = _foundation(snapshot)
    prices = PriceTable.from_settings(meta.settings.get("prices", ()))
    concern_summaries: dict[str, Any] = {}
    for concern in order:
        if concern.analyse is None:
            continue
        with stage(f"analysis: {concern.key}"):
            result = concern.analyse(_context(concern, snapshot, tables, prices))
        tables.update(result.tables)
        concern_summaries[concern.key] = result.headline.to_summary()
        notes.extend(result.notes)
        methodology.append((concern.title, tuple(result.methodology)))
    # Before prices.used(): the cost lines list the prices they use.
    with stage("analysis: cost lines"):
        tables["cost_lines"] = finops_cost_lines(tables, meta.as_of, prices, concerns)
    methodology.append(("Cost lines (FinOps FOCUS columns)", FINOPS_METHODOLOGY))
    tables["prices"] = prices.used()
    methodology.append(("Data collection", (_collection_sentence(snapshot.calls_total),)))
    skipped = not_computed(concerns)
    with stage("summary"):
        summary = build_summary(snapshot, tables, skipped, concern_summaries, concerns)
        # The first page's changes since earlier runs and its ranked actions. The history was
        # read at run time and kept in the snapshot (absent for runs made before trends).
        lead = build_leadership(summary, tables, meta.settings.get("history"), concerns)
    summary["trends"], summary["actions"] = lead.trends, lead.actions
    tables["actions"] = lead.table
    methodology.append(("Trends and ranked actions", lead.methodology))
    return Analysis(snapshot, tables, summary, tuple(notes), tuple(methodology), skipped,
                    tuple(concerns))


def _foundation(snapshot: Snapshot) -> tuple[dict[str, pd.DataFrame], list[str], list[Any]]:
    """Scan coverage and compliance: the tables, notes and methodology every concern builds on."""
    meta = snapshot.meta
    coverage = analyse_coverage(snapshot.tables, meta.as_of, meta.scope,
                                stale_after_days=meta.stale_basic_scan_days,
                                partial_units=frozenset((str(e.get("account", "")), str(e.get("region", "")))
                                                        for e in meta.errors))
    tables: dict[str, pd.DataFrame] = {
        **snapshot.tables,
        "coverage": coverage.coverage,
        "image_scans": coverage.image_scans,
        "registry_coverage": coverage.registry_coverage,
        "compliance": evaluate_controls(snapshot.tables, coverage),
    }
    tables["framework_mapping"] = framework_mapping(tables["compliance"])
    methodology = [
        ("Scan coverage", tuple(COVERAGE_METHODOLOGY)),
        ("Compliance controls", tuple(COMPLIANCE_METHODOLOGY)),
        ("Scope of per-image basic findings", (meta.scope.describe(),)),
    ]
    return tables, list(coverage.notes), methodology


def _context(concern: Concern, snapshot: Snapshot, tables: Mapping[str, pd.DataFrame],
             prices: PriceTable) -> AnalysisContext:
    """What `concern` may read: its own snapshot tables and the tables it declares it requires."""
    meta = snapshot.meta
    visible = {name: tables[name] for name in (*concern.snapshot_tables, *concern.requires)}
    return AnalysisContext(
        as_of=pd.Timestamp(meta.as_of).tz_convert("UTC"), tables=visible, prices=prices,
        settings=meta.settings.get(concern.key, {}), units=meta.units, errors=meta.errors)


def _collection_sentence(calls: int) -> str:
    return msg("{n} read-only API calls were made; every response is kept under raw/ in the run "
               "directory, verbatim except task definitions and role assumptions, which are cut to "
               "what the report reads so that no secret is kept, and every figure in this report is "
               "computed from those responses as of the snapshot time, never from the clock.", n=f"{calls:,}")
