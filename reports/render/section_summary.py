"""The first page, for leadership (issue 5): headline figures with their change since the previous
run and a trend line over the last runs, the five actions worth the most money or risk (each
linked to its evidence), and the key points.

Reads `summary["trends"]` and `summary["actions"]` (reports/leadership.py, computed by the
analysis). A hand-built ReportInput without them still renders: the trends then read "not
recorded" and the actions are ranked here from the same pure function. `ctx` is the view
model's context (`viewmodel._Ctx`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Mapping


from .. import leadership as lead
from ..summary import dig
from . import charts
from .blocks import Bullets, Paragraph, Section
from .filters import fmt_bytes, fmt_datetime, fmt_int, fmt_pct, fmt_usd, is_missing, pct_of, plural
from .viewmodel import (
    CLAIR_RETIREMENT,
    DEFERRED,
    UNKNOWN,
    _control_key,
    _control_title,
    _Ctx,
    _list_text,
    registry_label,
)

SECTION_ID = "summary"
TITLE = "Executive summary"
SECTION_TITLES = {
    "summary": TITLE, "coverage": "Scan coverage", "compliance": "Compliance",
    "inspector": "Inspector pricing exposure", "pull-through": "Pull-through cache economics",
    "lifecycle": "Lifecycle reclaimable storage", "completeness": "Data completeness",
    "methodology": "Methodology",
}
"""Section id -> title, for the action lines' "where the evidence is"."""
NOT_COMPUTED = "not computed"
KEY_POINTS = 3
UP, DOWN = "\u25b2", "\u25bc"  # ▲ ▼ (DejaVu Sans has both)
SPARK_COLOR = "#1f4e79"


# --- display blocks (rendered by templates/blocks.html.j2) -----------------------------------


@dataclass(frozen=True)
class Tile:
    """One headline figure with its change and its trend line."""

    key: str
    label: str
    value: str
    detail: str = ""
    tone: str = ""
    """"" | "alert" | "warn" | "good" | "unknown"."""
    change: str = ""
    """"▲ 3 since the previous run", "first run", "no change"."""
    change_tone: str = ""
    """"good" | "bad" | "" (neutral)."""
    spark: "charts.Sparkline | None" = None


@dataclass(frozen=True)
class Headline:
    kind: ClassVar[str] = "headline"
    tiles: tuple[Tile, ...]
    note: str = ""


@dataclass(frozen=True)
class ActionLine:
    rank: int
    text: str
    href: str
    """"#pull-through-uncached": an element id of this report."""
    where: str
    """The title of the section holding the evidence."""
    key: str = ""
    """The action's key in summary.json (`critical_findings`, `control_ecr-1`, ...)."""


@dataclass(frozen=True)
class Actions:
    kind: ClassVar[str] = "actions"
    title: str
    items: tuple[ActionLine, ...]
    empty_text: str = ""
    note: str = ""


# --- headline figures ------------------------------------------------------------------------


def _trends(ctx: _Ctx) -> Mapping[str, Any]:
    trends = dig(ctx.summary, "trends")
    if isinstance(trends, Mapping) and isinstance(trends.get("metrics"), Mapping):
        return trends
    return lead.build_trends(ctx.summary, None)


def _delta_text(unit: str, delta: float) -> str:
    size = abs(delta)
    if unit == "pct":
        text = f"{fmt_pct(size, 1)[:-1]} pts"
    elif unit == "usd":
        text = fmt_usd(size, 2)
    elif unit == "bytes":
        text = fmt_bytes(size)
    else:
        text = fmt_int(size)
    return f"{UP if delta > 0 else DOWN} {text}"


def _change(metric: Mapping[str, Any], computed: bool) -> tuple[str, str]:
    if not computed:
        return "", ""
    direction = metric.get("direction")
    if direction == "first run":
        return "first run", ""
    if direction == "not recorded":
        return "", ""
    if direction == "flat":
        return "no change", ""
    delta = metric.get("delta")
    if direction in ("up", "down") and not is_missing(delta):
        judgement = metric.get("judgement")
        tone = {"better": "good", "worse": "bad"}.get(str(judgement), "")
        return _delta_text(str(metric.get("unit")), float(delta)), tone
    if metric.get("previous") is None and metric.get("value") is not None:
        return "no earlier figure", ""
    return "change unknown", ""


def _spark(key: str, metric: Mapping[str, Any], runs: int, fmt: Any) -> charts.Sparkline | None:
    series = list(metric.get("series") or [])
    known = [v for v in series if not is_missing(v)]
    if runs < 2 or len(series) < 2 or len(known) < 2:
        return None
    reading = "; ".join(UNKNOWN if is_missing(v) else fmt(v) for v in series)
    return charts.Sparkline(
        tuple(series), title=f"{metric.get('label', key)}, last {plural(len(series), 'run')}",
        description=f"Oldest first: {reading}.", chart_id=f"spark-{key.replace('_', '-')}",
        color=SPARK_COLOR)


