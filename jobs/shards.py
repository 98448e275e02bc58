"""Sharded runs: `ecr-report collect --shard K/N` on N machines, then `ecr-report assemble`.

The three phases of `run` (jobs/run.py), spread over processes that share only the output
root: a Kubernetes PersistentVolume, EFS, any shared file system, or an `s3://bucket/prefix`
(jobs/shard_store.py, jobs/shard_store_s3.py keep the files; this module decides what they hold):

    ROOT/shards/<run_id>/plan.json           the unit list every shard works from
    ROOT/shards/<run_id>/.plan-<host>-<pid>/ the planning calls' evidence (caller, discovery)
    ROOT/shards/<run_id>/<K>-of-<N>/         shard K's raw/ evidence and shard.json manifest
    RUN_ROOT/runs/<run_id>/                  the assembled run, as `run` writes it (RUN_ROOT:
                                             ROOT when it is a path, else a local directory)

**How shards agree on the units.** Every shard starts by reading `plan.json`. The first one to
find none plans (identity, regions, account discovery: the calls `run` makes first) and
publishes its plan with an exclusive create (a hard link, which fails when the name exists; on
S3 a conditional write), so exactly one plan is ever stored and it appears complete. A shard
that lost the race uses the stored plan. So every shard, and `assemble`, work from one list even when discovery would
answer differently between pod starts (an account joining the organization mid-run). The
plan's digest is in every shard manifest; `assemble` takes only shards of that plan.

**Which shard collects what** (`assign`): all units of one account go to one shard (one role
session per account, as in a single run), and accounts are spread heaviest first onto the
least loaded shard. The weight of a unit is the number of calls it took in the latest run under
ROOT (its files in raw/; on S3 the calls per unit the shard manifests record), or 1 when there
is none, plus `REGISTRY_OVERHEAD_CALLS` (a registry's round trips that its calls alone do not
account for); deterministic, so every shard and `assemble` compute the same assignment from the
plan.

**Equivalence.** The run id fixes the as-of time (`run_id_instant`), calls are numbered in a
one-thread order (jobs/evidence.py), and `assemble` runs the same `finish_run` as `run`: for
the same fleet and as-of time, data/, summary.json and report.html are those of a single-process
run, byte for byte. Not the same: the shard manifests (hosts, pids, timings) stay in the shard
area, and in raw/ the numbering of `sts.AssumeRole` calls filed under the caller's account
(one per role, as in a run, but ordered by shard rather than by unit).

A shard missing at `assemble` (never ran, died, failed, or of another plan) does not block the
report: its units are named as not collected in the completeness section, and the run exits 3.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import socket
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

from .aws_session import Account
from .collect import Unit, collect_fleet
from .collect.split import processes_for
from .config import Config
from .demo_options import DemoOptions
from .errors import ConfigError
from .evidence import RAW_SUFFIX, EvidenceRecorder, RawDirCalls, decode, number_in_order, write_calls
from .run import RunOutcome, collect_options, finish_run, preflight, tidy_runs_dir
from .rundir import RunPaths, run_id_instant
from .scope import collection_factory, setup_collection
from .shard_store import (
    PLAN,
    SHARD_MANIFEST,
    SHARDS_DIR,
    LocalShardArea,
    ShardArea,
    is_s3,
    raw_counts,
    shard_name_count,
)
from .shard_store_s3 import S3ShardArea

log = logging.getLogger("ecr_report.shards")

__all__ = ["PLAN", "SHARD_MANIFEST", "SHARDS_DIR", "assemble", "assign", "collect_shard", "parse_shard",
           "shard_name_count"]

PLAN_FORMAT = 1


def open_area(root: Path | str, run_id: str) -> ShardArea:
    """The run's shard area under `root`: a path, or an s3:// URI (given as text)."""
    if is_s3(root):
        return S3ShardArea.from_uri(str(root), run_id)
    return LocalShardArea(Path(root), run_id)


def shard_area(root: Path, run_id: str) -> Path:
    """A local shard area's directory."""
    return LocalShardArea(root, run_id).path


def shard_name(shard: int, of: int) -> str:
    return f"{shard}-of-{of}"


