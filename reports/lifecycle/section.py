"""The report section "Lifecycle reclaimable storage".

Reads the lifecycle concern's result tables (`lifecycle`, `lifecycle_lint`) and its summary;
shows the headline figures, the proposal (what it does, or why ECR would reject it), fleet
totals for the current and the proposed policies, a chart, the repositories that reclaim the
most, the repositories without a policy and what the proposal would free there, and every lint
warning (capped): the tables and the chart are built in section_tables.py. Unknown
figures read "unknown", never 0, NaN or None.

Sentences with figures are `msg` templates (translated by ja.py);
the proposed policy's validation errors come in the summary as `Text`. "N repositories", "N images" and "N more repositories in
data/lifecycle.csv." stay plain strings the catalog's patterns translate.
"""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from ..render.blocks import Bullets, Figure, Figures, Heading, NotComputed, Paragraph, Section
from ..render.filters import fmt_bytes, fmt_int, fmt_usd, is_missing
from ..summary import block
from ..text import as_text, join, msg
from .baseline import BASELINE_NAME
from .section_tables import (
    UNKNOWN,
    images_text,
    is_one,
    lint_table,
    num,
    reclaim_chart,
    top_table,
    totals_table,
    without_policy_table,
)

SECTION_ID = "lifecycle"
TITLE = "Lifecycle reclaimable storage"


def _figures(summary: Mapping[str, Any]) -> Figures:
    prop = block(summary, "proposed")
    evaluated = prop.get("status") == "evaluated"
    partial = bool(summary.get("partial"))

    def basis(part: Mapping[str, Any]) -> str:
        if part.get("reclaimable_bytes_exact") is not None:
            return msg("exact bytes")
        return msg("naive bytes, upper bound") if part.get("repositories_upper_bound") else msg("naive bytes")

    acting = summary.get("repositories_acted_on") or 0
    items = [
        Figure("Images expiring now (partial)" if partial else "Images expiring now",
               fmt_int(summary.get("images_expiring"), UNKNOWN),
               msg("current policies; {n} repository act today", n=fmt_int(acting)) if is_one(acting) else
               msg("current policies; {n} repositories act today", n=fmt_int(acting))),
        Figure("Reclaimable storage now (partial)" if partial else "Reclaimable storage now",
               fmt_bytes(summary.get("reclaimable_bytes"), missing=UNKNOWN),
               msg("{usd} / month; {basis}", usd=fmt_usd(summary.get("reclaimable_monthly_usd"), 2, UNKNOWN),
                   basis=basis(summary)),
               tone="warn" if num(summary.get("reclaimable_bytes")) else ""),
    ]
    if evaluated:
        items += [
            Figure("With the proposal", fmt_bytes(prop.get("reclaimable_bytes"), missing=UNKNOWN),
                   msg("{n} images; {usd} / month; {basis}", n=fmt_int(prop.get("images_expiring"), UNKNOWN),
                       usd=fmt_usd(prop.get("reclaimable_monthly_usd"), 2, UNKNOWN), basis=basis(prop))),
            Figure("To archive (proposal)", fmt_bytes(prop.get("bytes_to_archive"), missing=UNKNOWN),
                   images_text(prop.get("images_transitioning"), UNKNOWN)),
        ]
    else:
        invalid = prop.get("status") == "invalid"
        items.append(Figure("Proposed policy", "invalid" if invalid else "none",
                            "rejected; see below" if invalid else "not configured",
                            tone="alert" if invalid else "unknown"))
    return Figures(tuple(items))


def _archive_sentence(summary: Mapping[str, Any], part: Mapping[str, Any]) -> str:
    """What archiving saves and costs at the prices used ("" when nothing moves to archive)."""
    prices = summary.get("prices") or {}
    std, arch = prices.get("standard_usd_per_gb_month"), prices.get("archive_usd_per_gb_month")
    if is_missing(std) or is_missing(arch) or not num(part.get("bytes_to_archive")):
        return ""
    status = " (UNCONFIRMED)" if prices.get("archive_status") == "UNCONFIRMED" else ""
    saving = (msg("saves no storage money") if float(std) <= float(arch) else
              msg("saves {usd} per GB-month", usd=fmt_usd(float(std) - float(arch), 2)))
    return msg("At the archive price used, {archive} per GB-month{status} against {standard} for standard storage, "
               "archiving {saving}; archived images are billed for at least {days} days ({commitment} for the images "
               "this would archive), and they must be restored before they can be pulled again.",
               archive=fmt_usd(arch, 2), status=status, standard=fmt_usd(std, 2), saving=saving,
               days=fmt_int(prices.get("archive_minimum_days")),
               commitment=fmt_usd(part.get("archive_commitment_usd"), 2, UNKNOWN))