def _headline(ctx: _Ctx) -> Headline:
    trends = _trends(ctx)
    metrics = trends.get("metrics") or {}
    runs = len(trends.get("runs") or [])
    cov = dig(ctx.summary, "coverage") or {}
    # Collection errors: the figures are partial. Said in the detail line, so the labels stay
    # one line and the first page keeps its contents.
    partial = "partial: " if ctx.report.errors else ""

    def metric(key: str) -> Mapping[str, Any]:
        return metrics.get(key) or {}

    def tile(key: str, label: str, value: str, detail: str, tone: str, fmt: Any,
             concern: str | None = None) -> Tile:
        computed = concern is None or not ctx.not_computed(concern)
        if not computed:
            return Tile(key, label, NOT_COMPUTED, "not built in this version; not a zero", "unknown")
        change, change_tone = _change(metric(key), computed)
        return Tile(key, label, value, detail, tone, change, change_tone,
                    _spark(key, metric(key), runs, fmt))

    def pct_tile(key: str, label: str, part: Any, whole: Any, noun: str, nouns: str) -> Tile:
        pct = pct_of(part, whole)
        return tile(key, label, fmt_pct(pct, 0, missing=UNKNOWN),
                    partial + (f"{fmt_int(part, UNKNOWN)} of {plural(whole, noun, nouns)}"
                               if not is_missing(whole) else "not collected"),
                    "unknown" if pct is None else ("warn" if pct < 80 else ""),
                    lambda v: fmt_pct(v, 1))

    critical = dig(cov, "open_findings", "critical")
    high = dig(cov, "open_findings", "high")
    failing = dig(ctx.summary, "compliance", "controls_failing")
    frame = ctx.table("coverage")
    not_checked = 0
    if frame is not None and "images_not_checked" in frame:
        not_checked = int(frame["images_not_checked"].fillna(0).sum())
    scope_note = partial + (f"{fmt_int(not_checked)} images not checked"
                            if not_checked else "in scanned images")
    unknown_controls = sum(
        0 if is_missing((counts or {}).get("UNKNOWN")) else float((counts or {}).get("UNKNOWN"))
        for counts in (dig(ctx.summary, "compliance", "by_control") or {}).values())

    inspector = dig(ctx.summary, "inspector", "estimated_monthly_usd")
    pt = dig(ctx.summary, "pull_through") or {}
    net = metric("pull_through_net_saving_monthly_usd").get("value")
    if net is None:
        net = lead.headline_figures(ctx.summary).get("pull_through_net_saving_monthly_usd")
    reclaim = metric("reclaimable_bytes")
    reclaim_usd = metric("reclaimable_monthly_usd").get("value")
    basis = reclaim.get("basis")
    current_bytes = trends.get("reclaimable_current_bytes")
    reclaim_detail = f"{fmt_usd(reclaim_usd, 2, UNKNOWN)}/month"
    if basis == "proposed":
        reclaim_detail += (f" with the proposed policy (today's: "
                           f"{fmt_bytes(current_bytes, missing=UNKNOWN)})")
    else:
        reclaim_detail += " with today's policies"
    reclaim_tile = tile("reclaimable_bytes", "Reclaimable storage",
                        fmt_bytes(reclaim.get("value"), missing=UNKNOWN), reclaim_detail,
                        "unknown" if reclaim.get("value") is None else "",
                        lambda v: fmt_bytes(v), "lifecycle")
    usd_change, _ = _change(metric("reclaimable_monthly_usd"), not ctx.not_computed("lifecycle"))
    if usd_change and reclaim_tile.change and usd_change not in ("first run", "no change") \
            and usd_change != reclaim_tile.change:
        reclaim_tile = Tile(**{**reclaim_tile.__dict__, "change": f"{reclaim_tile.change} · {usd_change}"})

    tiles = (
        pct_tile("repositories_pct", "Repositories scanned", cov.get("repositories_scanned"),
                 cov.get("repositories_total"), "repository", "repositories"),
        pct_tile("images_pct", "Images scanned", cov.get("images_scanned"),
                 cov.get("images_scannable"), "scannable image", "scannable images"),
        tile("critical", "Open critical findings", fmt_int(critical, UNKNOWN), scope_note,
             "unknown" if is_missing(critical) else ("alert" if critical else "good"), fmt_int),
        tile("high", "Open high findings", fmt_int(high, UNKNOWN), scope_note,
             "unknown" if is_missing(high) else ("warn" if high else "good"), fmt_int),
        tile("controls_failing", "Failing control checks", fmt_int(failing, UNKNOWN),
             partial + "repository × control" + (f"; {fmt_int(unknown_controls)} unknown"
                                                 if unknown_controls else ""),
             "unknown" if is_missing(failing) else ("alert" if failing else "good"), fmt_int),
        tile("inspector_monthly_usd", "Inspector cost / month", fmt_usd(inspector, 2, UNKNOWN),
             "at today's settings",
             "unknown" if is_missing(inspector) else "", lambda v: fmt_usd(v, 2), "inspector"),
        tile("pull_through_net_saving_monthly_usd", "Pull-through saving",
             fmt_usd(net, 2, UNKNOWN),
             f"per month, net of {fmt_usd(pt.get('storage_monthly_usd'), 2, UNKNOWN)} storage",
             "unknown" if is_missing(net) else ("good" if float(net) >= 0 else "alert"),
             lambda v: fmt_usd(v, 2), "pull_through"),
        reclaim_tile,
    )
    return Headline(tiles, _trend_note(trends, runs))


