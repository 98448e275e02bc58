"""Delivery: what happens to a finished run directory after it is written.

* `email` (the weekly email, SMTP or SES), `archive` (S3 upload with Object Lock),
  `retention` (local `keep_runs`), `records` (`delivery/*.json`, outside the manifest).

When: `ecr-report run` writes (and signs) a run and applies local retention; it emails and
uploads only with `--deliver`. `ecr-report deliver RUN_DIR` (re-)delivers an existing run,
idempotently. Scheduled `run` jobs deliver (their `deliver = true` default). A run is always
kept when delivery fails; the exit code is then 4.

Every module here touches the network or the file system; clients that write (SES, S3) are
made with a plain `boto3.Session()`, never the read-only collection factory.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config import ConfigError
from .archive import UploadOutcome, upload_run
from .email import EmailOutcome, deliver_email
from .retention import prune_runs

log = logging.getLogger("ecr_report.deliver")

EXIT_DELIVERY_FAILED = 4

__all__ = ["DeliveryResult", "after_run", "deliver_run", "prune_runs", "EXIT_DELIVERY_FAILED"]


@dataclass(frozen=True)
class DeliveryResult:
    email: EmailOutcome | None = None
    upload: UploadOutcome | None = None
    pruned: tuple[Path, ...] = field(default=())

    @property
    def failed(self) -> bool:
        return bool((self.email and self.email.failed) or (self.upload and self.upload.failed))

    @property
    def exit_code(self) -> int:
        return EXIT_DELIVERY_FAILED if self.failed else 0

    def lines(self) -> list[str]:
        out = []
        if self.email is not None:
            out.append(f"email: {self.email.status}" + (f" ({self.email.detail})" if self.email.detail else "")
                       + (f" {self.email.message_id}" if self.email.message_id else ""))
        if self.upload is not None:
            out.append(f"archive: {self.upload.status}" + (f" ({self.upload.detail})" if self.upload.detail else ""))
        return out


def deliver_run(run_dir: Path, config: Any, *, email: bool = True, upload: bool = True) -> DeliveryResult:
    """Email and upload one finished run (each only if configured; each at most once).

    Holds the output root's lock shared, so `render` does not swap the run while it is sent."""
    from ..rundir import runs_lock, verify_run

    with runs_lock(run_dir.parent, exclusive=False, what=f"deliver {run_dir.name}"):
        problems = verify_run(run_dir, signature=False)
        if problems:
            raise ConfigError(f"{run_dir}: not delivered, the run does not match its manifest "
                              f"({problems[0]}{'; ...' if len(problems) > 1 else ''})")
        mail = deliver_email(run_dir, config.email) if email else None
        up = upload_run(run_dir, config.archive) if upload else None
    return DeliveryResult(mail, up)


def after_run(run_dir: Path, config: Any, *, deliver: bool) -> DeliveryResult:
    """After a run is written: delivery when asked, then local retention when configured."""
    result = deliver_run(run_dir, config) if deliver else DeliveryResult()
    pruned: tuple[Path, ...] = ()
    if config.archive.keep_runs:
        pruned = tuple(prune_runs(run_dir.parent.parent, config.archive.keep_runs,
                                  require_uploaded=bool(config.archive.s3_uri)))
    if deliver or pruned:  # the index shows what was delivered and which runs are kept
        from ..archive_index import refresh_index

        refresh_index(run_dir.parent.parent, config)
    return DeliveryResult(result.email, result.upload, pruned)
