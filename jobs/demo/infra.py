"""The demo registry's surroundings: VPCs, NAT gateways and VPC endpoints (what the pull-through
model prices traffic through) and the ECS task definitions that run its images."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Callable, Sequence

from . import names as N
from .ids import random_hex
from .model import NatGateway, Repository, TaskDefinition, Vpc, VpcEndpoint


def network(rng: random.Random, region: str, t: Callable[[float], datetime], kind: str) -> tuple:
    """The registry's VPCs, NAT gateways and VPC endpoints for a network `kind` (endpoints,
    s3-only, nat-only; anything else: the default VPC only)."""
    azs = (f"{region}a", f"{region}b", f"{region}c")

    def rid(prefix):
        return f"{prefix}-0{random_hex(rng, 64)[:16]}"

    def vpc(name, cidr, n_subnets, default=False):
        return Vpc(rid("vpc"), cidr, name, default, tuple(rid("subnet") for _ in range(n_subnets)))

    vpcs = [vpc("default", "172.31.0.0/16", 3, True)]
    nats, endpoints = [], []

    def add_nats(v, count):
        for i in range(count):
            a, b = rng.randint(3, 254), rng.randint(1, 254)
            nats.append(NatGateway(rid("nat"), v.vpc_id, v.subnets[i % len(v.subnets)],
                                   f"{rng.choice((3, 18, 34, 44, 52, 54))}.{rng.randint(1, 254)}.{a}.{b}",
                                   f"{v.cidr.split('.')[0]}.{v.cidr.split('.')[1]}.{i}.{rng.randint(5, 250)}",
                                   rid("eipalloc"), rid("eni"), t(rng.uniform(300, 900)),
                                   f"{v.name}-nat-{azs[i % 3][-1]}"))

    if kind == "endpoints":
        core, shared = vpc("prod-core", "10.10.0.0/16", 3), vpc("shared-services", "10.20.0.0/16", 2)
        vpcs += [core, shared]
        add_nats(core, 3)
        add_nats(shared, 1)
        for svc in ("ecr.api", "ecr.dkr"):
            endpoints.append(VpcEndpoint(rid("vpce"), core.vpc_id, f"com.amazonaws.{region}.{svc}", "Interface",
                                         core.subnets, (), t(rng.uniform(100, 400))))
        endpoints.append(VpcEndpoint(rid("vpce"), core.vpc_id, f"com.amazonaws.{region}.s3", "Gateway", (),
                                     (rid("rtb"), rid("rtb")), t(rng.uniform(400, 800))))
    elif kind == "s3-only":
        tokyo = vpc("prod-tokyo", "10.30.0.0/16", 2)
        vpcs.append(tokyo)
        add_nats(tokyo, 2)
        endpoints.append(VpcEndpoint(rid("vpce"), tokyo.vpc_id, f"com.amazonaws.{region}.s3", "Gateway", (),
                                     (rid("rtb"),), t(rng.uniform(200, 600))))
    elif kind == "nat-only":
        sandbox = vpc("sandbox", "10.99.0.0/16", 2)
        vpcs.append(sandbox)
        add_nats(sandbox, 1)
    return tuple(vpcs), tuple(nats), tuple(endpoints)


def task_definitions(rng: random.Random, account: str, region: str, repos: Sequence[Repository]) -> tuple:
    """ECS task definitions running the services' recent images (the last five used of each),
    plus the upstream sidecars `names.UPSTREAM_SIDECARS` adds to a family's newest active one."""
    out = []
    sidecar = next((r for r in repos if r.name == "docker-hub/library/nginx"), None)
    for repo in repos:
        if repo.profile not in ("service", "base"):
            continue
        used = [i for i in repo.images if i.in_use_count or (i.last_pull and i.tags and i.kind != "child")]
        used = used[-5:]
        if not used:
            continue
        family = repo.name.replace("/", "-")
        first_rev = rng.randint(1, 60)
        for k, img in enumerate(used):
            ref = f"{repo.uri}:{img.tags[0]}" if img.tags and rng.random() < 0.8 else f"{repo.uri}@{img.digest}"
            refs = (ref,)
            if sidecar is not None and sidecar.images and rng.random() < 0.3:
                refs += (f"{sidecar.uri}:{sidecar.images[-1].tags[0] if sidecar.images[-1].tags else 'latest'}",)
            status = "ACTIVE" if img.in_use_count or k == len(used) - 1 else "INACTIVE"
            out.append(TaskDefinition(family, first_rev + k, status, refs, img.pushed_at + timedelta(minutes=9)))
    extra = N.UPSTREAM_SIDECARS.get((account, region), {})
    for family, upstream in extra.items():  # deterministic: no draws from the fleet RNG
        revisions = [i for i, td in enumerate(out) if td.family == family and td.status == "ACTIVE"]
        if revisions:
            i = max(revisions, key=lambda j: out[j].revision)
            out[i] = replace(out[i], images=out[i].images + tuple(upstream))
    return tuple(out)