def _trend_note(trends: Mapping[str, Any], runs: int) -> str:
    if not trends.get("recorded"):
        return ("This run recorded no earlier runs (it was made before trends were kept), so "
                "no change is shown.")
    if trends.get("first_run"):
        return ("First run: no earlier complete run was found in this output directory, so "
                "changes and trend lines start with the next run.")
    prev = trends.get("previous") or {}
    when = fmt_datetime(_parse(prev.get("as_of")), missing=str(prev.get("as_of")))
    text = (f"Changes are since the previous run, {prev.get('run_id')} ({when}); trend lines "
            f"show the last {plural(runs, 'run')}, oldest left.")
    if prev.get("complete") is False:
        text += " That run had collection errors, so its figures were partial."
    if trends.get("scope_changed"):
        text += (" It covered other accounts or regions, so part of each change is the change "
                 "of scope.")
    return text


def _parse(text: Any) -> Any:
    from datetime import datetime

    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None


# --- ranked actions --------------------------------------------------------------------------


def _actions(ctx: _Ctx) -> Actions:
    items = dig(ctx.summary, "actions")
    if not isinstance(items, list):
        ranked = lead.rank_actions(ctx.summary, ctx.report.tables)[:lead.TOP_ACTIONS]
        items = [a.to_json(rank) for rank, a in enumerate(ranked, start=1)]
    lines = []
    for item in items[:lead.TOP_ACTIONS]:
        section = str(item.get("section") or "")
        if ctx.not_computed(section.replace("-", "_")):
            continue
        anchor = str(item.get("anchor") or section)
        lines.append(ActionLine(int(item.get("rank") or len(lines) + 1), str(item.get("text")),
                                f"#{anchor}", SECTION_TITLES.get(section, section),
                                str(item.get("key") or "")))
    return Actions(
        "Five actions worth the most", tuple(lines),
        empty_text="No action stands out: no failing control, open critical finding or "
                   "monthly saving was found.",
        note="Ranked by money per month plus a risk weight for critical findings and failing "
             "controls (see Methodology); every candidate is in data/actions.csv.")


# --- key points ------------------------------------------------------------------------------


