"""Appendix "For auditors": how to trace a verdict to its raw response, and, per framework, the
requirements AWS relates to the controls evaluated, their status and where the evidence is."""

from __future__ import annotations

import pandas as pd

from ..frameworks import FRAMEWORKS, framework_mapping, worst
from ..provenance import SEPARATOR
from ..text import msg
from .blocks import Cell, Column, Heading, Paragraph, Section, Table
from .filters import fmt_int
from .section_compliance import STATUS_BADGE
from .viewmodel import SectionContext, control_key, missing_table_notice

STATUS_TEXT = {"PASS": "PASS", "FAIL": "FAIL", "UNKNOWN": "UNKNOWN", "NOT_EVALUATED": "not evaluated"}


def build_auditors(ctx: SectionContext, number: int) -> Section:
    blocks: list[object] = [
        Paragraph(msg(
            "Every row of data/compliance.csv, data/coverage.csv and data/image_scans.csv names the "
            "raw API response that decided it (evidence_file, under raw/ in the run directory), the "
            "value inside it (evidence_pointer, a JSON Pointer into the stored response) and, for "
            "compliance, the rule applied (rule). 'ecr-report explain RUN_DIR --control ECR.2' "
            "verifies the run first, then quotes those values for each verdict.")),
        Paragraph(msg(
            "The requirements below are those AWS Security Hub lists as related to each control "
            "on the control's page: they are AWS's mappings, not this report's. A mapping is not an "
            "attestation: a control that passes on every repository shows that its check passed, "
            "not that the requirement is met."), tone="notice"),
    ]
    table = _mapping(ctx)
    if table is None:
        blocks.append(missing_table_notice(msg("framework mapping")))
        return Section("auditors", number, "For auditors", tuple(blocks))
    for framework in FRAMEWORKS:
        rows = table[table["framework"] == framework]
        if len(rows):
            blocks.extend((Heading(framework), _framework_table(framework, rows)))
    for (title, url, read_on), _ in table.groupby(["source_title", "source_url", "read_on"], sort=True):
        # Without the scheme: the report is self-contained and links to nothing outside itself.
        blocks.append(Paragraph(msg("Source: AWS Security Hub User Guide, '{title}', {url} (read {date}).",
                                    title=title, url=url.removeprefix("https://"), date=read_on)))
    return Section("auditors", number, "For auditors", tuple(blocks))


def _evidence(controls: list[str], files: int) -> str:
    listed = ", ".join(controls)
    if files == 1:
        return msg("data/compliance.csv, {controls}; {n} raw file", controls=listed, n=fmt_int(files))
    return msg("data/compliance.csv, {controls}; {n} raw files", controls=listed, n=fmt_int(files))


def _mapping(ctx: SectionContext) -> pd.DataFrame | None:
    """data/framework_mapping.csv's table; built from the verdicts for an older run without it."""
    table = ctx.table("framework_mapping")
    if table is not None:
        return table
    comp = ctx.table("compliance")
    return framework_mapping(comp) if comp is not None else None


def _framework_table(framework: str, rows: pd.DataFrame) -> Table:
    """One row per requirement: its controls, the worst status among them, counts, evidence."""
    out = []
    for requirement, group in rows.groupby("requirement", sort=False):
        controls = sorted(group["control_id"].astype(str).unique(), key=control_key)
        status = worst(group["status"].astype(str).tolist())
        files = {f for cell in group["evidence_files"].dropna() for f in str(cell).split(SEPARATOR)}
        out.append((
            Cell(str(requirement), code=True),
            Cell(", ".join(controls), code=True),
            Cell(STATUS_TEXT.get(status, status), badge=STATUS_BADGE.get(status, "unknown")),
            Cell(fmt_int(int(group["pass"].sum())), True),
            Cell(fmt_int(int(group["fail"].sum())), True),
            Cell(fmt_int(int(group["unknown"].sum())), True),
            Cell(_evidence(controls, len(files))),
        ))
    return Table(
        id="framework-" + framework.lower().replace(" ", "-").replace(".", ""),
        caption=msg("{framework}: requirements related to the controls evaluated", framework=framework),
        columns=(Column("Requirement"), Column("Controls"), Column("Status"), Column("Pass", True),
                 Column("Fail", True), Column("Unknown", True), Column("Evidence", width="34%")),
        rows=tuple(out),
        empty_text="No requirement is mapped to the controls evaluated.",
        compact=True,
    )
