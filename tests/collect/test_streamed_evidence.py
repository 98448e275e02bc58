"""A run that holds no call in memory gives the evidence and the tables of one that holds them all.

The run's recorder (`retain=False`) keeps a unit's calls as their archive JSON until the unit is
numbered, and `build_snapshot` reads raw/ back one unit at a time (`RawDirCalls`): the raw/
bytes and every snapshot table must be those of the in-memory road.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from ecr_report.jobs.collect.context import parallel_map
from ecr_report.jobs.config import load_config
from ecr_report.jobs.evidence import EvidenceRecorder, RawDirCalls, call_order, load_raw_dir
from ecr_report.jobs.plugins import CONCERNS
from ecr_report.jobs.run import run
from ecr_report.reports.normalize import normalize
from ecr_report.reports.snapshot import SnapshotMeta

AS_OF = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)


def _record_out_of_order(recorder: EvidenceRecorder) -> None:
    def describe(name: str) -> None:
        time.sleep(0.05 if name == "a" else 0)  # asked first, answered last
        for page in (1, 2):
            recorder.record("1", "r", "ecr", "DescribeImages", {"repositoryName": name, "page": page},
                            {"imageDetails": [{"imageDigest": f"sha256:{name}{page}", "note": "ü"}],
                             "seq": 99, "service": "not the last key"})

    with call_order((0,)):
        recorder.record("1", "r", "ecr", "GetLifecyclePolicy", {"repositoryName": "a"},
                        {"Error": {"Code": "LifecyclePolicyNotFoundException", "Message": "none"}})
        parallel_map(describe, ["a", "b", "c"], workers=3)


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_recorder_holding_json_writes_the_bytes_of_one_holding_calls(tmp_path):
    kept, held = EvidenceRecorder(tmp_path / "kept"), EvidenceRecorder(tmp_path / "held", retain=False)
    for recorder in (kept, held):
        _record_out_of_order(recorder)
    # A unit in progress reads back the same calls, only those asked for.
    assert held.unit_calls("1", "r", "GetLifecyclePolicy") == kept.unit_calls("1", "r", "GetLifecyclePolicy")
    assert [c.error_code for c in held.unit_calls("1", "r", "GetLifecyclePolicy")] == ["LifecyclePolicyNotFoundException"]
    assert sorted(held.calls, key=lambda c: (c.operation, c.seq)) == sorted(kept.calls, key=lambda c: (c.operation, c.seq))
    kept.unit_done("1", "r")
    assert held.unit_done("1", "r") == []  # nothing kept
    assert held.calls == []
    assert _tree(tmp_path / "held") == _tree(tmp_path / "kept")
    assert len(_tree(tmp_path / "held")) == 7


def test_tables_read_back_one_unit_at_a_time_are_the_tables_of_all_calls(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text("[report]\npdf = false\n", encoding="utf-8")
    run_dir = run(load_config(config), output=tmp_path / "out", demo=True, now=AS_OF).run_dir
    meta = SnapshotMeta.from_json(json.loads((run_dir / "snapshot.json").read_text()))
    streamed = RawDirCalls(run_dir / "raw")
    whole = load_raw_dir(run_dir / "raw")
    assert len(streamed) == len(whole) > 0
    a = normalize(streamed, meta.units, CONCERNS)
    b = normalize(whole, meta.units, CONCERNS)
    assert list(a) == list(b)
    assert sum(len(f) for f in a.values()) > 0
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=True, obj=name)


def test_the_offline_lifecycle_commands_do_not_import_the_renderer():
    code = ("import sys; import ecr_report.jobs.lifecycle_cmd; "
            "print(sorted(m for m in sys.modules if m.startswith(('ecr_report.reports.render', 'jinja2', "
            "'ecr_report.reports.lifecycle.section'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
