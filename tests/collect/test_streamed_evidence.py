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
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from ecr_report.jobs.collect.context import parallel_map
from ecr_report.jobs.evidence import EvidenceRecorder, RawDirCalls, call_order, load_raw_dir
from ecr_report.jobs.plugins import CONCERNS
from ecr_report.reports import normalize as normalize_module
from ecr_report.reports.normalize import normalize


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


def _unnumbered(calls: list) -> list:
    return sorted((replace(c, seq=0) for c in calls), key=lambda c: json.dumps(c.to_json(), sort_keys=True))


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_recorder_holding_json_writes_the_bytes_of_one_holding_calls(tmp_path):
    kept, held = EvidenceRecorder(tmp_path / "kept"), EvidenceRecorder(tmp_path / "held", retain=False)
    for recorder in (kept, held):
        _record_out_of_order(recorder)
    # A unit in progress reads back the same calls, only those asked for.
    assert held.unit_calls("1", "r", "GetLifecyclePolicy") == kept.unit_calls("1", "r", "GetLifecyclePolicy")
    assert [c.error_code for c in held.unit_calls("1", "r", "GetLifecyclePolicy")] == ["LifecyclePolicyNotFoundException"]
    # Before unit_done the calls are numbered in arrival order, which the threads decide
    # (independently in each recorder): compared apart from that number.
    assert _unnumbered(held.calls) == _unnumbered(kept.calls)
    kept.unit_done("1", "r")
    assert held.unit_done("1", "r") == []  # nothing kept
    assert held.calls == []
    assert _tree(tmp_path / "held") == _tree(tmp_path / "kept")
    assert len(_tree(tmp_path / "held")) == 7
    assert sorted(p.name for p in tmp_path.iterdir()) == ["held", "kept"]  # the spool left no file


def test_a_unit_in_progress_is_held_on_disk_not_in_memory(tmp_path):
    recorder = EvidenceRecorder(tmp_path / "raw", retain=False)
    with call_order((0,)):
        for page in (1, 2):
            recorder.record("1", "r", "ecr", "DescribeImages", {"repositoryName": "a", "page": page},
                            {"imageDetails": [{"imageDigest": f"sha256:{'0' * 64}", "n": page}]})
    held = [c for _, c in recorder._pending[("1", "r")]]
    assert [type(c.stored).__name__ for c in held] == ["_Spooled", "_Spooled"]
    assert [c.params["page"] for c in recorder.unit_calls("1", "r", "DescribeImages")] == [1, 2]
    recorder.unit_done("1", "r")
    assert [c.params["page"] for c in load_raw_dir(tmp_path / "raw")] == [1, 2]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw"]


def test_bodies_written_by_many_threads_at_once_are_read_back_whole(tmp_path):
    """Eight threads record into one unit's spool at once, reading the unit in progress back as
    they go: the bytes written are those of a recorder that keeps every call."""
    kept, held = EvidenceRecorder(tmp_path / "kept"), EvidenceRecorder(tmp_path / "held", retain=False)
    names = [f"repo-{i}" for i in range(24)]
    for recorder in (kept, held):
        def describe(name: str, recorder: EvidenceRecorder = recorder) -> None:
            for page in range(1, 6):
                recorder.record("1", "r", "ecr", "DescribeImages", {"repositoryName": name, "page": page},
                                {"imageDetails": [{"imageDigest": f"sha256:{name}-{page}-{i}", "pad": "x" * 4000}
                                                  for i in range(40)]})
                assert len(recorder.unit_calls("1", "r", "DescribeImages")) >= page

        with call_order((0,)):
            parallel_map(describe, names, workers=8)
        recorder.unit_done("1", "r")
    assert _tree(tmp_path / "held") == _tree(tmp_path / "kept")
    assert len(_tree(tmp_path / "held")) == len(names) * 5


def test_a_call_json_cannot_write_leaves_no_file(tmp_path):
    recorder = EvidenceRecorder(tmp_path / "raw")
    recorder.record("1", "r", "ecr", "DescribeImages", {}, {"v": {1, 2}})  # a set: json refuses it
    with pytest.raises(TypeError):
        recorder.unit_done("1", "r")
    assert not list((tmp_path / "raw").rglob("*.json.gz"))  # not even an empty one


def test_tables_read_back_one_unit_at_a_time_are_the_tables_of_all_calls(demo_run):
    run_dir, meta = demo_run
    streamed = RawDirCalls(run_dir / "raw")
    whole = load_raw_dir(run_dir / "raw")
    assert len(streamed) == len(whole) > 0
    a = normalize(streamed, meta.units, CONCERNS)
    b = normalize(whole, meta.units, CONCERNS)
    assert list(a) == list(b)
    assert sum(len(f) for f in a.values()) > 0
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=True, obj=name)


def test_tables_built_in_chunks_are_the_tables_built_at_once(demo_run, monkeypatch):
    run_dir, meta = demo_run
    whole = normalize(RawDirCalls(run_dir / "raw"), meta.units, CONCERNS)
    monkeypatch.setattr(normalize_module, "CHUNK_ROWS", 7)  # many chunks, some of one unit's rows
    chunked = normalize(RawDirCalls(run_dir / "raw"), meta.units, CONCERNS)
    assert list(chunked) == list(whole)
    assert max(len(f) for f in whole.values()) > 7 * 5
    for name in whole:
        pd.testing.assert_frame_equal(chunked[name], whole[name], check_exact=True, obj=name)
        for column in chunked[name].columns:  # one Arrow chunk per string column, as at once
            series = chunked[name][column]
            if getattr(series.dtype, "storage", None) == "pyarrow":
                assert series.array.__arrow_array__().num_chunks <= 1, (name, column)


class _CountingGroups:
    """RawDirCalls, counting how often each (unit, service, operation) group is gone through."""

    def __init__(self, raw: RawDirCalls) -> None:
        self._raw, self.reads = raw, Counter()

    def unit_groups(self, account_id, region):
        counting = self

        class Group:
            def __init__(self, key, group):
                self.key, self.group, self.size = key, group, group.size

            def __iter__(self):
                counting.reads[self.key] += 1
                return iter(self.group)

        return {key: Group((account_id, region, *key), group)
                for key, group in self._raw.unit_groups(account_id, region).items()}

    def __len__(self):
        return len(self._raw)


def test_every_group_of_calls_is_read_once(demo_run, monkeypatch):
    run_dir, meta = demo_run
    monkeypatch.setattr(normalize_module, "SMALL_GROUP_BYTES", 4096)  # the demo's registries are small
    counting = _CountingGroups(RawDirCalls(run_dir / "raw"))
    tables = normalize(counting, meta.units, CONCERNS)
    assert sum(len(f) for f in tables.values()) > 0
    large = {key for key, n in counting.reads.items() if key[2:] == ("ecr", "DescribeImages")}
    assert large and counting.reads.most_common(1)[0][1] == 1, counting.reads.most_common(3)


def test_the_offline_lifecycle_commands_do_not_import_the_renderer():
    code = ("import sys; import ecr_report.jobs.lifecycle_cmd; "
            "print(sorted(m for m in sys.modules if m.startswith(('ecr_report.reports.render', 'jinja2', "
            "'ecr_report.reports.lifecycle.section'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
