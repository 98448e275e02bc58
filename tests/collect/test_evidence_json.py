"""The archive JSON of a call is json.dumps' bytes, whether orjson or json wrote it.

`EvidenceRecorder` (retain=False) encodes each call as it arrives, through orjson when every
float in it is written alike by both (reports/raw.py `encode_body`); anything orjson writes
otherwise must fall back to json: floats json writes with an exponent, NaN and infinities,
non-ASCII and DEL, integers beyond 64 bits.
"""

from __future__ import annotations

import json

import pytest

from ecr_report.jobs.evidence import EvidenceRecorder
from ecr_report.reports import raw
from ecr_report.reports.raw import RawCall, encode_body, json_safe_noting_floats

AWKWARD = [
    1e-05, -1e-07, 5e-324, 0.0001, 1e16, 1.5e300, -0.0, 2.5, float("nan"), float("inf"), -float("inf"),
    2**64, -(2**63) - 1, 2**63 - 1, "ü", "\x7f", "\x00\x01\x1f\n\t\"\\/", True, None, [], {},
]


def _json_bytes(call: RawCall) -> bytes:
    return json.dumps(call.to_json(), sort_keys=True, separators=(",", ":")).encode()


@pytest.mark.parametrize("value", AWKWARD, ids=repr)
def test_each_awkward_value_is_written_as_json_writes_it(value):
    response, alike = json_safe_noting_floats({"b": [value, {"z": value, "A": 1}], "a": value})
    call = RawCall("1", "r", "ecr", "DescribeImages", 1, {"k": "v"}, response)
    assert encode_body(call, floats_alike=alike) == _json_bytes(call)


def test_a_float_json_writes_with_an_exponent_is_noted_in_any_depth():
    assert json_safe_noting_floats({"a": [{"b": 1e-05}]})[1] is False
    assert json_safe_noting_floats({"a": [{"b": float("nan")}]})[1] is False
    assert json_safe_noting_floats({"a": [{"b": 0.5, "c": 1e15}]})[1] is True
    # the note is reset by each call, not left over from the previous one
    assert json_safe_noting_floats({"a": 1.5})[1] is True


def test_a_plain_call_is_written_without_json(monkeypatch):
    call = RawCall("1", "r", "ecr", "DescribeImages", 1, {"repositoryName": "a"},
                   {"imageDetails": [{"imageDigest": "sha256:0", "imageSizeInBytes": 10, "score": 7.5}]})
    expected = _json_bytes(call)
    monkeypatch.setattr(raw.json, "dumps", lambda *a, **k: pytest.fail("json.dumps was used"))
    assert encode_body(call, floats_alike=True) == expected


def _tree(root):
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_recorder_holding_json_writes_json_bytes_for_awkward_values(tmp_path):
    kept, held = EvidenceRecorder(tmp_path / "kept"), EvidenceRecorder(tmp_path / "held", retain=False)
    for recorder in (kept, held):
        for i, value in enumerate(AWKWARD):
            recorder.record("1", "r", "ecr", "DescribeImages", {"page": i, "p": value}, {"v": [value], "n": i})
        recorder.unit_done("1", "r")
    assert _tree(tmp_path / "held") == _tree(tmp_path / "kept")
    assert len(_tree(tmp_path / "held")) == len(AWKWARD)
