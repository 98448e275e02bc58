"""The last sections: data completeness (every failed call) and methodology (scope, choices,
prices and notes)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..summary import block
from ..text import as_text, counted, join, msg
from .blocks import Bullets, Cell, Column, Heading, Paragraph, Section, Table
from .filters import fmt_int, fmt_text, is_missing
from .section_prices import prices_table
from .viewmodel import (
    SectionContext,
    api_calls_text,
    cap_registry_list,
    list_text,
    registry_label,
    report_meta,
)

ERROR_ROWS = 20
"""Failed calls listed in Data completeness; every one is in summary.json (completeness.errors)."""


def build_completeness(ctx: SectionContext, number: int) -> Section:
    errors = ctx.report.errors
    calls = block(ctx.summary, "completeness").get("calls")
    blocks: list[object] = list(_accounts_not_collected(ctx))
    if not errors:
        blocks.append(Paragraph(
            msg("All {n} API calls succeeded; no collection errors were recorded.", n=fmt_int(calls))
            if not is_missing(calls) else
            msg("All API calls succeeded; no collection errors were recorded.")))
    else:
        failed = api_calls_text(len(errors))
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


def _accounts_not_collected(ctx: SectionContext) -> tuple[object, ...]:
    """Accounts the run should have covered and did not (suspended, closed, role not assumable),
    named one by one: a left-out account must never read as an account with nothing in it."""
    accounts = block(ctx.summary, "completeness").get("accounts_not_collected") or []
    if not accounts:
        return ()
    return (
        Paragraph(msg("{n} of the organization's accounts were not collected; none of their "
                      "figures are in this report.", n=fmt_int(len(accounts))), tone="alert"),
        Table(id="accounts-not-collected", caption="Accounts not collected",
              columns=(Column("Account"), Column("Name"), Column("Reason", width="55%")),
              rows=tuple((Cell(fmt_text(a.get("account"))), Cell(fmt_text(a.get("name"))),
                          Cell(fmt_text(a.get("reason")), verbatim=True)) for a in accounts),
              compact=True),
    )


def organization_scope(summary: Mapping[str, Any]) -> Paragraph | None:
    """The scope line of a run whose accounts were discovered: how many, from which
    organization, and which were left out and why."""
    org = block(summary, "organization")
    if not org:
        return None
    left = list(org.get("accounts_left_out") or [])
    reasons: dict[str, int] = {}
    for a in left:
        reasons[str(a.get("reason"))] = reasons.get(str(a.get("reason")), 0) + 1
    listed = ", ".join(f"{n} {r}" for r, n in sorted(reasons.items()))
    named = "; ".join(f"{a.get('account')} {a.get('name') or ''} ({a.get('reason')})".replace("  ", " ")
                      for a in left[:ERROR_ROWS])
    parts = [msg("{n} accounts from organization {org} (management account {management}).",
                 n=fmt_int(org.get("accounts_included")), org=fmt_text(org.get("id")),
                 management=fmt_text(org.get("management_account_id")))]
    parts += ([msg("{m} left out ({reasons}): {accounts}.", m=fmt_int(len(left)), reasons=listed, accounts=named)]
              if left else [msg("No account of it was left out.")])
    return Paragraph(join(parts))


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
                     Cell(counted(len(units), "registry"), note=list_text(units, 3))))
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


def build_methodology(ctx: SectionContext, number: int) -> Section:
    report = ctx.report
    meta = report_meta(report)
    blocks: list[object] = [
        Heading("Scope and conventions"),
        Paragraph(msg("This report covers {scope}: accounts {accounts}; regions {regions}. All "
                      "figures are as of {as_of}, the time of the snapshot taken by run {run_id}; "
                      "ages and windows are measured from that time, so re-rendering the run "
                      "gives the same report.", scope=as_text(meta.scope), accounts=meta.accounts,
                      regions=meta.regions, as_of=as_text(meta.as_of), run_id=report.run_id)),
        *filter(None, [organization_scope(ctx.summary)]),
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
    blocks.extend(prices_table(ctx.table("prices")))  # every price the analysis used
    if report.notes:
        blocks.append(Heading("Analysis notes"))
        blocks.append(Bullets(tuple(cap_registry_list(as_text(n)) for n in report.notes)))
    return Section("methodology", number, "Methodology", tuple(blocks))
