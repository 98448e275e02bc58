"""Organization mode of the demo (`run --demo --demo-accounts N`): an AWS Organization of N
member accounts, each with a small registry per region, for discovery and scale runs.

Deterministic: the same N and `as_of` give the same organization and fleets. The story:

* the management account (`org-management`, at the root) holds no registry; the default
  configuration leaves it out;
* the hub, 111122223333 `platform-prod` (the account the demo's credentials belong to, and the
  organization's delegated administrator), and 444455556666 `data-sandbox` are members like any
  other, with small fleets of their own;
* one member is SUSPENDED (in the `Suspended` OU), and one ACTIVE member has no read role yet
  (AssumeRole into it is denied): both must be named in the report, never silently dropped.

Member registries are built on first use and only a few are kept (`LazyRegistries`), so a
process that collects a few units of a 1,000-account organization does not build all of it.
"""

from __future__ import annotations

import random
import threading
from collections import OrderedDict
from datetime import datetime, timedelta
from typing import Callable, Iterator, Mapping

from . import names as N
from .model import DemoFleet, DemoOrgAccount, DemoOrganization, Registry, ScanRule

MIN_ACCOUNTS, MAX_ACCOUNTS = 4, 5000
ORG_ID = "o-d3mo4exmpl"
ROOT_ID = "r-d3mo"
MANAGEMENT_ACCOUNT = "999900001111"
WORKLOADS, PROD, NONPROD, SANDBOX, SUSPENDED = (
    "ou-d3mo-wkld0001", "ou-d3mo-prod0001", "ou-d3mo-nprd0001", "ou-d3mo-sbox0001", "ou-d3mo-susp0001")
OUS = ((WORKLOADS, "Workloads", ROOT_ID), (SANDBOX, "Sandbox", ROOT_ID), (SUSPENDED, "Suspended", ROOT_ID),
       (PROD, "Prod", WORKLOADS), (NONPROD, "NonProd", WORKLOADS))
TEAMS = ("payments", "checkout", "search", "identity", "data", "ml", "web", "mobile", "logistics",
         "billing", "support", "growth", "catalog", "media", "risk", "devtools")
ENVIRONMENTS = (("prod", PROD), ("staging", NONPROD), ("dev", NONPROD), ("sandbox", SANDBOX))
SUSPENDED_INDEX, MISSING_ROLE_INDEX = 2, 3
"""Which members (by position) are suspended, and have no read role."""
CACHED_REGISTRIES = 64
"""Member registries kept built at once; the others are rebuilt (deterministically) on use."""

# A member account's repositories: a few services, capped at a handful of builds each.
_SMALL = dict(builds=6)
ORG_REPOS = (
    ("api", "service", dict(_SMALL, policy="good_count", mutability="IMMUTABLE", os="amazonlinux 2023")),
    ("worker", "service", dict(_SMALL, policy="archive", os="debian 12")),
    ("web", "service", dict(_SMALL, policy=None, multiarch=True, os="alpine 3.21")),
    ("batch", "stale", dict(_SMALL, policy=None, os="ubuntu 22.04")),
    ("base-image", "base", dict(_SMALL, policy="noop", os="debian 12")),
    ("model", "ml", dict(_SMALL, policy="ml", os="ubuntu 22.04")),
    ("migrations", "stale", dict(_SMALL, policy="legacy_prefix", os="alpine 3.19")),
)


