"""The archive JSON of a call is json.dumps' bytes, whether orjson or json wrote it.

`EvidenceRecorder` (retain=False) encodes each call as it arrives, through orjson when every
float in it is written alike by both (reports/raw.py `encode_body`); anything orjson writes
otherwise must fall back to json: floats json writes with an exponent, NaN and infinities,
non-ASCII and DEL, integers beyond 64 bits.
"""

from __future__ import annotations

import json
import math
import random
import struct
from collections import OrderedDict, namedtuple
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import orjson
import pytest

from ecr_report.jobs import evidence
from ecr_report.jobs.evidence import EvidenceRecorder
from ecr_report.reports import raw
from ecr_report.reports.raw import RawCall, encode_body, json_safe, json_safe_noting_floats

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


# The run's recorder writes a call's archive JSON with orjson straight from the parsed response
# (jobs/evidence.py `_archive_json`), not from json_safe's copy: the bytes must still be
# json.dumps' bytes of that copy, or the call must take the old road and fail as it did.

class _Str(str):
    pass


class _Dict(dict):
    pass


_Pair = namedtuple("_Pair", "a b")
_PLUS_2 = timezone(timedelta(hours=2))
PARSED = [
    datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc), datetime(2026, 11, 30, 8, 0, 0, 1500, tzinfo=timezone.utc),
    datetime(2026, 11, 30, 8, 0), datetime(2026, 11, 30, 9, 0, 0, 250000, tzinfo=_PLUS_2),
    datetime(999, 1, 2, 3, 4, 5, tzinfo=timezone.utc), b"\x00\xffbytes", bytearray(b"x"), (1, 2.5, 1e-05),
    [(float("nan"), "a")], _Pair(1e-07, "b"), OrderedDict(b=1, a=datetime(2020, 1, 1)), _Dict(z=1e-06),
    _Str("sub"), {_Str("k"): 1}, {1: "int key"}, {True: "bool key"}, {None: "none key"}, {(1, 2): "tuple key"},
    "null", "0.00001 in a string", "ver 1e-7", {"deep": [[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]},
]


@pytest.mark.parametrize("value", AWKWARD + PARSED, ids=repr)
def test_the_archive_json_of_a_parsed_value_is_json_dumps_of_its_json_safe_copy(value):
    response = {"b": [value, {"z": value, "A": 1}], "a": value, "ResponseMetadata": {"RequestId": "x"}}
    kept = json_safe(evidence._without_metadata(response))
    call = RawCall("1", "r", "ecr", "DescribeImages", 3, {"k": value}, kept)
    call = replace(call, params=json_safe(call.params))
    assert evidence._archive_json("1", "r", "ecr", "DescribeImages", 3, {"k": value},
                                  evidence._without_metadata(response)) == _json_bytes(call)


def test_a_value_json_cannot_write_fails_on_both_roads(tmp_path):
    for value in ({1, 2}, date(2020, 1, 1), object()):
        with pytest.raises(TypeError):
            _json_bytes(RawCall("1", "r", "ecr", "DescribeImages", 1, {}, json_safe({"v": value})))
        with pytest.raises(TypeError):
            evidence._archive_json("1", "r", "ecr", "DescribeImages", 1, {}, {"v": value})


def test_nesting_deeper_than_orjson_goes_takes_the_old_road():
    deep: list = []
    for _ in range(300):
        deep = [deep, datetime(2020, 1, 1, tzinfo=timezone.utc)]
    call = RawCall("1", "r", "ecr", "DescribeImages", 1, {}, json_safe({"v": deep}))
    assert evidence._archive_json("1", "r", "ecr", "DescribeImages", 1, {}, {"v": deep}) == _json_bytes(call)


def test_a_plain_parsed_response_is_written_without_the_json_safe_copy(monkeypatch):
    response = {"imageDetails": [{"imagePushedAt": datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=timezone.utc),
                                  "imageTags": ("a", "b"), "score": 7.5}]}
    expected = _json_bytes(RawCall("1", "r", "ecr", "DescribeImages", 1, {"n": 1}, json_safe(response)))
    monkeypatch.setattr(evidence, "json_safe_noting_floats", lambda *a: pytest.fail("json_safe copy made"))
    monkeypatch.setattr(raw.json, "dumps", lambda *a, **k: pytest.fail("json.dumps was used"))
    assert evidence._archive_json("1", "r", "ecr", "DescribeImages", 1, {"n": 1}, response) == expected


def test_every_float_orjson_writes_otherwise_is_seen_in_its_bytes():
    """The rule `_archive_json` reads orjson's bytes by (jobs/evidence.py `_NEGATIVE_EXPONENT`):
    where orjson and json write a float differently, orjson's text has `null`, `0.0000` or an
    exponent -6 to -9. Random doubles of every exponent, and the boundaries of each decade."""
    rng = random.Random(16)
    values = [struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0] for _ in range(150_000)]
    values += [rng.uniform(-1, 1) * 10.0 ** rng.randint(-9, 17) for _ in range(50_000)]
    for exponent in range(-325, 309):
        for mantissa in ("1", "1.5", "9.999999999999999", "4.9406564584124654", "1.7976931348623157"):
            try:
                x = float(f"{mantissa}e{exponent}")
            except OverflowError:  # pragma: no cover - float() gives inf instead
                continue
            values += [x, -x, math.nextafter(x, 0), math.nextafter(x, math.inf)]
    differ = 0
    for x in values:
        written = orjson.dumps(x)
        if written != json.dumps(x).encode():
            differ += 1
            assert (b"null" in written or b"0.0000" in written
                    or evidence._NEGATIVE_EXPONENT.search(written)), (x, written)
    assert differ > 1000  # the rule is tried, not passed by default


def test_utc_text_is_json_safes_text_for_every_kind_of_timestamp():
    rng = random.Random(7)
    zones = [timezone.utc, None, _PLUS_2, timezone(timedelta(hours=-5, minutes=-30)), ZoneInfo("Europe/Paris")]
    for _ in range(20_000):
        value = datetime(rng.randint(1, 9998), rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23),
                         rng.randint(0, 59), rng.randint(0, 59),
                         rng.choice((0, rng.randint(0, 999_999), rng.randint(0, 999) * 1000)),
                         tzinfo=rng.choice(zones), fold=rng.randint(0, 1))
        assert evidence._utc_text(value) == json_safe(value), repr(value)
    for value in (datetime.min.replace(tzinfo=timezone.utc), datetime.max.replace(tzinfo=timezone.utc)):
        assert evidence._utc_text(value) == json_safe(value)
