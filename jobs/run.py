"""One full run: resolve what to collect, collect, snapshot, analyse, publish the run directory.

Also `render_run`, which rebuilds a run's outputs from its archived snapshot (`raw/` +
`snapshot.json`) without calling AWS: the same publish step on the same data gives the same
bytes. It never writes into the finished run: it builds the new one beside it and swaps the two
(`rundir.replace_run`), so a render that is killed leaves the old run intact.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import Any, Mapping, Sequence

from ..reports.analyse import Analysis, analyse
from ..reports.coverage import BasicFindingsScope
from ..reports.raw import CallsByUnit
from ..reports.snapshot import Snapshot, SnapshotMeta, build_snapshot
from ..reports.stages import stage
from . import apart
from .collect import CollectOptions, collect_fleet
from .collect.split import processes_for
from .config import Config, ConfigError
from .demo_options import DemoOptions
from .evidence import EvidenceRecorder, RawCall, RawDirCalls
from .fonts import check_fonts
from .gcpause import cycle_collector_paused, release_free_memory
from .history import read_history
from .overlap import Announcer, PendingSnapshot, collect_and_normalize
from .plugins import CONCERNS, collectors
from .rundir import (
    DELIVERY_DIR,
    MANIFEST,
    PUBLIC_KEY,
    SIGNATURE,
    SNAPSHOT,
    STALE_PARTIAL_SECONDS,
    RunPaths,
    is_finished_run,
    new_run_id,
    recover_run,
    recover_runs,
    remove_stale_partials,
    replace_run,
    runs_lock,
    staging_dir,
    verify_run,
    write_json,
    write_manifest,
)
from .scope import setup_collection
from .settings import analysis_settings
from .signing import Signer, load_signer, sign_run
from .version import tool_version

log = logging.getLogger("ecr_report.run")


@dataclass(frozen=True)
class RunOutcome:
    run_dir: Path
    analysis: Analysis

    @property
    def complete(self) -> bool:
        return not self.analysis.snapshot.meta.errors


@dataclass(frozen=True)
class Preflight:
    """What a run checks and reads before it calls AWS (a bad one fails before collecting)."""

    scope: BasicFindingsScope
    settings: dict[str, Any]
    signer: Signer | None


def preflight(config: Config, root: Path) -> Preflight:
    check_output_root(root)  # before collecting: a root that cannot hold runs fails in one line
    scope = BasicFindingsScope(config.collect.basic_findings_newest_per_repository,
                               config.collect.basic_findings_pushed_within_days,
                               config.collect.basic_findings_max_images)
    settings = analysis_settings(config)  # reads the files the config names: fail before collecting
    check_fonts(config.report.language, pdf=config.report.pdf)  # a ja PDF needs a Japanese font
    signer = load_signer(config.archive)  # a bad signing key fails now, before collecting
    return Preflight(scope, dict(settings), signer)


def collect_options(config: Config, as_of: datetime, pre: Preflight) -> CollectOptions:
    return CollectOptions(
        as_of=as_of,
        scope=pre.scope,
        repository_workers=config.aws.repository_workers,
        repository_scan_configuration=config.collect.repository_scan_configuration,
        settings=pre.settings,
        collectors=collectors(),
    )


def run_instant(now: datetime | None) -> datetime:
    """A run's as-of time: `now` (default the clock) in UTC, to the second (a run id's precision)."""
    return (now or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)


def run(config: Config, *, output: Path | None = None, demo: bool = False,
        demo_scale: float = 1, now: datetime | None = None,
        demo_options: DemoOptions | None = None) -> RunOutcome:
    """Collect and publish one run; returns where it was written.

    The three phases of a sharded run (jobs/shards.py) in one process: plan (which units),
    collect them, and `finish_run` (snapshot, analyse, publish, manifest, sign).
    `demo` runs against the emulator: `demo_options` when given, else the story fleet at
    `demo_scale`."""
    as_of = run_instant(now)
    root = Path(output or config.report.output_dir)
    pre = preflight(config, root)
    if demo and demo_options is None:
        demo_options = DemoOptions(scale=demo_scale)
    collected, pending = collect_run(config, root, pre, as_of, demo_options if demo else None)
    paths = RunPaths(root, collected.run_id)
    try:
        return finish_run(config, paths, pre, as_of=as_of, demo=demo, calls=RawDirCalls(paths.partial / "raw"),
                          units=collected.units, errors=collected.errors, organization=collected.organization,
                          pending=pending)
    except BaseException:
        if pending is not None:
            pending.cancel()  # a failure before the snapshot was taken: the child is not left behind
        raise


@dataclass(frozen=True)
class Collected:
    """What finishing a run needs of its collection, beside the evidence under raw/."""

    run_id: str
    units: tuple[tuple[str, str], ...]
    errors: list[dict[str, str]]
    organization: dict[str, Any] | None


def collect_run(config: Config, root: Path, pre: Preflight, as_of: datetime,
                demo_options: DemoOptions | None) -> tuple[Collected, PendingSnapshot | None]:
    """Start the run directory and collect into its raw/; where fork exists, in a forked child,
    with the snapshot built beside it in another (jobs/overlap.py), which is then pending.

    Why children: collecting makes and drops millions of small objects (botocore clients and
    responses, in a demo the emulated fleet), and so does normalize (decoded evidence, row
    tuples); the allocator keeps the arenas they leave (fragmentation: ~180 MiB at scale 40)
    until the process ends, and the run's peak comes later, in analysis. Everything collected is
    on disk already (raw/); the rest comes back pickled (jobs/apart.py)."""
    if not apart.forks():
        return _collect(config, root, pre, as_of, demo_options, False, None), None
    return collect_and_normalize(partial(_collect, config, root, pre, as_of, demo_options, True), CONCERNS)


def _collect(config: Config, root: Path, pre: Preflight, as_of: datetime,
             demo_options: DemoOptions | None, then_exits: bool, announce: Announcer | None) -> Collected:
    """`then_exits`: this is a child that ends once it has answered, so the garbage the
    collection leaves is not worth freeing (and the emulated fleet not worth releasing).
    `announce`: told the plan and each registry done, for the normalize beside it."""
    # Where raw/ goes is known only once the run directory exists, after the caller's
    # identity and the regions are resolved; the recorder writes earlier calls then.
    # It keeps no call once written: normalize reads them back from raw/ one unit at a time.
    recorder = EvidenceRecorder(retain=False)
    setup = setup_collection(recorder, config, demo_options, as_of)
    paths = RunPaths(root, new_run_id(as_of, tidy_runs_dir(root)))
    run_dir = paths.start()
    recorder.write_to(run_dir / "raw")
    log.info("run %s: collecting %d registries", paths.run_id, len(setup.units))
    if announce is not None:
        announce.plan(run_dir / "raw", [(u.account_id, u.region) for u in setup.units])
    with stage("collect"):
        collection = collect_fleet(setup.factory, setup.units, collect_options(config, as_of, pre),
                                   max_workers=config.aws.max_workers, then_exits=then_exits,
                                   processes=processes_for(config.aws.collect_processes),
                                   on_unit_done=None if announce is None else announce.unit_done)
    errors = [e.to_json() for e in setup.all_errors(collection.errors)]
    organization = setup.organization
    if not then_exits:
        setup.release()  # in this process: the emulated fleet is freed before the run's peak
    return Collected(paths.run_id, tuple(collection.units), errors, organization)


def finish_run(config: Config, paths: RunPaths, pre: Preflight, *, as_of: datetime, demo: bool,
               calls: Sequence[RawCall] | CallsByUnit, units: Sequence[tuple[str, str]],
               errors: Sequence[Mapping[str, str]], organization: Mapping[str, Any] | None,
               pending: PendingSnapshot | None = None) -> RunOutcome:
    """From the collected evidence (already under the started run's raw/) to the finished run.
    `pending`: the snapshot being built already (jobs/overlap.py), else it is built from `calls`."""
    # Snapshot, analysis and writers make millions of objects and few cycles (jobs/gcpause.py).
    with cycle_collector_paused(collect_first=True):
        return _finish_run(config, paths, pre, as_of=as_of, demo=demo, calls=calls, units=units,
                           errors=errors, organization=organization, pending=pending)


def _finish_run(config: Config, paths: RunPaths, pre: Preflight, *, as_of: datetime, demo: bool,
                calls: Sequence[RawCall] | CallsByUnit, units: Sequence[tuple[str, str]],
                errors: Sequence[Mapping[str, str]], organization: Mapping[str, Any] | None,
                pending: PendingSnapshot | None) -> RunOutcome:
    # The writers (renderer, Jinja2, XlsxWriter) are imported here, not at the top: a process
    # that only collects (`ecr-report collect`, jobs/shards.py) imports this module too.
    from .archive_index import refresh_index
    from .publish import publish

    run_dir = paths.partial
    # Earlier runs' headline figures, for the trends: read now and kept in the snapshot, so a
    # re-render of this run shows them as they were (render_run never reads other runs).
    settings = {**pre.settings, "history": read_history(paths.root, paths.run_id, CONCERNS, demo=demo)}
    meta = SnapshotMeta(
        run_id=paths.run_id, as_of=as_of, units=tuple(units), errors=tuple(errors),
        tool_version=tool_version(), demo=demo, scope=pre.scope,
        stale_basic_scan_days=config.report.stale_basic_scan_days,
        config_digest=config.digest(), settings=settings, organization=organization,
    )
    write_json(run_dir / SNAPSHOT, meta.to_json())
    with stage("normalize"):  # stage markers: no-ops unless benchmarks/stages.py measures
        snapshot = normalized(meta, calls) if pending is None else pending.snapshot(meta)
    analysis = analyse(snapshot, CONCERNS)
    publish(analysis, run_dir, pdf=config.report.pdf)
    with stage("manifest + signature"):
        write_manifest(run_dir, _manifest_metadata(meta, analysis))
        sign_run(run_dir, pre.signer)  # manifest.sig (+ .pub) when a key is configured
    final = paths.commit()
    log.info("report: %s", final / ("report.pdf" if config.report.pdf else "report.html"))
    refresh_index(paths.root, config, written=final.name)  # ROOT/index.html, beside runs/: after the commit
    return RunOutcome(final, analysis)


def normalized(meta: SnapshotMeta, calls: Sequence[RawCall] | CallsByUnit) -> Snapshot:
    """The snapshot, built in a forked child where fork exists: decoding the evidence makes and
    drops millions of objects whose arenas fragmentation would keep (~180 MiB at scale 40), while
    the tables handed back are compact (Arrow and NumPy buffers, sent without a copy: apart.py).
    `run` builds its snapshot beside the collection instead (jobs/overlap.py)."""
    return apart.call_apart(_normalized, meta, calls, what="normalize", name="ecr-report-norm")


def _normalized(meta: SnapshotMeta, calls: Sequence[RawCall] | CallsByUnit) -> Snapshot:
    snapshot = build_snapshot(meta, calls, CONCERNS)
    release_free_memory()  # in this process (no fork): the last registry's decoded calls and the row tuples
    return snapshot


def tidy_runs_dir(root: Path) -> Path:
    """`root/runs`, created; what killed commands left there put back or removed (and logged)."""
    runs_dir = root / "runs"
    try:
        runs_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"output {root}: cannot create {runs_dir} ({exc.strerror or exc})") from None
    recover_runs(runs_dir)  # a re-render killed mid-swap: its run is put back before ids are chosen
    for left, newest in remove_stale_partials(runs_dir):
        log.warning("removed %s: left by a run that never finished (nothing written in it since %s, "
                    "more than %d h ago)", left, datetime.fromtimestamp(newest, timezone.utc).isoformat(
                        timespec="seconds"), STALE_PARTIAL_SECONDS // 3600)
    return runs_dir


def check_output_root(root: Path) -> None:
    """ConfigError (exit 2) when `root`, or the nearest part of it that exists, is not a directory."""
    if str(root).startswith("s3:/"):  # "s3://bucket" as a Path
        raise ConfigError(f"output {str(root).replace('s3:/', 's3://', 1)}: a run directory is written to a "
                          "local or mounted path; an s3:// output is a sharded run's shard area (collect, "
                          "assemble), and [archive] s3_uri uploads finished runs")
    existing = root
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise ConfigError(f"output {root}: {existing} is not a directory")
    # access(2) answers for a read-only file system (EROFS) and for permissions alike, so a root
    # that cannot hold runs fails here, in one line, before anything is collected.
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ConfigError(f"output {root}: {existing} is not writable")


def render_run(run_dir: Path, *, pdf: bool = True, signer: Signer | None = None,
               force: bool = False) -> RunOutcome:
    """Re-render a run from its archived snapshot (no AWS, no clock), never in place.

    The new run is built complete beside the old one (raw/ and snapshot.json hard-linked, the
    delivery records carried over; with `pdf=False` the existing report.pdf is kept) and swapped
    in. When the new manifest is the old one byte for byte, the signature is kept. When it
    differs: a delivered run (any `delivery/` record) is refused unless `force`; a `signer`
    signs the new manifest; a signed run without one is refused unless `force` (it is then
    left unsigned). Inputs (raw/, snapshot.json) that do not match the manifest are refused
    unless `force`: a re-render must not seal evidence that was changed.
    """
    run_dir = Path(run_dir)
    recover_run(run_dir)
    snapshot_path = run_dir / SNAPSHOT
    if not is_finished_run(run_dir):
        raise ConfigError(f"{run_dir}: not a finished run; only a finished run is re-rendered")
    if not snapshot_path.is_file():
        raise ConfigError(f"{run_dir} is not a run directory (no {SNAPSHOT})")
    try:
        meta = SnapshotMeta.from_json(json.loads(snapshot_path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"{snapshot_path}: unreadable snapshot ({exc})") from None
    check_fonts(str(meta.settings.get("report_language") or "en"), pdf=pdf)
    from .publish import publish  # see _finish_run

    with runs_lock(run_dir.parent, exclusive=True, what=f"render {run_dir.name}"):
        if not force:
            _check_inputs(run_dir)
        analysis = analyse(normalized(meta, RawDirCalls(run_dir / "raw")), CONCERNS)
        staging = staging_dir(run_dir)
        shutil.rmtree(staging, ignore_errors=True)  # a leftover of a dead process with our pid
        try:
            _stage_inputs(run_dir, staging, keep_pdf=not pdf)
            publish(analysis, staging, pdf=pdf)
            write_manifest(staging, _manifest_metadata(meta, analysis))
            _seal(run_dir, staging, signer, force=force)
            replace_run(staging, run_dir)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return RunOutcome(run_dir, analysis)


def _check_inputs(run_dir: Path) -> None:
    """ConfigError unless raw/ and snapshot.json are what the run's manifest lists."""
    problems = [p for p in verify_run(run_dir, signature=False)
                if p.startswith(("raw/", SNAPSHOT, MANIFEST))]
    if problems:
        raise ConfigError(f"{run_dir}: not re-rendered: its evidence does not match the manifest "
                          f"({problems[0]}{'; ...' if len(problems) > 1 else ''}); "
                          "pass --force to re-render it anyway")


def _link_tree(src: Path, dst: Path) -> None:
    """Hard-link every file of `src` under `dst` (a copy where the file system cannot link)."""
    for path in sorted(src.rglob("*")):
        target = dst / path.relative_to(src)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, target)
        except OSError:
            shutil.copy2(path, target)


