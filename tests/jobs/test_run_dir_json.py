"""The run directory's JSON files (manifest, summary, snapshot) are json.dumps' bytes, whoever wrote
them, and the manifest's digests are the files' sha256 and sizes.

`write_json` writes through orjson where orjson gives json's bytes (reports/jsonbytes.py
`indented_json`); anything else must fall back to json: floats json writes with an exponent, NaN
and infinities, integers beyond 64 bits, non-str keys, lone surrogates.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecr_report.jobs import rundir
from ecr_report.jobs.rundir import sha256_file, write_json, write_manifest
from ecr_report.reports import jsonbytes
from ecr_report.reports.jsonbytes import indented_json


def _json(doc) -> bytes:
    return (json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


AWKWARD = [
    1e-05, -1e-07, 5e-324, 1e16, 1.5e300, -0.0, 2.5, float("nan"), float("inf"), 2**64, -(2**63) - 1,
    2**63 - 1, "ü 日本", "\x7f", "\u2028", "\x00\x01\x1f\n\t\"\\/", True, None, [], {}, [[]], {"": {}},
]


@pytest.mark.parametrize("value", AWKWARD, ids=repr)
def test_each_awkward_value_is_written_as_json_writes_it(value):
    doc = {"b": [value, {"z": value, "A": 1}], "a": value, "é": {"日": value}}
    assert indented_json(doc) == _json(doc)


def test_keys_are_sorted_by_code_point_like_json():
    doc = {"b": 1, "B": 2, "é": 3, "z": 4, "日": 5, "\U0001f600": 6, "ｚ": 7}
    assert indented_json(doc) == _json(doc)


def test_what_orjson_refuses_falls_back_to_json():
    for doc in ({1: "int key"}, {"big": 2**70}):
        assert indented_json(doc) == _json(doc)


class _Label(str):
    """A str subclass: json writes it as its text; orjson is made to leave it to json."""


@dataclasses.dataclass
class _Point:
    x: int


@pytest.mark.parametrize("value", [_Label("ü"), datetime(2026, 12, 7, tzinfo=timezone.utc), _Point(1)], ids=repr)
def test_what_json_decides_is_left_to_json(value):
    """orjson writes datetimes and dataclasses that json.dumps refuses: the same error as before."""
    doc = {"v": value}
    try:
        expected = _json(doc)
    except TypeError as exc:
        with pytest.raises(TypeError, match=str(exc)):
            indented_json(doc)
        return
    assert indented_json(doc) == expected


def test_a_plain_document_is_written_without_json(monkeypatch):
    doc = {"files": {"raw/a.json": {"sha256": "0" * 64, "bytes": 12}}, "ratio": 0.25, "ok": True}
    expected = _json(doc)
    monkeypatch.setattr(jsonbytes.json, "dumps", lambda *a, **k: pytest.fail("json.dumps was used"))
    assert indented_json(doc) == expected


_leaves = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
_docs = st.recursive(_leaves, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
                     max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(_docs)
def test_any_document_is_written_as_json_writes_it(doc):
    try:
        expected = _json(doc)
    except UnicodeEncodeError:  # a lone surrogate: json writes it, UTF-8 cannot; neither may succeed
        with pytest.raises(UnicodeEncodeError):
            indented_json(doc)
        return
    assert indented_json(doc) == expected


def test_write_json_writes_the_bytes(tmp_path):
    doc = {"run": "ü", "n": [1, 2.5, 1e-07]}
    write_json(tmp_path / "sub" / "doc.json", doc)
    assert (tmp_path / "sub" / "doc.json").read_bytes() == _json(doc)


@pytest.mark.parametrize("size", [0, 1, 4095, rundir._HASH_CHUNK, rundir._HASH_CHUNK * 2 + 7])
def test_a_file_digest_is_its_sha256(tmp_path, size):
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    (tmp_path / "f").write_bytes(data)
    assert sha256_file(tmp_path / "f") == hashlib.sha256(data).hexdigest()


def test_the_manifest_lists_each_file_s_digest_and_size(tmp_path):
    run = tmp_path / "run"
    (run / "raw" / "a").mkdir(parents=True)
    contents = {"report.html": b"<html>", "raw/a/1.json": b"{}" * 40000, "data/x.csv": b""}
    for rel, data in contents.items():
        (run / rel).parent.mkdir(parents=True, exist_ok=True)
        (run / rel).write_bytes(data)
    (run / "link.html").symlink_to(run / "report.html")  # read through, as verify reads it
    files = write_manifest(run, {"run_id": "r"})["files"]
    contents["link.html"] = b"<html>"
    assert files == {rel: {"sha256": hashlib.sha256(d).hexdigest(), "bytes": len(d)}
                     for rel, d in contents.items()}
    assert (run / "manifest.json").read_bytes() == _json({"manifest_version": 1, "run_id": "r", "files": files})
