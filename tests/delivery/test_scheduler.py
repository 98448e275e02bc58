"""The scheduler: cron semantics, a persistent store across restarts, the lock, SIGTERM, --list,
and the real wiring job -> execute_job -> command."""

from __future__ import annotations

import functools
import json
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from ecr_report.jobs import scheduler as sched
from ecr_report.jobs.config import ConfigError, load_config
from ecr_report.jobs.cron import cron_trigger


def _config(tmp_path: Path, jobs: str, extra: str = "") -> Path:
    path = tmp_path / "ecr-report.toml"
    path.write_text(extra + jobs)
    return path


TICK = '[[jobs]]\nid = "tick"\ncron = "* * * * *"\nmisfire_grace_seconds = 30\n'


@pytest.mark.parametrize("cron, after, expected", [
    # 2026-11-29 is a Sunday. Cron numbers days from Sunday = 0 (7 too); APScheduler from Monday.
    ("0 8 * * 1", "2026-11-29T00:00:00+09:00", "2026-11-30T08:00:00+09:00"),
    ("0 8 * * MON", "2026-11-29T00:00:00+09:00", "2026-11-30T08:00:00+09:00"),
    ("0 8 * * 0", "2026-11-23T00:00:00+09:00", "2026-11-29T08:00:00+09:00"),
    ("0 8 * * 7", "2026-11-23T00:00:00+09:00", "2026-11-29T08:00:00+09:00"),
    ("0 8 * * 6-7", "2026-11-23T00:00:00+09:00", "2026-11-28T08:00:00+09:00"),
    ("0 8 * * 1-5", "2026-11-28T00:00:00+09:00", "2026-11-30T08:00:00+09:00"),
    ("0 8 * * */3", "2026-11-30T09:00:00+09:00", "2026-12-02T08:00:00+09:00"),  # sun, wed, sat
])
def test_cron_day_of_week_means_what_cron_means(cron, after, expected):
    trigger = cron_trigger(cron, "Asia/Tokyo")
    got = trigger.get_next_fire_time(None, datetime.fromisoformat(after))
    assert got.isoformat() == expected


@pytest.mark.parametrize("text, reason", [
    ('[[jobs]]\nid = "x"\ncron = "0 8 * *"\n', "expected 5 fields"),
    ('[[jobs]]\nid = "x"\ncron = "0 8 * * 9"\n', "out of range"),
    ('[[jobs]]\nid = "x"\ncron = "0 8 * * 1"\ntimezone = "Mars/Olympus"\n', "unknown time zone"),
    ('[[jobs]]\nid = "x"\ncron = "0 8 * * 1"\n[[jobs]]\nid = "x"\ncron = "0 9 * * 1"\n', "unique"),
])
def test_bad_jobs_are_config_errors(tmp_path, text, reason):
    with pytest.raises(ConfigError, match=reason):
        load_config(_config(tmp_path, text), env={})


