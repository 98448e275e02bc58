"""Read the headline figures of earlier runs, for the report's trends (the first-page sparklines).

This is the only place that looks at *other* runs: the kept `summary.json` of earlier complete
runs in the same output root (`<root>/runs/<run_id>/`, with a manifest, not `.partial-`). The
result is stored in the run's snapshot settings (`settings["history"]`), so the analysis stays
pure and `ecr-report render` of an old run shows the trends as they were, without reading the
directory again.

A summary this version cannot read (not JSON, an older format) is skipped with a log line; a
missing or broken earlier run never stops a run.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any, Sequence

from ..reports.concern import Concern
from ..reports.trends import HISTORY_RUNS, history_entry
from .rundir import MANIFEST, PARTIAL_PREFIX, SUMMARY

log = logging.getLogger("ecr_report.history")


def earlier_runs(root: Path, before: str) -> list[Path]:
    """Complete run directories under `root/runs/` whose run_id sorts before `before`."""
    runs_dir = Path(root) / "runs"
    if not runs_dir.is_dir():
        return []
    try:
        listing = list(runs_dir.iterdir())
    except OSError as exc:
        log.warning("cannot list %s (%s); no trends this run", runs_dir, exc)
        return []
    out = []
    for path in listing:
        name = path.name
        if (not path.is_dir() or name.startswith(PARTIAL_PREFIX) or name.startswith(".")
                or name >= before):
            continue
        if not (path / MANIFEST).is_file():
            log.info("skipping %s (no %s: the run did not finish)", name, MANIFEST)
            continue
        out.append(path)
    return sorted(out, key=lambda p: p.name)


def read_history(root: Path, before: str, concerns: Sequence[Concern], *, demo: bool | None = None,
                 limit: int = HISTORY_RUNS) -> list[dict[str, Any]]:
    """Headline figures of the last `limit` complete runs before `before`, oldest first.

    `demo`: when given, runs of the other kind (demo vs real AWS) are left out, so the emulated
    fleet never shows up in a real fleet's trends.
    """
    entries: list[dict[str, Any]] = []
    for path in reversed(earlier_runs(root, before)):
        if len(entries) >= limit:
            break
        summary_path = path / SUMMARY
        try:
            doc = json.loads(summary_path.read_text(encoding="utf-8"))
            entry = history_entry(doc, concerns)
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            log.warning("skipping %s: unreadable %s (%s)", path.name, SUMMARY, exc)
            continue
        if entry["run_id"] != path.name:
            log.warning("skipping %s: its %s names run %s", path.name, SUMMARY, entry["run_id"])
            continue
        if demo is not None and entry["demo"] != demo:
            log.info("skipping %s (%s run)", path.name, "demo" if entry["demo"] else "real")
            continue
        entries.append(entry)
    entries.reverse()
    return entries
