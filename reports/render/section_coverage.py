"""2. Scan coverage: per registry and per repository, what is scanned, by what, how often."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
from markupsafe import Markup

from ..scanfilters import source_text
from ..text import as_text, msg
from . import charts
from .blocks import Cell, Chart, Column, Heading, Paragraph, Section, Table
from .filters import fmt_int, fmt_pct, fmt_text, pct_of
from .viewmodel import (
    UNKNOWN,
    SectionContext,
    frequency_text,
    known_bool,
    known_str,
    missing_table_notice,
    registry_label,
    registry_units,
    sort_number,
)

REPOSITORY_ROWS = 15
"""Repositories shown in the coverage table; the rest are in data/coverage.csv."""
REGISTRY_ROWS = 8
"""Registries (account × region) in the coverage table and charts: the least covered in the table,
the largest in the charts (the rest in one "other registries" bar); all in
data/registry_coverage.csv."""
FREQUENCY_SERIES = (  # (label, frequencies, colour) for the coverage chart
    ("Continuous", ("CONTINUOUS_SCAN",), "#1f4e79"),
    ("On push", ("SCAN_ON_PUSH",), "#6a9bd1"),
    ("Manual only (never automatic)", ("MANUAL",), "#c0504d"),
    ("Unknown", (None,), "#b8b8b8"),
)
SCAN_STATE_SERIES = (
    ("Scanned / monitored", ("SCANNED", "MONITORED"), "#1f4e79"),
    ("Stale basic scan", ("STALE_BASIC",), "#6a9bd1"),
    ("Pending", ("PENDING",), "#b7cde8"),
    ("Not scanned / failed / unsupported", ("NEVER_SCANNED", "FAILED", "UNSUPPORTED", "INACTIVE"),
     "#c0504d"),
    ("Not checked (outside findings scope)", ("NOT_CHECKED",), "#d9d9d9"),
    ("Archived", ("ARCHIVED",), "#8c8c8c"),
    ("Unknown", (None,), "#e3c16f"),
)


def _grouped_chart(frame: pd.DataFrame, column: str, spec: tuple, *, chart_id: str, title: str,
                   unit: str) -> Markup:
    units = registry_units(frame)
    # Rows counted per (registry, value) by pandas first: a scale-40 fleet's 105k images one
    # at a time in Python were a fifth of the HTML's time.
    cells = pd.DataFrame({"account_id": frame["account_id"].astype(str), "region": frame["region"].astype(str),
                          "value": frame[column]})
    per_value = cells.groupby(["account_id", "region", "value"], dropna=False, sort=False).size()
    bars = {u: registry_label(*u) for u in units}
    labels = list(bars.values())
    if len(units) > REGISTRY_ROWS:  # the largest registries, the rest summed in one last bar
        size: dict[tuple[str, str], int] = {}
        for (account, region, _), n in per_value.items():
            size[(account, region)] = size.get((account, region), 0) + n
        top = set(sorted(units, key=lambda u: (-size.get(u, 0), u))[:REGISTRY_ROWS - 1])
        other = msg("{n} other registries", n=fmt_int(len(units) - len(top)))
        bars = {u: (registry_label(*u) if u in top else other) for u in units}
        labels = [registry_label(*u) for u in units if u in top] + [other]
    counts: dict[tuple[str, str | None], int] = {}
    for (account, region, value), n in per_value.items():
        key = (bars[(account, region)], known_str(value))
        counts[key] = counts.get(key, 0) + n
    known = {v for group in spec for v in group[1] if v is not None}
    series = []
    for label, values, colour in spec:
        row = []
        for bar in labels:
            if values == (None,):  # the "unknown / other" bucket
                row.append(sum(n for (b, v), n in counts.items()
                               if b == bar and (v is None or v not in known)))
            else:
                row.append(sum(counts.get((bar, v), 0) for v in values))
        if any(row):
            series.append(charts.Series(label, row, colour))
    if not series:
        series = [charts.Series(spec[0][0], [0] * len(labels), spec[0][2])]
    return charts.bar_chart(labels, series, title=title, chart_id=chart_id, unit=unit)


def _scanned_cell(part: Any, whole: Any, partial: bool = False) -> Cell:
    """"part / whole" and the share; in a registry with failed calls, nothing counted is not a
    zero: it reads unknown."""
    if partial and not sort_number(whole):
        return Cell(UNKNOWN, True, badge="unknown", note=msg("calls failed"))
    pct = pct_of(part, whole)
    return Cell(f"{fmt_int(part)} / {fmt_int(whole)}", True,
                note=fmt_pct(pct, 0) if pct is not None else "")


def _registry_table(ctx: SectionContext, frame: pd.DataFrame) -> Table:
    rows = []
    ordered = frame.sort_values(["account_id", "region"], kind="mergesort")
    if len(ordered) > REGISTRY_ROWS:  # the least covered: Clair first, then the lowest image coverage
        ordered = ordered.assign(
            _clair=(ordered["scan_engine"].astype("string").fillna("") != "CLAIR").astype(int),
            _pct=(ordered["images_scanned"].astype("float64")
                  / ordered["images_scannable"].astype("float64").where(lambda v: v > 0)).fillna(0.0),
            _headroom=ordered["quota_headroom_pct"].astype("float64").fillna(100.0),
        ).sort_values(["_clair", "_pct", "_headroom", "account_id", "region"], kind="mergesort")
    more = max(0, len(ordered) - REGISTRY_ROWS)
    for rec in ordered.head(REGISTRY_ROWS).to_dict("records"):
        engine = known_str(rec["scan_engine"])
        partial = ctx.partial(rec["account_id"], rec["region"])
        rows.append((
            Cell(fmt_text(rec["account_id"]), code=True,
                 note=(msg("{where} · partial", where=fmt_text(rec["region"])) if partial
                       else fmt_text(rec["region"]))),
            Cell(fmt_text(rec["scan_type"], UNKNOWN)),
            Cell("CLAIR (retired)", badge="fail") if engine == "CLAIR" else
            Cell(fmt_text(engine, UNKNOWN)),
            _scanned_cell(rec["repositories_scanned"], rec["repositories_total"], partial),
            _scanned_cell(rec["images_scanned"], rec["images_scannable"], partial),
            Cell(fmt_int(rec["images_pushed_last_24h"]), True),
            Cell(fmt_int(rec["max_images_pushed_per_day"]), True),
            Cell(fmt_int(rec["basic_scan_quota_per_day"]), True),
            Cell(fmt_pct(rec["quota_headroom_pct"], 1), True),
        ))
    return Table(
        id="registry-coverage",
        caption=(msg("Coverage per registry (account × region), the {rows} least covered of "
                     "{total}. Quota headroom: what is left of the basic-scan daily quota on the "
                     "busiest push day of the last 30 days.", rows=REGISTRY_ROWS,
                     total=fmt_int(len(ordered))) if more else
                 "Coverage per registry (account × region). Quota headroom: what is left of the "
                 "basic-scan daily quota on the busiest push day of the last 30 days."),
        columns=(Column("Registry"), Column("Scan type"), Column("Engine"),
                 Column("Repos scanned", True), Column("Images scanned", True),
                 Column("Pushed 24 h", True), Column("Busiest day", True),
                 Column("Quota / day", True), Column("Headroom", True)),
        rows=tuple(rows),
        empty_text="No registry was collected.",
        more_text=((msg("{n} more registry in data/registry_coverage.csv.", n=fmt_int(more))
                    if more == 1 else
                    msg("{n} more registries in data/registry_coverage.csv.", n=fmt_int(more)))
                   if more else ""),
        compact=True,
    )


def _repositories_table(ctx: SectionContext, frame: pd.DataFrame) -> Table:
    ordered = frame.assign(
        _crit=frame["critical"].astype("Float64").fillna(0),
        _high=frame["high"].astype("Float64").fillna(0),
        _auto=frame["automatically_scanned"].astype("boolean").fillna(False).astype(int),
        _dis=frame["aws_disagrees"].astype("boolean").fillna(False).astype(int),
    ).sort_values(
        ["_crit", "_high", "_auto", "_dis", "account_id", "region", "repository_name"],
        ascending=[False, False, True, False, True, True, True], kind="mergesort",
    )
    shown = ordered.head(REPOSITORY_ROWS)
    rows = [_repository_row(ctx, rec) for rec in shown.to_dict("records")]
    more = len(ordered) - len(shown)
    return Table(
        id="repositories",
        caption=(msg("Repositories, highest risk first (open critical, then high findings, then "
                     "not scanned automatically); top {rows} of {total}", rows=REPOSITORY_ROWS,
                     total=fmt_int(len(ordered))) if more else
                 "Repositories, highest risk first (open critical, then high findings, then not "
                 "scanned automatically)"),
        columns=(Column("Repository", width="24%"), Column("Scan type"),
                 Column("Effective frequency", width="22%"), Column("AWS's answer"),
                 Column("Images scanned", True), Column("Critical", True), Column("High", True)),
        rows=tuple(rows),
        empty_text="No repositories were found in the collected registries.",
        more_text=((msg("{n} more repository in data/coverage.csv.", n=fmt_int(more)) if more == 1
                    else msg("{n} more repositories in data/coverage.csv.", n=fmt_int(more)))
                   if more else ""),
    )


def _repository_row(ctx: SectionContext, rec: Mapping[str, Any]) -> tuple[Cell, ...]:
    source = source_text(known_str(rec["frequency_source"]) or "")
    matched = known_str(rec["matched_filter"])
    note = msg("{source} (filter {filter})", source=source, filter=matched) if matched else source
    auto = known_bool(rec["automatically_scanned"])
    engine = known_str(rec["scan_engine"])
    registry = registry_label(rec["account_id"], rec["region"])
    partial = ctx.partial(rec["account_id"], rec["region"])
    not_checked = sort_number(rec["images_not_checked"])
    return (
        Cell(str(rec["repository_name"]), code=True,
             note=msg("{where} · partial", where=registry) if partial else registry),
        Cell(fmt_text(rec["scan_type"], UNKNOWN),
             note=("Clair (retired)" if engine == "CLAIR" else fmt_text(engine, ""))),
        Cell(frequency_text(rec["scan_frequency"]),
             badge="fail" if auto is False else ("unknown" if auto is None else ""), note=note),
        _aws_answer_cell(rec),
        Cell(f"{fmt_int(rec['images_scanned'])} / {fmt_int(rec['images_scannable'])}", True,
             note=msg("{n} not checked", n=fmt_int(not_checked)) if not_checked else ""),
        Cell(fmt_int(rec["critical"], UNKNOWN), True),
        Cell(fmt_int(rec["high"], UNKNOWN), True),
    )


def _aws_answer_cell(rec: Mapping[str, Any]) -> Cell:
    """AWS's own per-repository scan frequency beside ours: agrees, DIFFERS, or not collected."""
    aws = known_str(rec["aws_scan_frequency"])
    if known_bool(rec["aws_disagrees"]):
        return Cell("DIFFERS", badge="warn", note=msg("AWS: {frequency}", frequency=as_text(frequency_text(aws))))
    if aws:
        return Cell("agrees", note=frequency_text(aws))
    return Cell("not collected")


