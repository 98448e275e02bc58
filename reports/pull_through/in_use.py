"""Images in use (the newest ECS task definitions, and an images-in-use file): which are served
from the cache, which are pulled from their upstream directly, what those direct pulls cost in NAT
processing, and how close they come to Docker Hub's pull rate limits."""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Mapping

import pandas as pd

from ..imagekinds import is_manifest_list, is_referrer
from ..prices import GB
from ..sources import source as registry_source
from .inputs import DAYS_PER_MONTH, Fleet, Settings, Unit, UnitNetwork, frame_of, matches_prefix, none_if_missing
from .refs import ImageRef, parse_reference

_DOCKER_HUB = registry_source("docker-hub-pulls")
DOCKER_HUB_UNAUTHENTICATED_PER_6H = 100  # per IPv4 address or IPv6 /64 (Docker Hub pull usage and limits)
DOCKER_HUB_PERSONAL_PER_6H = 200  # per authenticated Personal user (same page)
DOCKER_HUB_LIMITS_SOURCE = (f"{_DOCKER_HUB.label}, {_DOCKER_HUB.url} ({_DOCKER_HUB.version}; read "
                            f"{_DOCKER_HUB.read_on}); which limit is live today is UNCONFIRMED")



def in_use_sources(tables: Mapping[str, pd.DataFrame], settings: Settings, units: list[Unit],
                    rules_by: Mapping[Unit, pd.DataFrame]) -> list[tuple[Unit, str, str, int]]:
    """(unit the pull is made from, source, reference, containers)."""
    out: list[tuple[Unit, str, str, int]] = []
    ecs = frame_of(tables, "ecs_container_images")
    if len(ecs):
        # The newest ACTIVE revision of each family is the one taken as running.
        newest = ecs.groupby(["account_id", "region", "family"])["revision"].transform("max")
        current = ecs[ecs["revision"] == newest]
        counts: dict[tuple[Unit, str, str], int] = defaultdict(int)
        for rec in current.to_dict("records"):
            counts[((str(rec["account_id"]), str(rec["region"])),
                    f"ecs:{rec['family']}:{rec['revision']}", str(rec["image"]))] += 1
        out.extend((u, s, r, n) for (u, s, r), n in sorted(counts.items()))
    if settings.images_in_use:
        unit = file_unit(settings, units, rules_by)
        if unit is not None:
            counts_file: dict[str, int] = defaultdict(int)
            for ref in settings.images_in_use:
                counts_file[ref] += 1
            out.extend((unit, "images-in-use file", r, n) for r, n in sorted(counts_file.items()))
    return out


def file_unit(settings: Settings, units: list[Unit], rules_by: Mapping[Unit, Any]) -> Unit | None:
    if settings.images_in_use_account and settings.images_in_use_region:
        return (settings.images_in_use_account, settings.images_in_use_region)
    candidates = [u for u in units if u in rules_by] or list(units)
    if settings.images_in_use_region:
        candidates = [u for u in candidates if u[1] == settings.images_in_use_region] or candidates
    if settings.images_in_use_account:
        candidates = [u for u in candidates if u[0] == settings.images_in_use_account] or candidates
    return candidates[0] if candidates else None


def cached_repo(ref: ImageRef, rules_by: Mapping[Unit, pd.DataFrame]) -> tuple[Unit, str, str] | None:
    unit = (str(ref.ecr_account), str(ref.ecr_region))
    rules = rules_by.get(unit)
    if rules is None:
        return None
    for rec in rules.to_dict("records"):
        if matches_prefix(ref.repository, str(rec["ecr_repository_prefix"])):
            return unit, str(rec["ecr_repository_prefix"]), str(rec["upstream_registry"])
    return None


def upstream_path(rule: Mapping[str, Any], path: str) -> str | None:
    """The cached repository path for an upstream path under `rule`, or None if it is outside."""
    up = none_if_missing(rule.get("upstream_repository_prefix"))
    if up and up != "ROOT":
        if not path.startswith(str(up) + "/"):
            return None
        path = path[len(str(up)) + 1:]
    return f"{rule['ecr_repository_prefix']}/{path}"