def build_organization(accounts: int, as_of: datetime) -> DemoOrganization:
    """The organization of `accounts` members (plus the management account)."""
    if not MIN_ACCOUNTS <= accounts <= MAX_ACCOUNTS:
        raise ValueError(f"an organization of {MIN_ACCOUNTS} to {MAX_ACCOUNTS} accounts, got {accounts}")
    rng = random.Random(f"ecr-report-demo-org/{accounts}")
    taken = {N.CALLER_ACCOUNT, N.SANDBOX_ACCOUNT, MANAGEMENT_ACCOUNT}
    members = [DemoOrgAccount(N.CALLER_ACCOUNT, N.ACCOUNT_ALIASES[N.CALLER_ACCOUNT], "ACTIVE", PROD,
                              as_of - timedelta(days=1500)),
               DemoOrgAccount(N.SANDBOX_ACCOUNT, N.ACCOUNT_ALIASES[N.SANDBOX_ACCOUNT], "ACTIVE", SANDBOX,
                              as_of - timedelta(days=1100))]
    for i in range(accounts - len(members)):
        account = _new_id(rng, taken)
        team = TEAMS[i % len(TEAMS)]
        env, parent = ENVIRONMENTS[(i // len(TEAMS)) % len(ENVIRONMENTS)]
        cycle = i // (len(TEAMS) * len(ENVIRONMENTS))
        name = f"{team}-{env}" + (f"-{cycle + 1}" if cycle else "")
        state = "ACTIVE"
        if len(members) == SUSPENDED_INDEX:
            state, parent, name = "SUSPENDED", SUSPENDED, f"{team}-legacy"
        joined = as_of - timedelta(days=round(rng.uniform(5, 1400), 3) if len(members) != MISSING_ROLE_INDEX else 2.5)
        members.append(DemoOrgAccount(account, name, state, parent, joined))
    management = DemoOrgAccount(MANAGEMENT_ACCOUNT, "org-management", "ACTIVE", ROOT_ID,
                                as_of - timedelta(days=2000))
    return DemoOrganization(ORG_ID, ROOT_ID, MANAGEMENT_ACCOUNT, OUS, (management, *members))


def build_org_fleet(accounts: int, as_of: datetime, build_registry: Callable[..., Registry]) -> DemoFleet:
    """The demo fleet in organization mode. `build_registry(account, region, spec, rng)` is
    fleet.py's registry builder (passed in: fleet.py imports this module)."""
    org = build_organization(accounts, as_of)
    members = [a for a in org.accounts if a.id != org.management_account]
    missing = frozenset({members[MISSING_ROLE_INDEX].id})
    reachable = tuple(sorted(a.id for a in members if a.state == "ACTIVE" and a.id not in missing))
    names = {a.id: a.name for a in members}
    units = tuple(sorted((a, r) for a in reachable for r in N.REGIONS))

    def build(key: tuple[str, str]) -> Registry:
        account, region = key
        rng = random.Random(f"ecr-report-demo-org/{account}/{region}")
        return build_registry(account, region, _member_spec(account, names[account], region, rng), rng)

    return DemoFleet(scale=1.0, as_of=as_of, caller_account=N.CALLER_ACCOUNT, accounts=reachable,
                     regions=N.REGIONS, units=units, registries=LazyRegistries(units, build),
                     organization=org, missing_roles=missing)


def _new_id(rng: random.Random, taken: set[str]) -> str:
    while True:
        account = str(rng.randrange(100_000_000_000, 999_999_999_999))
        if account not in taken:
            taken.add(account)
            return account


def _member_spec(account: str, name: str, region: str, rng: random.Random) -> dict:
    """A member registry: most accounts work in us-east-1 only; one in three in both regions."""
    used = region == "us-east-1" or int(account) % 3 == 0
    team = name.split("-")[0]
    picked = rng.sample(ORG_REPOS, rng.randint(2, 4)) if used else []
    repos = tuple((f"{team}/{repo}", profile, opts) for repo, profile, opts in sorted(picked))
    enhanced = int(account) % 4 == 0
    on = dict(account_status="ENABLED", ec2_status="DISABLED", ecr_status="ENABLED", lambda_status="DISABLED")
    off = dict(account_status="DISABLED", ec2_status="DISABLED", ecr_status="DISABLED", lambda_status="DISABLED")
    spec = dict(alias=name, repos=repos, cache=(), ptc=(), network="default-only", rules_since=300.0,
                engine="AWS_NATIVE")
    if enhanced and used:
        return dict(spec, scan_type="ENHANCED", inspector=on, inspector_since=300.0,
                    rules=(ScanRule("CONTINUOUS_SCAN", (f"{team}/api",)), ScanRule("SCAN_ON_PUSH", ("*",))))
    return dict(spec, scan_type="BASIC", inspector=off,
                rules=(ScanRule("SCAN_ON_PUSH", (f"{team}/*",)),) if used else ())


class LazyRegistries(Mapping):
    """(account, region) -> Registry, built on first use; at most `CACHED_REGISTRIES` kept.

    A registry is built once however many threads ask for it at once (a unit's first steps run
    side by side and all read it); other registries are built meanwhile."""

    def __init__(self, keys: tuple[tuple[str, str], ...], build: Callable[[tuple[str, str]], Registry]) -> None:
        self._keys = frozenset(keys)
        self._order = keys
        self._build = build
        self._cache: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self._building: dict[tuple[str, str], threading.Lock] = {}

    def __getitem__(self, key: tuple[str, str]) -> Registry:
        if key not in self._keys:
            raise KeyError(key)
        found = self._cached(key)
        if found is not None:
            return found
        with self._lock:
            building = self._building.setdefault(key, threading.Lock())
        with building:  # outside the lock: other registries are built and read meanwhile
            found = self._cached(key)  # built by the thread this one waited for
            if found is None:
                found = self._build(key)
                with self._lock:
                    self._cache[key] = found
                    while len(self._cache) > CACHED_REGISTRIES:
                        self._cache.popitem(last=False)
        return found

    def _cached(self, key: tuple[str, str]) -> Registry | None:
        with self._lock:
            found = self._cache.get(key)
            if found is not None:
                self._cache.move_to_end(key)
            return found

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)

    def __contains__(self, key: object) -> bool:
        return key in self._keys
