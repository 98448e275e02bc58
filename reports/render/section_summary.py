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
from ..text import Text, as_text, counted, join, msg
from . import charts
from .blocks import Bullets, Paragraph, Section
from .filters import fmt_bytes, fmt_datetime, fmt_int, fmt_pct, fmt_usd, is_missing, pct_of
from .viewmodel import (
    CLAIR_RETIREMENT,
    DEFERRED,
    UNKNOWN,
    _control_key,
    _control_title,
    _Ctx,
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


# --- sentences' parts ------------------------------------------------------------------------


def _known(text: str) -> str:
    """A formatted figure as a parameter: "unknown" is said in the report's language."""
    return msg("unknown") if text == UNKNOWN else text


def _runs(n: int) -> Text:
    return msg("{n} run", n=fmt_int(n)) if n == 1 else msg("{n} runs", n=fmt_int(n))


def _listed(items: list[str], limit: int) -> str:
    """`viewmodel._list_text`, with its "and N more" said in the report's language."""
    if not items:
        return msg("none")
    if len(items) <= limit:
        return ", ".join(items)
    return msg("{items} and {n} more", items=", ".join(items[:limit]), n=str(len(items) - limit))


# --- headline figures ------------------------------------------------------------------------


def _trends(ctx: _Ctx) -> Mapping[str, Any]:
    trends = dig(ctx.summary, "trends")
    if isinstance(trends, Mapping) and isinstance(trends.get("metrics"), Mapping):
        return trends
    return lead.build_trends(ctx.summary, None)


def _delta_text(unit: str, delta: float) -> str:
    size = abs(delta)
    if unit == "pct":
        return msg("{arrow} {points} pts", arrow=UP if delta > 0 else DOWN,
                   points=fmt_pct(size, 1)[:-1])
    if unit == "usd":
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
    reading = join([msg("unknown") if is_missing(v) else fmt(v) for v in series], "; ")
    return charts.Sparkline(
        tuple(series), title=msg("{label}, last {runs}", label=as_text(metric.get("label", key)),
                                 runs=_runs(len(series))),
        description=msg("Oldest first: {values}.", values=reading),
        chart_id=f"spark-{key.replace('_', '-')}", color=SPARK_COLOR)


def _headline(ctx: _Ctx) -> Headline:
    trends = _trends(ctx)
    metrics = trends.get("metrics") or {}
    runs = len(trends.get("runs") or [])
    cov = dig(ctx.summary, "coverage") or {}
    # Collection errors: the figures are partial. Said in the detail line, so the labels stay
    # one line and the first page keeps its contents.

    def partial(detail: str) -> str:
        return msg("partial: {detail}", detail=detail) if ctx.report.errors else detail

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

    def pct_tile(key: str, label: str, part: Any, whole: Any, images: bool) -> Tile:
        pct = pct_of(part, whole)
        if is_missing(whole):
            detail = msg("not collected")
        else:
            args = {"part": _known(fmt_int(part, UNKNOWN)), "n": fmt_int(whole)}
            if images:
                detail = (msg("{part} of {n} scannable image", **args) if int(whole) == 1
                          else msg("{part} of {n} scannable images", **args))
            else:
                detail = (msg("{part} of {n} repository", **args) if int(whole) == 1
                          else msg("{part} of {n} repositories", **args))
        return tile(key, label, fmt_pct(pct, 0, missing=UNKNOWN), partial(detail),
                    "unknown" if pct is None else ("warn" if pct < 80 else ""),
                    lambda v: fmt_pct(v, 1))

    critical = dig(cov, "open_findings", "critical")
    high = dig(cov, "open_findings", "high")
    failing = dig(ctx.summary, "compliance", "controls_failing")
    frame = ctx.table("coverage")
    not_checked = 0
    if frame is not None and "images_not_checked" in frame:
        not_checked = int(frame["images_not_checked"].fillna(0).sum())
    scope_note = partial(msg("{n} images not checked", n=fmt_int(not_checked))
                         if not_checked else msg("in scanned images"))
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
    if basis == "proposed":
        reclaim_detail = msg("{usd}/month with the proposed policy (today's: {today})",
                             usd=_known(fmt_usd(reclaim_usd, 2, UNKNOWN)),
                             today=_known(fmt_bytes(current_bytes, missing=UNKNOWN)))
    else:
        reclaim_detail = msg("{usd}/month with today's policies",
                             usd=_known(fmt_usd(reclaim_usd, 2, UNKNOWN)))
    reclaim_tile = tile("reclaimable_bytes", "Reclaimable storage",
                        fmt_bytes(reclaim.get("value"), missing=UNKNOWN), reclaim_detail,
                        "unknown" if reclaim.get("value") is None else "",
                        lambda v: fmt_bytes(v), "lifecycle")
    usd_change, _ = _change(metric("reclaimable_monthly_usd"), not ctx.not_computed("lifecycle"))
    if usd_change and reclaim_tile.change and usd_change not in ("first run", "no change") \
            and usd_change != reclaim_tile.change:
        reclaim_tile = Tile(**{**reclaim_tile.__dict__,
                               "change": join([reclaim_tile.change, usd_change], " · ")})

    tiles = (
        pct_tile("repositories_pct", "Repositories scanned", cov.get("repositories_scanned"),
                 cov.get("repositories_total"), images=False),
        pct_tile("images_pct", "Images scanned", cov.get("images_scanned"),
                 cov.get("images_scannable"), images=True),
        tile("critical", "Open critical findings", fmt_int(critical, UNKNOWN), scope_note,
             "unknown" if is_missing(critical) else ("alert" if critical else "good"), fmt_int),
        tile("high", "Open high findings", fmt_int(high, UNKNOWN), scope_note,
             "unknown" if is_missing(high) else ("warn" if high else "good"), fmt_int),
        tile("controls_failing", "Failing control checks", fmt_int(failing, UNKNOWN),
             partial(msg("repository × control; {n} unknown", n=fmt_int(unknown_controls))
                     if unknown_controls else msg("repository × control")),
             "unknown" if is_missing(failing) else ("alert" if failing else "good"), fmt_int),
        tile("inspector_monthly_usd", "Inspector cost / month", fmt_usd(inspector, 2, UNKNOWN),
             "at today's settings",
             "unknown" if is_missing(inspector) else "", lambda v: fmt_usd(v, 2), "inspector"),
        tile("pull_through_net_saving_monthly_usd", "Pull-through saving",
             fmt_usd(net, 2, UNKNOWN),
             msg("per month, net of {usd} storage",
                 usd=_known(fmt_usd(pt.get("storage_monthly_usd"), 2, UNKNOWN))),
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
    # A date as a parameter the catalog's date pattern says in the report's language.
    when = Text(fmt_datetime(_parse(prev.get("as_of")), missing=str(prev.get("as_of"))))
    sentences = [msg("Changes are since the previous run, {run} ({when}); trend lines show the "
                     "last {runs}, oldest left.", run=str(prev.get("run_id")), when=when,
                     runs=_runs(runs))]
    if prev.get("complete") is False:
        sentences.append(msg("That run had collection errors, so its figures were partial."))
    if trends.get("scope_changed"):
        sentences.append(msg("It covered other accounts or regions, so part of each change is "
                             "the change of scope."))
    return sentences[0] if len(sentences) == 1 else join(sentences)


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
        text = item.get("text")  # a Text (reports/leadership.py), unless read back from JSON
        lines.append(ActionLine(int(item.get("rank") or len(lines) + 1),
                                text if isinstance(text, Text) else str(text),
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
        tail = msg(" ({n} unknown)", n=fmt_int(unknown)) if unknown else ""
        if never:
            args = {"never": fmt_int(never), "repos": counted(len(cov), "repository"), "tail": tail}
            out.append(("control_ecr-1", (
                msg("{never} of {repos} is never scanned automatically (effective scan "
                    "frequency: manual only){tail}.", **args) if never == 1
                else msg("{never} of {repos} are never scanned automatically (effective scan "
                         "frequency: manual only){tail}.", **args))))
        else:
            out.append(("", msg("All {repos} with a known setting are scanned automatically, on "
                                "push or continuously{tail}.", repos=counted(len(cov), "repository"),
                                tail=tail)))
    clair = _clair_registries(ctx)
    if clair:
        retired = ctx.report.as_of >= CLAIR_RETIREMENT
        args = {"list": _listed(clair, 3), "n": fmt_int(len(clair))}
        if len(clair) == 1:
            sentence = (
                msg("{n} registry still reports the retired Clair basic scan engine (retired by "
                    "AWS on 2026-02-02): {list}. Switch to AWS_NATIVE basic scanning.", **args)
                if retired else
                msg("{n} registry still reports the deprecated Clair basic scan engine, which AWS "
                    "retires on 2026-02-02: {list}. Switch to AWS_NATIVE basic scanning.", **args))
        else:
            sentence = (
                msg("{n} registries still report the retired Clair basic scan engine (retired by "
                    "AWS on 2026-02-02): {list}. Switch to AWS_NATIVE basic scanning.", **args)
                if retired else
                msg("{n} registries still report the deprecated Clair basic scan engine, which "
                    "AWS retires on 2026-02-02: {list}. Switch to AWS_NATIVE basic scanning.",
                    **args))
        out.append(("clair_to_native", sentence))
    if cov is not None and len(cov):
        crit = cov["critical"]
        known = crit.notna()
        with_crit = cov[known & (crit.fillna(0) > 0)]
        if len(with_crit):
            worst = with_crit.sort_values(
                ["critical", "account_id", "region", "repository_name"],
                ascending=[False, True, True, True], kind="mergesort").iloc[0]
            total = int(with_crit["critical"].sum())
            findings = (msg("{n} open critical finding", n=fmt_int(total)) if total == 1
                        else msg("{n} open critical findings", n=fmt_int(total)))
            out.append(("critical_findings", msg(
                "{findings} in {repos}; the most in {repo} ({count}).", findings=findings,
                repos=counted(len(with_crit), "repository"), repo=worst["repository_name"],
                count=fmt_int(worst["critical"]))))
        elif known.any():
            scanned = int(cov["images_scanned"].sum())
            total = int(cov["images_scannable"].sum())
            out.append(("", msg(
                "No critical findings were reported for the images that have a scan result "
                "({scanned} of {images}); images without one are not counted as clean.",
                scanned=fmt_int(scanned),
                images=counted(total, "image"))))
    comp = ctx.table("compliance")
    if comp is not None and len(comp):
        fails = comp[comp["status"] == "FAIL"]
        if len(fails):
            by_control = fails.groupby("control_id", sort=True).size()
            top = sorted(by_control.items(), key=lambda kv: (-kv[1], _control_key(kv[0])))[0]
            evaluated = int((comp["control_id"] == top[0]).sum())
            title = _control_title(comp, top[0])
            out.append((f"control_{str(top[0]).lower().replace('.', '-')}",
                        msg("{control} ({title}) fails for {n} of {repos}.", control=str(top[0]),
                            title=as_text(title), n=fmt_int(top[1]),
                            repos=counted(evaluated, "repository"))))
        else:
            out.append(("", "No repository fails a checked control."))
        unknown = int((comp["status"] == "UNKNOWN").sum())
        if unknown:
            out.append(("", (
                msg("{n} control verdict is UNKNOWN because the data could not be collected.",
                    n=fmt_int(unknown)) if unknown == 1
                else msg("{n} control verdicts are UNKNOWN because the data could not be "
                         "collected.", n=fmt_int(unknown)))))
    if cov is not None and len(cov):
        disagree = int(cov["aws_disagrees"].fillna(False).sum())
        if disagree:
            out.append(("", msg("For {repos} AWS's own per-repository scan setting disagrees "
                                "with the registry rules; the repositories table shows both.",
                                repos=counted(disagree, "repository"))))
    reg = ctx.table("registry_coverage")
    if reg is not None and len(reg):
        headroom = reg["quota_headroom_pct"].astype("float64")
        if headroom.notna().any() and headroom.min() < 25:
            row = reg.loc[headroom.idxmin()]
            out.append(("", msg("Registry {registry} has {pct} headroom left in the daily "
                                "basic-scan quota on its busiest day.",
                                registry=registry_label(row["account_id"], row["region"]),
                                pct=fmt_pct(row["quota_headroom_pct"], 0))))
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
        sections = join(not_computed, "; ")
        blocks.append(Paragraph(
            msg("Not computed in this version: {sections}. That section says so instead of "
                "showing figures.", sections=sections) if len(not_computed) == 1
            else msg("Not computed in this version: {sections}. Those sections say so instead "
                     "of showing figures.", sections=sections), tone="muted"))
    return Section(SECTION_ID, number, TITLE, tuple(blocks))