def _run_until(scheduler, executed: list, count: int, timeout: float = 20) -> None:
    thread = threading.Thread(target=scheduler.start, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while len(executed) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    scheduler.shutdown(wait=True)
    thread.join(10)
    assert not thread.is_alive()


def test_a_restart_neither_loses_nor_doubles_a_run(tmp_path, monkeypatch):
    from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED
    from apscheduler.triggers.interval import IntervalTrigger

    calls: list[str] = []
    monkeypatch.setitem(sched.COMMANDS, "run", lambda config, output, deliver: calls.append(str(output)) or 0)
    config_file = _config(tmp_path, TICK)
    config = load_config(config_file, env={})
    output = tmp_path / "out"
    def every_second(job):  # a test-only trigger
        return IntervalTrigger(seconds=1, timezone=timezone.utc)

    events: list[tuple[int, datetime]] = []

    def build():
        scheduler = sched.build_scheduler(config, output=output, config_file=config_file,
                                          trigger_factory=every_second)
        scheduler.add_listener(lambda e: events.append((e.code, e.scheduled_run_time)),
                               EVENT_JOB_EXECUTED | EVENT_JOB_MISSED | EVENT_JOB_ERROR)
        return scheduler

    first = build()
    executed = events  # shared list
    _run_until(first, executed, 3)
    phase1 = [t for code, t in events if code == EVENT_JOB_EXECUTED]
    stopped = datetime.now(timezone.utc)

    time.sleep(2.5)  # down: ~2 runs fall due while nobody is there

    restarted = datetime.now(timezone.utc)
    second = build()
    _run_until(second, executed, len(events) + 3)
    phase2 = [t for code, t in events if code == EVENT_JOB_EXECUTED][len(phase1):]

    assert [code for code, _ in events] == [EVENT_JOB_EXECUTED] * len(events)  # nothing missed or failed
    times = phase1 + phase2
    assert len(set(times)) == len(times) == len(calls)  # no run twice
    assert times == sorted(times)
    assert all(b - a == timedelta(seconds=1) for a, b in zip(phase1, phase1[1:]))
    # The runs that fell due while the scheduler was down were not lost: exactly one
    # (coalesced) catch-up run, scheduled for a time in the gap, ran right after the restart.
    catch_up = [t for t in phase2 if t < restarted]
    assert len(catch_up) == 1 and phase1[-1] < catch_up[0] and catch_up[0] > stopped - timedelta(seconds=1)
    assert all(t >= restarted for t in phase2[1:])
    assert calls == [str(output)] * len(times)


def test_the_store_follows_the_configuration(tmp_path):
    from apscheduler.schedulers.background import BackgroundScheduler

    two = TICK + '[[jobs]]\nid = "weekly"\ncron = "0 8 * * 1"\ntimezone = "Asia/Tokyo"\n'
    output = tmp_path / "out"
    config = load_config(_config(tmp_path, two), env={})
    s = sched.build_scheduler(config, output=output, scheduler_cls=BackgroundScheduler)
    s.start(paused=True)
    assert {j.id: j.func_ref for j in s.get_jobs()} == {"tick": sched.JOB_FUNC, "weekly": sched.JOB_FUNC}
    weekly_next = s.get_job("weekly").next_run_time
    s.shutdown()

    changed = '[[jobs]]\nid = "weekly"\ncron = "0 9 * * 1"\ntimezone = "Asia/Tokyo"\n'
    config = load_config(_config(tmp_path, changed), env={})
    s = sched.build_scheduler(config, output=output, scheduler_cls=BackgroundScheduler)
    s.start(paused=True)
    assert [j.id for j in s.get_jobs()] == ["weekly"]  # tick removed
    # Rescheduled to the new cron: the next Monday 09:00 in Tokyo. (Not "weekly_next + 1 hour":
    # between 08:00 and 09:00 on a Monday in Tokyo the new time is still today, the old one next week.)
    rescheduled = s.get_job("weekly").next_run_time
    assert (rescheduled.weekday(), rescheduled.hour, rescheduled.minute) == (0, 9, 0)
    assert timedelta(0) < rescheduled - datetime.now(rescheduled.tzinfo) <= timedelta(days=7)
    assert (weekly_next.weekday(), weekly_next.hour) == (0, 8)
    s.shutdown()


def test_list_prints_next_run_times_in_each_jobs_zone(tmp_path):
    two = TICK + '[[jobs]]\nid = "weekly-report"\ncron = "0 8 * * MON"\ntimezone = "Asia/Tokyo"\n'
    result = subprocess.run([sys.executable, "-m", "ecr_report.jobs.cli", "schedule", "--list",
                             "--config", str(_config(tmp_path, two)), "--output", str(tmp_path / "out")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    rows = dict((line.split("\t")[0], line.split("\t")[1:]) for line in result.stdout.splitlines())
    when, zone = rows["weekly-report"]
    assert zone == "Asia/Tokyo" and when.endswith("T08:00:00+09:00")
    assert datetime.fromisoformat(when).weekday() == 0
    assert rows["tick"][1] == "UTC"


def test_a_second_scheduler_refuses_and_sigterm_stops_cleanly(tmp_path):
    config = _config(tmp_path, '[[jobs]]\nid = "weekly"\ncron = "0 8 * * 1"\n')
    cmd = [sys.executable, "-m", "ecr_report.jobs.cli", "schedule", "--config", str(config),
           "--output", str(tmp_path / "out")]
    first = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not (tmp_path / "out" / "scheduler.sqlite").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)
        second = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        assert second.returncode == 2
        assert "another scheduler is already running" in second.stderr
        assert len(second.stderr.strip().splitlines()) == 1 and "Traceback" not in second.stderr
    finally:
        first.send_signal(signal.SIGTERM)
        out, err = first.communicate(timeout=30)
    assert first.returncode == 0, err
    assert "SIGTERM: stopping" in err and "scheduler stopped" in err
    # and the lock is free again
    with pytest.raises(ConfigError, match="nothing to schedule"):
        sched.serve(load_config(_config(tmp_path, ""), env={}), output=tmp_path / "out")
    sched.acquire_lock(tmp_path / "out").release()


def test_the_lock_in_process(tmp_path):
    lock = sched.acquire_lock(tmp_path)
    try:
        with pytest.raises(sched.SchedulerAlreadyRunning):
            sched.acquire_lock(tmp_path)
    finally:
        lock.release()


# -- the real wiring: a stored job calls execute_job, which runs the command --------------------

def test_execute_job_runs_signs_delivers_and_prunes(tmp_path, monkeypatch, smtp_server, signing_key):
    from ecr_report.jobs import run as run_module

    host, port, inbox = smtp_server
    monkeypatch.setattr(run_module, "run", functools.partial(run_module.run, demo=True))  # no AWS here
    extra = (f'[email]\nsmtp_host = "{host}"\nsmtp_port = {port}\nstarttls = false\n'
             f'sender = "ecr-report@example.com"\nrecipients = ["leads@example.com"]\n'
             f'[archive]\nkeep_runs = 1\nsigning_key_file = "{signing_key}"\n')
    config_file = _config(tmp_path, '[[jobs]]\nid = "weekly"\ncron = "0 8 * * 1"\n'
                                    '[[jobs]]\nid = "daily"\ncron = "0 2 * * *"\ncommand = "collect"\n', extra)
    output = tmp_path / "out"
    spec = {s.id: s for s in sched.job_specs(load_config(config_file, env={}), config_file=config_file,
                                             output=output)}
    assert sched.execute_job(**spec["weekly"].kwargs) == 0
    (run_dir,) = (output / "runs").iterdir()
    assert (run_dir / "report.pdf").is_file() and (run_dir / "manifest.sig").is_file()
    assert json.loads((run_dir / "delivery" / "email.json").read_text())["status"] == "sent"
    assert len(inbox.envelopes) == 1

    time.sleep(1.1)  # a new run id
    assert sched.execute_job(**spec["daily"].kwargs) == 0
    (collected,) = (output / "runs").iterdir()  # keep_runs = 1 pruned the weekly run
    assert collected != run_dir and not (collected / "report.pdf").exists()
    assert not (collected / "delivery").exists() and len(inbox.envelopes) == 1  # collect never emails


# -- cron's day rule and daylight saving time: what --list shows is what runs --------------------

UTC = timezone.utc


@pytest.mark.parametrize("cron, zone, after, expected", [
    # Both day fields restricted: the 1st of the month *or* a Monday (cron's rule), not
    # "the next 1st that is a Monday" (2027-02-01).
    ("0 0 1 * 1", "UTC", "2026-12-06T00:00:00+00:00", "2026-12-07T00:00:00+00:00"),  # a Monday
    ("0 0 1 * 1", "UTC", "2027-03-30T00:00:00+00:00", "2027-04-01T00:00:00+00:00"),  # a Thursday
    ("0 0 1 * MON", "UTC", "2027-03-30T00:00:00+00:00", "2027-04-01T00:00:00+00:00"),
    ("0 0 1,15 * 0", "UTC", "2027-04-02T00:00:00+00:00", "2027-04-04T00:00:00+00:00"),  # a Sunday
    # One field starts with "*": both must match (Vixie cron, cronie): a Monday the 1st/11th/21st/31st.
    ("0 0 */10 * 1", "UTC", "2027-03-30T00:00:00+00:00", "2027-05-31T00:00:00+00:00"),
    ("0 0 1 * *", "UTC", "2027-03-30T00:00:00+00:00", "2027-04-01T00:00:00+00:00"),
    ("0 0 * * 1", "UTC", "2027-03-30T00:00:00+00:00", "2027-04-05T00:00:00+00:00"),
    # 02:30 does not exist on 2027-03-14 in New York (02:00 EST -> 03:00 EDT): it runs at 03:30 EDT.
    ("30 2 14 3 *", "America/New_York", "2027-01-01T00:00:00+00:00", "2027-03-14T03:30:00-04:00"),
    ("30 2 * * *", "America/New_York", "2027-03-14T00:00:00-05:00", "2027-03-14T03:30:00-04:00"),
    # 01:30 happens twice on 2027-11-07 (EDT, then EST): a fixed-time job runs at the first only.
    ("30 1 7 11 *", "America/New_York", "2027-11-07T01:00:00-04:00", "2027-11-07T01:30:00-04:00"),
    ("30 1 7 11 *", "America/New_York", "2027-11-07T01:31:00-04:00", "2028-11-07T01:30:00-05:00"),
    ("30 1 * * *", "America/New_York", "2027-11-07T01:31:00-04:00", "2027-11-08T01:30:00-05:00"),
    # ... a job with "*" in its minute or hour field runs in both hours, as in cron.
    ("*/30 1 7 11 *", "America/New_York", "2027-11-07T01:31:00-04:00", "2027-11-07T01:00:00-05:00"),
    ("30 * 7 11 *", "America/New_York", "2027-11-07T01:31:00-04:00", "2027-11-07T01:30:00-05:00"),
])
def test_listed_next_run_follows_cron(tmp_path, cron, zone, after, expected):
    config = load_config(_config(tmp_path, f'[[jobs]]\nid = "j"\ncron = "{cron}"\ntimezone = "{zone}"\n'),
                         env={})
    ((job_id, when, listed_zone),) = sched.next_runs(config, output=tmp_path / "out",
                                                     now=datetime.fromisoformat(after))
    assert (job_id, listed_zone) == ("j", zone)
    assert when.isoformat() == expected


class _FastClock:
    """The scheduler's clock (APScheduler reads `datetime.now` in these two modules) starting at
    `start` and running `speed` times faster than the wall clock. Everything else is the real
    scheduler: the job store, the trigger, the executor and its misfire check."""

    def __init__(self, monkeypatch, start: datetime, speed: float):
        import apscheduler.executors.base as executor_base
        import apscheduler.schedulers.base as scheduler_base

        t0 = time.monotonic()

        class Clock(datetime):
            @classmethod
            def now(cls, tz=None):
                return (start + timedelta(seconds=(time.monotonic() - t0) * speed)).astimezone(tz)

        self.now = Clock.now
        for module in (scheduler_base, executor_base):
            monkeypatch.setattr(module, "datetime", Clock)


def _fired(tmp_path, monkeypatch, jobs: str, start: str, end: str, speed: float) -> dict[str, list]:
    """Run the real scheduler from `start` to `end` (scheduler time); what each job ran at."""
    from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_MISSED
    from apscheduler.schedulers.background import BackgroundScheduler

    monkeypatch.setitem(sched.COMMANDS, "run", lambda config, output, deliver: 0)
    config_file = _config(tmp_path, jobs)
    config = load_config(config_file, env={})
    clock = _FastClock(monkeypatch, datetime.fromisoformat(start), speed)
    scheduler = sched.build_scheduler(config, output=tmp_path / f"out-{start[:10]}", config_file=config_file,
                                      scheduler_cls=BackgroundScheduler)
    events: list = []
    scheduler.add_listener(lambda e: events.append(e), EVENT_JOB_EXECUTED | EVENT_JOB_MISSED | EVENT_JOB_ERROR)
    scheduler.start()
    try:
        while clock.now(UTC) < datetime.fromisoformat(end):
            scheduler.wakeup()  # the clock runs fast: look at the jobs often
            time.sleep(0.005)
    finally:
        scheduler.shutdown(wait=True)
    assert {e.code for e in events} <= {EVENT_JOB_EXECUTED}, events  # none missed or failed
    fired: dict[str, list] = {}
    for e in events:
        fired.setdefault(e.job_id, []).append(e.scheduled_run_time.astimezone(UTC))
    return fired


def _listed(tmp_path, jobs: str, now: str) -> dict[str, datetime]:
    config = load_config(_config(tmp_path, jobs), env={})
    return {job_id: when for job_id, when, _ in sched.next_runs(config, output=tmp_path / "listed",
                                                                now=datetime.fromisoformat(now))}


def test_day_of_month_or_day_of_week_fires_on_either(tmp_path, monkeypatch):
    jobs = '[[jobs]]\nid = "first-or-monday"\ncron = "0 0 1 * 1"\nmisfire_grace_seconds = 86400\n'
    start, end = "2027-03-25T00:00:00+00:00", "2027-04-13T00:00:00+00:00"
    listed = _listed(tmp_path, jobs, start)
    fired = _fired(tmp_path, monkeypatch, jobs, start, end, speed=400_000)
    # Mondays 29 March, 5 and 12 April, and Thursday 1 April.
    assert [t.date().isoformat() for t in fired["first-or-monday"]] == [
        "2027-03-29", "2027-04-01", "2027-04-05", "2027-04-12"]
    assert all(t.time().isoformat() == "00:00:00" for t in fired["first-or-monday"])
    assert listed["first-or-monday"] == fired["first-or-monday"][0]


def test_daylight_saving_time_gap_and_repeated_hour_as_listed(tmp_path, monkeypatch):
    ny = 'timezone = "America/New_York"\n'
    jobs = (f'[[jobs]]\nid = "in-gap"\ncron = "30 2 14 3 *"\n{ny}'
            f'[[jobs]]\nid = "daily-0230"\ncron = "30 2 * * *"\n{ny}'
            f'[[jobs]]\nid = "in-repeat"\ncron = "30 1 7 11 *"\n{ny}'
            f'[[jobs]]\nid = "half-hourly-01"\ncron = "*/30 1 7 11 *"\n{ny}')
    # Spring forward: 2027-03-14 02:00 EST -> 03:00 EDT (07:00Z).
    start = "2027-03-13T12:00:00+00:00"
    listed = _listed(tmp_path, jobs, start)
    fired = _fired(tmp_path, monkeypatch, jobs, start, "2027-03-15T12:00:00+00:00", speed=40_000)
    assert listed["in-gap"].isoformat() == "2027-03-14T03:30:00-04:00"
    assert fired["in-gap"] == [datetime(2027, 3, 14, 7, 30, tzinfo=UTC)]  # once, at 03:30 EDT
    assert fired["daily-0230"] == [datetime(2027, 3, 14, 7, 30, tzinfo=UTC),   # 03:30 EDT
                                   datetime(2027, 3, 15, 6, 30, tzinfo=UTC)]   # 02:30 EDT
    assert listed["daily-0230"] == fired["daily-0230"][0]

    # Fall back: 2027-11-07 02:00 EDT -> 01:00 EST (06:00Z); 01:00-01:59 happens twice.
    start = "2027-11-07T03:00:00+00:00"
    listed = _listed(tmp_path, jobs, start)
    fired = _fired(tmp_path, monkeypatch, jobs, start, "2027-11-07T09:00:00+00:00", speed=3_600)
    assert listed["in-repeat"].isoformat() == "2027-11-07T01:30:00-04:00"
    assert fired["in-repeat"] == [datetime(2027, 11, 7, 5, 30, tzinfo=UTC)]  # once: 01:30 EDT
    assert fired["half-hourly-01"] == [datetime(2027, 11, 7, h, m, tzinfo=UTC)  # both 01:00-01:59
                                       for h, m in ((5, 0), (5, 30), (6, 0), (6, 30))]


def test_a_job_stored_under_the_old_day_rule_is_rescheduled(tmp_path, monkeypatch, caplog):
    """A store written before cron's day rule (day of month *and* day of week) held the next
    1st that is a Monday; the same cron line now means the 1st or any Monday."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.cron import CronTrigger

    jobs = '[[jobs]]\nid = "first-or-monday"\ncron = "0 0 1 * 1"\n'
    config = load_config(_config(tmp_path, jobs), env={})
    output = tmp_path / "out"
    with monkeypatch.context() as old:
        old.setattr(sched, "CRON_SEMANTICS", 1)
        old.setattr(sched, "cron_trigger", lambda cron, zone: CronTrigger(
            minute="0", hour="0", day="1", day_of_week="mon", timezone=UTC))
        s = sched.build_scheduler(config, output=output, scheduler_cls=BackgroundScheduler)
        s.start(paused=True)
        stored = s.get_job("first-or-monday").next_run_time
        s.shutdown()
    assert stored.day == 1 and stored.weekday() == 0  # the old meaning, kept in the store

    ((_, listed, _),) = sched.next_runs(config, output=output)
    caplog.set_level("INFO", logger="ecr_report.scheduler")
    s = sched.build_scheduler(config, output=output, scheduler_cls=BackgroundScheduler)
    s.start(paused=True)
    rescheduled = s.get_job("first-or-monday").next_run_time
    s.shutdown()
    assert "job first-or-monday: definition changed; rescheduled" in caplog.text
    assert rescheduled == listed <= stored
    assert rescheduled.day == 1 or rescheduled.weekday() == 0
    assert rescheduled - datetime.now(UTC) <= timedelta(days=7)
