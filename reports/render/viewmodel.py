"""Turn a ReportInput into a ReportView: display-ready strings, tables and charts.

All judgement about what to show lives here (sorting by risk, capping long lists, the
executive-summary sentences, how an unknown value reads); the templates only lay it out.
Each section is built by one function in `SECTION_BUILDERS`, in report order; a later concern
adds its builder there (issue 5), and the table of contents follows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import pandas as pd
from markupsafe import Markup

from ..compliance import evidence_text
from ..scanfilters import source_text
from ..summary import dig
from ..text import Joined, Text, as_text, counted, join, msg
from . import charts
from .blocks import (
    Banner,
    Bullets,
    Cell,
    Chart,
    Column,
    Heading,
    Meta,
    Paragraph,
    ReportView,
    Section,
    Table,
)
from .filters import (
    fmt_datetime,
    fmt_int,
    fmt_iso,
    fmt_pct,
    fmt_text,
    is_missing,
    pct_of,
    plural,
)
from .i18n import localize_view
from .model import ReportInput

TITLE = "ECR cost & compliance report"
UNKNOWN = "unknown"
REPOSITORY_ROWS = 15
"""Repositories shown in the coverage table; the rest are in data/coverage.csv."""
FAILING_ROWS_PER_CONTROL = 6
ERROR_ROWS = 20
"""Failed calls listed in Data completeness; every one is in summary.json (completeness.errors)."""
REGISTRY_ROWS = 8
LISTED_REGISTRIES = 8
"""Account ids a methodology paragraph or note may list before the rest is cut (cap_registry_list)."""
"""Registries (account × region) in the coverage table and charts: the least covered in the table,
the largest in the charts (the rest in one "other registries" bar); all in
data/registry_coverage.csv."""
CLAIR_RETIREMENT = datetime(2026, 2, 2, tzinfo=timezone.utc)  # aws-facts.md §2.2 [SCAN-BASIC]

CONTROL_ORDER = ("ECR.1", "ECR.2", "ECR.3", "ECR.5", "Inspector.2")
STATUS_BADGE = {"PASS": "pass", "FAIL": "fail", "UNKNOWN": "unknown", "NOT_APPLICABLE": "na"}
STATUS_TEXT = {"PASS": "PASS", "FAIL": "FAIL", "UNKNOWN": "UNKNOWN", "NOT_APPLICABLE": "N/A"}

FREQUENCY_TEXT = {
    "CONTINUOUS_SCAN": "Continuous",
    "SCAN_ON_PUSH": "On push",
    "MANUAL": "Manual only",
}
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
DEFERRED = {
    # key: (section id, title, what it would show, data file)
    "inspector": ("inspector", "Inspector pricing exposure",
                  "what Amazon Inspector enhanced scanning costs now and under other settings",
                  "data/inspector.csv"),
    "pull_through": ("pull-through", "Pull-through cache economics",
                     "cached images' storage cost against the NAT gateway egress they save",
                     "data/pull_through.csv"),
    "lifecycle": ("lifecycle", "Lifecycle reclaimable storage",
                  "what lifecycle policies would expire or archive, and the bytes and dollars "
                  "that frees", "data/lifecycle.csv"),
}


# --- small helpers ---------------------------------------------------------------------------



def _bool(value: Any) -> bool | None:
    return None if is_missing(value) else bool(value)


def _num(value: Any) -> float:
    """For sorting and summing: unknown counts as 0 (never for display)."""
    return 0.0 if is_missing(value) else float(value)


def _str(value: Any) -> str | None:
    return None if is_missing(value) else str(value)


def registry_label(account: Any, region: Any) -> str:
    return f"{fmt_text(account)} · {fmt_text(region)}"


def _frequency(value: Any) -> str:
    text = _str(value)
    return FREQUENCY_TEXT.get(text, text) if text else UNKNOWN


def _api_calls(n: int) -> Text:
    return msg("{n} API call", n=fmt_int(n)) if n == 1 else msg("{n} API calls", n=fmt_int(n))


_ACCOUNT_ID = re.compile(r"(?<!\d)\d{12}(?!\d)")


def _more_registries(head: str, more: int) -> Text:
    return msg("{head} … and {n} more (every registry's value is in the run's data/ tables)",
               head=head, n=fmt_int(more))


def _cut(text: str, limit: int) -> tuple[str, int] | None:
    """Where cap_registry_list cuts `text`: (the part kept, how many ids are left out)."""
    found = list(_ACCOUNT_ID.finditer(text))
    if len(found) <= limit:
        return None
    start = found[limit].start()
    cut = max(text.rfind("; ", 0, start), text.rfind(", ", 0, start))
    head = text[:cut if cut > found[limit - 1].end() else start].rstrip(" ,;")
    return head, len(found) - limit


def capped_list(items: Iterable[str], limit: int = LISTED_REGISTRIES, separator: str = ", ") -> str:
    """Registries (or anything naming them) listed with `separator`, cut after `limit` items with
    "… and N more (every registry's value is in the run's data/ tables)".

    For a builder that puts a list of registries into a `msg` sentence: give it this as the
    parameter, so the sentence is cut the same way in every language. The items may be `Text`;
    the list is then a `join` and each item is translated. (This cuts on items, not on account
    ids; `cap_registry_list` on the finished sentence leaves a sentence with at most `limit` ids
    unchanged.)"""
    items = list(items)
    shown = items[:limit]
    listed = (join(shown, separator) if any(isinstance(i, Text) for i in shown)
              else separator.join(shown))
    if len(items) <= limit:
        return listed
    return _more_registries(listed, len(items) - limit)


class _CappedText(Text):
    """A cut sentence: its English is the old character cut (below), its `template` and
    `params` are the sentence with each registry-list parameter capped, for translation."""

    __slots__ = ()

    def __reduce__(self):  # noqa: ANN204 - keep the English cut through a copy
        return (_with_english, (str(self), Text(self.template, self.params)))


class _CappedJoined(Joined):
    __slots__ = ()

    def __reduce__(self):  # noqa: ANN204
        return (_with_english, (str(self), Joined(tuple(self.params.values()), self.separator)))


def _with_english(english: str, translated: Text) -> Text:
    """`translated`'s template and parameters, with `english` as its English."""
    if isinstance(translated, Joined):
        out: Text = str.__new__(_CappedJoined, english)
        out.separator = translated.separator  # type: ignore[attr-defined]
    else:
        out = str.__new__(_CappedText, english)
    out.template, out.params = translated.template, translated.params
    return out