def _bytes_paragraph(summary: Mapping[str, Any]) -> Paragraph:
    naive, exact = summary.get("reclaimable_bytes_naive"), summary.get("reclaimable_bytes_exact")
    prop = block(summary, "proposed")
    if summary.get("exact_bytes_collected"):
        parts = []
        for name, part in ((msg("current policies"), summary), (msg("the proposed policy"), prop)):
            n, e = part.get("reclaimable_bytes_naive"), part.get("reclaimable_bytes_exact")
            if not is_missing(n) and not is_missing(e) and n:
                parts.append(msg("for {scenario}, {exact} exact against {naive} naive ({pct}% less)", scenario=name,
                                 exact=fmt_bytes(e), naive=fmt_bytes(n), pct=fmt_int(100 * (1 - e / n))))
        intro = [msg("Two byte figures."),
                 msg("Naive adds up the image sizes ECR reports; exact reads the manifests and counts each layer "
                     "once, only when no image that stays in the repository still uses it.")]
        if not parts:
            return Paragraph(join([*intro, msg(
                "Shared base layers and multi-architecture images make naive overstate what is freed."),
                msg("Where only naive bytes exist, the repository's manifests were not read (over the per-registry "
                    "budget).")]))
        figures = parts[0] if len(parts) == 1 else msg("{first}; {second}", first=parts[0], second=parts[1])
        return Paragraph(join([*intro, msg(
            "Shared base layers and multi-architecture images make naive overstate what is freed: {figures}.",
            figures=figures)]))
    del naive, exact
    upper = summary.get("repositories_upper_bound") or 0
    return Paragraph(join([
        msg("Bytes are naive (the image sizes ECR reports): manifests were not read ([lifecycle] exact_bytes = false)."),
        msg("Naive overstates what is freed when images share layers, and counts the children of multi-architecture "
            "manifest lists, which AWS keeps while their list stays: {n} repository with a policy (marked upper "
            "bound).", n=fmt_int(upper)) if is_one(upper) else
        msg("Naive overstates what is freed when images share layers, and counts the children of multi-architecture "
            "manifest lists, which AWS keeps while their list stays: {n} repositories with a policy (marked upper "
            "bound).", n=fmt_int(upper)),
        msg("Set exact_bytes = true to read manifests."),
        msg("Every row is in data/lifecycle.csv, every image acted on in data/lifecycle_actions.csv."),
    ]), tone="muted")


def _source(source: Any) -> str:
    """Where the proposed policy came from: the built-in baseline (translated) or a file name."""
    if is_missing(source):
        return msg("the proposed policy")
    return msg("ecr-report built-in baseline") if str(source) == BASELINE_NAME else str(source)


def build_lifecycle(ctx: Any, number: int) -> Section:
    """The lifecycle section (replaces the "not computed" placeholder)."""
    if ctx.not_computed("lifecycle"):
        return Section(SECTION_ID, number, TITLE, (NotComputed(
            "Not computed in this version. This section will show what lifecycle policies would expire or archive, "
            "and the bytes and dollars that frees. No figure is given here, and none should be read as zero."),),
            new_page=True)
    summary = block(ctx.summary, "lifecycle")
    table = ctx.table("lifecycle")
    blocks: list[object] = [Paragraph(join([
        msg("What each repository's lifecycle policy would expire or move to archive at its next run, evaluated "
            "offline and exactly as ECR's documented rules say, as of the snapshot time; and the same for the "
            "proposed policy."),
        msg("Nothing has been deleted: these are previews.")]))]
    blocks.append(_figures(summary))
    if table is None:
        blocks.append(Paragraph(join([
            msg("The lifecycle table is not available for this run, so this part of the report could not be produced."),
            msg("It is not evidence that there is nothing to reclaim.")]), tone="alert"))
        return Section(SECTION_ID, number, TITLE, tuple(blocks), new_page=True)
    blocks.extend(_scenario_blocks(summary))
    blocks.extend(_table_blocks(summary, table, ctx.table("lifecycle_lint")))
    return Section(SECTION_ID, number, TITLE, tuple(blocks), new_page=True)