# -- the plan -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Plan:
    """The unit list of one run, and what planning found out (stored as plan.json)."""

    doc: dict[str, Any]

    @property
    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.doc, sort_keys=True).encode()).hexdigest()

    @property
    def units(self) -> list[dict[str, Any]]:
        return list(self.doc["units"])

    def collect_units(self, config: Config, indices: Sequence[int]) -> list[Unit]:
        """The planned units `indices` as collect_fleet takes them (position: the plan's order)."""
        out = []
        for i in indices:
            u = self.doc["units"][i]
            account = Account(u["account"], u["role_arn"], _external_id(config, u["account"]))
            out.append(Unit(account, u["account_id"], u["region"], position=i))
        return out


def _external_id(config: Config, account_id: str | None) -> str | None:
    """An account's external id, from the configuration (never stored in the shared plan)."""
    for configured in config.aws.accounts:
        if configured.id == account_id and configured.role_arn:
            return configured.external_id
    return config.aws.organization.external_id if config.aws.organization is not None else None


REGISTRY_OVERHEAD_CALLS = 28
"""What a registry costs beyond its calls, in calls: a unit's weight is its calls (in the previous
run) plus this. A registry's calls depend on one another (its identity, then its settings and
repositories, then each repository's images, then findings...), so even a small one takes
several round trips. Measured over 20 registries of the demo organization (10 to 53 calls, 50 ms
a call, 4 repository workers, one registry at a time): a registry of C calls took about
5 + 0.18 x C round trips, i.e. as long as 28 + C calls at that pace. Weighed by calls alone, a
shard given a few more small registries than another for the same calls ended 10-20 % later."""


def _plan_doc(config: Config, run_id: str, demo: DemoOptions | None, setup: Any,
              evidence: str, weights: Mapping[tuple[str, str], int], weights_from: str) -> dict[str, Any]:
    return {
        "format": PLAN_FORMAT, "run_id": run_id, "config_digest": config.digest(),
        "demo": None if demo is None else {"scale": demo.scale, "accounts": demo.accounts},
        "caller_account": setup.factory.base_account_id,
        "units": [{"account": u.account.id, "account_id": u.account_id, "region": u.region,
                   "role_arn": u.account.role_arn,
                   "weight": weights.get((u.account_id, u.region), 1) + REGISTRY_OVERHEAD_CALLS}
                  for u in setup.units],
        "weights_from": weights_from,
        "organization": setup.organization,
        "errors": [e.to_json() for e in setup.accounts.errors],
        "evidence": evidence,
    }


def read_plan(area: ShardArea) -> Plan | None:
    doc = area.read_plan()
    if doc is None:
        return None
    if doc.get("format") != PLAN_FORMAT:
        raise ConfigError(f"{area.where(PLAN)}: not a plan of this version of ecr-report")
    return Plan(doc)


def _check_plan(plan: Plan, config: Config, demo: DemoOptions | None, area: ShardArea) -> Plan:
    if plan.doc["config_digest"] != config.digest():
        raise ConfigError(f"{area.where(PLAN)}: this run was planned with another configuration "
                          f"(digest {plan.doc['config_digest'][:12]}); every shard and assemble need the same one")
    wanted = None if demo is None else {"scale": demo.scale, "accounts": demo.accounts}
    if plan.doc["demo"] != wanted:
        raise ConfigError(f"{area.where(PLAN)}: this run was planned with demo options {plan.doc['demo']}, "
                          f"not {wanted}")
    return plan


def obtain_plan(config: Config, area: ShardArea, demo: DemoOptions | None) -> tuple[Plan, int]:
    """The run's stored plan, and the calls this process made planning (0: the plan was there).
    Planned and stored first when there is none yet (see the module docstring)."""
    run_id = area.run_id
    stored = read_plan(area)
    if stored is not None:
        return _check_plan(stored, config, demo, area), 0
    evidence = area.planning_name()
    work = area.work_dir(evidence)
    recorder = EvidenceRecorder(work / "raw")
    setup = setup_collection(recorder, config, demo, run_id_instant(run_id))
    recorder.flush()  # the planning calls, written under the evidence directory the plan names
    weights, weights_from = area.previous_weights()
    doc = _plan_doc(config, run_id, demo, setup, evidence, weights, weights_from)
    made = sum(recorder.operation_counts().values())
    if not area.publish_plan(doc, work):
        # Its planning calls were made for nothing (the shard manifest counts them).
        log.info("run %s: another shard stored the plan first; using it", run_id)
        return _check_plan(read_plan(area), config, demo, area), made  # type: ignore[arg-type]
    log.info("run %s: planned %d registries (weights: %s)", run_id, len(doc["units"]), weights_from)
    return Plan(doc), made


