"""Write an analysis into a run directory: data/, summary.json, report.html, report.pdf.

Used by a live run and by `ecr-report render`; it reads no clock, so the same analysis gives
the same bytes.
"""

from __future__ import annotations

from pathlib import Path

from ..reports.analyse import Analysis
from ..reports.render import ReportInput, render_html
from ..reports.stages import stage
from ..reports.xlsx import finops_workbook, workbook_sheets
from . import forked
from .gcpause import cycle_collector_paused
from .rundir import SUMMARY, write_frames, write_json

FINOPS_WORKBOOK = "finops.xlsx"
"""data/finops.xlsx: the FinOps review's workbook (reports.xlsx), one sheet per cost table."""


PDF_PROCESS = "ecr-report-pdf"
"""The name (ps, /proc/PID/comm) of the child process that renders report.pdf."""

XLSX_PROCESS = "ecr-report-xlsx"
"""The name of the child process that makes data/finops.xlsx's bytes."""

def report_language(analysis: Analysis) -> str:
    """The run's report language, as stored in its snapshot (English for older runs)."""
    return str(analysis.snapshot.meta.settings.get("report_language") or "en")


def publish(analysis: Analysis, run_dir: Path, *, pdf: bool = True) -> None:
    """Callers check fonts first (jobs/fonts.py `check_fonts`), before any expensive or irreversible work.

    With a second core, a forked child (jobs/forked.py) makes bytes while this process writes the
    data files: the PDF's (it needs only the HTML), or without a PDF the FinOps workbook's (it
    needs only the tables: started before the HTML). Not both: with three processes on two cores
    the PDF, the longest task, would get two thirds of a core while the other two run, and end
    later than with the workbook made here. This process writes every file; a child writes none.

    The cyclic collector is paused (jobs/gcpause.py; a run has paused it already, `render` has
    not): the writers make millions of objects and no cycles, and a collection in either process
    would also touch every object of the analysis, copying the pages the two processes share."""
    with cycle_collector_paused():
        _publish(analysis, run_dir, pdf=pdf)


def _publish(analysis: Analysis, run_dir: Path, *, pdf: bool) -> None:
    fork = forked.can_fork()
    with stage("summary"):  # stage markers: no-ops unless benchmarks/stages.py measures
        write_json(run_dir / SUMMARY, analysis.summary)
    workbook = forked.start(_workbook_bytes, analysis, what=f"data/{FINOPS_WORKBOOK}",
                            name=XLSX_PROCESS) if fork and not pdf else None
    document = None
    try:
        with stage("HTML"):
            html = render_html(report_input(analysis))
            (run_dir / "report.html").write_text(html, encoding="utf-8")
        document = forked.start(_pdf_bytes, html, what="report.pdf", name=PDF_PROCESS) if pdf and fork else None
        with stage("Parquet + CSV"):
            write_frames(run_dir / "data", analysis.tables)
        with stage("XLSX"):  # with its child: the wait for it once Parquet and CSV are written
            (run_dir / "data" / FINOPS_WORKBOOK).write_bytes(
                workbook.result() if workbook else _workbook_bytes(analysis))
        if pdf:
            with stage("PDF"):  # with a child: the wait for it once the data files are written
                (run_dir / "report.pdf").write_bytes(document.result() if document else _pdf_bytes(html))
    finally:
        for child in (workbook, document):
            if child is not None:
                child.cancel()  # only when this process failed first: the child is of no use then


def _workbook_bytes(analysis: Analysis) -> bytes:
    meta = analysis.snapshot.meta
    return finops_workbook(analysis.tables, as_of=meta.as_of, run_id=meta.run_id,
                           sheets=workbook_sheets(analysis.concerns))


def _pdf_bytes(html: str) -> bytes:
    # Imported here: WeasyPrint is 0.4 s of every process's start (a collecting shard, a run
    # before it collects) and only this step uses it (in the child, when there is one).
    from ..reports.render import render_pdf

    return render_pdf(html)


def report_input(analysis: Analysis) -> ReportInput:
    meta = analysis.snapshot.meta
    return ReportInput(
        run_id=meta.run_id,
        as_of=meta.as_of,
        tool_version=meta.tool_version,
        summary=analysis.summary,
        tables=analysis.tables,
        errors=list(meta.errors),
        notes=list(analysis.notes),
        methodology=list(analysis.methodology),
        sections_not_computed=list(analysis.sections_not_computed),
        demo=meta.demo,
        language=report_language(analysis),
        concerns=analysis.concerns,
    )