def _stage_inputs(run_dir: Path, staging: Path, *, keep_pdf: bool) -> None:
    """What a re-render takes over unchanged: the evidence, the delivery records, (the PDF)."""
    try:
        staging.mkdir()
    except OSError as exc:
        raise ConfigError(f"{run_dir}: cannot write the re-render beside it in {staging.parent} "
                          f"({exc.strerror or exc})") from None
    for name in ("raw", DELIVERY_DIR):
        if (run_dir / name).is_dir():
            _link_tree(run_dir / name, staging / name)
    names = [SNAPSHOT] + (["report.pdf"] if keep_pdf else [])
    for name in names:
        if (run_dir / name).is_file():
            os.link(run_dir / name, staging / name)


def _seal(old: Path, new: Path, signer: Signer | None, *, force: bool) -> None:
    """Sign the re-rendered run `new`, or keep `old`'s signature, or refuse (see render_run)."""
    before, after = old / MANIFEST, new / MANIFEST
    if before.is_file() and before.read_bytes() == after.read_bytes():
        for name in (SIGNATURE, PUBLIC_KEY):  # they sign these very bytes: still valid
            if (old / name).is_file():
                os.link(old / name, new / name)
        log.info("render %s: unchanged (the manifest is the same, byte for byte)", old.name)
        return
    changed = _changed_files(before, after)
    records = sorted(p.name for p in (old / DELIVERY_DIR).glob("*.json")) if (old / DELIVERY_DIR).is_dir() else []
    if records and not force:
        raise ConfigError(f"{old}: not re-rendered: it was delivered ({', '.join(records)} in "
                          f"{DELIVERY_DIR}/) and the re-render changes {changed}, so it would no "
                          "longer be what was sent; pass --force to re-render it anyway")
    if signer is not None:
        sign_run(new, signer)
        log.info("render %s: changed %s; signed again (%s)", old.name, changed, signer.algorithm)
        return
    if (old / SIGNATURE).is_file() and not force:
        raise ConfigError(f"{old}: not re-rendered: it is signed and the re-render changes {changed}, "
                          "which would void the signature; configure [archive] signing_key_file to "
                          "sign it again, or pass --force to leave it unsigned")
    log.warning("render %s: changed %s; the run is not signed", old.name, changed)