# -- which shard collects what ------------------------------------------------------------------

def assign(units: Sequence[Mapping[str, Any]], shards: int) -> list[int]:
    """The shard (0..shards-1) of each planned unit: an account's units together, heaviest
    account first onto the least loaded shard (ties: the lower shard, the earlier account)."""
    weight: Counter[str] = Counter()
    first: dict[str, int] = {}
    for i, u in enumerate(units):
        weight[u["account_id"]] += max(1, int(u.get("weight", 1)))
        first.setdefault(u["account_id"], i)
    loads = [0] * shards
    shard_of: dict[str, int] = {}
    for account in sorted(weight, key=lambda a: (-weight[a], first[a])):
        k = min(range(shards), key=lambda s: (loads[s], s))
        shard_of[account] = k
        loads[k] += weight[account]
    return [shard_of[u["account_id"]] for u in units]


def parse_shard(text: str | None, environ: Mapping[str, str] = os.environ) -> tuple[int, int]:
    """(K, N) from `K/N`, or from `N` with K from JOB_COMPLETION_INDEX (Kubernetes Indexed Job)
    or AWS_BATCH_JOB_ARRAY_INDEX (AWS Batch array job). K counts from 0, like both."""
    text = (text or "").strip()
    if "/" in text:
        k_text, n_text = text.split("/", 1)
    else:
        k_text = environ.get("JOB_COMPLETION_INDEX") or environ.get("AWS_BATCH_JOB_ARRAY_INDEX") or ""
        n_text = text
        if not k_text:
            raise ConfigError(f"--shard {text!r}: give K/N, or N with JOB_COMPLETION_INDEX or "
                              "AWS_BATCH_JOB_ARRAY_INDEX set (the index of this shard, from 0)")
    try:
        k, n = int(k_text), int(n_text)
    except ValueError:
        raise ConfigError(f"--shard: {k_text}/{n_text} is not K/N (whole numbers, 0 <= K < N)") from None
    if not (n >= 1 and 0 <= k < n):
        raise ConfigError(f"--shard: {k}/{n} is not K/N with 0 <= K < N")
    return k, n


# -- collect one shard --------------------------------------------------------------------------

def collect_shard(config: Config, root: Path | str, run_id: str, shard: int, of: int,
                  demo: DemoOptions | None) -> Path | str:
    """Collect shard `shard` of `of` into its place in the run's shard area (a local path is
    returned as a Path, an S3 one as its s3:// URI)."""
    as_of = run_id_instant(run_id)
    area = open_area(root, run_id)
    # A local root is checked as `run` checks it; with S3 the local scratch (TMPDIR) is.
    pre = preflight(config, Path(tempfile.gettempdir()) if is_s3(root) else Path(root))
    plan, planning_calls = obtain_plan(config, area, demo)
    mine = [i for i, k in enumerate(assign(plan.units, of)) if k == shard]
    name = shard_name(shard, of)
    # Recorded into a work directory the area publishes whole (a file system: renamed into
    # place; S3: uploaded, manifest last): a shard with a manifest is complete, and a retried
    # shard (the engine's retry after a lost pod) replaces it.
    work = area.work_dir(name)
    recorder = EvidenceRecorder(work / "raw", retain=False)  # holds the units in progress only
    factory = collection_factory(recorder, config, demo, as_of, plan.doc["caller_account"])
    units = plan.collect_units(config, mine)
    log.info("run %s shard %d of %d: collecting %d of %d registries", run_id, shard, of, len(units), len(plan.units))
    started, clock = datetime.now().astimezone(), time.monotonic()
    manifest: dict[str, Any] = {
        "run_id": run_id, "shard": shard, "of": of, "plan_digest": plan.digest,
        "plan_units": len(plan.units), "units": [[u.account_id, u.region] for u in units],
        "planning_calls": planning_calls, "host": socket.gethostname(), "pid": os.getpid(),
        "started_at": started.isoformat(timespec="seconds")}
    try:
        collection = collect_fleet(factory, heaviest_first(plan, units), collect_options(config, as_of, pre),
                                   max_workers=config.aws.max_workers, then_exits=True,
                                   processes=processes_for(config.aws.collect_processes))
        manifest.update(status="complete", errors=[e.to_json() for e in collection.errors])
    except Exception as exc:  # recorded for assemble (which names the shard), then raised
        manifest.update(status="failed", errors=[], reason=f"{type(exc).__name__}: {exc}"[:500])
        raise
    finally:
        # Calls per registry of this shard (not the role sessions it files under the caller's
        # account): the next run's balance where it has no raw/ to count (S3).
        counted = raw_counts(work / "raw")
        unit_calls = [[u.account_id, u.region, counted.get((u.account_id, u.region), 0)] for u in units]
        manifest.update(calls=sum(recorder.operation_counts().values()), unit_calls=unit_calls,
                        seconds=round(time.monotonic() - clock, 3), peak_rss_kib=_peak_rss_kib())
        where = area.publish_shard(work, name, manifest)
    return Path(where) if isinstance(area, LocalShardArea) else where


