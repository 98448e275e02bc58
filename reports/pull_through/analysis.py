"""The pull-through cache model: cached storage against the NAT processing the cache avoids. Pure.

Everything is monthly (730 hours, 730/24 days) and in USD, from the price table (each price used
is recorded with its region, source and date). See `methodology.py` for the words.

The core, per cached repository in a registry (account, region):

    stored GB            = sum of the image sizes (manifest lists excluded: their size repeats a child's)
    storage / month      = stored GB x ecr.storage.standard (archived images at ecr.storage.archive)
    pulls / month        = RepositoryPullCount daily sums over the window / window days x 730/24
    GB pulled / month    = pulls x mean compressed size of a pulled image x (1 - layer reuse)
    NAT avoided / month  = GB pulled x sum over NAT-routed VPCs of (share of pulls x nat.data x saves)
    endpoint data        = GB pulled x sum over VPCs of (share x vpce.interface.data) where layers
                           reach S3 through an interface endpoint
    net / month          = NAT avoided - endpoint data - storage

`saves` is 1 where the layers of an ECR pull bypass the NAT gateway (an S3 gateway or S3
interface endpoint in the VPC) and 0 where they cross it too: there the cache moves the same bytes
through the same NAT gateway and saves no NAT processing.
"""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from ..concern import AnalysisContext, ConcernResult
from ..schema import conform
from ..text import msg
from .economics import rule_rows
from .in_use import in_use, in_use_sources, rate_limits
from .inputs import Fleet, Settings, Unit, UnitNetwork, failed_calls, frame_of, matches_prefix, unit_groups
from .methodology import methodology
from .result import pull_through_result
from .tables import RESULT_TABLES
from .topology import topology

SERVICES_READ = frozenset({"sts", "ecr", "cloudwatch", "ec2", "ecs"})
"""The services whose answers the cache figures rest on: a failed call of one of them (the cache
rules, a unit given up early, a pull count) leaves some registry's rules, caches or savings out."""

def analyse(ctx: AnalysisContext) -> ConcernResult:
    settings = Settings.from_mapping(ctx.settings or {})
    tables = dict(ctx.tables)
    metrics = frame_of(tables, "pull_through_metrics")
    tables["network_metrics_view"] = (metrics[metrics["namespace"] == "AWS/NATGateway"]
                                      if len(metrics) else metrics)
    fleet = read_fleet(tables, failed_calls(ctx.errors))
    units = sorted(set(ctx.units) | set(fleet.rules_by))
    in_use_refs = in_use_sources(tables, settings, units, fleet.rules_by)
    need_network = set(fleet.rules_by) | {u for u, _, _, _ in in_use_refs}
    networks: dict[Unit, UnitNetwork] = {}
    topo_rows: list[dict[str, Any]] = []
    for unit in sorted(need_network):
        networks[unit], rows = topology(unit, tables, fleet.failed, settings, ctx.prices)
        topo_rows.extend(rows)
    pt_rows: list[dict[str, Any]] = []
    stale_rows: list[dict[str, Any]] = []
    for unit in fleet.rules_by:
        rows, stale = rule_rows(unit, fleet, networks[unit], settings, ctx.prices, ctx.as_of)
        pt_rows.extend(rows)
        stale_rows.extend(stale)
    in_use_rows, uncached_rows = in_use(in_use_refs, fleet, networks, settings, ctx.prices)
    out = {
        "pull_through": conform_rows("pull_through", pt_rows),
        "pull_through_stale": conform_rows("pull_through_stale", stale_rows),
        "pull_through_uncached": conform_rows("pull_through_uncached", uncached_rows),
        "pull_through_in_use": conform_rows("pull_through_in_use", in_use_rows),
        "pull_through_topology": conform_rows("pull_through_topology", topo_rows),
        "pull_through_rate_limits": conform_rows("pull_through_rate_limits", rate_limits(uncached_rows, networks)),
    }
    incomplete = any(op.split(":", 1)[0] in SERVICES_READ for _, _, op in fleet.failed)
    headline = pull_through_result(out, networks, settings, incomplete)
    return ConcernResult(tables=out, headline=headline, notes=tuple(notes(out, networks, fleet.rules_by)),
                         methodology=methodology(settings, headline.to_summary()))


def read_fleet(tables: Mapping[str, pd.DataFrame], failed: set[tuple[str, str, str]]) -> Fleet:
    """The snapshot tables indexed per registry and per repository."""
    rules = frame_of(tables, "pull_through_rules")
    images = frame_of(tables, "images")
    coverage = frame_of(tables, "coverage")
    metrics = frame_of(tables, "pull_through_metrics")
    pulls = metrics[(metrics["namespace"] == "AWS/ECR") & (metrics["metric"] == "RepositoryPullCount")] \
        if len(metrics) else metrics
    images_by_repo: dict[tuple[str, str, str], pd.DataFrame] = {}
    if len(images) and len(rules):
        prefixes = {(str(a), str(r)): list(g["ecr_repository_prefix"].dropna().astype(str))
                    for (a, r), g in rules.groupby(["account_id", "region"])}
        wanted = images[_in_cached_repositories(images, prefixes)]
        for key, g in wanted.groupby(["account_id", "region", "repository_name"], sort=True):
            images_by_repo[tuple(map(str, key))] = g
    return Fleet(
        rules_by=unit_groups(rules), repos_by=unit_groups(frame_of(tables, "repositories")),
        images_by_repo=images_by_repo,
        pulls_by={(str(r["account_id"]), str(r["region"]), str(r["dimension_value"])): r
                  for r in pulls.to_dict("records")},
        coverage_by={(str(r["account_id"]), str(r["region"]), str(r["repository_name"])): r
                     for r in coverage.to_dict("records")} if len(coverage) else {},
        templates_by=unit_groups(frame_of(tables, "pull_through_templates")), failed=failed)


def _in_cached_repositories(images: pd.DataFrame, prefixes: Mapping[tuple[str, str], list[str]]) -> Any:
    """Per image: is its repository under one of its registry's pull-through prefixes? Decided
    once per repository (2k at scale 40), not per image (105k)."""
    keys = ["account_id", "region", "repository_name"]
    repos = images[keys].drop_duplicates()
    cached = repos[[any(matches_prefix(str(n), p) for p in prefixes.get((str(a), str(r)), ()))
                    for a, r, n in zip(repos["account_id"], repos["region"], repos["repository_name"])]]
    return pd.MultiIndex.from_frame(images[keys]).isin(pd.MultiIndex.from_frame(cached))


def conform_rows(name: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """`rows` as the result table `name`, its columns in order and typed."""
    columns = list(RESULT_TABLES[name])
    frame = pd.DataFrame([{c: r.get(c) for c in columns} for r in rows], columns=columns)
    return conform(name, frame, RESULT_TABLES[name])


def notes(out: Mapping[str, pd.DataFrame], networks: Mapping[Unit, UnitNetwork],
          rules_by: Mapping[Unit, Any]) -> list[str]:
    """The run's notes from this concern: what is unknown, and why."""
    out_notes = []
    for unit in sorted(rules_by):
        net = networks.get(unit)
        if net is not None and not net.known:
            out_notes.append(msg("Pull-through cache: the VPC topology of {account}/{region} could not be "
                             "collected, so its NAT savings are unknown.", account=unit[0], region=unit[1]))
    pt = out["pull_through"]
    missing = pt[pt["repository_name"].notna() & pt["pulls_window"].isna()]
    if len(missing):
        out_notes.append(msg("Pull-through cache: pull counts are missing for {n} cached "
                         "repositories; their savings are unknown, not zero.", n=len(missing)))
    return out_notes
