"""Report section: Inspector pricing exposure.

Reads the concern's result tables (`inspector`, `inspector_reconciliation`,
`inspector_scenarios`) and `summary["inspector"]`; builds display blocks only. A sentence the
analysis wrote into a table is rendered from its fact (the `<column>_message` column beside the
English one), so it is said in the report's language with the same figures and names. `ctx` is
the view model's context: `table(name)`, `summary`, `not_computed(key)`, `partial(account, region)`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..render import charts
from ..render.blocks import (
    Bullets,
    Cell,
    Chart,
    Column,
    Figure,
    Figures,
    Heading,
    Paragraph,
    Section,
    Table,
    missing_table,
    not_computed_section,
)
from ..render.filters import fmt_int, fmt_num, fmt_pct, fmt_text, fmt_usd, is_missing, plural
from ..render.note_cut import cut_parts
from ..render.viewmodel import registry_label
from ..text import Joined, Text, as_text, from_fact_json, msg

ANCHOR, TITLE = "inspector", "Inspector pricing exposure"
TOP_REPOSITORIES = 6
REGISTRY_ROWS = 6
"""Registries shown in the cost and reconciliation tables (most money first); the rest are summed
into one line, and every registry is in data/inspector.csv and data/inspector_reconciliation.csv."""
LIST_ITEMS = 6
"""Registries named in one sentence before "and N more"."""
NOTE_CHARS = 480
"""A scenario note longer than this (it names registries, so it grows with the fleet) is cut at a
word boundary; the whole note is in data/inspector_scenarios.csv."""
UNKNOWN = "unknown"
FREQUENCY = {"CONTINUOUS_SCAN": "Continuous", "SCAN_ON_PUSH": "On push"}


def _fact(rec: dict, column: str, missing: str = "") -> str:
    """The sentence in `column` of a result-table row, rebuilt from its fact (`<column>_message`);
    the English column as it is where no fact was kept, `missing` where neither is."""
    text = from_fact_json(rec.get(f"{column}_message"))
    return text if text is not None else fmt_text(rec.get(column), missing)


def _fact_id(rec: dict, column: str) -> str:
    """The message id of the sentence in `column` (its English where no fact was kept)."""
    text = _fact(rec, column)
    return text.template if isinstance(text, Text) else text


def _list_text(items: list[str], limit: int = LIST_ITEMS) -> str:
    return ", ".join(items) if len(items) <= limit else msg(
        "{items} and {count} more", items=", ".join(items[:limit]), count=fmt_int(len(items) - limit))


def _signed_usd(value: Any) -> str:
    if is_missing(value):
        return "n/a"
    text = fmt_usd(value, 2)
    return text if float(value) < 0 or round(float(value), 2) == 0 else "+" + text


def _signed_int(value: Any) -> str:
    if is_missing(value):
        return ""
    return ("+" if int(value) > 0 else "") + fmt_int(value)


def build_inspector(ctx: Any, number: int) -> Section:
    if ctx.not_computed("inspector"):
        return not_computed_section(ANCHOR, number, TITLE)
    s = ctx.summary.get("inspector") or {}
    repos = ctx.table("inspector")
    recon = ctx.table("inspector_reconciliation")
    scen = ctx.table("inspector_scenarios")
    partial = " (partial)" if ctx.report.errors else ""
    blocks: list[object] = [
        _figures(s, partial),
        Paragraph(msg("What Amazon Inspector's enhanced scanning of ECR images costs per 30 days at "
                      "today's settings, modelled image by image (initial scans of pushed images, "
                      "rescans of continuously monitored images) and priced per region; AWS's own "
                      "estimate beside it; and what other settings would cost and cover. The Inspector "
                      "prices used are UNCONFIRMED (see Methodology, Prices used).")),
    ]
    blocks.append(Heading("Current exposure", id="inspector-current"))
    blocks.append(_registry_table(ctx, repos) if repos is not None else missing_table("inspector"))
    if repos is not None:
        blocks.append(_top_repositories(repos))
    blocks.append(Heading("Reconciliation with AWS's estimate", id="inspector-reconciliation-heading"))
    blocks.append(_reconciliation(ctx, recon) if recon is not None else missing_table("reconciliation"))
    blocks.append(Heading("What-if scenarios", id="inspector-scenarios-heading"))
    if scen is None:
        blocks.append(missing_table("scenario"))
    else:
        chart = _scenario_chart(scen)
        if chart is not None:
            blocks.append(chart)
        blocks.append(_scenario_table(scen))
        notes = _scenario_notes(scen)
        if notes:
            blocks.append(Bullets(tuple(notes), title="Scenario notes"))
    blocks.append(Heading("Assumptions", id="inspector-assumptions"))
    blocks.append(Bullets(_assumptions(repos, recon)))
    blocks.append(Paragraph(msg("Details: data/inspector.csv (one row per repository, FinOps view), "
                                "data/inspector_images.csv (the verdict for every image), "
                                "data/inspector_scenarios.csv and data/inspector_reconciliation.csv."),
                            tone="muted"))
    return Section(ANCHOR, number, TITLE, tuple(blocks), new_page=True)


def _figures(s: dict, partial: str) -> Figures:
    aws, diff = s.get("aws_estimated_monthly_usd"), s.get("reconciliation_difference_usd")
    modelled_same = s.get("model_monthly_usd_where_aws_estimates")
    unknown = msg("unknown")
    return Figures((
        Figure(msg("Estimated Inspector cost / month (partial)") if partial else "Estimated Inspector cost / month",
               fmt_usd(s.get("estimated_monthly_usd"), 2, UNKNOWN),
               msg("initial scans {initial}, rescans {rescans}",
                   initial=fmt_usd(s.get("initial_scan_monthly_usd"), 2, unknown),
                   rescans=fmt_usd(s.get("rescan_monthly_usd"), 2, unknown))),
        Figure("AWS's estimate / month", fmt_usd(aws, 2, "not available"),
               msg("ListUsageTotals, ECR scans") if not is_missing(aws) else msg("no Inspector usage was read"),
               tone="unknown" if is_missing(aws) else ""),
        Figure("Model − AWS", _signed_usd(diff),
               (msg("model {model} where AWS estimates", model=fmt_usd(modelled_same, 2)) if not is_missing(diff)
                else msg("nothing to reconcile")), tone="unknown" if is_missing(diff) else ""),
        Figure("Images monitored", fmt_int(s.get("monitored_images"), UNKNOWN),
               "rescanned as new CVEs appear"),
    ))


def _registry_table(ctx: Any, repos: pd.DataFrame) -> Table:
    rows = []
    if len(repos):
        grouped = _per_registry(repos)
        ordered = grouped.sort_values(["total", "account_id", "region"], ascending=[False, True, True],
                                      kind="mergesort") if len(grouped) > REGISTRY_ROWS else grouped
        rest = ordered.iloc[REGISTRY_ROWS:]
        rows.extend(_registry_row(ctx, rec) for rec in ordered.head(REGISTRY_ROWS).to_dict("records"))
        if len(rest):
            rows.append(_other_registries_row(rest))
    return Table(
        id="inspector-registries",
        caption=(msg("Modelled cost per 30 days, per registry (account × region); the {count} costliest, "
                     "the rest summed", count=REGISTRY_ROWS) if len(rows) > REGISTRY_ROWS
                 else "Modelled cost per 30 days, per registry (account × region)"),
        columns=(Column("Registry"), Column("Scan type / rescan settings", width="30%"),
                 Column("Repos scanned", True), Column("Initial scans", True),
                 Column("Monitored images", True), Column("Initial $", True),
                 Column("Rescans $", True), Column("Total", True)),
        rows=tuple(rows), empty_text="No registry was collected.", compact=True,
        more_text=(msg("Every registry and repository is in data/inspector.csv.") if len(rows) > REGISTRY_ROWS
                   else ""))


def _per_registry(repos: pd.DataFrame) -> pd.DataFrame:
    """data/inspector.csv summed per registry (account × region), with its settings and rate."""
    facts = {f"{name}_message": (f"{column}_message", "first")
             for name, column in (("settings", "rescan_settings"), ("rate_source", "rescan_rate_source"))
             if f"{column}_message" in repos}
    return repos.groupby(["account_id", "region"], sort=True).agg(
        scan_type=("scan_type", "first"), settings=("rescan_settings", "first"),
        repositories=("inspector_frequency", lambda s: int(s.notna().sum())),
        initial=("initial_scans_month", "sum"), monitored=("monitored_images", "sum"),
        rate=("rescans_per_image_month", "first"), rate_source=("rescan_rate_source", "first"),
        initial_usd=("initial_scan_monthly_usd", "sum"), rescan_usd=("rescan_monthly_usd", "sum"),
        total=("monthly_usd", "sum"), **facts).reset_index()


def _registry_row(ctx: Any, rec: dict) -> tuple[Cell, ...]:
    partial = ctx.partial(rec["account_id"], rec["region"])
    rate = fmt_num(rec["rate"], 2)
    return (
        Cell(fmt_text(rec["account_id"]), code=True,
             note=fmt_text(rec["region"]) + (" · partial" if partial else "")),
        Cell(fmt_text(rec["scan_type"], UNKNOWN), note=_fact(rec, "settings")),
        Cell(fmt_int(rec["repositories"]), True),
        Cell(fmt_num(rec["initial"], 0), True),
        Cell(fmt_int(rec["monitored"]), True,
             note=(msg("{rate} rescans each (default)", rate=rate)
                   if _fact_id(rec, "rate_source").startswith("configured")
                   else msg("{rate} rescans each", rate=rate))),
        Cell(fmt_usd(rec["initial_usd"]), True),
        Cell(fmt_usd(rec["rescan_usd"]), True),
        Cell(fmt_usd(rec["total"]), True),
    )


def _other_registries_row(rest: pd.DataFrame) -> tuple[Cell, ...]:
    return (
        Cell(msg("{count} other registry", count=fmt_int(len(rest))) if len(rest) == 1
             else msg("{count} other registries", count=fmt_int(len(rest))), note=msg("summed")),
        Cell(""), Cell(fmt_int(rest["repositories"].sum()), True),
        Cell(fmt_num(rest["initial"].sum(), 0), True), Cell(fmt_int(rest["monitored"].sum()), True),
        Cell(fmt_usd(rest["initial_usd"].sum()), True), Cell(fmt_usd(rest["rescan_usd"].sum()), True),
        Cell(fmt_usd(rest["total"].sum()), True),
    )


def _top_repositories(repos: pd.DataFrame) -> Table:
    billed = repos[repos["monthly_usd"].fillna(0) > 0].sort_values(
        ["monthly_usd", "account_id", "region", "repository_name"],
        ascending=[False, True, True, True], kind="mergesort")
    shown = billed.head(TOP_REPOSITORIES)
    more = len(billed) - len(shown)
    rows = tuple((
        Cell(str(rec["repository_name"]), code=True, note=registry_label(rec["account_id"], rec["region"])),
        Cell(FREQUENCY.get(str(rec["inspector_frequency"]), fmt_text(rec["inspector_frequency"]))),
        Cell(fmt_int(rec["images_eligible"]), True),
        Cell(fmt_num(rec["initial_scans_month"], 0), True),
        Cell(fmt_int(rec["monitored_images"]), True),
        Cell(fmt_usd(rec["monthly_usd"]), True),
    ) for rec in shown.to_dict("records"))
    return Table(
        id="inspector-top-repositories",
        caption=(msg("Top repositories by modelled cost per 30 days (top {top} of {total})",
                     top=TOP_REPOSITORIES, total=fmt_int(len(billed))) if more
                 else msg("Top repositories by modelled cost per 30 days")),
        columns=(Column("Repository", width="34%"), Column("Inspector scanning"),
                 Column("Eligible images", True), Column("Initial scans", True),
                 Column("Monitored", True), Column("Cost", True)),
        rows=rows, empty_text="No repository is billed by Inspector at today's settings.",
        more_text=(f"{plural(more, 'more repository', 'more repositories')} in data/inspector.csv."
                   if more else ""), compact=True)


def _reconciliation(ctx: Any, recon: pd.DataFrame) -> Table:
    rows = []
    ordered = recon.sort_values(["account_id", "region"], kind="mergesort")
    if len(ordered) > REGISTRY_ROWS:  # the registries where model and AWS differ most, then the costliest
        ordered = ordered.assign(
            _d=-ordered["difference_usd"].astype("float64").abs().fillna(-1.0),
            _m=-ordered["model_monthly_usd"].astype("float64").fillna(0.0),
        ).sort_values(["_d", "_m", "account_id", "region"], kind="mergesort")
    more = max(0, len(ordered) - REGISTRY_ROWS)
    for rec in ordered.head(REGISTRY_ROWS).to_dict("records"):
        status = str(rec["usage_status"])
        aws_known = not is_missing(rec["aws_estimated_monthly_usd"])
        diff = rec["difference_usd"]
        rows.append((
            Cell(fmt_text(rec["account_id"]), code=True, note=fmt_text(rec["region"])),
            Cell(f"{fmt_num(rec['model_initial_scans'], 0)} / {fmt_num(rec['aws_initial_scans'], 0, '—')}", True),
            Cell(f"{fmt_int(rec['model_monitored_images'])} / {fmt_int(rec['inspector_active_images'], '—')}", True),
            Cell(f"{fmt_num(rec['model_rescans'], 0)} / {fmt_num(rec['aws_rescans'], 0, '—')}", True),
            Cell(fmt_usd(rec["model_monthly_usd"]), True),
            Cell(fmt_usd(rec["aws_estimated_monthly_usd"], 2, "—"), True,
                 badge="" if aws_known or status == "NOT_CALLED" else "unknown"),
            Cell(_signed_usd(diff) if aws_known else "n/a", True,
                 note=fmt_pct(rec["difference_pct"], 1, "") if aws_known else ""),
            Cell(fmt_text(rec["note"], "") or _fact(rec, "rescan_rate_source")),
        ))
    return Table(
        id="inspector-reconciliation",
        caption=(msg("Model beside AWS's ListUsageTotals, last 30 days (model / AWS); the {count} registries "
                     "with the largest difference", count=REGISTRY_ROWS) if more
                 else "Model beside AWS's ListUsageTotals, last 30 days (model / AWS)"),
        columns=(Column("Registry"), Column("Initial scans", True), Column("Monitored / ACTIVE", True),
                 Column("Rescans", True), Column("Model", True), Column("AWS estimate", True),
                 Column("Difference", True), Column("Note", width="28%")),
        rows=tuple(rows), empty_text="No registry was collected.", compact=True,
        more_text=((msg("{count} more registry in data/inspector_reconciliation.csv.", count=fmt_int(more))
                    if more == 1 else
                    msg("{count} more registries in data/inspector_reconciliation.csv.", count=fmt_int(more)))
                   if more else ""))


def _scenario_chart(scen: pd.DataFrame) -> Chart | None:
    ok = scen[scen["available"].fillna(False).astype(bool)]
    if not len(ok):
        return None
    series = [charts.Series("Initial scans", [float(v) for v in ok["initial_scan_monthly_usd"].fillna(0)], "#6a9bd1"),
              charts.Series("Rescans", [float(v) for v in ok["rescan_monthly_usd"].fillna(0)], "#1f4e79")]
    labels = [_short_label(str(rec["scenario"]), rec) for rec in ok.to_dict("records")]
    svg = charts.bar_chart(labels, series, chart_id="chart-inspector-scenarios",
                               title=msg("Modelled Inspector cost per 30 days, by scenario (USD)"),
                               unit="USD", label_width=220, bar_height=12, bar_gap=6)
    return Chart("chart-inspector-scenarios", "Modelled cost per 30 days by scenario (USD)", svg,
                 note=msg("Bars are USD per 30 days at the UNCONFIRMED prices; the one-time activation "
                          "scans are not in the bars."))


SHORT_LABELS = {
    "current": msg("Today"),
    "basic_to_enhanced_continuous": msg("Basic to enhanced, continuous"),
    "basic_to_enhanced_on_push": msg("Basic to enhanced, on push"),
    "narrow_continuous": msg("Continuous narrowed"),
    "lifecycle_proposed": msg("Proposed lifecycle first"),
}


def _short_label(key: str, rec: dict) -> str:
    label = scenario_label(rec)
    if key.startswith("rescan_"):
        if isinstance(label, Text) and "duration" in label.params:
            today = label.template.endswith("(today's setting)")
            return (msg("Rescan {duration} (today)", duration=label.params["duration"]) if today
                    else msg("Rescan {duration}", duration=label.params["duration"]))
        return ("Rescan " + str(label).split(") ", 1)[-1]).replace(" (today's setting)", " (today)")
    return SHORT_LABELS.get(key, label)


def scenario_label(rec: dict) -> str:
    """A scenario's label (a row of the scenarios table), from its fact."""
    return as_text(_fact(rec, "label"))


