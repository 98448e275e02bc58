"""One full run: resolve what to collect, collect, snapshot, analyse, publish the run directory.

Also `render_run`, which rebuilds a run's outputs from its archived snapshot (`raw/` +
`snapshot.json`) without calling AWS: the same publish step on the same data gives the same
bytes.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import boto3
import botocore.exceptions

from ..reports.analyse import Analysis, analyse
from ..reports.coverage import BasicFindingsScope
from ..reports.snapshot import SnapshotMeta, build_snapshot
from .aws_session import Account, ReadOnlyGuard, SessionFactory
from .collect import CollectOptions, Unit, collect_fleet
from .collect.lifecycle import cross_check_guard
from .config import Config, ConfigError
from .evidence import EvidenceRecorder, load_raw_dir
from .history import read_history
from .plugins import CONCERNS, collectors
from .publish import check_fonts, publish
from .regions import region_problem
from .rundir import SNAPSHOT, RunPaths, new_run_id, write_json, write_manifest
from .settings import analysis_settings
from .signing import load_signer, sign_run

log = logging.getLogger("ecr_report.run")


@dataclass(frozen=True)
class RunOutcome:
    run_dir: Path
    analysis: Analysis

    @property
    def complete(self) -> bool:
        return not self.analysis.snapshot.meta.errors


def tool_version() -> str:
    try:
        return version("ecr-report")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"


def run(config: Config, *, output: Path | None = None, demo: bool = False,
        demo_scale: float = 1, now: datetime | None = None) -> RunOutcome:
    """Collect and publish one run; returns where it was written."""
    as_of = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
    root = Path(output or config.report.output_dir)
    check_output_root(root)  # before collecting: a root that cannot hold runs fails in one line
    scope = BasicFindingsScope(config.collect.basic_findings_newest_per_repository,
                               config.collect.basic_findings_pushed_within_days,
                               config.collect.basic_findings_max_images)
    # Where raw/ goes is known only once the run directory exists, after the caller's
    # identity and the regions are resolved; the recorder flushes earlier calls then.
    recorder = EvidenceRecorder()
    settings = analysis_settings(config)  # reads the files the config names: fail before collecting
    check_fonts(config.report.language, pdf=config.report.pdf)  # a ja PDF needs a Japanese font
    signer = load_signer(config.archive)  # a bad signing key fails now, before collecting
    factory, units = (_demo_setup(recorder, config, demo_scale, as_of) if demo
                      else _aws_setup(recorder, config))

    runs_dir = root / "runs"
    runs_dir.mkdir(parents=True, exist_ok=True)
    paths = RunPaths(root, new_run_id(as_of, runs_dir))
    run_dir = paths.start()
    recorder.write_to(run_dir / "raw")
    log.info("run %s: collecting %d registries", paths.run_id, len(units))

    options = CollectOptions(
        as_of=as_of,
        scope=scope,
        repository_workers=config.aws.repository_workers,
        repository_scan_configuration=config.collect.repository_scan_configuration,
        settings=settings,
        collectors=collectors(),
    )
    collection = collect_fleet(factory, units, options, max_workers=config.aws.max_workers)
    # Earlier runs' headline figures, for the trends: read now and kept in the snapshot, so a
    # re-render of this run shows them as they were (render_run never reads other runs).
    settings = {**settings, "history": read_history(root, paths.run_id, CONCERNS, demo=demo)}
    meta = SnapshotMeta(
        run_id=paths.run_id, as_of=as_of, units=collection.units,
        errors=tuple(e.to_json() for e in collection.errors), tool_version=tool_version(),
        demo=demo, scope=scope, stale_basic_scan_days=config.report.stale_basic_scan_days,
        config_digest=config.digest(), settings=settings,
    )
    write_json(run_dir / SNAPSHOT, meta.to_json())
    analysis = analyse(build_snapshot(meta, collection.calls, CONCERNS), CONCERNS)
    publish(analysis, run_dir, pdf=config.report.pdf)
    write_manifest(run_dir, _manifest_metadata(meta, analysis))
    sign_run(run_dir, signer)  # manifest.sig (+ .pub) when a key is configured
    final = paths.commit()
    log.info("report: %s", final / ("report.pdf" if config.report.pdf else "report.html"))
    return RunOutcome(final, analysis)


def check_output_root(root: Path) -> None:
    """ConfigError (exit 2) when `root`, or the nearest part of it that exists, is not a directory."""
    existing = root
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise ConfigError(f"output {root}: {existing} is not a directory")


def render_run(run_dir: Path, *, pdf: bool = True) -> RunOutcome:
    """Re-render a run from its archived snapshot (no AWS, no clock)."""
    snapshot_path = run_dir / SNAPSHOT
    if not snapshot_path.is_file():
        raise ConfigError(f"{run_dir} is not a run directory (no {SNAPSHOT})")
    try:
        meta = SnapshotMeta.from_json(json.loads(snapshot_path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"{snapshot_path}: unreadable snapshot ({exc})") from None
    check_fonts(str(meta.settings.get("report_language") or "en"), pdf=pdf)
    calls = load_raw_dir(run_dir / "raw")
    analysis = analyse(build_snapshot(meta, calls, CONCERNS), CONCERNS)
    publish(analysis, run_dir, pdf=pdf)
    write_manifest(run_dir, _manifest_metadata(meta, analysis))
    return RunOutcome(run_dir, analysis)


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


def _aws_setup(recorder: EvidenceRecorder, config: Config) -> tuple[SessionFactory, list[Unit]]:
    session = boto3.Session()
    regions = list(config.aws.regions) or ([session.region_name] if session.region_name else [])
    if not regions:
        raise ConfigError("no AWS region: set [aws] regions in the config, or AWS_REGION / AWS_DEFAULT_REGION")
    if not config.aws.regions and (problem := region_problem(regions)):  # configured ones are checked already
        raise ConfigError(f"the session's region (AWS_REGION, AWS_DEFAULT_REGION or the profile): {problem}")
    factory = SessionFactory(recorder, max_attempts=config.aws.max_attempts, base_session=session,
                             guard=_guard(config))
    try:
        caller = factory.identify(regions[0])
    except (botocore.exceptions.NoCredentialsError, botocore.exceptions.PartialCredentialsError) as exc:
        raise ConfigError(f"no usable AWS credentials ({exc}); use --demo to try the tool without AWS") from None
    except botocore.exceptions.ClientError as exc:
        raise ConfigError(f"AWS refused the credentials: {exc}") from None
    except botocore.exceptions.EndpointConnectionError as exc:
        raise ConfigError(f"cannot reach AWS: {exc}") from None
    factory.base_account_id = caller
    accounts = [Account(a.id, None if (a.id == caller and not a.role_arn) else a.role_arn, a.external_id)
                for a in config.aws.accounts] or [Account(caller)]
    units = [Unit(a, a.id or caller, r) for a in accounts for r in regions]
    return factory, units


def _guard(config: Config) -> ReadOnlyGuard:
    # The one non-read call the tool may make, and only when asked: AWS's own lifecycle preview.
    return cross_check_guard() if config.lifecycle.cross_check_aws else ReadOnlyGuard()


def _demo_setup(recorder: EvidenceRecorder, config: Config, scale: float,
                as_of: datetime) -> tuple[SessionFactory, list[Unit]]:
    from .demo import DemoEmulator, build_fleet

    fleet = build_fleet(scale=scale, as_of=as_of)
    factory = SessionFactory(recorder, max_attempts=config.aws.max_attempts,
                             backend=DemoEmulator(fleet), base_account_id=fleet.caller_account)
    accounts = {a: Account(a, None if a == fleet.caller_account else fleet.role_arn(a))
                for a in fleet.accounts}
    units = [Unit(accounts[a], a, r) for a, r in fleet.units]
    return factory, units