def _cap_params(text: str, limit: int) -> str:
    """`text` with every registry list in it cut after `limit` account ids, for translation:
    a plain string is cut like cap_registry_list does; a `Text` has its parameters capped one
    by one (each keeps up to `limit` ids), a `join`ed paragraph keeps its first parts."""
    if not isinstance(text, Text) or not text.params:
        cut = _cut(str(text), limit)
        if cut is None:
            return text
        return _more_registries(cut[0], cut[1])
    if len(_ACCOUNT_ID.findall(text)) <= limit:
        return text
    if isinstance(text, Joined):
        parts = list(text.params.values())
        kept: list[str] = []
        seen = 0
        for part in parts:
            ids = len(_ACCOUNT_ID.findall(part)) if isinstance(part, str) else 0
            if seen + ids > limit and kept:
                dropped = sum(len(_ACCOUNT_ID.findall(p)) for p in parts[len(kept):]
                              if isinstance(p, str))
                return _more_registries(join(kept, text.separator), dropped)
            kept.append(_cap_params(part, limit) if isinstance(part, str) else part)
            seen += ids
        return join(kept, text.separator)
    params = {name: (_cap_params(value, limit) if isinstance(value, str) else value)
              for name, value in text.params.items()}
    if all(params[name] is value for name, value in text.params.items()):
        return text
    return Text(text.template, params)