def _summary_sentences(ctx: _Ctx) -> list[tuple[str, str]]:
    """(topic, sentence): the topic is the key of the action saying the same, if there is one."""
    out: list[tuple[str, str]] = []
    cov = ctx.table("coverage")
    if cov is not None and len(cov):
        auto = cov["automatically_scanned"]
        never = int((auto == False).fillna(False).sum())  # noqa: E712 (nullable boolean)
        unknown = int(auto.isna().sum())
        tail = f" ({fmt_int(unknown)} unknown)" if unknown else ""
        if never:
            out.append(("control_ecr-1", f"{fmt_int(never)} of {plural(len(cov), 'repository', 'repositories')} "
                       f"{'is' if never == 1 else 'are'} never scanned automatically "
                       f"(effective scan frequency: manual only){tail}."))
        else:
            out.append(("", f"All {plural(len(cov), 'repository', 'repositories')} with a known "
                       f"setting are scanned automatically, on push or continuously{tail}."))
    clair = _clair_registries(ctx)
    if clair:
        retired = ctx.report.as_of >= CLAIR_RETIREMENT
        out.append(("clair_to_native",
            f"{plural(len(clair), 'registry', 'registries')} still "
            f"{'reports' if len(clair) == 1 else 'report'} the "
            + ("retired Clair basic scan engine (retired by AWS on 2026-02-02)"
               if retired else "deprecated Clair basic scan engine, which AWS retires on "
               "2026-02-02")
            + f": {_list_text(clair, 3)}. Switch to AWS_NATIVE basic scanning."
        ))
    if cov is not None and len(cov):
        crit = cov["critical"]
        known = crit.notna()
        with_crit = cov[known & (crit.fillna(0) > 0)]
        if len(with_crit):
            worst = with_crit.sort_values(
                ["critical", "account_id", "region", "repository_name"],
                ascending=[False, True, True, True], kind="mergesort").iloc[0]
            out.append(("critical_findings",
                f"{plural(int(with_crit['critical'].sum()), 'open critical finding')} in "
                f"{plural(len(with_crit), 'repository', 'repositories')}; the most in "
                f"{worst['repository_name']} ({fmt_int(worst['critical'])})."
            ))
        elif known.any():
            scanned = int(cov["images_scanned"].sum())
            total = int(cov["images_scannable"].sum())
            out.append(("", f"No critical findings were reported for the images that have a scan "
                       f"result ({fmt_int(scanned)} of {plural(total, 'image')}); images "
                       "without one are not counted as clean."))
    comp = ctx.table("compliance")
    if comp is not None and len(comp):
        fails = comp[comp["status"] == "FAIL"]
        if len(fails):
            by_control = fails.groupby("control_id", sort=True).size()
            top = sorted(by_control.items(), key=lambda kv: (-kv[1], _control_key(kv[0])))[0]
            evaluated = int((comp["control_id"] == top[0]).sum())
            title = _control_title(comp, top[0])
            out.append((f"control_{str(top[0]).lower().replace('.', '-')}",
                        f"{top[0]} ({title}) fails for {fmt_int(top[1])} of "
                        f"{plural(evaluated, 'repository', 'repositories')}."))
        else:
            out.append(("", "No repository fails a checked control."))
        unknown = int((comp["status"] == "UNKNOWN").sum())
        if unknown:
            out.append(("", f"{plural(unknown, 'control verdict')} {'is' if unknown == 1 else 'are'} "
                       "UNKNOWN because the data could not be collected."))
    if cov is not None and len(cov):
        disagree = int(cov["aws_disagrees"].fillna(False).sum())
        if disagree:
            out.append(("", f"For {plural(disagree, 'repository', 'repositories')} AWS's own "
                       "per-repository scan setting disagrees with the registry rules; the "
                       "repositories table shows both."))
    reg = ctx.table("registry_coverage")
    if reg is not None and len(reg):
        headroom = reg["quota_headroom_pct"].astype("float64")
        if headroom.notna().any() and headroom.min() < 25:
            row = reg.loc[headroom.idxmin()]
            out.append(("", f"Registry {registry_label(row['account_id'], row['region'])} has "
                       f"{fmt_pct(row['quota_headroom_pct'], 0)} headroom left in the daily "
                       "basic-scan quota on its busiest day."))
    return out


def _clair_registries(ctx: _Ctx) -> list[str]:
    found: set[str] = set()
    for name, column in (("registries", "basic_scan_engine"), ("registry_coverage", "scan_engine")):
        frame = ctx.table(name)
        if frame is not None and column in frame and len(frame):
            rows = frame[frame[column].fillna("") == "CLAIR"]
            if name == "registries" and "scan_type" in frame:
                rows = rows[rows["scan_type"].fillna("BASIC") != "ENHANCED"]
            found.update(registry_label(a, r) for a, r in zip(rows["account_id"], rows["region"]))
    return sorted(found)


def _deferred_titles(ctx: _Ctx) -> list[str]:
    return [DEFERRED[k][1] if k in DEFERRED else k for k in ctx.report.sections_not_computed]


# --- the section -----------------------------------------------------------------------------


def build_summary(ctx: _Ctx, number: int) -> Section:
    actions = _actions(ctx)
    blocks: list[object] = [_headline(ctx), actions]
    # Key points add what the ranked actions do not already say (the first page must hold the
    # title block, the figures, the actions and the contents).
    said = {a.key for a in actions.items}
    sentences = [text for topic, text in _summary_sentences(ctx) if not topic or topic not in said]
    if sentences:
        blocks.append(Bullets(tuple(sentences[:KEY_POINTS]), title="Key points"))
    not_computed = _deferred_titles(ctx)
    if not_computed:
        blocks.append(Paragraph(
            "Not computed in this version: " + "; ".join(not_computed) + ". "
            + ("That section says" if len(not_computed) == 1 else "Those sections say")
            + " so instead of showing figures.", tone="muted"))
    return Section(SECTION_ID, number, TITLE, tuple(blocks))
