"""Report section: pull-through cache economics.

Reads the concern's result tables (`pull_through`, `pull_through_topology`, `pull_through_stale`,
`pull_through_uncached`, `pull_through_in_use`, `pull_through_rate_limits`) and
`summary["pull_through"]`; builds display blocks only. `ctx` is the view model's context:
`table(name)`, `summary`, `not_computed(key)`, `partial(account, region)`.
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
from ..render.filters import fmt_bytes, fmt_int, fmt_num, fmt_pct, fmt_text, fmt_usd, is_missing
from ..render.viewmodel import registry_label
from ..text import Text, join, msg
from .section_exposure import (
    NOT_AVAILABLE,
    UNKNOWN,
    as_float,
    stale_blocks,
    uncached_blocks,
    upstream_label,
)

ANCHOR, TITLE = "pull-through", "Pull-through cache economics"
NEVER = msg("never")
REPOSITORY_ROWS = 10
TOPOLOGY_ROWS = 6
"""VPCs shown (where the cache saves nothing first, then the largest share of pulls); every VPC is in
data/pull_through_topology.csv."""
SHORT_LABELS = {"github-container-registry": "GitHub", "gitlab-container-registry": "GitLab",
                "azure-container-registry": "Azure", "k8s": "Kubernetes"}
TOPOLOGY_TEXT = {
    "ENDPOINTS": "ecr.dkr + S3 endpoints",
    "S3_GATEWAY_ONLY": "S3 endpoint only",
    "ECR_ENDPOINTS_NO_S3": "ECR endpoints, no S3",
    "NAT_ONLY": "no endpoints",
    "NO_NAT": "no NAT gateway",
}


def _signed_usd(value: Any) -> str:
    if is_missing(value):
        return UNKNOWN
    text = fmt_usd(value, 2)
    return text if float(value) < 0 or round(float(value), 2) == 0 else "+" + text


def _known_sum(series: pd.Series) -> float | None:
    values = as_float(series)
    return None if values.isna().all() and len(values) else float(values.fillna(0).sum())


def build_pull_through(ctx: Any, number: int) -> Section:
    if ctx.not_computed("pull_through"):
        return not_computed_section(ANCHOR, number, TITLE)
    s = ctx.summary.get("pull_through") or {}
    pt = ctx.table("pull_through")
    blocks: list[object] = [headline_figures(s, bool(s.get("partial")))]
    if pt is None:
        blocks.append(missing_table(msg("pull-through cache")))
        return Section(ANCHOR, number, TITLE, tuple(blocks), new_page=True)
    if not len(pt) and s.get("partial"):
        # Calls failed: "none found" would read as "none exist" (and $0.00 as measured).
        blocks.append(Paragraph(msg("No pull-through cache rule could be read: calls the cache figures "
                                    "rest on failed (see Data completeness), so whether there are rules, "
                                    "cached storage or savings is unknown, not zero."), tone="alert"))
    elif not len(pt):
        blocks.append(Paragraph(msg("No pull-through cache rule was found in the collected registries, "
                                    "so there is no cached storage and no saving to report.")))
    else:
        blocks.append(Paragraph(lead_sentence(s)))
        upstream = per_upstream(pt)
        blocks.append(_upstream_table(upstream))
        blocks.append(Chart("chart-pull-through", "Monthly storage cost against NAT processing avoided, "
                            "per upstream", upstream_chart(upstream),
                            note=msg("Each upstream has two bars: what its cache costs in storage, and the NAT "
                                     "gateway data processing its pulls avoid. Values in US dollars per month.")))
        blocks.append(Heading("Where the cache saves NAT processing", id="pull-through-topology"))
        blocks.append(Paragraph(msg(
            "ECR keeps image layers in S3. Where a VPC reaches S3 through an endpoint, a cached pull stays off "
            "the NAT gateway; where it does not, the layers of an ECR pull cross the NAT gateway just as an "
            "upstream pull would, and the cache saves no NAT processing there.")))
        blocks.append(_topology_table(ctx.table("pull_through_topology")))
        blocks.append(Heading("Cached repositories", id="pull-through-repositories"))
        blocks.append(_repository_table(pt))
        blocks.append(Heading("Stale cache entries", id="pull-through-stale"))
        blocks.extend(stale_blocks(ctx.table("pull_through_stale"), s))
    blocks.append(Heading("Images pulled from upstreams directly", id="pull-through-uncached"))
    blocks.extend(uncached_blocks(ctx.table("pull_through_uncached"), ctx.table("pull_through_rate_limits"),
                                   ctx.table("pull_through_in_use"), s))
    blocks.append(Heading("Assumptions", id="pull-through-assumptions"))
    blocks.append(_assumptions(s))
    return Section(ANCHOR, number, TITLE, tuple(blocks), new_page=True)


def headline_figures(s: dict, partial: bool) -> Figures:
    net = s.get("net_saving_monthly_usd")
    return Figures((
        Figure(msg("Cache storage / month (partial)") if partial else "Cache storage / month",
               fmt_usd(s.get("storage_monthly_usd"), 2, UNKNOWN),
               msg("{size} cached", size=fmt_bytes(s.get("stored_bytes"), missing=UNKNOWN))),
        Figure(msg("NAT processing avoided / month (partial)") if partial else "NAT processing avoided / month",
               fmt_usd(s.get("nat_savings_monthly_usd"), 2, UNKNOWN),
               msg("{pulls} pulls / month", pulls=fmt_int(s.get("pulls_monthly"), UNKNOWN))),
        Figure(msg("Net saving / month (partial)") if partial else "Net saving / month", fmt_usd(net, 2, UNKNOWN),
               msg("{usd} endpoint hours not included",
                   usd=fmt_usd(s.get("endpoint_fixed_monthly_usd"), 2, UNKNOWN)),
               tone="unknown" if is_missing(net) else ("good" if float(net) >= 0 else "alert")),
        Figure("Break-even", fmt_num(s.get("break_even_pulls_per_image_monthly"), 1, NEVER),
               "pulls per cached image per month"),
        Figure("Stale cache entries", fmt_int(s.get("stale_images"), UNKNOWN),
               msg("{usd} / month, not pulled for {days} days", usd=fmt_usd(s.get("stale_monthly_usd"), 2, UNKNOWN),
                   days=fmt_int(s.get("stale_days"), NOT_AVAILABLE)),
               tone="warn" if s.get("stale_images") else ""),
    ))


def _one(count: Any) -> bool:
    """Whether `count` takes the singular (as filters.plural decides)."""
    return not is_missing(count) and int(count) == 1


def lead_sentence(s: dict) -> Text:
    rules = s.get("rules") or 0
    paying, not_paying = s.get("rules_paying") or 0, s.get("rules_not_paying") or 0
    empty = s.get("rules_without_cached_repositories") or 0
    cached = s.get("cached_repositories")
    rule_text = (msg("{n} pull-through cache rule", n=fmt_int(rules)) if _one(rules)
                 else msg("{n} pull-through cache rules", n=fmt_int(rules)))
    first = (msg("{rules} cache {n} repository.", rules=rule_text, n=fmt_int(cached)) if _one(cached)
             else msg("{rules} cache {n} repositories.", rules=rule_text, n=fmt_int(cached, NOT_AVAILABLE)))
    pays = (msg("{n} pays for its storage in avoided NAT processing", n=fmt_int(paying)) if paying == 1
            else msg("{n} pay for their storage in avoided NAT processing", n=fmt_int(paying)))
    does_not = (msg("{n} does not", n=fmt_int(not_paying)) if not_paying == 1
                else msg("{n} do not", n=fmt_int(not_paying)))
    nothing = (msg("{n} has cached nothing yet", n=fmt_int(empty)) if empty == 1
               else msg("{n} have cached nothing yet", n=fmt_int(empty)))
    if not_paying and empty:
        second = msg("{paying}; {not_paying}; {empty}.", paying=pays, not_paying=does_not, empty=nothing)
    elif not_paying:
        second = msg("{paying}; {not_paying}.", paying=pays, not_paying=does_not)
    elif empty:
        second = msg("{paying}; {empty}.", paying=pays, empty=nothing)
    else:
        second = msg("{paying}.", paying=pays)
    sentences = [first, second]
    unscanned = s.get("repositories_not_scanned_automatically") or 0
    if unscanned:
        sentences.append(
            msg("{n} cached repository is not covered by a scanning rule, so those upstream images are not "
                "brought under ECR scanning.", n=fmt_int(unscanned)) if unscanned == 1
            else msg("{n} cached repositories are not covered by a scanning rule, so those upstream images "
                     "are not brought under ECR scanning.", n=fmt_int(unscanned)))
    return join(sentences)


def per_upstream(pt: pd.DataFrame) -> pd.DataFrame:
    frame = pt.assign(_upstream=pt["upstream_registry"].astype("string").fillna("unknown"),
                      _rule=pt["account_id"].astype(str) + "/" + pt["region"].astype(str) + "/"
                      + pt["ecr_repository_prefix"].astype(str))
    rows = []
    for upstream, g in frame.groupby("_upstream", sort=True):
        repos = g[g["repository_name"].notna()]
        rows.append({
            "upstream": str(upstream), "rules": g["_rule"].nunique(), "repositories": len(repos),
            "stored_bytes": int(g["stored_bytes"].sum()),
            "storage": float(as_float(g["storage_monthly_usd"]).fillna(0).sum()),
            "pulls": _known_sum(repos["pulls_monthly"]) if len(repos) else 0.0,
            "nat": _known_sum(g["nat_avoided_monthly_usd"]),
            "endpoint": _known_sum(g["endpoint_data_monthly_usd"]),
            "net": _known_sum(g["net_saving_monthly_usd"]),
            "partial": bool(g["partial"].fillna(False).any()),
        })
    out = pd.DataFrame(rows)
    return out.sort_values(["storage", "upstream"], ascending=[False, True], kind="mergesort") if len(out) else out


def _upstream_table(upstream: pd.DataFrame) -> Table:
    rows = []
    for rec in upstream.to_dict("records"):
        net = rec["net"]
        rows.append((
            Cell(upstream_label(rec["upstream"]), note="partial" if rec["partial"] else ""),
            Cell(fmt_int(rec["rules"]), True), Cell(fmt_int(rec["repositories"]), True),
            Cell(fmt_num(rec["stored_bytes"] / 1024 ** 3, 2), True),
            Cell(fmt_usd(rec["storage"], 2), True),
            Cell(fmt_int(rec["pulls"], UNKNOWN), True),
            Cell(fmt_usd(rec["nat"], 2, UNKNOWN), True),
            Cell(_signed_usd(net), True,
                 badge="" if is_missing(net) else ("pass" if net >= 0 else "fail")),
        ))
    return Table(
        id="pull-through-upstreams", caption="Per upstream, monthly",
        columns=(Column("Upstream", width="22%"), Column("Rules", True), Column("Repositories", True),
                 Column("GB stored", True), Column("Storage", True), Column("Pulls", True),
                 Column("NAT avoided", True), Column("Net", True)),
        rows=tuple(rows), empty_text="No pull-through cache rule.")


def upstream_chart(upstream: pd.DataFrame) -> Any:
    categories, storage, saved = [], [], []
    for rec in upstream.to_dict("records"):
        name = SHORT_LABELS.get(str(rec["upstream"]), upstream_label(rec["upstream"]))
        categories += [msg("{name} · storage", name=name), msg("{name} · NAT avoided", name=name)]
        storage += [rec["storage"], 0.0]
        saved += [0.0, rec["nat"] or 0.0]
    description: Text = msg("No data.")
    for number, r in enumerate(upstream.to_dict("records")):
        item = msg("{upstream}: storage {storage}, NAT processing avoided {nat} per month",
                   upstream=upstream_label(r["upstream"]), storage=fmt_usd(r["storage"], 2),
                   nat=fmt_usd(r["nat"], 2, UNKNOWN))
        description = item if number == 0 else msg("{upstreams}; {next_upstream}", upstreams=description,
                                                    next_upstream=item)
    return charts.bar_chart(
        categories, (charts.Series(msg("Storage cost"), storage, "#c0504d"),
                     charts.Series(msg("NAT processing avoided"), saved, "#1f4e79")),
        title=msg("Pull-through cache: storage against NAT processing avoided, USD per month"),
        description=description, chart_id="chart-pull-through", unit=msg("USD / month"), bar_height=11,
        bar_gap=5)


def _topology_table(topo: pd.DataFrame | None) -> object:
    if topo is None:
        return missing_table(msg("VPC topology"))
    with_nat = topo[topo["nat_gateways"] > 0] if len(topo) else topo
    if len(with_nat) > TOPOLOGY_ROWS:
        with_nat = with_nat.assign(
            _saves=with_nat["cache_saves_nat"].astype("boolean").fillna(False).astype(int),
            _share=-with_nat["pull_share"].astype("float64").fillna(0.0),
        ).sort_values(["_saves", "_share", "account_id", "region", "vpc_id"], kind="mergesort")
    shown = with_nat.head(TOPOLOGY_ROWS)
    more = len(with_nat) - len(shown)
    rows = []
    for rec in shown.to_dict("records"):
        saves = bool(rec["cache_saves_nat"])
        rows.append((
            Cell(fmt_text(rec["vpc_name"], rec["vpc_id"]), note=f"{rec['vpc_id']} · {registry_label(rec['account_id'], rec['region'])}"),
            Cell(fmt_int(rec["nat_gateways"]), True),
            Cell(TOPOLOGY_TEXT.get(rec["topology"], rec["topology"]), note=fmt_text(rec["layers_path"], "")),
            Cell(fmt_pct(100 * float(rec["pull_share"]), 0), True, note=fmt_text(rec["pull_share_source"], "")),
            Cell("saves NAT" if saves else "saves nothing", badge="pass" if saves else "fail"),
            Cell(fmt_usd(rec["endpoint_fixed_monthly_usd"], 2), True),
        ))
    return Table(
        id="pull-through-topology-table",
        caption=(msg("VPCs with a NAT gateway in registries that pull through a cache or from upstreams; "
                     "{shown} of {total}, where the cache saves nothing first",
                     shown=TOPOLOGY_ROWS, total=fmt_int(len(with_nat))) if more
                 else "VPCs with a NAT gateway in registries that pull through a cache or from upstreams"),
        columns=(Column("VPC", width="18%"), Column("NAT GWs", True), Column("Endpoints", width="16%"),
                 Column("Share of pulls", True), Column("Cache"), Column("Endpoint hours / month", True)),
        rows=tuple(rows), compact=True,
        empty_text="No VPC with a NAT gateway was found: the cache saves no NAT processing.",
        more_text=((msg("{n} more VPC in data/pull_through_topology.csv.", n=fmt_int(more)) if more == 1
                    else msg("{n} more VPCs in data/pull_through_topology.csv.", n=fmt_int(more))) if more else ""))


def _repository_table(pt: pd.DataFrame) -> Table:
    repos = pt[pt["repository_name"].notna()]
    ordered = repos.assign(_s=as_float(repos["storage_monthly_usd"]).fillna(0)).sort_values(
        ["_s", "repository_name"], ascending=[False, True], kind="mergesort")
    shown = ordered.head(REPOSITORY_ROWS)
    rows = []
    for rec in shown.to_dict("records"):
        net = rec["net_saving_monthly_usd"]
        scanned = rec["scanned_automatically"]
        lifecycle = fmt_text(rec["lifecycle_policy_status"], UNKNOWN)
        template = rec["creation_template"]
        rows.append((
            Cell(str(rec["repository_name"]), code=True, note=registry_label(rec["account_id"], rec["region"])),
            Cell(fmt_int(rec["images"]), True, note=fmt_bytes(rec["stored_bytes"])),
            Cell(fmt_usd(rec["storage_monthly_usd"], 2), True),
            Cell(fmt_int(rec["pulls_monthly"], UNKNOWN), True,
                 note=msg("{n} / image", n=fmt_num(rec["pulls_per_image_monthly"], 1, NOT_AVAILABLE))),
            Cell(fmt_num(rec["break_even_pulls_per_image_monthly"], 1, NEVER), True),
            Cell(fmt_usd(rec["nat_avoided_monthly_usd"], 2, UNKNOWN), True),
            Cell(_signed_usd(net), True, badge="" if is_missing(net) else ("pass" if net >= 0 else "fail")),
            Cell("yes" if scanned is True else ("no" if scanned is False else UNKNOWN),
                 badge="pass" if scanned is True else ("fail" if scanned is False else "unknown"),
                 note=fmt_text(rec["scan_frequency"], "")),
            Cell(lifecycle.lower() if lifecycle != UNKNOWN else UNKNOWN,
                 note=msg("template {prefix}", prefix=template) if not is_missing(template) else "no template"),
        ))
    more = len(ordered) - len(shown)
    return Table(
        id="pull-through-repositories-table", caption="Cached repositories, largest storage cost first (monthly)",
        columns=(Column("Repository", width="24%"), Column("Images", True), Column("Storage", True),
                 Column("Pulls", True), Column("Break-even pulls / image", True), Column("NAT avoided", True),
                 Column("Net", True), Column("Scanned"), Column("Lifecycle policy")),
        rows=tuple(rows), compact=True, empty_text="No cached repository.",
        more_text=((msg("{n} more repository in data/pull_through.csv.", n=fmt_int(more)) if more == 1
                    else msg("{n} more repositories in data/pull_through.csv.", n=fmt_int(more))) if more else ""))


def _assumptions(s: dict) -> Bullets:
    reuse = s.get("layer_reuse_fraction")
    return Bullets((
        msg("Pulls: CloudWatch RepositoryPullCount, daily sums over the last {days} "
            "whole days, scaled to a 730-hour month.", days=fmt_int(s.get("metrics_days"), NOT_AVAILABLE)),
        msg("Layer reuse: {reuse} of an image's "
            "compressed bytes are taken to be on the node already and are not pulled again "
            "(pull_through.layer_reuse_fraction).",
            reuse=fmt_pct(100 * float(reuse), 0) if not is_missing(reuse) else UNKNOWN),
        msg("Topology: a VPC whose ECR pulls cannot reach S3 through an endpoint sends the layers through the NAT "
        "gateway anyway, so the cache saves no NAT processing there. Pulls are split over NAT-routed VPCs by NAT "
        "gateway count unless configured."),
        msg("Endpoint hours are shown but not charged to the cache: the endpoints serve all ECR traffic. Net "
            "including them: {usd} per month.", usd=_signed_usd(s.get("net_saving_including_endpoints_monthly_usd"))),
        msg("Prices: ECR storage, NAT processing and endpoint charges from the price table (us-east-1 figures "
        "derived from the AWS Price List; the official pricing pages were not retrieved). Whether cached "
        "images bill exactly as pushed images, and data transfer in being free, are UNCONFIRMED."),
    ))
