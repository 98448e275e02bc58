"""The archive index page (`ROOT/index.html`), rendered from plain rows: no file is read here.

jobs/archive_index.py reads the output root and the schedule into `IndexData`; this module turns
it into one self-contained HTML page (inline CSS, no script, no external resource, links relative
to the root so the page works opened from disk). The rows are prepared here (`index_view`) so the
template only lays them out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..formatting import fmt_datetime, fmt_int, fmt_usd, is_missing
from .environment import environment, read_static

SIGNED, UNCHECKED, UNSIGNED, BAD_SIGNATURE = ("signed", "signed, not checked (needs the HMAC key)", "unsigned",
                                               "signature FAILS")


@dataclass(frozen=True)
class RunRow:
    """One run directory under `runs/`, as the index shows it."""

    run_id: str
    state: str
    """complete | tampered | incomplete (a `.partial-` run that never finished)"""
    as_of: datetime | None
    problems: tuple[str, ...] = ()
    """What `verify` found (empty: intact)."""
    signature: str = "unsigned"
    """signed (checked with the run's own public key) | signed, not checked (an HMAC key is
    needed) | unsigned | signature FAILS"""
    delivery: tuple[str, ...] = ()
    """"email: done", "S3 upload: failed", ... from delivery/*.json."""
    summary: dict[str, Any] = field(default_factory=dict)
    links: tuple[tuple[str, str], ...] = ()
    """(label, path relative to ROOT) of the run's files that exist."""


@dataclass(frozen=True)
class Slot:
    """One expected run of the schedule, and the runs that answered it."""

    expected: datetime
    job: str
    runs: tuple[RunRow, ...] = ()


@dataclass(frozen=True)
class Schedule:
    description: str
    """How the expected runs were found: the configured crons, or inferred weekly."""
    slots: tuple[Slot, ...]
    unmatched: tuple[RunRow, ...]
    """Finished runs listed against no expected run (before a truncated schedule's window)."""
    truncated: bool = False


@dataclass(frozen=True)
class IndexData:
    root: str
    generated_at: datetime
    runs: tuple[RunRow, ...]
    schedule: Schedule


def _get(summary: dict[str, Any], *path: str) -> Any:
    value: Any = summary
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _of(scanned: Any, total: Any) -> str:
    if is_missing(scanned) or is_missing(total):
        return "n/a"
    return f"{fmt_int(scanned)} / {fmt_int(total)}"


def _run_cells(run: RunRow) -> dict[str, Any]:
    s = run.summary
    accounts, regions = _get(s, "accounts"), _get(s, "regions")
    errors = _get(s, "completeness", "errors")
    verdict = {"complete": ("intact", "ok"), "tampered": ("FAILS verify", "bad"),
               "incomplete": ("incomplete", "bad")}[run.state]
    return {
        "run_id": run.run_id,
        "as_of": fmt_datetime(run.as_of) if run.as_of else "unknown",
        "scope": (f"{len(accounts)} accounts × {len(regions)} regions"
                  if isinstance(accounts, list) and isinstance(regions, list) else "unknown"),
        "demo": bool(_get(s, "demo")),
        "repositories": _of(_get(s, "coverage", "repositories_scanned"), _get(s, "coverage", "repositories_total")),
        "images": _of(_get(s, "coverage", "images_scanned"), _get(s, "coverage", "images_total")),
        "inspector": fmt_usd(_get(s, "inspector", "estimated_monthly_usd"), missing="n/a"),
        "lifecycle": fmt_usd(_get(s, "lifecycle", "reclaimable_monthly_usd"), missing="n/a"),
        "nat": fmt_usd(_get(s, "pull_through", "nat_savings_monthly_usd"), missing="n/a"),
        "errors": fmt_int(len(errors)) if isinstance(errors, list) else "n/a",
        "verify": verdict[0], "verify_tone": verdict[1],
        "problems": run.problems[:3], "more_problems": max(0, len(run.problems) - 3),
        "signed": run.signature,
        "signed_tone": "bad" if run.signature == BAD_SIGNATURE else ("ok" if run.signature == SIGNED else ""),
        "delivery": run.delivery,
        "links": run.links,
    }


def index_view(data: IndexData) -> dict[str, Any]:
    """What the template shows: counts, then one row per expected run (its runs, or a gap)."""
    schedule = data.schedule
    rows: list[dict[str, Any]] = []
    for run in schedule.unmatched:
        rows.append({"kind": "run", "expected": "not scheduled", "job": "", **_run_cells(run)})
    for slot in schedule.slots:
        expected = fmt_datetime(slot.expected)
        if not slot.runs:
            rows.append({"kind": "gap", "expected": expected, "job": slot.job})
        for n, run in enumerate(slot.runs):
            rows.append({"kind": "run", "expected": expected if n == 0 else "(same slot)", "job": slot.job,
                         **_run_cells(run)})
    incomplete = [_run_cells(r) for r in data.runs if r.state == "incomplete"]
    finished = [r for r in data.runs if r.state != "incomplete"]
    return {
        "root": data.root,
        "generated_at": fmt_datetime(data.generated_at),
        "schedule": schedule.description,
        "truncated": schedule.truncated,
        "rows": rows,
        "incomplete": incomplete,
        "counts": {
            "runs": len(finished),
            "intact": sum(r.state == "complete" for r in finished),
            "tampered": sum(r.state == "tampered" for r in finished),
            "signed": sum(r.signature.startswith("signed") for r in finished),
            "delivered": sum(any(d.endswith(": done") for d in r.delivery) for r in finished),
            "expected": len(schedule.slots),
            "gaps": sum(not s.runs for s in schedule.slots),
            "incomplete": len(incomplete),
        },
    }


def render_index(data: IndexData) -> str:
    """The archive index page, self-contained."""
    env = environment()
    return env.get_template("index.html.j2").render(css=read_static("index.css"), **index_view(data))
