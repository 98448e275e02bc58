"""The archive index, `ROOT/index.html`: every run of an output root on one page, against the
schedule it was meant to keep.

An auditor asks two things of an evidence archive: is each run intact (and signed, and was it
delivered), and did the control run every period? This module reads the output root (each run's
summary.json, its manifest check, its delivery records) and the schedule (the configuration's
`[[jobs]]` crons, or a weekly rhythm inferred from the runs), and hands plain rows to the pure
renderer (reports/render/archive_index.py). Nothing here trusts a run: a half-written
(`.partial-`) or tampered run is listed as such, and a run whose files cannot be read at all is
still a row. The page is written atomically beside `runs/`, never inside a run, so it is outside
every manifest and never touches a run's commit or the runs lock.

Checking a run hashes every file in it; the page is rewritten after every run, render and
delivery, so each write reuses what the last one found for runs whose files are unchanged
(`ROOT/.index-cache.json`, a stat cache: jobs/index_cache.py). `ecr-report verify` and `explain`
never use it: they always re-hash.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from ..reports.render.archive_index import (
    BAD_SIGNATURE,
    SIGNED,
    UNCHECKED,
    UNSIGNED,
    IndexData,
    RunRow,
    Schedule,
    Slot,
    render_index,
)
from .index_cache import VerdictCache, fingerprint
from .rundir import DELIVERY_DIR, PARTIAL_PREFIX, SIGNATURE, SUMMARY, is_finished_run, verify_run, write_text_atomic

log = logging.getLogger("ecr_report.archive_index")

INDEX = "index.html"
WEEK = timedelta(days=7)
SIGNATURE_STATES = (SIGNED, UNCHECKED, UNSIGNED, BAD_SIGNATURE)
MAX_SLOTS = 520
"""Expected runs listed at most (ten years of weekly runs); a denser schedule is summarised."""


# --- reading the runs -------------------------------------------------------------------------


def _run_time(run_id: str) -> datetime | None:
    try:
        return datetime.strptime(run_id[:16], "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def _read_summary(run_dir: Path) -> dict[str, Any]:
    try:
        doc = json.loads((run_dir / SUMMARY).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return doc if isinstance(doc, dict) else {}


def _as_of(summary: dict[str, Any], run_id: str) -> datetime | None:
    text = summary.get("as_of")
    if isinstance(text, str):
        try:
            return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)
        except ValueError:
            pass
    return _run_time(run_id)


def _delivery(run_dir: Path) -> tuple[str, ...]:
    out = []
    for channel, done, what in (("email", "sent", "email"), ("s3", "uploaded", "S3 upload")):
        try:
            record = json.loads((run_dir / DELIVERY_DIR / f"{channel}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        status = record.get("status") if isinstance(record, dict) else None
        out.append(f"{what}: {'done' if status == done else status or 'unknown'}")
    return tuple(out)


def _links(root: Path, run_dir: Path) -> tuple[tuple[str, str], ...]:
    wanted = (("report.html", "report.html"), ("report.pdf", "report.pdf"),
              ("summary.json", SUMMARY), ("data/", "data"))
    return tuple((label, (run_dir / name).relative_to(root).as_posix() + ("/" if label.endswith("/") else ""))
                 for label, name in wanted if (run_dir / name).exists())


def read_run(root: Path, run_dir: Path, cache: VerdictCache | None = None) -> RunRow:
    """One run as the index shows it; never raises for a damaged run. With `cache`, a run whose
    files are unchanged since the cache was written is not checked again (index_cache.py)."""
    partial = run_dir.name.startswith(PARTIAL_PREFIX)
    run_id = run_dir.name[len(PARTIAL_PREFIX):] if partial else run_dir.name
    summary = _read_summary(run_dir)
    as_of = _as_of(summary, run_id)
    if partial:  # never cached: it is still being written, or its process died
        return RunRow(run_id, "incomplete", as_of,
                      ("not finished: still being written, or its process died (a .partial- run)",),
                      summary=summary)
    try:
        problems, signature, signature_problems = _check(run_dir, cache)
    except OSError as exc:  # unreadable files: a damaged run is still a row
        problems, signature, signature_problems = [f"cannot be read: {exc.strerror or exc}"], UNSIGNED, []
    problems = problems + signature_problems
    return RunRow(run_id, "tampered" if problems else "complete", as_of, tuple(problems), signature,
                  _delivery(run_dir), summary, _links(root, run_dir))


def _check(run_dir: Path, cache: VerdictCache | None) -> tuple[list[str], str, list[str]]:
    """(manifest problems, signature state, signature problems): from the cache when the run's
    fingerprint is unchanged, else checked (and kept in the cache)."""
    if cache is None:
        return (verify_run(run_dir, signature=False), *_signature(run_dir)[:2])
    if cache.vouched(run_dir.name):
        return ([], *_signature(run_dir)[:2])
    stamp = fingerprint(run_dir)  # before checking: a change made meanwhile shows next time
    name = run_dir.name
    problems = cache.manifest_verdict(name, stamp.fingerprint)
    if problems is None:
        problems = verify_run(run_dir, signature=False)
    cached = cache.signature_verdict(name, stamp.fingerprint, SIGNATURE_STATES)
    signature, signature_problems, keyed = cached or _signature(run_dir)
    cache.store(name, stamp, problems=problems, signature=signature, signature_problems=signature_problems,
                keyed=keyed)
    return problems, signature, signature_problems


def _signature(run_dir: Path) -> tuple[str, list[str], bool]:
    """(state, problems, keyed): an Ed25519 signature is checked with the run's own public key,
    an HMAC one with `ECR_REPORT_HMAC_KEY` when set (else it is listed as not checked, not as
    failing). `keyed`: the verdict may depend on that key (the run has a manifest.sig)."""
    from .signing import check_signature, read_hmac_key

    if not (run_dir / SIGNATURE).is_file():
        problems, _ = check_signature(run_dir)  # a removed signature beside manifest.pub fails
        return (BAD_SIGNATURE if problems else UNSIGNED), problems, False
    problems, _ = check_signature(run_dir, hmac_key=read_hmac_key(None))
    if any("not checked: no key" in p for p in problems):
        return UNCHECKED, [], True
    return (BAD_SIGNATURE if problems else SIGNED), problems, True


def read_runs(root: Path, cache: VerdictCache | None = None) -> list[RunRow]:
    """Every finished or half-written run under `root/runs/`, oldest first."""
    runs_dir = root / "runs"
    if not runs_dir.is_dir():
        return []
    dirs = [p for p in runs_dir.iterdir()
            if p.is_dir() and not p.is_symlink() and (is_finished_run(p) or p.name.startswith(PARTIAL_PREFIX))]
    rows = [read_run(root, d, cache) for d in dirs]
    return sorted(rows, key=lambda r: (r.as_of or datetime.min.replace(tzinfo=timezone.utc), r.run_id))


# --- the schedule -------------------------------------------------------------------------------


def _cron_times(jobs: Sequence[Any], start: datetime, end: datetime) -> list[tuple[datetime, str]]:
    from .cron import cron_trigger

    out: list[tuple[datetime, str]] = []
    for job in jobs:
        trigger = cron_trigger(job.cron, job.timezone)
        previous, now = None, start
        while len(out) <= MAX_SLOTS * 2:
            when = trigger.get_next_fire_time(previous, now)
            if when is None or when.astimezone(timezone.utc) > end:
                break
            out.append((when.astimezone(timezone.utc), job.id))
            previous, now = when, when.astimezone(timezone.utc) + timedelta(seconds=1)
    return sorted(out)


def _weekly_times(first: datetime, end: datetime) -> list[tuple[datetime, str]]:
    out, when = [], first
    while when <= end and len(out) <= MAX_SLOTS * 2:  # an expected run still ahead is no gap
        out.append((when, "weekly"))
        when += WEEK
    return out


def match_schedule(runs: Sequence[RunRow], jobs: Sequence[Any], now: datetime) -> Schedule:
    """The expected runs from the first run to `now`, each with the runs nearest to it.

    Each finished run (intact or not) answers the expected run nearest its as-of time; an
    expected run no run answers is a gap. Without configured jobs the rhythm is weekly from the
    first run. Half-written runs never answer a slot (they did not produce a report)."""
    finished = [r for r in runs if r.state != "incomplete" and r.as_of is not None]
    if not finished:
        return Schedule("no finished run yet", (), ())
    first = finished[0].as_of
    assert first is not None
    # Start half a period early so a run slightly before its fire time still finds its slot.
    if jobs:
        times = _cron_times(jobs, first - timedelta(days=3, hours=12), now)
        crons = "; ".join(f"{j.id}: cron '{j.cron}' ({j.timezone})" for j in jobs)
        description = f"configured [[jobs]]: {crons}"
    else:
        times = _weekly_times(first, now)
        description = "no [[jobs]] configured: weekly from the first run (inferred)"
    truncated = len(times) > MAX_SLOTS
    times = times[-MAX_SLOTS:]
    if not times:
        return Schedule(description, (), tuple(finished))
    answered: dict[int, list[RunRow]] = {}
    unmatched = []
    for run in finished:
        k = min(range(len(times)), key=lambda i: abs((times[i][0] - run.as_of).total_seconds()))  # type: ignore[operator]
        if truncated and k == 0 and run.as_of < times[0][0] - WEEK:  # type: ignore[operator]
            unmatched.append(run)
            continue
        answered.setdefault(k, []).append(run)
    slots = tuple(Slot(when, job, tuple(answered.get(i, ()))) for i, (when, job) in enumerate(times))
    return Schedule(description, slots, tuple(unmatched), truncated)


# --- building and writing -------------------------------------------------------------------------


def build_index(root: Path, *, jobs: Iterable[Any] = (), now: datetime | None = None,
                cache: VerdictCache | None = None) -> IndexData:
    """The page's data; without `cache` every run is checked (hashed) again."""
    root = Path(root)
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
    runs = tuple(read_runs(root, cache))
    return IndexData(str(root), now, runs, match_schedule(runs, list(jobs), now))