def build_coverage(ctx: SectionContext, number: int) -> Section:
    blocks: list[object] = [Paragraph(msg(
        "The effective scan frequency is what applies to a repository after the registry's "
        "scanning rules and their repository filters (continuous wins over scan on push), or the "
        "legacy repository-level scan-on-push setting on basic registries. Manual only means no "
        "scan happens unless someone starts one."))]
    cov = ctx.table("coverage")
    scans = ctx.table("image_scans")
    reg = ctx.table("registry_coverage")
    if cov is not None and len(cov):
        blocks.append(Chart(
            "chart-repositories", "Repositories by effective scan frequency, per registry",
            _grouped_chart(cov, "scan_frequency", FREQUENCY_SERIES, chart_id="chart-repos",
                           title="Repositories by effective scan frequency, per registry",
                           unit=msg("repositories"))))
    if scans is not None and len(scans):
        blocks.append(Chart(
            "chart-images", "Images by scan state, per registry",
            _grouped_chart(scans, "scan_state", SCAN_STATE_SERIES, chart_id="chart-images",
                           title="Images by scan state, per registry", unit=msg("images")),
            note="Not checked: outside the basic-findings scope (see Methodology), so neither "
                 "clean nor vulnerable as far as this report knows."))
    blocks.append(Heading("Registries", id="coverage-registries"))
    blocks.append(_registry_table(ctx, reg) if reg is not None else
                  missing_table_notice(msg("registry coverage")))
    blocks.append(Heading("Repositories", id="coverage-repositories"))
    blocks.append(_repositories_table(ctx, cov) if cov is not None else
                  missing_table_notice(msg("repository coverage")))
    return Section("coverage", number, "Scan coverage", tuple(blocks), new_page=True)
