"""Deterministic generation of the demo fleet (``build_fleet``).

One ``random.Random`` seeded from ``scale`` alone drives everything; every timestamp is an
offset from ``as_of``.  The story (see ``names.py`` for the catalogue):

* 111122223333 "platform-prod" us-east-1: ENHANCED scanning (continuous ``prod*``,
  ``payments*``, ``platform/ingress``; scan-on-push ``team-*``, ``web*``, ``data/``, ``ml/*``,
  ``payments/*``), pull-through cache rules and cached repositories, VPC endpoints.
* 111122223333 ap-northeast-1: BASIC / AWS_NATIVE, scan-on-push filters ``payments``,
  ``web/*``; some repositories with only the legacy repository-level scanOnPush.
* 444455556666 "data-sandbox" us-east-1: BASIC with the retired CLAIR engine.
* 444455556666 ap-northeast-1: an empty registry.

Repositories with a lifecycle policy are pre-aged with ``policies.evaluate`` at
``lastEvaluatedAt`` so they look like AWS has been applying the policy.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta, timezone

from ...reports.stages import stage
from . import names as N
from .ids import choice, randint, random_hex, uniform
from .infra import network, task_definitions
from .model import (
    CreationTemplate,
    DemoFleet,
    Image,
    InspectorState,
    LifecyclePolicy,
    PullThroughRule,
    Registry,
    Repository,
    ScanRule,
)
from .org import LazyRegistries, build_org_fleet
from .policies import POLICIES, evaluate, policy_text
from .scanning import effective_scanning
from .scans import ScanResults

MB = 1024 * 1024
DURATION_DAYS = {"DAYS_3": 3, "DAYS_7": 7, "DAYS_14": 14, "DAYS_30": 30, "DAYS_60": 60,
                 "DAYS_90": 90, "DAYS_180": 180, "LIFETIME": 10 ** 6}
DOCKER_HUB_ARCHES = ("amd64", "arm64", "arm/v7", "386", "ppc64le", "s390x")


class _Draft:
    """Mutable image under construction (converted to a frozen ``Image`` at the end)."""

    __slots__ = ("digest", "tags", "size", "pushed_ago", "kind", "mt", "amt", "pull_ago",
                 "activated_ago", "archived", "archived_ago", "activating", "subject", "parent",
                 "children", "arch", "protected", "in_use", "in_use_ago", "seed")

    def __init__(self, digest, tags, size, pushed_ago, kind, mt, amt, seed, arch=None):
        self.digest, self.tags, self.size, self.pushed_ago = digest, tags, size, pushed_ago
        self.kind, self.mt, self.amt, self.seed, self.arch = kind, mt, amt, seed, arch
        self.pull_ago = self.activated_ago = self.archived_ago = self.in_use_ago = None
        self.archived = self.activating = False
        self.subject = self.parent = None
        self.children = []
        self.protected = kind in ("child", "signature", "sbom")
        self.in_use = 0


def build_fleet(scale: float = 1, as_of: datetime | None = None) -> DemoFleet:
    """Build the demo fleet.  Same ``(scale, as_of)`` -> identical fleet.

    ``scale`` (>= 1) multiplies the number of application repositories (about 60 at 1,
    ~2,500 and 100k+ images at 40).  ``as_of`` defaults to the current hour (UTC).
    """
    scale = float(scale)
    if not math.isfinite(scale) or scale < 1:
        raise ValueError(f"scale must be >= 1, got {scale!r}")
    as_of = _as_of(as_of)
    rng = random.Random(f"ecr-report-demo/{scale!r}")
    specs = _unit_specs()
    # Each registry draws from its own generator, seeded in this order: so it can be built
    # whenever it is first read (by the process collecting it, jobs/collect/split.py).
    seeds = {unit: rng.getrandbits(64) for unit in specs}

    def build(unit: tuple[str, str]) -> Registry:
        with stage("emulator: build fleet"):
            return _RegistryBuilder(*unit, specs[unit], scale, as_of, random.Random(seeds[unit])).build()

    units = tuple(sorted(specs))
    return DemoFleet(scale=scale, as_of=as_of, caller_account=N.CALLER_ACCOUNT,
                     accounts=tuple(sorted({a for a, _ in units})), regions=tuple(sorted({r for _, r in units})),
                     units=units, registries=LazyRegistries(tuple(specs), build))


def build_organization_fleet(accounts: int, as_of: datetime | None = None) -> DemoFleet:
    """The demo fleet in organization mode (`--demo-accounts N`, see org.py): N member accounts
    with small registries, built on first use. Same `(accounts, as_of)` -> identical fleet."""
    as_of = _as_of(as_of)

    def member_registry(account: str, region: str, spec: dict, rng: random.Random) -> Registry:
        return _RegistryBuilder(account, region, spec, 1.0, as_of, rng).build()

    return build_org_fleet(accounts, as_of, member_registry)


def _as_of(as_of: datetime | None) -> datetime:
    """`as_of` in UTC; default the current hour."""
    if as_of is None:
        return datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    return as_of.replace(tzinfo=timezone.utc) if as_of.tzinfo is None else as_of


def _unit_specs() -> dict:
    enabled = dict(account_status="ENABLED", ec2_status="ENABLED", lambda_status="DISABLED")
    disabled = dict(account_status="DISABLED", ec2_status="DISABLED", ecr_status="DISABLED", lambda_status="DISABLED")
    return {
        (N.CALLER_ACCOUNT, "us-east-1"): dict(
            scan_type="ENHANCED", engine="AWS_NATIVE",
            rules=(ScanRule("CONTINUOUS_SCAN", ("prod*", "payments*", "platform/ingress")),
                   ScanRule("SCAN_ON_PUSH", ("team-*", "web*", "data/", "ml/*", "payments/*"))),
            rules_since=420.0, repos=N.PROD_US, cache=N.PROD_US_CACHE,
            ptc=("docker-hub", "ecr-public", "quay", "ghcr", "k8s"),
            inspector=dict(enabled, ecr_status="ENABLED"), inspector_since=420.0,
            rescan=("DAYS_30", "DAYS_14", "LAST_IN_USE_AT"), replication=(("us-west-2", "payments"),),
            network="endpoints", templates=True, exclusions=True),
        (N.CALLER_ACCOUNT, "ap-northeast-1"): dict(
            scan_type="BASIC", engine="AWS_NATIVE",
            rules=(ScanRule("SCAN_ON_PUSH", ("payments", "web/*")),), rules_since=300.0,
            repos=N.PROD_JP, cache=N.PROD_JP_CACHE, ptc=("docker-hub",),
            inspector=dict(enabled, ecr_status="DISABLED"), network="s3-only"),
        (N.SANDBOX_ACCOUNT, "us-east-1"): dict(
            scan_type="BASIC", engine="CLAIR", rules=(ScanRule("SCAN_ON_PUSH", ("ml*",)),), rules_since=600.0,
            repos=N.SANDBOX_US, cache=(), ptc=(), inspector=disabled, network="nat-only"),
        (N.SANDBOX_ACCOUNT, "ap-northeast-1"): dict(
            scan_type="BASIC", engine="AWS_NATIVE", rules=(), rules_since=0.0, repos=(), cache=(), ptc=(),
            inspector=disabled, network="default-only"),
    }


class _RegistryBuilder:
    def __init__(self, account, region, spec, scale, as_of, rng):
        self.account, self.region, self.spec, self.scale = account, region, spec, scale
        self.as_of, self.rng = as_of, rng
        self._as_of_ordinal = as_of.toordinal()
        self._as_of_us_into_day = (as_of.hour * 3600 + as_of.minute * 60 + as_of.second) * 1_000_000 + as_of.microsecond
        self._day_text: dict[int, str] = {}
        self.enhanced = spec["scan_type"] == "ENHANCED"
        self.kms_keys = tuple(f"arn:aws:kms:{region}:{account}:key/{self._uuid()}" for _ in range(2))
        rescan = spec.get("rescan", ("DAYS_14", "DAYS_14", "LAST_IN_USE_AT"))
        self.rescan_days = DURATION_DAYS[rescan[0]]
        self.pull_days = DURATION_DAYS[rescan[1]]
        self.templates = self._templates() if spec.get("templates") else ()
        self.scans = ScanResults(rng, spec, self.t, rescan_days=self.rescan_days, pull_days=self.pull_days)

    # ------------------------------------------------------------------ helpers
    def t(self, ago: float) -> datetime:
        """Datetime ``ago`` days before as_of, rounded to the millisecond."""
        return self.as_of - timedelta(0, 0, 0, round(ago * 86_400_000))  # milliseconds, passed by position

    def day(self, ago: float) -> str:
        """``self.t(ago).strftime("%Y.%m.%d")``, from integer arithmetic: the day ``ago`` days
        before as_of is as_of's day minus the whole days between as_of's midnight and then."""
        days_back = -((self._as_of_us_into_day - round(ago * 86_400_000) * 1000) // 86_400_000_000)
        ordinal = self._as_of_ordinal - days_back
        text = self._day_text.get(ordinal)
        if text is None:
            text = self._day_text[ordinal] = date.fromordinal(ordinal).strftime("%Y.%m.%d")
        return text

    def _uuid(self):
        h = random_hex(self.rng, 128)
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def _digest(self):
        return "sha256:" + random_hex(self.rng, 256)

    # ------------------------------------------------------------------ registry
    def build(self) -> Registry:
        spec, rng = self.spec, self.rng
        base = tuple(spec["repos"])
        catalogue = list(base)
        extra = int(round((self.scale - 1) * len(base)))
        for i in range(extra):
            name, profile, opts = base[i % len(base)]
            catalogue.append((N.clone_name(name, 2 + i // len(base)), profile, opts))
        repos = [self._repository(name, profile, opts) for name, profile, opts in catalogue + list(spec["cache"])]
        repos.sort(key=lambda r: r.name)
        ins = spec["inspector"]
        rescan = spec.get("rescan", ("DAYS_14", "DAYS_14", "LAST_IN_USE_AT"))
        inspector = InspectorState(
            account_status=ins["account_status"], ec2_status=ins["ec2_status"], ecr_status=ins["ecr_status"],
            lambda_status=ins["lambda_status"], rescan_duration=rescan[0], pull_date_rescan_duration=rescan[1],
            pull_date_rescan_mode=rescan[2], config_updated_at=self.t(uniform(rng, 150, 250)),
            ec2_instance_hours_30d=(round(uniform(rng, 20, 40) * self.scale) * 720.0
                                    if ins["ec2_status"] == "ENABLED" else 0.0))
        vpcs, nats, endpoints = network(rng, self.region, self.t, spec["network"])
        return Registry(
            account_id=self.account, region=self.region,
            account_alias=spec.get("alias") or N.ACCOUNT_ALIASES[self.account],
            scan_type=spec["scan_type"], scan_rules=spec["rules"], basic_scan_version=spec["engine"],
            registry_policy_scope="V2", blob_mounting="DISABLED",
            replication_destinations=tuple((r, self.account) for r, _ in spec.get("replication", ())),
            replication_prefixes=tuple(p for _, p in spec.get("replication", ())),
            repositories=tuple(repos), pull_through_rules=self._ptc_rules(spec["ptc"]),
            creation_templates=self.templates,
            pull_time_exclusions=((f"arn:aws:iam::{self.account}:role/security-scanner",
                                   f"arn:aws:iam::{self.account}:role/ecr-replication-audit")
                                  if spec.get("exclusions") else ()),
            inspector=inspector,
            inspector_enabled_at=self.t(spec["inspector_since"]) if "inspector_since" in spec else None,
            vpcs=vpcs, nat_gateways=nats, vpc_endpoints=endpoints,
            task_definitions=task_definitions(rng, self.account, self.region, repos))

    def _ptc_rules(self, prefixes):
        rules = []
        for prefix in prefixes:
            upstream, url, cred = N.UPSTREAMS[prefix]
            created = uniform(self.rng, 500, 700)
            arn = (f"arn:aws:secretsmanager:{self.region}:{self.account}:secret:ecr-pullthroughcache/"
                   f"{prefix}-{random_hex(self.rng, 24)}") if cred else None
            rules.append(PullThroughRule(prefix, upstream, url, arn, self.t(created),
                                         self.t(uniform(self.rng, 10, created))))
        return tuple(rules)

    def _templates(self):
        return (
            CreationTemplate("docker-hub", "Docker Hub cache: keep 10 images", ("PULL_THROUGH_CACHE",),
                             policy_text("cache_template"), "MUTABLE", "AES256", None, self.t(45.2), self.t(45.2)),
            CreationTemplate("ROOT", "Default for repositories created on push", ("CREATE_ON_PUSH", "REPLICATION"),
                             policy_text("good_count"), "IMMUTABLE", "KMS", self.kms_keys[0],
                             self.t(380.0), self.t(120.5)),
        )

    # ------------------------------------------------------------------ repository
    def _repository(self, name, profile, opts) -> Repository:
        rng = self.rng
        account, region = self.account, self.region
        os_name = opts.get("os", "debian 12")
        if profile == "cache":
            drafts = self._cache_images(opts)
        else:
            drafts = self._app_images(name, profile, opts)
        mutability, kms_type, kms_key, legacy = self._repository_settings(profile, opts)
        exclusions = ("latest", "dev-*") if mutability.endswith("_WITH_EXCLUSION") else ()
        frequency, applied, scan_on_push = effective_scanning(self.spec["scan_type"], self.spec["rules"], name, legacy)
        oldest = max((d.pushed_ago for d in drafts), default=uniform(rng, 30, 400))
        created_ago = oldest + (0.0005 if profile == "cache" else uniform(rng, 0.5, 40))
        policy_kind = opts.get("policy") if profile != "cache" else None
        if profile == "cache":
            tpl = next((t for t in self.templates if name.startswith(t.prefix + "/")), None)
            if tpl is not None and self.t(created_ago) > tpl.created_at:
                policy_kind = "cache_template"
        lifecycle = None
        if policy_kind:
            eval_ago = uniform(rng, 0.05, 0.9)
            drafts = self._apply_policy(POLICIES[policy_kind], drafts, eval_ago)
            lifecycle = LifecyclePolicy(policy_kind, policy_text(policy_kind), self.t(eval_ago))
        self._manual_archive(drafts, profile, policy_kind)
        base_layers = self._base_layers(drafts)
        daily = self._daily_pulls(profile, opts, drafts)
        ctx = (frequency, legacy, os_name)
        images = tuple(self._freeze(d, ctx) for d in sorted(drafts, key=lambda d: (-d.pushed_ago, d.digest)))
        return Repository(
            name=name, arn=f"arn:aws:ecr:{region}:{account}:repository/{name}",
            uri=f"{account}.dkr.ecr.{region}.amazonaws.com/{name}", created_at=self.t(created_ago),
            profile=profile, tag_mutability=mutability, mutability_exclusions=exclusions,
            encryption_type=kms_type, kms_key=kms_key, legacy_scan_on_push=legacy,
            scan_frequency=frequency, applied_filters=applied, scan_on_push=scan_on_push,
            lifecycle=lifecycle, pull_through_prefix=name.split("/")[0] if profile == "cache" else None,
            daily_pulls=daily, os_name=os_name, base_layers=tuple(base_layers), images=images)

    def _repository_settings(self, profile, opts):
        """(tag mutability, encryption type, KMS key, legacy scan-on-push) of a repository."""
        if profile == "cache":
            return "MUTABLE", "AES256", None, False
        rng = self.rng
        mutability = opts.get("mutability") or ("IMMUTABLE" if rng.random() < 0.3 else "MUTABLE")
        kms = opts.get("kms", "cmk" if rng.random() < 0.15 else None)
        kms_type = "KMS" if kms else "AES256"
        kms_key = self.kms_keys[randint(rng, 0, 1)] if kms == "cmk" else None
        return mutability, kms_type, kms_key, bool(opts.get("legacy_sop", False))

    def _base_layers(self, drafts):
        """2-4 shared base layers (digest, size), each a fraction of the smallest image."""
        rng = self.rng
        base_layers = []
        if drafts:
            smallest = min((d.size for d in drafts if d.kind in ("image", "child")), default=0)
            for _ in range(randint(rng, 2, 4)):
                size = int(smallest * uniform(rng, 0.1, 0.22))
                base_layers.append(("sha256:" + random_hex(rng, 256), size))
        return base_layers

    def _size_model(self, profile, opts):
        if opts.get("tiny"):
            return 2 * MB, 7 * MB
        if opts.get("huge"):
            return 2200 * MB, 3100 * MB
        if profile == "ml" or opts.get("big"):
            return 900 * MB, 1900 * MB
        if profile == "base":
            return 40 * MB, 220 * MB
        return 70 * MB, 450 * MB

    def _app_images(self, name, profile, opts):
        rng = self.rng
        lo, hi = self._size_model(profile, opts)
        base_size = uniform(rng, lo, hi)
        n, gap, newest = self._cadence(profile, opts)
        if "builds" in opts:  # a small organization member's fleet: no extra draws, same story
            n = min(n, opts["builds"])
        style = ("v" if opts.get("policy") == "legacy_prefix" else
                 "ml" if profile == "ml" else "date" if profile == "base" else "semver")
        multiarch, signed, sbom = opts.get("multiarch"), opts.get("signed"), opts.get("sbom")
        immutable = opts.get("mutability", "").startswith("IMMUTABLE")
        drafts: list[_Draft] = []
        ago = newest + sum(uniform(rng, *gap) for _ in range(n - 1))
        major, minor, patch = randint(rng, 0, 3), randint(rng, 0, 20), 0
        used_tags: set[str] = set()
        arm = rng.random() < 0.15
        deployed = 0
        for i in range(n):
            patch += 1
            if rng.random() < 0.12:
                minor, patch = minor + 1, 0
            sha = random_hex(rng, 28)
            tags = self._build_tags(style, (major, minor, patch), sha, ago, used_tags)
            if not immutable and rng.random() < 0.12:
                tags = []  # a re-pushed branch tag moved away: the old image is now untagged
            size = int(base_size * uniform(rng, 0.92, 1.08) * (1 + 0.15 * i / n))
            if multiarch:
                top = self._multiarch(tags, size, ago, ("amd64", "arm64"), N.OCI_INDEX, N.OCI_MANIFEST, drafts)
            else:
                mt, cfg = ((N.OCI_MANIFEST, N.OCI_CONFIG) if rng.random() < 0.5 else (N.DOCKER_MANIFEST, N.DOCKER_CONFIG))
                top = _Draft(self._digest(), tags, size, ago, "image", mt, cfg, rng.getrandbits(63),
                             "arm64" if arm else "amd64")
                drafts.append(top)
            if tags and signed:
                self._referrer(top, "signature", drafts)
            if tags and sbom:
                self._referrer(top, "sbom", drafts)
            deployed = self._pulls(top, profile, newest_build=n - i <= 4, tagged=bool(tags), ago=ago,
                                   deployed=deployed)
            self._propagate_pull(top)
            ago -= uniform(rng, *gap) if i < n - 1 else 0
            ago = max(ago, newest)
        if not immutable and style != "ml":
            for d in reversed(drafts):
                if d.kind in ("image", "index") and d.tags:
                    d.tags.append("latest")
                    break
        return drafts

    def _cadence(self, profile, opts):
        """(number of builds, range of days between builds, days since the newest) for a profile."""
        rng = self.rng
        if profile == "service":
            n = randint(rng, 70, 130) if opts.get("busy") else randint(rng, 35, 80)
            gap = (0.12, 0.4) if opts.get("busy") else (0.5, 2.5)
            newest = uniform(rng, 0.004, 0.03) if opts.get("busy") or rng.random() < 0.2 else uniform(rng, 0.05, 3)
            return n, gap, newest
        if profile == "base":
            return randint(rng, 25, 55), (4.0, 9.0), uniform(rng, 0.5, 7)
        if profile == "ml":
            return randint(rng, 12, 35), (2.0, 12.0), uniform(rng, 0.3, 20)
        return randint(rng, 6, 22), (4.0, 40.0), uniform(rng, 200, 1100)  # stale

    def _pulls(self, top, profile, *, newest_build, tagged, ago, deployed):
        """Last pull and deployment of a built image; returns the service's deployments so far
        (its newest tagged builds run, at most three of them)."""
        rng = self.rng
        if profile in ("service", "base") and newest_build and tagged and ago < 60:
            top.pull_ago = uniform(rng, 0, min(0.9, ago))
            if profile == "service" and deployed < 3:
                top.in_use, top.in_use_ago = randint(rng, 2, 24), uniform(rng, 0, 0.5)
                deployed += 1
        elif rng.random() < {"service": 0.7, "base": 0.8, "ml": 0.6}.get(profile, 0.45):
            top.pull_ago = max(0.0, ago - uniform(rng, 0, min(ago, 45)))
            if profile == "service" and rng.random() < 0.1 and top.pull_ago < 20:
                top.in_use_ago = top.pull_ago + uniform(rng, 0, 2)
        return deployed

    def _build_tags(self, style, version, sha, ago, used):
        rng = self.rng
        major, minor, patch = version
        day = self.day(ago)
        if style == "v":
            tags = [f"v{major}.{minor}.{patch}", f"git-{sha[:7]}"]
        elif style == "ml":
            tags = ([f"exp-{choice(rng, ('lr', 'bert', 'xgb', 'tabnet', 'lora'))}-{sha[:6]}"]
                    if rng.random() < 0.5 else [f"model-{day}", f"git-{sha[:7]}"])
        elif style == "date":
            tags = [day, f"{day}-{sha[:7]}"]
        else:
            tags = [f"{major}.{minor}.{patch}", f"git-{sha[:7]}"]
            if rng.random() < 0.2:
                tags.append(f"prod-{day}")
        out = []
        for tag in tags:
            while tag in used:
                tag += ".1"
            used.add(tag)
            out.append(tag)
        return out

    def _multiarch(self, tags, size, ago, arches, index_mt, child_mt, drafts):
        rng = self.rng
        index = _Draft(self._digest(), tags, 0, ago, "index", index_mt, None, rng.getrandbits(63))
        drafts.append(index)
        for arch in arches:
            child = _Draft(self._digest(), [], int(size * uniform(rng, 0.85, 1.0) * (0.93 if arch != "amd64" else 1)),
                           ago, "child", child_mt,
                           N.OCI_CONFIG if child_mt == N.OCI_MANIFEST else N.DOCKER_CONFIG, rng.getrandbits(63), arch)
            child.parent = index.digest
            index.children.append(child)
            drafts.append(child)
        index.size = max(c.size for c in index.children)
        return index

    def _referrer(self, subject, kind, drafts):
        rng = self.rng
        if kind == "signature":
            size, amt = randint(rng, 250, 2200), N.COSIGN_SIG
        else:
            size, amt = randint(rng, 30_000, 1_800_000), N.SPDX
        ref = _Draft(self._digest(), [], size, max(0.0, subject.pushed_ago - uniform(rng, 0.0003, 0.003)),
                     kind, N.OCI_MANIFEST, amt, rng.getrandbits(63))
        ref.subject = subject.digest
        subject.children.append(ref)
        drafts.append(ref)

    def _propagate_pull(self, top):
        rng = self.rng
        for c in top.children:
            if top.pull_ago is None:
                continue
            if c.kind == "child":
                if c.arch == "amd64" or rng.random() < 0.4:
                    c.pull_ago = min(c.pushed_ago, top.pull_ago + uniform(rng, 0, 0.01))
            elif c.kind == "signature":
                c.pull_ago = min(c.pushed_ago, top.pull_ago)

    def _cache_images(self, opts):
        rng = self.rng
        lo, hi = (900 * MB, 1400 * MB) if opts.get("big") else (8 * MB, 90 * MB)
        base = uniform(rng, lo, hi)
        drafts = []
        stale = opts.get("stale_cache")
        arches = DOCKER_HUB_ARCHES if opts["upstream"] == "docker-hub" else ("amd64", "arm64", "ppc64le")
        for i, tag in enumerate(opts["tags"]):
            if stale:
                ago = uniform(rng, 250, 600)
            elif opts.get("recent"):
                ago = uniform(rng, 2, 40)
            else:
                ago = uniform(rng, 15, 400)
            size = int(base * uniform(rng, 0.9, 1.1))
            if opts.get("multiarch"):
                top = self._multiarch([tag], size, ago, arches, N.DOCKER_LIST, N.DOCKER_MANIFEST, drafts)
            else:
                top = _Draft(self._digest(), [tag], size, ago, "image", N.OCI_MANIFEST, N.OCI_CONFIG,
                             rng.getrandbits(63), "amd64")
                drafts.append(top)
            if stale:
                top.pull_ago = ago - uniform(rng, 0, 30)
            elif i >= len(opts["tags"]) - 3 or tag in ("latest", "stable"):
                top.pull_ago = uniform(rng, 0, 1)
            else:
                top.pull_ago = uniform(rng, min(ago, 30), ago)
            self._propagate_pull(top)
        return drafts

    # ------------------------------------------------------------------ lifecycle
    def _apply_policy(self, policy, drafts, eval_ago):
        rng = self.rng
        for _ in range(2):  # second pass: archived images may now be old enough to expire
            acted = evaluate(policy, drafts, eval_ago)
            gone: set[str] = set()
            for i, (action, eligible) in acted.items():
                d = drafts[i]
                if action == "expire":
                    gone.add(d.digest)
                    gone.update(c.digest for c in d.children)
                elif not d.archived:
                    when = eligible if eligible is not None else uniform(rng, eval_ago, d.pushed_ago)
                    when = max(eval_ago, when - uniform(rng, 0, 0.95))
                    for x in [d] + d.children:
                        x.archived, x.archived_ago = True, when
                        if x.pull_ago is not None and x.pull_ago < when:
                            x.pull_ago = None if x.pushed_ago <= when else when + 0.01
            drafts = [d for d in drafts if d.digest not in gone]
        return drafts

    def _manual_archive(self, drafts, profile, policy_kind):
        """A few images archived (and some restored) by hand, plus one restore in progress."""
        rng = self.rng
        if policy_kind == "archive" or profile == "cache":
            return
        for d in drafts:
            if d.kind not in ("image", "index") or d.archived or d.pushed_ago < 200 or rng.random() > 0.06:
                continue
            when = uniform(rng, 95, d.pushed_ago - 90)
            group = [d] + d.children
            for x in group:
                x.archived, x.archived_ago = True, when
                x.pull_ago = None if x.pull_ago is None or x.pull_ago < when else x.pull_ago
            roll = rng.random()
            if roll < 0.3:  # restored since
                back = uniform(rng, 1, when - 1)
                for x in group:
                    x.archived, x.activated_ago = False, back
                    if rng.random() < 0.6:
                        x.pull_ago = uniform(rng, 0, back)
            elif roll < 0.36:  # restore requested in the last 20 minutes
                for x in group:
                    x.activating = True

    # ------------------------------------------------------------------ freeze
    def _freeze(self, d: _Draft, ctx) -> Image:
        frequency, legacy, os_name = ctx
        status = "ACTIVATING" if d.activating else "ARCHIVED" if d.archived else "ACTIVE"
        return Image(
            digest=d.digest, tags=tuple(d.tags), size=d.size, pushed_at=self.t(d.pushed_ago),
            manifest_media_type=d.mt, artifact_media_type=d.amt, kind=d.kind, status=status,
            last_pull=None if d.pull_ago is None else self.t(d.pull_ago),
            last_archived_at=None if d.archived_ago is None else self.t(d.archived_ago),
            last_activated_at=None if d.activated_ago is None else self.t(d.activated_ago),
            subject_digest=d.subject, parent_digest=d.parent,
            child_digests=tuple(c.digest for c in d.children), architecture=d.arch, os_name=os_name,
            in_use_count=d.in_use if d.in_use_ago is not None else 0,
            last_in_use_at=None if d.in_use_ago is None else self.t(d.in_use_ago),
            basic_scan=None if self.enhanced else self.scans.basic_scan(d, frequency, legacy, os_name),
            coverage=self.scans.coverage(d, frequency, os_name) if self.enhanced else None,
            seed=d.seed)

    # ------------------------------------------------------------------ pulls
    def _daily_pulls(self, profile, opts, drafts):
        rng = self.rng
        recent = any(d.pull_ago is not None and d.pull_ago < 2 for d in drafts)
        if not recent:
            return round(uniform(rng, 0, 0.05), 3)
        lo, hi = {"service": (40, 600), "base": (30, 300), "ml": (2, 40), "cache": (50, 1500)}.get(profile, (0.1, 2))
        if opts.get("busy"):
            lo, hi = 800, 3000
        value = uniform(rng, lo, hi)
        if opts.get("quiet"):  # a cache nobody pulls much: the rule that does not pay for itself
            return round(value / 2000, 2)
        return round(value, 1)



def empty_registry(account: str, region: str, as_of: datetime) -> Registry:
    """A registry with AWS defaults and nothing in it (for regions the fleet does not use)."""
    disabled = InspectorState("DISABLED", "DISABLED", "DISABLED", "DISABLED", "DAYS_14", "DAYS_14",
                              "LAST_IN_USE_AT", as_of - timedelta(days=400), 0.0)
    return Registry(account_id=account, region=region, account_alias=N.ACCOUNT_ALIASES.get(account, account),
                    scan_type="BASIC", scan_rules=(), basic_scan_version="AWS_NATIVE", registry_policy_scope="V2",
                    blob_mounting="DISABLED", replication_destinations=(), replication_prefixes=(), repositories=(),
                    pull_through_rules=(), creation_templates=(), pull_time_exclusions=(), inspector=disabled,
                    inspector_enabled_at=None, vpcs=(), nat_gateways=(), vpc_endpoints=(), task_definitions=())
