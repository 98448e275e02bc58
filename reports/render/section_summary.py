"""The first page, for leadership: headline figures with their change since the previous run and
a trend line over the last runs, the five actions worth the most money or risk (each linked to
its evidence), and the key points.

Reads `summary["trends"]` and `summary["actions"]` (reports/leadership.py, computed by the
analysis); it never computes them itself. An input without them still renders: the trends then
read "not recorded" and no action is listed. `ctx` is the view model's context
(`viewmodel.SectionContext`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Mapping

from ..leadership import TOP_ACTIONS
from ..summary import block
from ..text import Text, as_text, counted, join, msg
from .blocks import Bullets, Paragraph, Section
from .filters import fmt_datetime, fmt_int, fmt_pct, is_missing, pct_of
from .headline import Headline, Tile, TileContext, known, runs_text
from .viewmodel import (
    CLAIR_RETIREMENT,
    UNKNOWN,
    SectionContext,
    control_key,
    control_title,
    registry_label,
)

SECTION_ID = "summary"
TITLE = "Executive summary"
FOUNDATION_TITLES = {
    "summary": TITLE, "coverage": "Scan coverage", "compliance": "Compliance",
    "completeness": "Data completeness", "methodology": "Methodology",
}
"""Section id -> title of the foundation's sections; each concern names its own."""
KEY_POINTS = 3
NO_TRENDS: Mapping[str, Any] = {"recorded": False, "metrics": {}, "runs": []}


# --- display blocks (rendered by templates/blocks.html.j2) -----------------------------------


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


def _listed(items: list[str], limit: int) -> str:
    """`viewmodel._list_text`, with its "and N more" said in the report's language."""
    if not items:
        return msg("none")
    if len(items) <= limit:
        return ", ".join(items)
    return msg("{items} and {n} more", items=", ".join(items[:limit]), n=str(len(items) - limit))


# --- headline figures ------------------------------------------------------------------------


def tile_context(ctx: SectionContext) -> TileContext:
    trends = ctx.summary.get("trends")
    if not (isinstance(trends, Mapping) and isinstance(trends.get("metrics"), Mapping)):
        trends = NO_TRENDS  # a hand-built input: no change is claimed
    return TileContext(ctx.summary, trends, bool(ctx.report.errors), ctx.not_computed)


def _headline(ctx: SectionContext) -> Headline:
    tiles = tile_context(ctx)
    concern_tiles = tuple(tile for concern in ctx.report.concerns
                          if concern.presentation.headline_tiles is not None
                          for tile in concern.presentation.headline_tiles(tiles))
    return Headline(_foundation_tiles(ctx, tiles) + concern_tiles, _trend_note(tiles.trends, tiles.runs))


def _pct_tile(tiles: TileContext, key: str, label: str, part: Any, whole: Any, images: bool) -> Tile:
    pct = pct_of(part, whole)
    if is_missing(whole):
        detail = msg("not collected")
    else:
        args = {"part": known(fmt_int(part, UNKNOWN)), "n": fmt_int(whole)}
        if images:
            detail = (msg("{part} of {n} scannable image", **args) if int(whole) == 1
                      else msg("{part} of {n} scannable images", **args))
        else:
            detail = (msg("{part} of {n} repository", **args) if int(whole) == 1
                      else msg("{part} of {n} repositories", **args))
    return tiles.tile(key, label, fmt_pct(pct, 0, missing=UNKNOWN), tiles.partial(detail),
                      "unknown" if pct is None else ("warn" if pct < 80 else ""),
                      lambda v: fmt_pct(v, 1))


