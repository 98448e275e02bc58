"""What the collection tests share: a demo run (scale 1, no PDF) at a fixed instant, and its
snapshot's metadata."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from ecr_report.jobs.config import load_config
from ecr_report.jobs.run import run
from ecr_report.reports.snapshot import SnapshotMeta

AS_OF = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("demo")
    config = tmp_path / "c.toml"
    config.write_text("[report]\npdf = false\n", encoding="utf-8")
    run_dir = run(load_config(config), output=tmp_path / "out", demo=True, now=AS_OF).run_dir
    return run_dir, SnapshotMeta.from_json(json.loads((run_dir / "snapshot.json").read_text()))