def _scenario_blocks(summary: Mapping[str, Any]) -> list[object]:
    """Unknown policies, then the proposal: rejected (its validation errors), or what it does."""
    blocks: list[object] = []
    unknown = summary.get("repositories_unknown_policy") or 0
    if unknown:
        blocks.append(Paragraph(
            msg("The lifecycle policy of {n} repository could not be read; what it would reclaim is unknown, not zero, "
                "and is not in the totals.", n=fmt_int(unknown)) if is_one(unknown) else
            msg("The lifecycle policy of {n} repositories could not be read; what they would reclaim is unknown, not "
                "zero, and is not in the totals.", n=fmt_int(unknown)), tone="alert"))
    prop = block(summary, "proposed")
    source = _source(prop.get("source"))
    if prop.get("status") == "invalid":
        blocks.append(Paragraph(msg("The proposed policy ({source}) would be rejected by ECR, so no proposed scenario "
                                    "was computed:", source=source), tone="alert"))
        blocks.append(Bullets(tuple(as_text(e) for e in (prop.get("errors") or [])[:10])))
    elif prop.get("status") == "evaluated":
        blocks.append(_proposal_paragraph(summary, prop, source))
    elif num(summary.get("bytes_to_archive")):
        blocks.append(Paragraph(_archive_sentence(summary, summary)))
    return blocks


def _proposal_paragraph(summary: Mapping[str, Any], prop: Mapping[str, Any], source: str) -> Paragraph:
    where = msg("every repository") if prop.get("apply_to") == "all" else msg("the repositories without a policy")
    wp = prop.get("without_policy") or {}
    applied = prop.get("repositories_applied") or 0
    sentences = [
        msg("Proposed: {source}, put on {where} ({n} repository).", source=source, where=where,
            n=fmt_int(applied)) if is_one(applied) else
        msg("Proposed: {source}, put on {where} ({n} repositories).", source=source, where=where,
            n=fmt_int(applied)),
        msg("In the repositories without a policy it would expire {images} images ({bytes}, {usd} a month) and "
            "move {archive} to archive.", images=fmt_int(wp.get("images_expiring"), UNKNOWN),
            bytes=fmt_bytes(wp.get("reclaimable_bytes"), missing=UNKNOWN),
            usd=fmt_usd(wp.get("reclaimable_monthly_usd"), 2, UNKNOWN),
            archive=fmt_bytes(wp.get("bytes_to_archive"), missing=UNKNOWN)),
    ]
    archive = _archive_sentence(summary, prop)
    return Paragraph(join(sentences + ([archive] if archive else [])))


def _table_blocks(summary: Mapping[str, Any], table: pd.DataFrame, lint: pd.DataFrame | None) -> list[object]:
    """Totals, the chart, the two byte figures, the repository tables and the lint warnings."""
    prop = block(summary, "proposed")
    blocks: list[object] = [totals_table(summary)]
    cur = table[table["scenario"] == "current"]
    proposed = table[table["scenario"] == "proposed"]
    proposed = proposed if len(proposed) else None
    chart = reclaim_chart(cur, proposed)
    if chart is not None:
        blocks.append(chart)
    blocks.append(_bytes_paragraph(summary))
    blocks.append(Heading("Repositories", id="lifecycle-repositories"))
    blocks.append(top_table(cur, proposed, prop.get("apply_to") == "all"))
    blocks.append(Heading("Repositories without a policy", id="lifecycle-without-policy-heading"))
    blocks.append(without_policy_table(cur, proposed))
    blocks.append(Heading("Lint warnings", id="lifecycle-lint-heading"))
    blocks.append(lint_table(lint) if lint is not None else Paragraph(msg("The lint table is not available."), tone="alert"))
    return blocks