def _foundation_tiles(ctx: SectionContext, tiles: TileContext) -> tuple[Tile, ...]:
    cov = tiles.block("coverage")
    findings = block(cov, "open_findings")
    critical, high = findings.get("critical"), findings.get("high")
    compliance = tiles.block("compliance")
    failing = compliance.get("controls_failing")
    frame = ctx.table("coverage")
    not_checked = 0
    if frame is not None and "images_not_checked" in frame:
        not_checked = int(frame["images_not_checked"].fillna(0).sum())
    scope_note = tiles.partial(msg("{n} images not checked", n=fmt_int(not_checked))
                               if not_checked else msg("in scanned images"))
    unknown_controls = sum(
        0 if is_missing((counts or {}).get("UNKNOWN")) else float((counts or {}).get("UNKNOWN"))
        for counts in (compliance.get("by_control") or {}).values())
    return (
        _pct_tile(tiles, "repositories_pct", "Repositories scanned", cov.get("repositories_scanned"),
                  cov.get("repositories_total"), images=False),
        _pct_tile(tiles, "images_pct", "Images scanned", cov.get("images_scanned"),
                  cov.get("images_scannable"), images=True),
        tiles.tile("critical", "Open critical findings", fmt_int(critical, UNKNOWN), scope_note,
                   "unknown" if is_missing(critical) else ("alert" if critical else "good"), fmt_int),
        tiles.tile("high", "Open high findings", fmt_int(high, UNKNOWN), scope_note,
                   "unknown" if is_missing(high) else ("warn" if high else "good"), fmt_int),
        tiles.tile("controls_failing", "Failing control checks", fmt_int(failing, UNKNOWN),
                   tiles.partial(msg("repository × control; {n} unknown", n=fmt_int(unknown_controls))
                                 if unknown_controls else msg("repository × control")),
                   "unknown" if is_missing(failing) else ("alert" if failing else "good"), fmt_int),
    )


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
                     runs=runs_text(runs))]
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


def _section_titles(ctx: SectionContext) -> dict[str, str]:
    """Section id -> title, for the action lines' "where the evidence is"."""
    return {**FOUNDATION_TITLES, **{c.presentation.section_id: c.presentation.section_title
                                    for c in ctx.report.concerns}}


def _actions(ctx: SectionContext) -> Actions:
    """The analysis's ranked actions (summary.json `actions`); none when it ranked none."""
    items = ctx.summary.get("actions")
    ranked = isinstance(items, list)
    items = items if ranked else []
    titles = _section_titles(ctx)
    skipped = {c.presentation.section_id for c in ctx.report.concerns if ctx.not_computed(c.key)}
    lines = []
    for item in items[:TOP_ACTIONS]:
        section = str(item.get("section") or "")
        if section in skipped:
            continue
        anchor = str(item.get("anchor") or section)
        text = item.get("text")  # a Text (reports/leadership.py), unless read back from JSON
        lines.append(ActionLine(int(item.get("rank") or len(lines) + 1),
                                text if isinstance(text, Text) else str(text),
                                f"#{anchor}", titles.get(section, section),
                                str(item.get("key") or "")))
    return Actions(
        "Five actions worth the most", tuple(lines),
        empty_text=("No action stands out: no failing control, open critical finding or "
                    "monthly saving was found." if ranked else
                    "This run's summary has no ranked actions (it was made before they were kept)."),
        note="Ranked by money per month plus a risk weight for critical findings and failing "
             "controls (see Methodology); every candidate is in data/actions.csv.")


# --- key points ------------------------------------------------------------------------------


def _summary_sentences(ctx: SectionContext) -> list[tuple[str, str]]:
    """(topic, sentence): the topic is the key of the action saying the same, if there is one."""
    return [*_automatic_scanning(ctx), *_clair(ctx), *_critical(ctx), *_compliance(ctx),
            *_disagreements(ctx), *_quota(ctx)]


def _automatic_scanning(ctx: SectionContext) -> list[tuple[str, str]]:
    cov = ctx.table("coverage")
    if cov is None or not len(cov):
        return []
    auto = cov["automatically_scanned"]
    never = int((auto == False).fillna(False).sum())  # noqa: E712 (nullable boolean)
    unknown = int(auto.isna().sum())
    tail = msg(" ({n} unknown)", n=fmt_int(unknown)) if unknown else ""
    if not never:
        return [("", msg("All {repos} with a known setting are scanned automatically, on "
                         "push or continuously{tail}.", repos=counted(len(cov), "repository"),
                         tail=tail))]
    args = {"never": fmt_int(never), "repos": counted(len(cov), "repository"), "tail": tail}
    return [("control_ecr-1", (
        msg("{never} of {repos} is never scanned automatically (effective scan "
            "frequency: manual only){tail}.", **args) if never == 1
        else msg("{never} of {repos} are never scanned automatically (effective scan "
                 "frequency: manual only){tail}.", **args)))]