def cap_registry_list(text: str, limit: int = LISTED_REGISTRIES) -> str:
    """Cut a sentence that lists registries (12-digit account ids) after `limit` of them.

    Analysis notes and methodology paragraphs name registries ("Calibrated in: ...", "Rescan
    settings per registry: ..."); for a large fleet that list would run for pages. The cut falls
    on the list separator before the next account id, and the rest of the sentence is replaced
    by "… and N more (every registry's value is in the run's data/ tables)".

    Languages: a sentence with at most `limit` ids is returned unchanged (a `Text` stays a
    `Text`). A cut `Text` keeps its English exactly as above, but is translated as the whole
    sentence with each registry-list *parameter* cut after `limit` ids (`_cap_params`), so the
    translated sentence keeps its grammar and its end. Only a plain string (no template) is
    translated as the English head plus the translated "… and N more"; builders avoid that by
    making the sentence a `msg` with the list as a parameter, best built with `capped_list`."""
    cut = _cut(str(text), limit)
    if cut is None:
        return text
    english = str(_more_registries(*cut))
    if isinstance(text, Text) and text.params:
        return _with_english(english, _cap_params(text, limit))
    return _more_registries(*cut)


def _list_text(items: Iterable[str], limit: int = 6) -> str:
    items = list(items)
    if not items:
        return msg("none")
    if len(items) <= limit:
        return ", ".join(items)
    return msg("{items} and {n} more", items=", ".join(items[:limit]), n=str(len(items) - limit))


@dataclass(frozen=True)
class _Ctx:
    """What every section builder may read."""

    report: ReportInput
    error_units: frozenset[tuple[str, str]]
    """(account, region) pairs with at least one failed call."""

    def table(self, name: str) -> pd.DataFrame | None:
        frame = self.report.tables.get(name)
        return frame if isinstance(frame, pd.DataFrame) else None

    @property
    def summary(self) -> Mapping[str, Any]:
        return self.report.summary

    def not_computed(self, key: str) -> bool:
        return key in self.report.sections_not_computed

    def partial(self, account: Any, region: Any) -> bool:
        return (str(account), str(region)) in self.error_units


def _missing_table(name: Text) -> Paragraph:
    return Paragraph(msg("The {name} table is not available for this run, so this part of the "
                         "report could not be produced. It is not evidence that there is nothing "
                         "to report.", name=name), tone="alert")


def _registry_frame(frame: pd.DataFrame) -> list[tuple[str, str]]:
    units = frame[["account_id", "region"]].astype(str).drop_duplicates()
    return sorted(map(tuple, units.to_numpy().tolist()))


# --- header and banner ---------------------------------------------------------------------


def _meta(report: ReportInput) -> Meta:
    accounts = [str(a) for a in (dig(report.summary, "accounts") or [])]
    regions = [str(r) for r in (dig(report.summary, "regions") or [])]
    return Meta(
        title=TITLE,
        as_of=fmt_datetime(report.as_of),
        as_of_iso=fmt_iso(report.as_of),
        run_id=report.run_id,
        tool_version=report.tool_version,
        scope=f"{plural(len(accounts), 'account')} × {plural(len(regions), 'region')}",
        accounts=_list_text(accounts),
        regions=_list_text(regions),
        demo=report.demo,
    )


def _banner(ctx: _Ctx) -> Banner | None:
    errors = ctx.report.errors
    if not errors:
        return None
    units = len(ctx.error_units)
    calls = dig(ctx.summary, "completeness", "calls")
    failed = _api_calls(len(errors))
    if not is_missing(calls) and calls:
        failed = msg("{calls} of {total}", calls=failed, total=fmt_int(calls))
    return Banner(
        title="Incomplete data",
        text=msg("{calls} failed in {registries} (account × region). Figures that depend on "
                 "them are marked unknown or partial; a missing value is not a zero. See Data "
                 "completeness for the list.", calls=failed, registries=counted(units, "registry")),
    )


# --- 1. executive summary ------------------------------------------------------------------


# The executive summary (headline figures with trends, ranked actions, key points) is
# built in section_summary.py (issue 5); the control helpers below are shared with it.


