"""`ecr-report schedule`: the long-running scheduler (APScheduler 3.x).

* Jobs come from `[[jobs]]` (id, five-field cron, time zone, command `run` | `collect`); the cron
  line means what cron means (see `cron.py`: day of month *or* day of week, daylight saving time).
* The job store is SQLite (`<output>/scheduler.sqlite`), so a restart neither loses nor doubles
  a run: at start-up a configured job whose definition is unchanged keeps its *stored* next run
  time, so a run that fell due while the scheduler was down runs once on restart (when it is
  late by at most the job's `misfire_grace_seconds`; later than that it is logged as missed).
  `coalesce=True`: several missed runs become one. `max_instances=1`: a run that is still going
  when the next one falls due makes that one wait (and be logged as skipped), never overlap.
  APScheduler advances the stored next run time when it starts a run, so a crash during a run
  does not repeat it on restart (at most once; the `.partial-` run directory says it died).
* A changed job definition replaces the stored job; a job no longer configured is removed.
* A file lock (`<output>/scheduler.lock`) refuses a second scheduler on the same output
  directory (exit 2, one line).
* SIGTERM / SIGINT stop scheduling; a run in progress is allowed to finish, then exit 0.

The scheduled callable is `execute_job` referenced by name (the store holds no code), which
re-reads the configuration file at each run and dispatches through `COMMANDS`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import signal
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable
from zoneinfo import ZoneInfo

from .config import ConfigError
from .cron import cron_trigger

log = logging.getLogger("ecr_report.scheduler")

STORE_FILE = "scheduler.sqlite"
LOCK_FILE = "scheduler.lock"
JOB_FUNC = "ecr_report.jobs.scheduler:execute_job"
CRON_SEMANTICS = 2
"""Part of each job's definition digest: a job stored under an earlier meaning of its cron line
(1: day of month *and* day of week, twice in a repeated hour) is rescheduled, not kept."""


class SchedulerAlreadyRunning(ConfigError):
    """Another scheduler holds the lock on this output directory."""


# -- jobs ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class JobSpec:
    id: str
    command: str
    cron: str
    timezone: str
    trigger: Any
    misfire_grace_seconds: int
    kwargs: dict[str, Any]
    """execute_job's arguments, including `spec` (the definition's digest)."""


def job_specs(config: Any, *, config_file: Path | None, output: Path,
              trigger_factory: Callable[[Any], Any] | None = None) -> list[JobSpec]:
    specs = []
    for job in config.jobs:
        trigger = trigger_factory(job) if trigger_factory else cron_trigger(job.cron, job.timezone)
        kwargs = {"job_id": job.id, "command": job.command,
                  "config_file": str(config_file) if config_file else None,
                  "output": str(output), "deliver": job.deliver}
        definition = {**kwargs, "cron": job.cron, "timezone": job.timezone,
                      "misfire_grace_seconds": job.misfire_grace_seconds,
                      "semantics": CRON_SEMANTICS}
        kwargs["spec"] = hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()[:16]
        specs.append(JobSpec(job.id, job.command, job.cron, job.timezone, trigger,
                             job.misfire_grace_seconds, kwargs))
    return specs


def _store_url(output: Path) -> str:
    return f"sqlite:///{(output / STORE_FILE).resolve()}"


def build_scheduler(config: Any, *, output: Path, config_file: Path | None = None,
                    scheduler_cls: type | None = None,
                    trigger_factory: Callable[[Any], Any] | None = None) -> Any:
    """A scheduler with the persistent store reconciled against the configured jobs."""
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.blocking import BlockingScheduler

    output.mkdir(parents=True, exist_ok=True)
    store = SQLAlchemyJobStore(url=_store_url(output))
    scheduler = (scheduler_cls or BlockingScheduler)(
        jobstores={"default": store},
        executors={"default": ThreadPoolExecutor(max_workers=4)},
        job_defaults={"coalesce": True, "max_instances": 1},
        timezone=timezone.utc,
    )
    specs = job_specs(config, config_file=config_file, output=output, trigger_factory=trigger_factory)
    store.start(scheduler, "default")  # read what a previous scheduler left (start() re-opens it)
    stored = {job.id: job for job in store.get_all_jobs()}
    wanted = {spec.id for spec in specs}
    for job_id in sorted(set(stored) - wanted):
        log.info("job %s: no longer configured; removed from the store", job_id)
        store.remove_job(job_id)
    for spec in specs:
        old = stored.get(spec.id)
        if old is not None and old.func_ref == JOB_FUNC and old.kwargs.get("spec") == spec.kwargs["spec"]:
            log.info("job %s: unchanged; next run %s", spec.id, _fmt(old.next_run_time, spec.timezone))
            continue
        if old is not None:
            log.info("job %s: definition changed; rescheduled", spec.id)
            store.remove_job(spec.id)
        scheduler.add_job(JOB_FUNC, trigger=spec.trigger, id=spec.id, name=spec.id, kwargs=spec.kwargs,
                          misfire_grace_time=spec.misfire_grace_seconds, coalesce=True,
                          max_instances=1, replace_existing=True)
    return scheduler


def _fmt(when: datetime | None, zone: str) -> str:
    if when is None:
        return "never (paused)"
    return _local(when, zone).isoformat()


def _local(when: datetime, zone: str) -> datetime:
    """`when` as the wall time of `zone`. Through UTC: APScheduler may hand back a time that does
    not exist (02:30 in the hour skipped when daylight saving time starts) with the offset it
    was read with, and `astimezone` to the same zone would keep that wall time as it is."""
    return when.astimezone(timezone.utc).astimezone(ZoneInfo(zone))


def next_runs(config: Any, *, output: Path, config_file: Path | None = None,
              now: datetime | None = None) -> list[tuple[str, datetime | None, str]]:
    """(job id, next run time in the job's own zone, zone) for `schedule --list`.

    The stored next run time when a scheduler has run with the same definition (it may be a
    pending catch-up run), else the trigger's next fire time from now.
    """
    now = now or datetime.now(timezone.utc)
    stored: dict[str, Any] = {}
    if (output / STORE_FILE).is_file():
        from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
        from apscheduler.schedulers.background import BackgroundScheduler

        store = SQLAlchemyJobStore(url=_store_url(output))
        store.start(BackgroundScheduler(timezone=timezone.utc), "default")
        try:
            stored = {job.id: job for job in store.get_all_jobs()}
        finally:
            store.shutdown()
    rows = []
    for spec in job_specs(config, config_file=config_file, output=output):
        old = stored.get(spec.id)
        if old is not None and old.kwargs.get("spec") == spec.kwargs["spec"]:
            when = old.next_run_time
        else:
            when = spec.trigger.get_next_fire_time(None, now)
        rows.append((spec.id, None if when is None else _local(when, spec.timezone), spec.timezone))
    return rows


# -- what a job does ----------------------------------------------------------------------------

def _command_run(config: Any, output: Path, *, deliver: bool) -> int:
    from .deliver import after_run
    from .run import run

    outcome = run(config, output=output)
    code = 0 if outcome.complete else 3
    log.info("run %s written (%s)", outcome.run_dir, "complete" if code == 0 else "incomplete data")
    result = after_run(outcome.run_dir, config, deliver=deliver)
    return result.exit_code or code


def _command_collect(config: Any, output: Path, *, deliver: bool) -> int:
    from .deliver import after_run
    from .run import run

    # Collection for trends: the data, summary and HTML, no PDF and never delivered.
    config = config.model_copy(update={"report": config.report.model_copy(update={"pdf": False})})
    outcome = run(config, output=output)
    log.info("collection %s written", outcome.run_dir)
    after_run(outcome.run_dir, config, deliver=False)
    return 0 if outcome.complete else 3


COMMANDS: dict[str, Callable[..., int]] = {"run": _command_run, "collect": _command_collect}
"""command name -> function(config, output, *, deliver) -> exit code."""


class JobFailed(RuntimeError):
    pass


def execute_job(job_id: str, command: str, config_file: str | None, output: str,
                deliver: bool = True, spec: str | None = None) -> int:
    """What the scheduler runs: re-read the configuration, then the job's command."""
    from .config import load_config

    log.info("job %s: starting %s", job_id, command)
    config = load_config(Path(config_file) if config_file else None)
    code = COMMANDS[command](config, Path(output), deliver=deliver)
    if code in (0, 3):
        log.info("job %s: finished (exit %d)", job_id, code)
        return code
    log.error("job %s: failed (exit %d)", job_id, code)
    raise JobFailed(f"job {job_id}: {command} exited {code}")


# -- serving ------------------------------------------------------------------------------------

def acquire_lock(output: Path) -> Any:
    from filelock import FileLock, Timeout

    output.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(output / LOCK_FILE))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise SchedulerAlreadyRunning(
            f"another scheduler is already running on {output} (lock {output / LOCK_FILE} is held)") from None
    return lock


