"""The pull-through section's exposure blocks: stale cache entries, images in use pulled without
the cache, and Docker Hub rate limits; and the registry and upstream labels the whole section uses.

Reads `pull_through_stale`, `pull_through_uncached`, `pull_through_in_use` and
`pull_through_rate_limits`; builds display blocks only.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..render.blocks import Cell, Column, Paragraph, Table, missing_table
from ..render.filters import fmt_bytes, fmt_int, fmt_num, fmt_text, fmt_usd, is_missing
from ..render.viewmodel import registry_label
from ..sources import cite
from ..text import Text, msg

UNKNOWN = msg("unknown")
NOT_AVAILABLE = msg("n/a")
STALE_ROWS = 6
UNCACHED_ROWS = 8
RATE_ROWS = 6
"""Registries shown in the Docker Hub rate-limit table (worst first); all in
data/pull_through_rate_limits.csv."""
RATE_ORDER = {"OVER_UNAUTHENTICATED": 0, "NEAR_UNAUTHENTICATED": 1, "WITHIN": 2, "NO_NAT": 3}
UPSTREAM_LABELS = {
    "docker-hub": "Docker Hub", "ecr-public": "ECR Public", "k8s": msg("Kubernetes registry"), "quay": "Quay",
    "github-container-registry": "GitHub Container Registry",
    "gitlab-container-registry": "GitLab Container Registry",
    "azure-container-registry": "Azure Container Registry", "chainguard": "Chainguard",
    "ecr": "Amazon ECR", "other": msg("other registry"),
}
RATE_STATUS = {
    "OVER_UNAUTHENTICATED": ("over the unauthenticated limit", "fail"),
    "NEAR_UNAUTHENTICATED": ("over half the unauthenticated limit", "warn"),
    "WITHIN": ("within the limits", "pass"),
    "NO_NAT": ("no NAT gateway found", "unknown"),
}


def upstream_label(value: Any) -> str:
    return UPSTREAM_LABELS.get(str(value), str(value)) if not is_missing(value) else UNKNOWN


def as_float(series: pd.Series) -> pd.Series:
    return series.astype("float64")


def stale_blocks(stale: pd.DataFrame | None, s: dict) -> list[object]:
    if stale is None:
        return [missing_table(msg("stale cache entries"))]
    blocks: list[object] = [Paragraph(msg(
        "Cached images not pulled for {days} days or more. They keep costing "
        "storage; a lifecycle rule on the cached repositories (sinceImagePulled to archive, then expire), "
        "or a repository creation template for the rule's prefix so new cached repositories get one, "
        "would remove them.", days=fmt_int(s.get("stale_days"), NOT_AVAILABLE)))]
    if not len(stale):
        blocks.append(Paragraph(msg("No stale cache entries."), tone="muted"))
        return blocks
    by_repo = stale.groupby(["account_id", "region", "repository_name"], sort=True).agg(
        images=("image_digest", "count"), bytes=("size_bytes", "sum"), usd=("monthly_usd", "sum"),
        oldest=("days_since_pull", "max"), policy=("lifecycle_policy_status", "first"),
        template=("creation_template", "first")).reset_index().sort_values(
        ["usd", "repository_name"], ascending=[False, True], kind="mergesort")
    shown = by_repo.head(STALE_ROWS)
    blocks.append(Table(
        id="pull-through-stale-table", caption="Stale cache entries per cached repository",
        columns=(Column("Repository", width="30%"), Column("Stale images", True), Column("Size", True),
                 Column("Cost / month", True), Column("Longest unpulled", True), Column("Lifecycle policy")),
        rows=tuple((
            Cell(str(r["repository_name"]), code=True, note=registry_label(r["account_id"], r["region"])),
            Cell(fmt_int(r["images"]), True), Cell(fmt_bytes(r["bytes"]), True),
            Cell(fmt_usd(r["usd"], 2), True),
            Cell(msg("{days} days", days=fmt_int(r["oldest"], NOT_AVAILABLE)), True),
            Cell(fmt_text(r["policy"], UNKNOWN).lower(),
                 note=msg("template {prefix}", prefix=r["template"]) if not is_missing(r["template"])
                 else "no template"),
        ) for r in shown.to_dict("records")),
        compact=True,
        more_text=(_more_stale(len(by_repo) - len(shown)) if len(by_repo) > len(shown)
                   else msg("Every stale image is listed in data/pull_through_stale.csv."))))
    return blocks


def _more_stale(more: int) -> Text:
    if more == 1:
        return msg("{n} more repository; every image in data/pull_through_stale.csv.", n=fmt_int(more))
    return msg("{n} more repositories; every image in data/pull_through_stale.csv.", n=fmt_int(more))


def uncached_blocks(uncached: pd.DataFrame | None, rates: pd.DataFrame | None, in_use: pd.DataFrame | None,
                     s: dict) -> list[object]:
    blocks: list[object] = []
    if in_use is not None:
        blocks.append(_in_use_paragraph(in_use))
    if uncached is None:
        blocks.append(missing_table(msg("uncached images")))
        return blocks
    if not len(uncached):
        blocks.append(Paragraph(msg("No image in use is pulled from an upstream registry directly."),
                                tone="muted"))
        return blocks
    blocks.append(_uncached_table(uncached))
    if rates is not None and len(rates):
        blocks.extend(_rate_limit_blocks(rates))
    return blocks


def _in_use_paragraph(in_use: pd.DataFrame) -> Paragraph:
    external = in_use[in_use["kind"].isin(["CACHED", "UPSTREAM"])] if len(in_use) else in_use
    served = int(external["served_if_upstream_down"].fillna(False).astype(bool).sum()) if len(external) else 0
    with_list = bool(len(in_use)) and bool((in_use["source"] == "images-in-use file").any())
    return Paragraph(msg(
        "Of {references} in use ({sources}), "
        "{served} would still be served if the upstream were down, because they are pulled "
        "through a cache that holds them. The rest depend on the upstream being up and not "
        "rate-limiting.",
        references=(msg("{n} upstream image reference", n=fmt_int(len(external))) if len(external) == 1
                    else msg("{n} upstream image references", n=fmt_int(len(external)))),
        sources=(msg("ECS task definitions and the images-in-use list") if with_list
                 else msg("ECS task definitions")),
        served=fmt_int(served)))


def _uncached_table(uncached: pd.DataFrame) -> Table:
    ordered = uncached.assign(_c=as_float(uncached["nat_monthly_usd"]).fillna(0)).sort_values(
        ["_c", "reference"], ascending=[False, True], kind="mergesort")
    shown = ordered.head(UNCACHED_ROWS)
    rows = []
    for rec in shown.to_dict("records"):
        limit = rec["docker_hub_unauthenticated_limit_per_6h"]
        rows.append((
            Cell(str(rec["reference"]), code=True, note=f"{rec['source']} · {rec['account_id']}"),
            Cell(upstream_label(rec["upstream_registry"]),
                 note=msg("rule {prefix}", prefix=rec["rule_prefix"]) if not is_missing(rec["rule_prefix"])
                 else "no cache rule"),
            Cell(fmt_num(rec["pulls_per_day"], 0), True,
                 note="assumed" if _true(rec["pulls_assumed"]) else "measured*"),
            Cell(fmt_bytes(rec["size_bytes"]), True,
                 note="assumed" if _true(rec["size_assumed"]) else "cached copy"),
            Cell(fmt_usd(rec["nat_monthly_usd"], 2, UNKNOWN), True),
            Cell(fmt_usd(rec["saving_if_cached_monthly_usd"], 2, UNKNOWN), True),
            Cell(fmt_num(rec["pulls_per_6h"], 0), True,
                 note=msg("limit {n} per IP*", n=fmt_int(limit)) if not is_missing(limit) else ""),
        ))
    return Table(
        id="pull-through-uncached-table", caption="Upstream images pulled without the cache",
        columns=(Column("Reference", width="30%"), Column("Upstream"), Column("Pulls / day", True),
                 Column("Size", True), Column("NAT / month", True), Column("Saved if cached", True),
                 Column("Pulls / 6 h", True)),
        rows=tuple(rows), compact=True,
        more_text=(_more_references(len(ordered) - len(shown)) if len(ordered) > len(shown) else ""))


def _rate_limit_blocks(rates: pd.DataFrame) -> list[object]:
    ranked = rates.assign(
        _status=rates["status"].map(RATE_ORDER).fillna(len(RATE_ORDER)),
        _per_ip=-rates["pulls_per_6h_per_ip"].astype("float64").fillna(0.0),
    ).sort_values(["_status", "_per_ip", "account_id", "region"], kind="mergesort") \
        if len(rates) > RATE_ROWS else rates
    more = len(ranked) - min(len(ranked), RATE_ROWS)
    table = Table(
        id="pull-through-rate-limits",
        caption=(msg("Docker Hub rate-limit exposure per registry (pulls without the cache; limits "
                     "UNCONFIRMED*); the {shown} most exposed of {total}", shown=RATE_ROWS,
                     total=fmt_int(len(ranked))) if more
                 else "Docker Hub rate-limit exposure per registry (pulls without the cache; limits "
                      "UNCONFIRMED*)"),
        columns=(Column("Registry"), Column("References", True), Column("NAT public IPs", True),
                 Column("Pulls / 6 h", True), Column("Per IP / 6 h", True), Column("Verdict")),
        rows=tuple((
            Cell(registry_label(r["account_id"], r["region"])), Cell(fmt_int(r["docker_hub_references"]), True),
            Cell(fmt_int(r["nat_public_ips"]), True), Cell(fmt_num(r["pulls_per_6h"], 0), True),
            Cell(fmt_num(r["pulls_per_6h_per_ip"], 0), True,
                 note=msg("limit {n} unauthenticated", n=fmt_int(r["unauthenticated_limit_per_6h"]))),
            Cell(RATE_STATUS.get(r["status"], (r["status"], "unknown"))[0],
                 badge=RATE_STATUS.get(r["status"], (r["status"], "unknown"))[1]),
        ) for r in ranked.head(RATE_ROWS).to_dict("records")),
        compact=True,
        more_text=(_more_registries(more) if more else ""))
    return [table, Paragraph(msg(
        "* Docker Hub limits as documented in Docker Docs, \"Docker Hub pull usage and limits\" {docker}: 100 "
        "pulls per 6 hours per "
        "IPv4 address unauthenticated, 200 per 6 hours for an authenticated Personal account. Which "
        "version of the limits is live today is UNCONFIRMED (an earlier page gave hourly limits). Pulls "
        "from private subnets share the NAT gateways' public addresses; a cache rule with a Docker Hub "
        "credential removes this exposure. Measured pulls per day are the CloudWatch pulls of the private "
        "image in the same ECS task definition; assumed figures come from the configuration.",
        docker=cite("docker-hub-pulls")),
        tone="muted")]


def _true(value: Any) -> bool:
    return not is_missing(value) and bool(value)


def _more_references(more: int) -> Text:
    if more == 1:
        return msg("{n} more reference in data/pull_through_uncached.csv.", n=fmt_int(more))
    return msg("{n} more references in data/pull_through_uncached.csv.", n=fmt_int(more))


def _more_registries(more: int) -> Text:
    if more == 1:
        return msg("{n} more registry in data/pull_through_rate_limits.csv.", n=fmt_int(more))
    return msg("{n} more registries in data/pull_through_rate_limits.csv.", n=fmt_int(more))
