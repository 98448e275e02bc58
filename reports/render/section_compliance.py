"""3. Compliance: per control, repositories per verdict, and the failing ones with their evidence."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..compliance import evidence_text
from ..text import as_text, msg
from .blocks import Cell, Column, Heading, Paragraph, Section, Table
from .filters import fmt_int, is_missing
from .viewmodel import SectionContext, control_key, control_title, missing_table_notice, registry_label

FAILING_ROWS_PER_CONTROL = 6
STATUS_BADGE = {"PASS": "pass", "FAIL": "fail", "UNKNOWN": "unknown", "NOT_APPLICABLE": "na"}
STATUS_TEXT = {"PASS": "PASS", "FAIL": "FAIL", "UNKNOWN": "UNKNOWN", "NOT_APPLICABLE": "N/A"}


def build_compliance(ctx: SectionContext, number: int) -> Section:
    comp = ctx.table("compliance")
    blocks: list[object] = [Paragraph(msg(
        "Per-repository verdicts for the AWS Security Hub controls on ECR, computed from the "
        "collected configuration. UNKNOWN means the data needed for the verdict could not be "
        "collected; it is neither a pass nor a fail."))]
    if comp is None:
        blocks.append(missing_table_notice(msg("compliance")))
        return Section("compliance", number, "Compliance", tuple(blocks), new_page=True)
    controls = sorted(comp["control_id"].dropna().astype(str).unique(), key=control_key)
    blocks.append(_controls_table(comp, controls))
    for control in controls:
        blocks.extend(_failing_blocks(comp, control))
    return Section("compliance", number, "Compliance", tuple(blocks), new_page=True)


def _controls_table(comp: pd.DataFrame, controls: list[str]) -> Table:
    """One row per control: repositories per verdict."""
    summary_rows = []
    for control in controls:
        rows = comp[comp["control_id"] == control]
        counts = rows["status"].fillna("UNKNOWN").value_counts()
        severity = rows["severity"].dropna()
        fail = int(counts.get("FAIL", 0))
        unknown = int(counts.get("UNKNOWN", 0))
        summary_rows.append((
            Cell(control, code=True),
            Cell(control_title(comp, control)),
            Cell(str(severity.iloc[0]) if len(severity) else "n/a"),
            Cell(fmt_int(counts.get("PASS", 0)), True),
            Cell(fmt_int(fail), True, badge="fail" if fail else ""),
            Cell(fmt_int(unknown), True, badge="unknown" if unknown else ""),
            Cell(fmt_int(counts.get("NOT_APPLICABLE", 0)), True),
        ))
    return Table(
        id="controls",
        caption="Controls: repositories per verdict",
        columns=(Column("Control"), Column("Title", width="42%"), Column("Severity"),
                 Column("Pass", True), Column("Fail", True), Column("Unknown", True),
                 Column("N/A", True)),
        rows=tuple(summary_rows),
        empty_text="No control was evaluated.",
    )


def _failing_blocks(comp: pd.DataFrame, control: str) -> list[object]:
    """A control's heading and its failing or unknown repositories, failures first, capped."""
    rows = comp[(comp["control_id"] == control) & comp["status"].isin(["FAIL", "UNKNOWN"])]
    if not len(rows):
        return []
    rank = rows["status"].map({"FAIL": 0, "UNKNOWN": 1})
    ordered = rows.assign(_rank=rank).sort_values(
        ["_rank", "account_id", "region", "repository_name"], kind="mergesort")
    shown = ordered.head(FAILING_ROWS_PER_CONTROL)
    more = len(ordered) - len(shown)
    slug = control.lower().replace(".", "-")
    heading = Heading(msg("{control}: {title}", control=control,
                          title=as_text(control_title(comp, control))), id=f"control-{slug}")
    return [heading, Table(
        id=f"control-{slug}-failing",
        caption=msg("{control}: repositories failing or unknown ({n})", control=control,
                    n=fmt_int(len(ordered))),
        columns=(Column("Repository", width="30%"), Column("Status"),
                 Column("Evidence", width="56%")),
        rows=tuple(_failing_row(rec) for rec in shown.to_dict("records")),
        more_text=((msg("{n} more row in data/compliance.csv.", n=fmt_int(more)) if more == 1
                    else msg("{n} more rows in data/compliance.csv.", n=fmt_int(more)))
                   if more else ""),
        compact=True,
    )]


def _failing_row(rec: Mapping[str, Any]) -> tuple[Cell, ...]:
    return (Cell(str(rec["repository_name"]), code=True,
                 note=registry_label(rec["account_id"], rec["region"])),
            Cell(STATUS_TEXT.get(rec["status"], rec["status"]),
                 badge=STATUS_BADGE.get(rec["status"], "unknown")),
            Cell(evidence_text(rec["evidence"]) if not is_missing(rec["evidence"])
                 else "no evidence recorded"))
