"""An output root with a few real demo runs, for the archive index tests (built once per process).

Weekly runs (Mondays 08:00 UTC) on 2026-11-09, 2026-11-23 and 2026-11-30 (2026-11-16 is
missed); the 2026-11-23 run is signed and then tampered with (data/coverage.csv changed after
the manifest was written), the 2026-11-30 run carries a delivery record written by the real
writer, and a `.partial-` run that never finished sits beside them. Each run is a real
`run --demo` without the PDF, so every file and link is what a user's root holds.
"""

from __future__ import annotations

import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from ecr_report.jobs.config import load_config
from ecr_report.jobs.deliver.records import write_record
from ecr_report.jobs.run import run

from delivery_peers import write_ed25519_key

WEEKS = (datetime(2026, 11, 9, 8, 0, tzinfo=timezone.utc), datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc),
         datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc))
MISSED = datetime(2026, 11, 16, 8, 0, tzinfo=timezone.utc)
NOW = datetime(2026, 12, 2, 12, 0, tzinfo=timezone.utc)
CRON = '[[jobs]]\nid = "weekly-report"\ncron = "0 8 * * MON"\ntimezone = "UTC"\n'
_BUILT: dict[str, Path] = {}


def run_ids() -> list[str]:
    return [w.strftime("%Y%m%dT%H%M%SZ") for w in WEEKS]


def archive_root() -> Path:
    """The root (built on first use, kept for the process)."""
    if "root" not in _BUILT:
        _BUILT["root"] = _build(Path(tempfile.mkdtemp(prefix="ecr-archive-")))
    return _BUILT["root"]


def config_file(tmp: Path, *, signed: bool = False, jobs: bool = True) -> Path:
    text = "[aws]\nmax_workers = 1\nrepository_workers = 1\n[report]\npdf = false\n"
    if signed:
        text += f'[archive]\nsigning_key_file = "{write_ed25519_key(tmp / "signing.pem")}"\n'
    path = tmp / ("signed.toml" if signed else "plain.toml" if jobs else "nojobs.toml")
    path.write_text(text + (CRON if jobs else ""), encoding="utf-8")
    return path


def _build(base: Path) -> Path:
    root = base / "out"
    plain, signed = load_config(config_file(base)), load_config(config_file(base, signed=True))
    for when in WEEKS:
        run(signed if when == WEEKS[1] else plain, output=root, demo=True, now=when)
    runs = root / "runs"
    tampered = runs / run_ids()[1] / "data" / "coverage.csv"
    tampered.write_text(tampered.read_text(encoding="utf-8").replace("MANUAL", "CONTINUOUS_SCAN", 1),
                        encoding="utf-8")
    write_record(runs / run_ids()[2], "email", {"status": "sent", "message_id": "<demo@example.com>"})
    partial = runs / ".partial-20261201T080000Z"
    partial.mkdir()
    shutil.copytree(runs / run_ids()[0] / "raw", partial / "raw")
    return root