def write_index(root: Path, *, jobs: Iterable[Any] = (), now: datetime | None = None,
                use_cache: bool = True, written: str | None = None) -> Path:
    """Write `root/index.html` atomically (temporary file in `root`, then rename), then the
    verification cache beside it (`root/.index-cache.json`, index_cache.py) unless `use_cache`
    is false (every run is then checked, and the cache file is left as it is)."""
    from .signing import read_hmac_key

    root = Path(root)
    cache = VerdictCache.load(root, hmac_key=read_hmac_key(None)) if use_cache else None
    if cache is not None and written is not None:
        cache.vouch(written)  # see refresh_index
    page = render_index(build_index(root, jobs=jobs, now=now, cache=cache))
    root.mkdir(parents=True, exist_ok=True)
    write_text_atomic(root / INDEX, page)
    if cache is not None:
        cache.save(root)
    return root / INDEX


def refresh_index(root: Path, config: Any = None, *, written: str | None = None) -> None:
    """`write_index` after a run, a render or a delivery: the index is a view of the root, so a
    failure to write it is logged and never fails the command that changed the root.

    `written`: the run this command has just written, its manifest hashed from the files
    themselves a moment ago; the index takes its manifest check from there instead of hashing
    every file again (its signature is still checked). Its verdict is not cached (the run is
    too fresh: see index_cache.py), so the next index checks it in full."""
    jobs = list(getattr(config, "jobs", None) or ())
    try:
        write_index(root, jobs=jobs, written=written)
    except Exception as exc:  # noqa: BLE001 - the run is written; the index can be rebuilt with `index`
        log.warning("%s: archive index not updated (%s); `ecr-report index %s` rebuilds it",
                    Path(root) / INDEX, exc, root)


def index_command(root: Path, config_file: Path | None = None, *, now: datetime | None = None) -> Path:
    """`ecr-report index ROOT`: the schedule from the configuration (`./ecr-report.toml` when no
    file is named and it exists), then the page. A root without `runs/` is bad input (exit 2)."""
    from .config import load_config
    from .errors import ConfigError

    root = Path(root)
    if not (root / "runs").is_dir():
        raise ConfigError(f"{root}: not an output root (no runs/ directory in it)")
    config = load_config(config_file)
    try:
        return write_index(root, jobs=config.jobs, now=now)
    except OSError as exc:
        raise ConfigError(f"{root / INDEX}: cannot write ({exc.strerror or exc})") from None