def _scenario_table(scen: pd.DataFrame) -> Table:
    rows = []
    for rec in scen.to_dict("records"):
        if not bool(rec["available"]):
            reason = fmt_text(rec["unavailable_reason"], "not available")
            rows.append((Cell(scenario_label(rec)), Cell("not available", badge="na", note=reason),
                         Cell(""), Cell(""), Cell(""), Cell(""), Cell("")))
            continue
        current = rec["scenario"] == "current"
        rows.append((
            Cell(scenario_label(rec)),
            Cell(fmt_usd(rec["monthly_usd"]), True),
            Cell("—" if current else _signed_usd(rec["change_usd"]), True,
                 note="" if current else fmt_pct(rec["change_pct"], 0, "")),
            Cell(fmt_usd(rec["one_time_usd"]) if float(rec["one_time_usd"] or 0) else "—", True),
            Cell(fmt_int(rec["monitored_images"]), True,
                 note="" if current else _signed_int(rec["monitored_images_change"])),
            Cell(fmt_int(rec["continuous_repositories"]), True,
                 note="" if current else _signed_int(rec["continuous_repositories_change"])),
            Cell(f"{fmt_int(rec['inspector_repositories'])} / {fmt_int(rec['inspector_images'])}", True,
                 note="" if current else (f"{_signed_int(rec['inspector_repositories_change'])} / "
                                          f"{_signed_int(rec['inspector_images_change'])}")),
        ))
    return Table(
        id="inspector-scenarios",
        caption="What-if scenarios: cost per 30 days, change from today, and coverage",
        columns=(Column("Scenario", width="32%"), Column("Cost / 30 days", True),
                 Column("Change", True), Column("One-time", True), Column("Monitored images", True),
                 Column("Continuous repos", True),
                 Column("Language-package visibility (repos / images)", True)),
        rows=tuple(rows), compact=True)