def _control_key(control: str) -> tuple[int, str]:
    return (CONTROL_ORDER.index(control) if control in CONTROL_ORDER else len(CONTROL_ORDER),
            control)


def _control_title(comp: pd.DataFrame, control: str) -> str:
    titles = comp.loc[comp["control_id"] == control, "title"].dropna()
    return str(titles.iloc[0]) if len(titles) else control


# --- 2. scan coverage ------------------------------------------------------------------------


def _grouped_chart(frame: pd.DataFrame, column: str, spec: tuple, *, chart_id: str, title: str,
                   unit: str) -> Markup:
    units = _registry_frame(frame)
    unit_keys = list(zip(frame["account_id"].astype(str), frame["region"].astype(str)))
    bars = {u: registry_label(*u) for u in units}
    labels = list(bars.values())
    if len(units) > REGISTRY_ROWS:  # the largest registries, the rest summed in one last bar
        size: dict[tuple[str, str], int] = {}
        for unit_key in unit_keys:
            size[unit_key] = size.get(unit_key, 0) + 1
        top = set(sorted(units, key=lambda u: (-size.get(u, 0), u))[:REGISTRY_ROWS - 1])
        other = msg("{n} other registries", n=fmt_int(len(units) - len(top)))
        bars = {u: (registry_label(*u) if u in top else other) for u in units}
        labels = [registry_label(*u) for u in units if u in top] + [other]
    counts: dict[tuple[str, str | None], int] = {}
    for unit_key, value in zip(unit_keys, frame[column]):
        key = (bars[unit_key], _str(value))
        counts[key] = counts.get(key, 0) + 1
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


def _scanned_cell(part: Any, whole: Any) -> Cell:
    pct = pct_of(part, whole)
    return Cell(f"{fmt_int(part)} / {fmt_int(whole)}", True,
                note=fmt_pct(pct, 0) if pct is not None else "")


