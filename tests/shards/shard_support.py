"""What the sharded-run tests share: the run id (as-of time), the outputs compared with a single
run (data/, summary.json, report.html), and a configuration without the PDF."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

AS_OF = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)
RUN_ID = "20261130T080000Z"
COMPARED = ("summary.json", "report.html")


def outputs(run_dir: Path) -> dict[str, bytes]:
    files = {str(p.relative_to(run_dir)): p.read_bytes() for p in sorted((run_dir / "data").rglob("*")) if p.is_file()}
    return {**files, **{name: (run_dir / name).read_bytes() for name in COMPARED}}


def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "ecr-report.toml"
    path.write_text("[report]\npdf = false\n", encoding="utf-8")
    return path