def heaviest_first(plan: Plan, units: Sequence[Unit]) -> list[Unit]:
    """`units` in the order to start them: the most calls in the previous run first, so that the
    last ones to start are short and the workers finish together (the evidence does not depend
    on the order: each unit keeps its plan position)."""
    planned = plan.units  # a copy of the plan's list: taken once, not once per unit
    return sorted(units, key=lambda u: -int(planned[u.position].get("weight", 1)))


def _peak_rss_kib() -> int | None:
    try:
        import resource
    except ImportError:  # not on this platform
        return None
    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


# -- assemble -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class ShardCheck:
    shard: int
    manifest: dict[str, Any] | None
    problem: str | None
    """Why the shard is not taken (None: it is)."""


def check_shards(area: ShardArea, plan: Plan, of: int) -> list[ShardCheck]:
    assignment = assign(plan.units, of)
    checks = []
    for k in range(of):
        expected = [[u["account_id"], u["region"]] for u, s in zip(plan.units, assignment) if s == k]
        manifest, problem = area.read_manifest(shard_name(k, of))
        if manifest is not None:
            problem = _manifest_problem(manifest, plan, expected)
        checks.append(ShardCheck(k, manifest, problem))
    return checks


def _manifest_problem(manifest: Mapping[str, Any], plan: Plan, expected: list[list[str]]) -> str | None:
    if manifest.get("plan_digest") != plan.digest:
        return "it collected another plan's units"
    if manifest.get("status") != "complete":
        return f"it {manifest.get('status') or 'did not finish'} ({manifest.get('reason', 'no reason given')})"
    if manifest.get("units") != expected:
        return "its units are not the ones the plan assigns it"
    return None


def shard_count(area: ShardArea, of: int | None) -> int:
    """N: given, or the one every shard directory of the run agrees on."""
    if of is not None:
        return of
    found = area.shard_counts()
    if len(found) != 1:
        raise ConfigError(f"{area.where()}: " + ("no shard has reported; pass --shards N" if not found else
                          f"shards of several counts ({', '.join(map(str, sorted(found)))}); pass --shards N"))
    return found.pop()


def assemble(config: Config, root: Path | str, run_id: str, demo: DemoOptions | None,
             of: int | None = None, run_root: Path | None = None) -> RunOutcome:
    """Check the shards, merge their evidence into `RUN_ROOT/runs/<run_id>/`, and finish the run.
    `run_root`: where the run goes, default `root` (which must then be a local path)."""
    as_of = run_id_instant(run_id)
    area = open_area(root, run_id)
    if run_root is None:
        if is_s3(root):
            raise ConfigError(f"output {root}: the assembled run is written to a local directory; "
                              "give it (--run-root)")
        run_root = Path(root)
    plan = read_plan(area)
    if plan is None:
        raise ConfigError(f"run {run_id}: no plan in {area.where()}; no shard of this run has started")
    _check_plan(plan, config, demo, area)
    pre = preflight(config, run_root)
    area.remove_dead_work()
    checks = check_shards(area, plan, shard_count(area, of))
    if RunPaths(run_root, run_id).final.exists():  # before any download
        raise ConfigError(f"run {run_id} is already assembled: {RunPaths(run_root, run_id).final}")
    taken = [c for c in checks if c.problem is None]
    shards = [(shard_name(c.shard, len(checks)), c.manifest or {}) for c in taken]
    # The evidence first (S3: downloaded, which may fail), then the run is started: a failed
    # download leaves no half-written run.
    with area.evidence(plan.doc["evidence"], shards) as sources:
        paths = _start_run(run_root, run_id)
        calls = _merge_evidence(sources, paths.partial / "raw")
    for c in checks:
        if c.problem:
            log.warning("run %s: shard %d of %d is left out: %s", run_id, c.shard, len(checks), c.problem)
    errors = _assembled_errors(plan, checks)
    units = tuple(sorted((u["account_id"], u["region"]) for u in plan.units))
    return finish_run(config, paths, pre, as_of=as_of, demo=demo is not None, calls=calls, units=units,
                      errors=errors, organization=plan.doc["organization"])


