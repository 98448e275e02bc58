"""Appendix "For auditors": how to trace a verdict to its raw response, and, per framework, the
requirements AWS relates to the controls evaluated, their status and where the evidence is."""

from __future__ import annotations

import pandas as pd

from ..frameworks import FRAMEWORKS, framework_mapping, worst
from ..provenance import SEPARATOR
from ..sources import cite
from ..text import msg
from .blocks import Cell, Column, Paragraph, Section, Table
from .filters import fmt_int
from .section_compliance import STATUS_BADGE
from .viewmodel import SectionContext, control_key, missing_table_notice

# The pages reports/framework_mapping.csv was read from (its source_url column).
SECURITY_HUB_SOURCES = ("securityhub-ecr-controls", "securityhub-inspector-controls")
# The table names the framework in a narrow column; the CSV keeps the full name.
SHORT_NAMES = {"NIST SP 800-53 Rev. 5": "NIST 800-53 r5", "PCI DSS v4.0.1": "PCI DSS 4.0.1"}
STATUS_TEXT = {"PASS": "PASS", "FAIL": "FAIL", "UNKNOWN": "UNKNOWN", "NOT_EVALUATED": "not evaluated"}


def build_auditors(ctx: SectionContext, number: int) -> Section:
    blocks: list[object] = [
        Paragraph(msg(
            "Every row of data/compliance.csv, data/coverage.csv and data/image_scans.csv names the raw "
            "response that decided it (evidence_file, under raw/), the value in it (evidence_pointer, "
            "a JSON Pointer) and, for compliance, the rule applied; 'ecr-report explain RUN_DIR "
            "--control ECR.2' verifies the run, then quotes those values.")),
        Paragraph(msg(
            "The requirements below are those AWS Security Hub relates to each control on the control's "
            "page {sources}: AWS's mappings, not this report's. A mapping is not an attestation: a passing "
            "control shows that its check passed, not that the requirement is met.",
            sources=cite(*SECURITY_HUB_SOURCES)), tone="notice"),
    ]
    table = _mapping(ctx)
    if table is None:
        blocks.append(missing_table_notice(msg("framework mapping")))
        return Section("auditors", number, "For auditors", tuple(blocks))
    blocks.append(_frameworks_table(table))
    return Section("auditors", number, "For auditors", tuple(blocks))


def _evidence(files: int) -> str:
    if files == 1:
        return msg("{n} raw file", n=fmt_int(files))
    return msg("{n} raw files", n=fmt_int(files))


def _mapping(ctx: SectionContext) -> pd.DataFrame | None:
    """data/framework_mapping.csv's table; built from the verdicts for an older run without it."""
    table = ctx.table("framework_mapping")
    if table is not None:
        return table
    comp = ctx.table("compliance")
    return framework_mapping(comp) if comp is not None else None


def _frameworks_table(table: pd.DataFrame) -> Table:
    """Per framework, one row per set of requirements that share their controls and therefore
    their status, counts and evidence (AWS relates up to eight NIST requirements to one control)."""
    grouped: dict[tuple, list[str]] = {}
    for framework in FRAMEWORKS:
        rows = table[table["framework"] == framework]
        for requirement, group in rows.groupby("requirement", sort=False):
            controls = tuple(sorted(group["control_id"].astype(str).unique(), key=control_key))
            status = worst(group["status"].astype(str).tolist())
            files = {f for cell in group["evidence_files"].dropna() for f in str(cell).split(SEPARATOR)}
            key = (framework, controls, status, int(group["pass"].sum()), int(group["fail"].sum()),
                   int(group["unknown"].sum()), len(files))
            grouped.setdefault(key, []).append(str(requirement))
    out = [(
        Cell(SHORT_NAMES.get(framework, framework), verbatim=True),  # a standard's own name
        Cell(", ".join(requirements), code=True),
        Cell(", ".join(controls), code=True),
        Cell(STATUS_TEXT.get(status, status), badge=STATUS_BADGE.get(status, "unknown")),
        Cell(fmt_int(passed), True),
        Cell(fmt_int(failed), True),
        Cell(fmt_int(unknown), True),
        Cell(_evidence(files), True),
    ) for (framework, controls, status, passed, failed, unknown, files), requirements in grouped.items()]
    return Table(
        id="framework-mapping",
        caption=msg("NIST SP 800-53 Rev. 5 and PCI DSS v4.0.1 requirements; evidence: the controls' rows of "
                    "data/compliance.csv and the raw files they cite"),
        columns=(Column("Framework", width="15%"), Column("Requirements", width="40%"),
                 Column("Controls", width="12%"), Column("Status"), Column("Pass", True),
                 Column("Fail", True), Column("Unknown", True), Column("Evidence", True)),
        rows=tuple(out),
        empty_text="No requirement is mapped to the controls evaluated.",
        compact=True,
    )
