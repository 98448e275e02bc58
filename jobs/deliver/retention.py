"""Local retention: keep the newest `[archive] keep_runs` finished runs in `<output>/runs/`.

* Finished runs are ordered by run id (sortable by time); the oldest beyond `keep_runs` go.
* A `.partial-` directory is a run that died *or one still being written*: it is removed only
  when nothing in it changed for a day (`PARTIAL_MIN_AGE`), never sooner. (Every `run` also
  removes those before it starts, keep_runs or not: `rundir.remove_stale_partials`.)
* What an interrupted `render` left (`.render-`, `.replaced-`) is recovered first
  (`rundir.recover_runs`) and is never counted as a finished run.
* With `[archive] s3_uri` configured, a run whose upload is not recorded as complete
  (`delivery/s3.json`) is kept whatever its age: local retention never deletes the only copy.
"""

from __future__ import annotations

import logging
import shutil
import time
from pathlib import Path

from ..rundir import STALE_PARTIAL_SECONDS, is_finished_run, recover_runs, remove_stale_partials
from .records import read_record

log = logging.getLogger("ecr_report.deliver.retention")

PARTIAL_MIN_AGE = float(STALE_PARTIAL_SECONDS)


def prune_runs(root: Path, keep_runs: int, *, require_uploaded: bool = False,
               now: float | None = None) -> list[Path]:
    """Delete old runs under `root/runs`; returns what was deleted."""
    runs_dir = root / "runs"
    if not runs_dir.is_dir():
        return []
    now = time.time() if now is None else now
    recover_runs(runs_dir)
    finished = sorted(p for p in runs_dir.iterdir() if p.is_dir() and is_finished_run(p))
    deleted = []
    for run in finished[: max(0, len(finished) - keep_runs)]:
        if require_uploaded and (read_record(run, "s3") or {}).get("status") != "uploaded":
            log.warning("retention: keeping %s: not uploaded to the S3 archive yet", run.name)
            continue
        shutil.rmtree(run)
        deleted.append(run)
    deleted.extend(p for p, _ in remove_stale_partials(runs_dir, now=now, max_age=PARTIAL_MIN_AGE))
    if deleted:
        log.info("retention: removed %d old run(s): %s", len(deleted), ", ".join(p.name for p in deleted))
    return deleted