def in_use(refs: list[tuple[Unit, str, str, int]], fleet: Fleet, networks: Mapping[Unit, UnitNetwork],
           settings: Settings, prices: Any) -> tuple[list, list]:
    """Rows of data/pull_through_in_use.csv (every image in use that is not private) and of
    data/pull_through_uncached.csv (those pulled from the upstream directly)."""
    rules_by, images_by_repo = fleet.rules_by, fleet.images_by_repo
    in_use_rows, uncached = [], []
    # Sibling ECR images of each ECS source, for the pull-count stand-in.
    siblings: dict[tuple[Unit, str], list[str]] = defaultdict(list)
    for unit, source, raw, _ in refs:
        ref = parse_reference(raw)
        if (source.startswith("ecs:") and ref.registry_kind == "ecr"
                and (ref.ecr_account, ref.ecr_region) == unit):
            siblings[(unit, source)].append(ref.repository)
    known_units = set(fleet.repos_by) | set(rules_by)
    for unit, source, raw, count in refs:
        ref = parse_reference(raw)
        row = {"account_id": unit[0], "region": unit[1], "source": source, "reference": raw,
               "registry_host": ref.host, "upstream_registry": ref.upstream_registry,
               "repository_name": None, "in_cache": None, "served_if_upstream_down": None, "note": None}
        if ref.registry_kind == "ecr":
            hit = cached_repo(ref, rules_by)
            if hit is not None:
                cunit, prefix, upstream = hit
                imgs = images_by_repo.get((cunit[0], cunit[1], ref.repository), pd.DataFrame())
                present = bool(len(imgs)) and bool(
                    (ref.digest is not None and (imgs["image_digest"] == ref.digest).any())
                    or (ref.digest is None and any(ref.tag in tuple(t or ()) for t in imgs["image_tags"])))
                row.update(kind="CACHED", upstream_registry=upstream, repository_name=ref.repository,
                           in_cache=present, served_if_upstream_down=present,
                           note=("Served from the cache; ECR serves the last cached copy when the "
                                 "upstream cannot be reached." if present else
                                 "Not in the cache yet: the first pull needs the upstream."))
            elif (ref.ecr_account, ref.ecr_region) in known_units:
                row.update(kind="PRIVATE", note="Private image: no upstream involved.")
            else:
                row.update(kind="OTHER_ECR", note="ECR registry outside the collected scope.")
            in_use_rows.append(row)
            continue
        row.update(kind="UPSTREAM", served_if_upstream_down=False,
                   note="Pulled from the upstream directly: fails when the upstream is down or rate-limits.")
        in_use_rows.append(row)
        uncached.append(_uncached_row(unit, source, raw, ref, count, fleet, siblings.get((unit, source), []),
                                      networks.get(unit), settings, prices))
    return in_use_rows, uncached


def _uncached_row(unit: Unit, source: str, raw: str, ref: ImageRef, count: int, fleet: Fleet,
                  siblings: list[str], net: UnitNetwork | None, settings: Settings, prices: Any) -> dict[str, Any]:
    region = unit[1]
    reuse = float(settings.layer_reuse_fraction)
    rule_prefix, cached_ref, size, size_source = _cache_rule_for(unit, ref, fleet)
    size_assumed = size is None
    if size_assumed:
        size = settings.uncached_image_size_mib * 1024 * 1024
        size_source = "assumed (pull_through.uncached_image_size_mib)"
    measured = [fleet.pulls_by[(unit[0], unit[1], s)] for s in siblings
                if (unit[0], unit[1], s) in fleet.pulls_by
                and fleet.pulls_by[(unit[0], unit[1], s)].get("status") == "Complete"]
    if measured:
        best = max(measured, key=lambda p: p["value_sum"])
        days = max(1e-9, (best["window_end"] - best["window_start"]).total_seconds() / 86400)
        pulls_per_day = float(best["value_sum"]) / days
        pulls_source = f"CloudWatch pulls of {best['dimension_value']} (same task definition)"
    else:
        pulls_per_day = settings.uncached_pulls_per_day * count
        pulls_source = f"assumed: {settings.uncached_pulls_per_day:g} per day x {count} container(s)"
    gb_monthly = pulls_per_day * DAYS_PER_MONTH * size * (1 - reuse) / GB
    nat_price = prices.amount("nat.data", region)
    known = net is not None and net.known
    docker = ref.upstream_registry == "docker-hub"
    return {
        "account_id": unit[0], "region": region, "source": source, "reference": raw,
        "upstream_registry": ref.upstream_registry, "containers": count, "rule_prefix": rule_prefix,
        "cached_reference": cached_ref, "pulls_per_day": pulls_per_day, "pulls_source": pulls_source,
        "pulls_assumed": not measured, "size_bytes": size, "size_source": size_source,
        "size_assumed": size_assumed, "gb_monthly": gb_monthly,
        "nat_monthly_usd": gb_monthly * nat_price * net.nat_share if known else None,
        "saving_if_cached_monthly_usd": gb_monthly * (net.nat_rate - net.endpoint_rate) if known else None,
        "pulls_per_6h": pulls_per_day / 4,
        "docker_hub_unauthenticated_limit_per_6h": DOCKER_HUB_UNAUTHENTICATED_PER_6H if docker else None,
        "docker_hub_personal_limit_per_6h": DOCKER_HUB_PERSONAL_PER_6H if docker else None,
    }