def cut_note(note: str, limit: int = NOTE_CHARS) -> str:
    """The note, cut at a word boundary after `limit` characters. A note of several sentences
    (`Joined`) is cut in other languages too: they show the sentences the English shows (a registry
    list cut where the English cuts it; see `note_cut.cut_parts`)."""
    if len(note) <= limit:
        return note
    head = note[:limit].rsplit(" ", 1)[0].rstrip(" ,;:")
    if isinstance(note, Joined):
        # The English shows `head`; a translation shows `shown` instead (":.0" prints nothing).
        return msg("{head}{shown:.0} … (cut; the whole note is in data/inspector_scenarios.csv)",
                   head=head, shown=Joined(cut_parts(note, len(head))))
    return f"{head} … (cut; the whole note is in data/inspector_scenarios.csv)"


def _scenario_notes(scen: pd.DataFrame) -> list[str]:
    out = []
    seen: set[str] = set()
    for rec in scen.to_dict("records"):
        note = _fact(rec, "notes")
        if note and bool(rec["available"]) and note not in seen:
            seen.add(note)
            out.append(msg("{scenario}: {note}", scenario=scenario_label(rec), note=cut_note(note)))
    return out


def _assumptions(repos: pd.DataFrame | None, recon: pd.DataFrame | None) -> tuple[str, ...]:
    items = [
        msg("Initial scans: one per image pushed (or restored from the archive) into a repository "
            "Inspector scans, at the pace of the recent pushes still visible in the registry."),
        msg("Rescans: only images in continuously scanned repositories that are still inside the "
            "push-date or last-in-use / last-pull window; scan-on-push repositories are never rescanned."),
        msg("Never billed: archived images, manifest lists, signatures and SBOMs, and images Inspector "
            "does not support."),
        msg("Steady state: as many images stay monitored over the next 30 days as today."),
    ]
    if recon is not None and len(recon):
        calibrated = pd.Series([_fact_id(rec, "rescan_rate_source").startswith("calibrated")
                                for rec in recon.to_dict("records")], index=recon.index, dtype=bool)
        if calibrated.any():
            items.append(msg("Rescans per monitored image come from AWS's own usage totals in {registries}; "
                             "elsewhere a configured default is used.",
                             registries=_list_text([registry_label(a, r) for a, r in zip(
                                 recon.loc[calibrated, "account_id"], recon.loc[calibrated, "region"])])))
        else:
            items.append(msg("No Inspector usage could calibrate the rescan rate; a configured default is used."))
    items.append(msg("Prices are UNCONFIRMED third-party figures, listed under Methodology, Prices used."))
    return tuple(items)