def _changed_files(before: Path, after: Path) -> str:
    """'report.html, data/x.csv' (what differs between two manifests), for messages."""
    def files(path: Path) -> dict[str, Any]:
        try:
            return dict(json.loads(path.read_text(encoding="utf-8"))["files"])
        except (OSError, ValueError, KeyError, TypeError):
            return {}

    old, new = files(before), files(after)
    names = sorted(n for n in set(old) | set(new) if old.get(n) != new.get(n)) or ["manifest.json"]
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def _manifest_metadata(meta: SnapshotMeta, analysis: Analysis | None = None) -> dict[str, object]:
    # No wall-clock time here: re-rendering a run must give the same manifest.
    doc: dict[str, object] = {
        "run_id": meta.run_id, "as_of": meta.to_json()["as_of"], "tool_version": meta.tool_version,
        "config_digest": meta.config_digest, "units": [list(u) for u in meta.units],
        "accounts": sorted({str(u[0]) for u in meta.units}),
        "regions": sorted({str(u[1]) for u in meta.units}),
        "collection_errors": [dict(e) for e in meta.errors], "demo": meta.demo}
    if analysis is not None:
        doc["caller_identities"] = _caller_identities(analysis)
    return doc


def _caller_identities(analysis: Analysis) -> list[dict[str, str]]:
    """Who collected: the STS caller ARN per (account, region), from data/registries."""
    frame = analysis.tables.get("registries")
    if frame is None or "caller_arn" not in frame.columns:
        return []
    rows = frame[["account_id", "region", "caller_arn"]].dropna(subset=["caller_arn"])
    return [{"account_id": str(a), "region": str(r), "caller_arn": str(c)}
            for a, r, c in sorted(set(map(tuple, rows.astype(str).itertuples(index=False))))]