def _start_run(root: Path, run_id: str) -> RunPaths:
    paths = RunPaths(root, run_id)
    tidy_runs_dir(root)
    if paths.final.exists():
        raise ConfigError(f"run {run_id} is already assembled: {paths.final}")
    if paths.partial.exists():  # an assemble that died: this one starts again
        log.warning("removing %s, left by an assemble that did not finish", paths.partial)
        shutil.rmtree(paths.partial)
    paths.start()
    return paths


def _merge_evidence(sources: Sequence[Path], raw_dir: Path) -> RawDirCalls:
    """The calls of the plan and of the shards taken, numbered as one run, under raw_dir.

    Each (account, region) is collected by one shard, so numbers collide only where the plan's
    calls and a shard's share a key (the caller's identity and role sessions): those follow in
    source order, the plan's first, as in a single run where planning comes first, and are
    renumbered. Every other file keeps its number and is linked (or copied) as it is, byte for
    byte (decoding and re-encoding 10k calls was a fifth of an assemble's time).
    """
    found: dict[tuple[str, ...], list[tuple[int, int, str]]] = defaultdict(list)
    for rank, source in enumerate(sources):
        for account, region, name, path in _evidence_files(source):
            service, operation, seq = name[:-len(RAW_SUFFIX)].rsplit(".", 2)
            found[(account, region, service, operation)].append((rank, int(seq), path))
    made: set[str] = set()
    for key, files in found.items():
        files.sort()
        if len({rank for rank, _, _ in files}) == 1 and [seq for _, seq, _ in files] == list(range(1, len(files) + 1)):
            target = os.path.join(raw_dir, key[0], key[1])
            if target not in made:
                os.makedirs(target, exist_ok=True)
                made.add(target)
            for _, _, path in files:
                _link_or_copy(path, os.path.join(target, os.path.basename(path)))
        else:
            write_calls(raw_dir, number_in_order(((rank, seq), decode(Path(path).read_bytes()))
                                                 for rank, seq, path in files))
    return RawDirCalls(raw_dir)


def _evidence_files(source: Path) -> Iterator[tuple[str, str, str, str]]:
    """(account, region, file name, path) of every call file under a shard's raw/ (`ACCOUNT/REGION/
    *.json.gz`), listed with os.scandir: 10k files through pathlib's glob were most of a merge."""
    for account in _subdirs(os.fspath(source)):
        for region in _subdirs(account.path):
            with os.scandir(region.path) as entries:
                for entry in entries:
                    if entry.name.endswith(RAW_SUFFIX) and entry.is_file():
                        yield account.name, region.name, entry.name, entry.path


def _subdirs(path: str) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(path) as entries:
            return [e for e in entries if e.is_dir()]
    except (FileNotFoundError, NotADirectoryError):
        return []


def _link_or_copy(source: str, target: str) -> None:
    """A hard link where the shard area and the run share a file system (nothing is written
    twice; evidence files are never changed in place, and the manifest's hashes guard them),
    else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _assembled_errors(plan: Plan, checks: Sequence[ShardCheck]) -> list[dict[str, str]]:
    from .collect import CollectionError

    setup = [CollectionError(**e) for e in plan.doc["errors"]]
    collected = [CollectionError(**e) for c in checks if c.problem is None for e in c.manifest["errors"]]  # type: ignore[index]
    assignment = assign(plan.units, len(checks))
    for c in checks:
        if c.problem is None:
            continue
        for u, k in zip(plan.units, assignment):
            if k == c.shard:
                collected.append(CollectionError(
                    u["account_id"], u["region"], f"collect (shard {c.shard} of {len(checks)})",
                    f"not collected: {c.problem}"))
    # One order, as CollectionSetup.all_errors gives a single run's.
    return [e.to_json() for e in sorted([*setup, *collected], key=lambda e: (e.account, e.region, e.operation, e.error))]