def serve(config: Any, *, output: Path, config_file: Path | None = None) -> int:
    """Run the scheduler until SIGTERM / SIGINT."""
    if not config.jobs:
        raise ConfigError("no [[jobs]] in the configuration: nothing to schedule")
    lock = acquire_lock(output)
    try:
        scheduler = build_scheduler(config, output=output, config_file=config_file)
        stopper: list[threading.Thread] = []

        def stop(signum: int, _frame: Any) -> None:
            if stopper:
                return
            log.info("%s: stopping; a run in progress finishes first", signal.Signals(signum).name)
            # Not in the handler itself: shutdown(wait=True) blocks until running jobs end.
            stopper.append(threading.Thread(target=scheduler.shutdown, kwargs={"wait": True},
                                            name="ecr-report-shutdown", daemon=True))
            stopper[0].start()

        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, stop)
            signal.signal(signal.SIGINT, stop)
        for spec in job_specs(config, config_file=config_file, output=output):
            log.info("job %s: %s %r (%s)", spec.id, spec.command, spec.cron, spec.timezone)
        log.info("scheduler started on %s", output)
        scheduler.start()  # blocks until shutdown
        for thread in stopper:
            thread.join()  # the lock is held until running jobs have finished
        log.info("scheduler stopped")
        return 0
    finally:
        lock.release()