def _registry_table(ctx: _Ctx, frame: pd.DataFrame) -> Table:
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
        engine = _str(rec["scan_engine"])
        partial = ctx.partial(rec["account_id"], rec["region"])
        rows.append((
            Cell(fmt_text(rec["account_id"]), code=True,
                 note=(msg("{where} · partial", where=fmt_text(rec["region"])) if partial
                       else fmt_text(rec["region"]))),
            Cell(fmt_text(rec["scan_type"], UNKNOWN)),
            Cell("CLAIR (retired)", badge="fail") if engine == "CLAIR" else
            Cell(fmt_text(engine, UNKNOWN)),
            _scanned_cell(rec["repositories_scanned"], rec["repositories_total"]),
            _scanned_cell(rec["images_scanned"], rec["images_scannable"]),
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


def _repositories_table(ctx: _Ctx, frame: pd.DataFrame) -> Table:
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
    rows = []
    for rec in shown.to_dict("records"):
        source = source_text(_str(rec["frequency_source"]) or "")
        matched = _str(rec["matched_filter"])
        note = msg("{source} (filter {filter})", source=source, filter=matched) if matched else source
        aws = _str(rec["aws_scan_frequency"])
        disagrees = _bool(rec["aws_disagrees"])
        if disagrees:
            aws_cell = Cell("DIFFERS", badge="warn", note=msg("AWS: {frequency}", frequency=as_text(_frequency(aws))))
        elif aws:
            aws_cell = Cell("agrees", note=_frequency(aws))
        else:
            aws_cell = Cell("not collected")
        auto = _bool(rec["automatically_scanned"])
        frequency = _frequency(rec["scan_frequency"])
        engine = _str(rec["scan_engine"])
        partial = ctx.partial(rec["account_id"], rec["region"])
        not_checked = _num(rec["images_not_checked"])
        rows.append((
            Cell(str(rec["repository_name"]), code=True,
                 note=(msg("{where} · partial", where=registry_label(rec["account_id"], rec["region"]))
                       if partial else registry_label(rec["account_id"], rec["region"]))),
            Cell(fmt_text(rec["scan_type"], UNKNOWN),
                 note=("Clair (retired)" if engine == "CLAIR" else fmt_text(engine, ""))),
            Cell(frequency, badge="fail" if auto is False else ("unknown" if auto is None else ""),
                 note=note),
            aws_cell,
            Cell(f"{fmt_int(rec['images_scanned'])} / {fmt_int(rec['images_scannable'])}", True,
                 note=msg("{n} not checked", n=fmt_int(not_checked)) if not_checked else ""),
            Cell(fmt_int(rec["critical"], UNKNOWN), True),
            Cell(fmt_int(rec["high"], UNKNOWN), True),
        ))
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


def build_coverage(ctx: _Ctx, number: int) -> Section:
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
                  _missing_table(msg("registry coverage")))
    blocks.append(Heading("Repositories", id="coverage-repositories"))
    blocks.append(_repositories_table(ctx, cov) if cov is not None else
                  _missing_table(msg("repository coverage")))
    return Section("coverage", number, "Scan coverage", tuple(blocks), new_page=True)


# --- 3. compliance ---------------------------------------------------------------------------


def build_compliance(ctx: _Ctx, number: int) -> Section:
    comp = ctx.table("compliance")
    blocks: list[object] = [Paragraph(msg(
        "Per-repository verdicts for the AWS Security Hub controls on ECR, computed from the "
        "collected configuration. UNKNOWN means the data needed for the verdict could not be "
        "collected; it is neither a pass nor a fail."))]
    if comp is None:
        blocks.append(_missing_table(msg("compliance")))
        return Section("compliance", number, "Compliance", tuple(blocks), new_page=True)
    controls = sorted(comp["control_id"].dropna().astype(str).unique(), key=_control_key)
    summary_rows = []
    for control in controls:
        rows = comp[comp["control_id"] == control]
        counts = rows["status"].fillna("UNKNOWN").value_counts()
        severity = rows["severity"].dropna()
        fail = int(counts.get("FAIL", 0))
        unknown = int(counts.get("UNKNOWN", 0))
        summary_rows.append((
            Cell(control, code=True),
            Cell(_control_title(comp, control)),
            Cell(str(severity.iloc[0]) if len(severity) else "n/a"),
            Cell(fmt_int(counts.get("PASS", 0)), True),
            Cell(fmt_int(fail), True, badge="fail" if fail else ""),
            Cell(fmt_int(unknown), True, badge="unknown" if unknown else ""),
            Cell(fmt_int(counts.get("NOT_APPLICABLE", 0)), True),
        ))
    blocks.append(Table(
        id="controls",
        caption="Controls: repositories per verdict",
        columns=(Column("Control"), Column("Title", width="42%"), Column("Severity"),
                 Column("Pass", True), Column("Fail", True), Column("Unknown", True),
                 Column("N/A", True)),
        rows=tuple(summary_rows),
        empty_text="No control was evaluated.",
    ))
    for control in controls:
        rows = comp[(comp["control_id"] == control) & comp["status"].isin(["FAIL", "UNKNOWN"])]
        if not len(rows):
            continue
        rank = rows["status"].map({"FAIL": 0, "UNKNOWN": 1})
        ordered = rows.assign(_rank=rank).sort_values(
            ["_rank", "account_id", "region", "repository_name"], kind="mergesort")
        shown = ordered.head(FAILING_ROWS_PER_CONTROL)
        more = len(ordered) - len(shown)
        slug = control.lower().replace(".", "-")
        blocks.append(Heading(msg("{control}: {title}", control=control,
                                  title=as_text(_control_title(comp, control))),
                              id=f"control-{slug}"))
        blocks.append(Table(
            id=f"control-{slug}-failing",
            caption=msg("{control}: repositories failing or unknown ({n})", control=control,
                        n=fmt_int(len(ordered))),
            columns=(Column("Repository", width="30%"), Column("Status"),
                     Column("Evidence", width="56%")),
            rows=tuple(
                (Cell(str(rec["repository_name"]), code=True,
                      note=registry_label(rec["account_id"], rec["region"])),
                 Cell(STATUS_TEXT.get(rec["status"], rec["status"]),
                      badge=STATUS_BADGE.get(rec["status"], "unknown")),
                 Cell(evidence_text(rec["evidence"]) if not is_missing(rec["evidence"])
                      else "no evidence recorded"))
                for rec in shown.to_dict("records")
            ),
            more_text=((msg("{n} more row in data/compliance.csv.", n=fmt_int(more)) if more == 1
                        else msg("{n} more rows in data/compliance.csv.", n=fmt_int(more)))
                       if more else ""),
            compact=True,
        ))
    return Section("compliance", number, "Compliance", tuple(blocks), new_page=True)


# --- 7. data completeness --------------------------------------------------------------------


def build_completeness(ctx: _Ctx, number: int) -> Section:
    errors = ctx.report.errors
    calls = dig(ctx.summary, "completeness", "calls")
    blocks: list[object] = []
    if not errors:
        blocks.append(Paragraph(
            msg("All {n} API calls succeeded; no collection errors were recorded.", n=fmt_int(calls))
            if not is_missing(calls) else
            msg("All API calls succeeded; no collection errors were recorded.")))
    else:
        failed = _api_calls(len(errors))
        if not is_missing(calls) and calls:
            failed = msg("{calls} of {total}", calls=failed, total=fmt_int(calls))
        grouped = len(errors) > ERROR_ROWS
        blocks.append(Paragraph(join([
            msg("{calls} failed.", calls=failed),
            msg("They are grouped below by operation and error; every failure is in summary.json "
                "(completeness.errors). Figures for the affected registries are partial, and "
                "verdicts that needed the missing data are UNKNOWN. The rest of the report is "
                "complete.") if grouped else
            msg("Each failure is listed below; figures for the affected registries are partial, "
                "and verdicts that needed the missing data are UNKNOWN. The rest of the report is "
                "complete.")]), tone="alert"))
        if grouped:
            blocks.append(_error_groups(errors))
            return Section("completeness", number, "Data completeness", tuple(blocks),
                           new_page=True)
        ordered = sorted(errors, key=lambda e: (str(e.get("account", "")),
                                                str(e.get("region", "")),
                                                str(e.get("operation", "")),
                                                str(e.get("error", ""))))
        shown = ordered[:ERROR_ROWS]
        more = len(ordered) - len(shown)
        blocks.append(Table(
            id="errors",
            caption="Failed calls",
            columns=(Column("Account"), Column("Region"), Column("Operation"),
                     Column("Error", width="50%")),
            rows=tuple((Cell(fmt_text(e.get("account"))), Cell(fmt_text(e.get("region"))),
                        Cell(fmt_text(e.get("operation")), code=True),
                        Cell(fmt_text(e.get("error")), verbatim=True)) for e in shown),
            more_text=((msg("{n} more failure in summary.json (completeness.errors).", n=fmt_int(more))
                        if more == 1 else
                        msg("{n} more failures in summary.json (completeness.errors).", n=fmt_int(more)))
                       if more else ""),
            compact=True,
        ))
    return Section("completeness", number, "Data completeness", tuple(blocks), new_page=True)


def _error_groups(errors: Iterable[Mapping[str, Any]]) -> Table:
    """Many failures: one row per (operation, error kind), most failures first, capped."""
    groups: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for e in errors:
        text = fmt_text(e.get("error"))
        kind = text.split(":", 1)[0].strip() if ":" in text else text
        groups.setdefault((fmt_text(e.get("operation")), kind), []).append(e)
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    rows = []
    for (operation, kind), items in ordered[:ERROR_ROWS]:
        units = sorted({registry_label(e.get("account"), e.get("region")) for e in items})
        example = min(fmt_text(e.get("error")) for e in items)
        rows.append((Cell(operation, code=True),
                     Cell(kind, note=msg("e.g. {example}", example=example), verbatim=True),
                     Cell(fmt_int(len(items)), True),
                     Cell(counted(len(units), "registry"), note=_list_text(units, 3))))
    more = len(ordered) - len(rows)
    return Table(
        id="errors",
        caption="Failed calls, grouped by operation and error",
        columns=(Column("Operation"), Column("Error", width="46%"), Column("Failed calls", True),
                 Column("Registries", width="26%")),
        rows=tuple(rows),
        more_text=((msg("{n} more group; every failure is in summary.json (completeness.errors).",
                        n=fmt_int(more)) if more == 1 else
                    msg("{n} more groups; every failure is in summary.json (completeness.errors).",
                        n=fmt_int(more))) if more else
                   msg("Every failure is in summary.json (completeness.errors).")),
        compact=True,
    )


# --- 8. methodology --------------------------------------------------------------------------


def build_methodology(ctx: _Ctx, number: int) -> Section:
    report = ctx.report
    meta = _meta(report)
    blocks: list[object] = [
        Heading("Scope and conventions"),
        Paragraph(msg("This report covers {scope}: accounts {accounts}; regions {regions}. All "
                      "figures are as of {as_of}, the time of the snapshot taken by run {run_id}; "
                      "ages and windows are measured from that time, so re-rendering the run "
                      "gives the same report.", scope=as_text(meta.scope), accounts=meta.accounts,
                      regions=meta.regions, as_of=as_text(meta.as_of), run_id=report.run_id)),
        Paragraph(msg("Times are UTC (ISO 8601). Sizes use binary units (1 GiB = 2^30 bytes). "
                      "Money is US dollars. A value shown as unknown or n/a could not be "
                      "determined; it is never a zero.")),
        Paragraph(msg("Long lists are capped in this report. The complete tables are in the run "
                      "directory: data/coverage.csv (one row per repository), data/compliance.csv "
                      "(one row per repository and control), and summary.json for the headline "
                      "figures and collection errors.")),
    ]
    if report.demo:
        blocks.append(Paragraph("DEMO DATA: this run used the embedded emulated fleet, not a "
                                "real AWS account.", tone="notice"))
    # Headings and paragraphs stay as given (a `Text` keeps its template for the language pass);
    # a plain string is looked up whole.
    for heading, paragraphs in report.methodology:
        blocks.append(Heading(as_text(heading)))
        blocks.extend(Paragraph(cap_registry_list(as_text(p))) for p in paragraphs)
    blocks.extend(prices_table(ctx.table("prices")))  # issue 4: every price used
    if report.notes:
        blocks.append(Heading("Analysis notes"))
        blocks.append(Bullets(tuple(cap_registry_list(as_text(n)) for n in report.notes)))
    return Section("methodology", number, "Methodology", tuple(blocks))


from .section_summary import build_summary  # noqa: E402 (issue 5)
from .section_inspector import build_inspector  # noqa: E402 (issue 4)
from .section_prices import prices_table  # noqa: E402

from .section_lifecycle import build_lifecycle  # noqa: E402 (issue 3)
from .section_pull_through import build_pull_through  # noqa: E402 (issue 7)

SECTION_BUILDERS: tuple[Callable[[_Ctx, int], Section], ...] = (
    build_summary,
    build_coverage,
    build_compliance,
    build_inspector,
    build_pull_through,
    build_lifecycle,
    build_completeness,
    build_methodology,
)


def build_view(report: ReportInput) -> ReportView:
    """The display-ready view of one report."""
    ctx = _Ctx(report, frozenset((str(e.get("account", "")), str(e.get("region", "")))
                                 for e in report.errors))
    sections = tuple(build(ctx, number)
                     for number, build in enumerate(SECTION_BUILDERS, start=1))
    view = ReportView(meta=_meta(report), banner=_banner(ctx), sections=sections,
                      toc=tuple(s for s in sections if s.in_toc))
    # Built in English; another language is applied to the finished view (i18n.py).
    return localize_view(view, report.language, as_of=report.as_of)