def _clair(ctx: SectionContext) -> list[tuple[str, str]]:
    clair = _clair_registries(ctx)
    if not clair:
        return []
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
    return [("clair_to_native", sentence)]


def _critical(ctx: SectionContext) -> list[tuple[str, str]]:
    cov = ctx.table("coverage")
    if cov is None or not len(cov):
        return []
    crit = cov["critical"]
    known_counts = crit.notna()
    with_crit = cov[known_counts & (crit.fillna(0) > 0)]
    if len(with_crit):
        worst = with_crit.sort_values(
            ["critical", "account_id", "region", "repository_name"],
            ascending=[False, True, True, True], kind="mergesort").iloc[0]
        total = int(with_crit["critical"].sum())
        findings = (msg("{n} open critical finding", n=fmt_int(total)) if total == 1
                    else msg("{n} open critical findings", n=fmt_int(total)))
        return [("critical_findings", msg(
            "{findings} in {repos}; the most in {repo} ({count}).", findings=findings,
            repos=counted(len(with_crit), "repository"), repo=worst["repository_name"],
            count=fmt_int(worst["critical"])))]
    if not known_counts.any():
        return []
    return [("", msg(
        "No critical findings were reported for the images that have a scan result "
        "({scanned} of {images}); images without one are not counted as clean.",
        scanned=fmt_int(int(cov["images_scanned"].sum())),
        images=counted(int(cov["images_scannable"].sum()), "image")))]


def _compliance(ctx: SectionContext) -> list[tuple[str, str]]:
    comp = ctx.table("compliance")
    if comp is None or not len(comp):
        return []
    out: list[tuple[str, str]] = []
    fails = comp[comp["status"] == "FAIL"]
    if len(fails):
        by_control = fails.groupby("control_id", sort=True).size()
        top = sorted(by_control.items(), key=lambda kv: (-kv[1], control_key(kv[0])))[0]
        evaluated = int((comp["control_id"] == top[0]).sum())
        title = control_title(comp, top[0])
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
    return out


def _disagreements(ctx: SectionContext) -> list[tuple[str, str]]:
    cov = ctx.table("coverage")
    disagree = int(cov["aws_disagrees"].fillna(False).sum()) if cov is not None and len(cov) else 0
    if not disagree:
        return []
    return [("", msg("For {repos} AWS's own per-repository scan setting disagrees "
                     "with the registry rules; the repositories table shows both.",
                     repos=counted(disagree, "repository")))]


def _quota(ctx: SectionContext) -> list[tuple[str, str]]:
    reg = ctx.table("registry_coverage")
    if reg is None or not len(reg):
        return []
    headroom = reg["quota_headroom_pct"].astype("float64")
    if not (headroom.notna().any() and headroom.min() < 25):
        return []
    row = reg.loc[headroom.idxmin()]
    return [("", msg("Registry {registry} has {pct} headroom left in the daily "
                     "basic-scan quota on its busiest day.",
                     registry=registry_label(row["account_id"], row["region"]),
                     pct=fmt_pct(row["quota_headroom_pct"], 0)))]


def _clair_registries(ctx: SectionContext) -> list[str]:
    found: set[str] = set()
    for name, column in (("registries", "basic_scan_engine"), ("registry_coverage", "scan_engine")):
        frame = ctx.table(name)
        if frame is not None and column in frame and len(frame):
            rows = frame[frame[column].fillna("") == "CLAIR"]
            if name == "registries" and "scan_type" in frame:
                rows = rows[rows["scan_type"].fillna("BASIC") != "ENHANCED"]
            found.update(registry_label(a, r) for a, r in zip(rows["account_id"], rows["region"]))
    return sorted(found)


def _deferred_titles(ctx: SectionContext) -> list[str]:
    titles = {c.key: c.presentation.section_title for c in ctx.report.concerns}
    return [titles.get(k, k) for k in ctx.report.sections_not_computed]


# --- the section -----------------------------------------------------------------------------


def build_summary(ctx: SectionContext, number: int) -> Section:
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