def _cache_rule_for(unit: Unit, ref: ImageRef,
                    fleet: Fleet) -> tuple[str | None, str | None, float | None, str | None]:
    """(prefix of the registry's cache rule for the reference's upstream, the same image through
    it, the mean size of its cached copy and where that size comes from); None where unknown."""
    region = unit[1]
    rules = fleet.rules_by.get(unit)
    if rules is None:
        return None, None, None, None
    for rule in rules.to_dict("records"):
        if str(rule["upstream_registry"]) != ref.upstream_registry:
            continue
        path = upstream_path(rule, ref.repository)
        if path is None:
            continue
        suffix = f"@{ref.digest}" if ref.digest else f":{ref.tag}"
        cached_ref = f"{unit[0]}.dkr.ecr.{region}.amazonaws.com/{path}{suffix}"
        imgs = fleet.images_by_repo.get((unit[0], unit[1], path), pd.DataFrame())
        platform = imgs[~is_manifest_list(imgs) & ~is_referrer(imgs)] if len(imgs) else imgs
        if len(platform):
            return str(rule["ecr_repository_prefix"]), cached_ref, float(platform["size_bytes"].mean()), \
                f"cached copy in {path}"
        return str(rule["ecr_repository_prefix"]), cached_ref, None, None
    return None, None, None, None


def rate_limits(uncached: list[dict[str, Any]], networks: Mapping[Unit, UnitNetwork]) -> list[dict[str, Any]]:
    by_unit: dict[Unit, list[dict[str, Any]]] = defaultdict(list)
    for row in uncached:
        if row["upstream_registry"] == "docker-hub":
            by_unit[(row["account_id"], row["region"])].append(row)
    out = []
    for unit, rows in sorted(by_unit.items()):
        net = networks.get(unit)
        ips = net.nat_public_ips if net is not None else 0
        total = float(sum(r["pulls_per_6h"] for r in rows))
        per_ip = total / ips if ips else total
        if not ips:
            status = "NO_NAT"
        elif per_ip > DOCKER_HUB_UNAUTHENTICATED_PER_6H:
            status = "OVER_UNAUTHENTICATED"
        elif per_ip > 0.5 * DOCKER_HUB_UNAUTHENTICATED_PER_6H:
            status = "NEAR_UNAUTHENTICATED"
        else:
            status = "WITHIN"
        out.append({"account_id": unit[0], "region": unit[1], "nat_public_ips": ips,
                    "docker_hub_references": len(rows), "pulls_per_6h": total, "pulls_per_6h_per_ip": per_ip,
                    "unauthenticated_limit_per_6h": DOCKER_HUB_UNAUTHENTICATED_PER_6H,
                    "personal_limit_per_6h": DOCKER_HUB_PERSONAL_PER_6H, "status": status,
                    "source": DOCKER_HUB_LIMITS_SOURCE})
    return out
