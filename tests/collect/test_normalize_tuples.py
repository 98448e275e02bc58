"""The faster roads of building the snapshot give what the plain ones gave.

The largest tables' builders give row tuples (`Tuples`) instead of one dict per row; they must
give the values, types and order of the dict builders they replaced (tests/collect/
normalize_reference.py), on edge cases and on a demo run. The ISO times are parsed by Arrow when
they are the evidence's form, by pandas otherwise: same column or same error. Raw files are read
by os.read and unzipped by zlib: the bytes (or the error) of gzip.decompress.
"""

from __future__ import annotations

import gzip
import json
import pickle
import random
import zlib
from datetime import datetime, timezone

import normalize_reference as reference
import numpy as np
import pandas as pd
import pytest

from ecr_report.jobs import evidence
from ecr_report.jobs.evidence import RawDirCalls
from ecr_report.jobs.plugins import CONCERNS
from ecr_report.reports import normalize as normalize_module
from ecr_report.reports.normalize import (
    CallIndex,
    Tuples,
    _dedupe_tuples,
    _extend_tuples,
    _severity_values,
    image_rows,
    normalize,
)
from ecr_report.reports.raw import RawCall, gunzip
from ecr_report.reports.schema import SNAPSHOT_TABLES, TS, cast_column, plain_cast

UNIT = ("111122223333", "us-east-1")


def _call(operation: str, seq: int, params: dict, response: dict, service: str = "ecr") -> RawCall:
    return RawCall(UNIT[0], UNIT[1], service, operation, seq, params, response)


def _error(code: str) -> dict:
    return {"Error": {"Code": code, "Message": f"{code} happened"}}


COUNTS = [None, {}, {"HIGH": 2, "LOW": 1}, {"high": 3, "Critical": 1.0}, {"CRITICAL": True, "UNKNOWN": 9},
          {"HIGH": 1, "high": 5}, {"INFORMATIONAL": 4, "UNDEFINED": 0, "MEDIUM": 2, "CRITICAL": 1, "LOW": 0, "HIGH": 8}]


def _edge_calls() -> list[RawCall]:
    details = [
        {"imageDigest": "sha256:a", "imageTags": ["v2", "latest", "v1"], "imagePushedAt": "2026-01-02T03:04:05Z",
         "imageSizeInBytes": 12.0, "imageScanFindingsSummary": {"findingSeverityCounts": COUNTS[2],
                                                                 "imageScanCompletedAt": "2026-01-02T04:00:00Z"},
         "imageScanStatus": {"status": "COMPLETE"}, "imageStatus": "ARCHIVED", "repositoryName": "other"},
        {"imageDigest": "sha256:b", "imageSizeInBytes": None, "imageScanFindingsSummary": {}},
        {"imageDigest": "sha256:c", "imageScanFindingsSummary": {"findingSeverityCounts": COUNTS[3]}},
        {"imageDigest": "sha256:d", "imageScanFindingsSummary": {"imageScanCompletedAt": "2026-01-02T04:00:00Z"},
         "subjectManifestDigest": "sha256:a", "imageStatus": ""},
        *({"imageDigest": f"sha256:e{i}", "imageScanFindingsSummary": {"findingSeverityCounts": c}}
          for i, c in enumerate(COUNTS)),
        {"imageDigest": "sha256:a", "imageTags": ["again"]},  # a repeated image: the last answer wins
    ]
    coverage = [
        {"resourceType": "AWS_ECR_REPOSITORY", "resourceId": "arn:aws:ecr:us-east-1:111122223333:repository/app",
         "resourceMetadata": {"ecrRepository": {"name": "app", "scanFrequency": "CONTINUOUS_SCAN"}},
         "scanStatus": {"statusCode": "ACTIVE", "reason": "SUCCESSFUL"}},
        {"resourceType": "AWS_ECR_CONTAINER_IMAGE", "accountId": "444455556666",
         "resourceId": "arn:aws:ecr:us-east-1:444455556666:repository/team/x/sha256:ff",
         "resourceMetadata": {"ecrImage": {"imagePulledAt": "2026-01-02T03:04:05Z"}},
         "lastScannedAt": "2026-01-02T03:04:05.5Z"},
        {"resourceType": "AWS_EC2_INSTANCE", "resourceId": "i-1"},
        {"resourceType": "AWS_ECR_CONTAINER_IMAGE"},
    ]
    aggregations = [
        {"awsEcrContainerAggregation": {"imageSha": "abc", "repository": "app",
                                        "severityCounts": {"critical": 1, "all": 4}}},
        {"awsEcrContainerAggregation": {"resourceId": "arn:aws:ecr:us-east-1:1:repository/app/sha256:dd",
                                        "accountId": "444455556666"}},
        {"awsEcrContainerAggregation": {}},
        {"other": {}},
    ]
    return [
        _call("DescribeImages", 1, {"repositoryName": "app"}, {"imageDetails": details, "nextToken": "t"}),
        _call("DescribeImages", 2, {"repositoryName": "app"}, _error("ThrottlingException")),
        _call("DescribeImages", 3, {"repositoryName": "b"}, {"imageDetails": details[:2]}),
        _call("DescribeImageScanFindings", 1, {"repositoryName": "app", "imageId": {"imageDigest": "sha256:a"}},
              {"imageScanFindings": {"findingSeverityCounts": {"HIGH": 1}, "imageScanCompletedAt": "2026-01-01T00:00:00Z"},
               "imageScanStatus": {"status": "COMPLETE", "description": "done"}}),
        _call("DescribeImageScanFindings", 2, {"repositoryName": "app", "imageId": {"imageDigest": "sha256:b"}},
              _error("ScanNotFoundException")),
        _call("DescribeImageScanFindings", 3, {"repositoryName": "app", "imageId": {"imageDigest": "sha256:c"}},
              _error("AccessDeniedException")),
        _call("DescribeImageScanFindings", 4, {"repositoryName": "app"}, {}),
        _call("DescribeImageScanFindings", 5, {"repositoryName": "app", "imageId": {"imageDigest": "sha256:a"}},
              {"imageScanFindings": {}, "imageScanStatus": {"status": "FAILED"}}),
        _call("ListCoverage", 1, {}, {"coveredResources": coverage}, service="inspector2"),
        _call("ListCoverage", 2, {}, _error("AccessDeniedException"), service="inspector2"),
        _call("ListFindingAggregations", 1, {}, {"responses": aggregations}, service="inspector2"),
    ]


def _typed(rows: list[tuple]) -> list[tuple]:
    return [tuple((type(v), v) for v in row) for row in rows]


@pytest.mark.parametrize("table", sorted(reference.BUILDERS))
def test_tuple_builders_give_the_rows_of_the_dict_builders(table):
    index = CallIndex(_edge_calls())
    names = list(SNAPSHOT_TABLES[table])
    expected: list[tuple] = []
    _extend_tuples(expected, reference.BUILDERS[table](index, UNIT), names)
    got = normalize_module.normalize.__globals__["_" + table](index, UNIT)
    assert isinstance(got, Tuples)
    rows = list(got.rows)
    assert rows and _typed(rows) == _typed(expected)


def test_image_rows_are_the_dict_rows():
    details = _edge_calls()[0].response["imageDetails"]
    for source in (None, "f.json.gz"):
        got = image_rows("1", "r", "app", details, source_file=source)
        want = list(reference.image_rows("1", "r", "app", details, source))
        assert [list(r.items()) for r in got] == [list(r.items()) for r in want]


def test_severity_values_are_the_severity_counts():
    rng = random.Random(7)
    keys = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNDEFINED", "high", "Low", "other"]
    cases = [*COUNTS, *({k: rng.choice([0, 3, 2.0, True]) for k in rng.sample(keys, rng.randint(0, 6))}
                        for _ in range(200))]
    for counts in cases:
        want = tuple(reference.severity_counts(counts).values())
        assert _typed([_severity_values(counts)]) == _typed([want]), counts


def _plain_dedupe(rows, key):
    seen = {}
    for row in rows:
        seen[tuple(row[i] for i in key)] = row
    return list(seen.values()) if len(seen) < len(rows) else rows


@pytest.mark.parametrize("key", [[0], [0, 2], [1, 2]])
def test_rows_are_made_unique_as_before(key):
    rng = random.Random(3)
    values = ["a", "b", None, np.nan, 1]
    for _ in range(100):
        rows = [tuple(rng.choice(values) for _ in range(3)) + (i,) for i in range(rng.randint(0, 12))]
        assert list(_dedupe_tuples(rows, key)) == list(_plain_dedupe(rows, key))


def test_a_row_tuple_of_the_wrong_length_is_refused():
    table = normalize_module._Table("images", SNAPSHOT_TABLES["images"], None)
    with pytest.raises(ValueError, match="images"):
        table.add(Tuples([("only", "three", "values")]))


# --- times parsed by Arrow --------------------------------------------------------------------

TIME_TEXTS = ["2026-09-30T04:44:39Z", "2026-09-30T04:44:39.812000Z", "2026-09-30T04:44:39.8Z",
              "2026-09-30T04:44:39.123456789Z", "2026-09-30T04:44:39+00:00", "1999-12-31T23:59:59.999999Z",
              "2024-02-29T00:00:00Z", "1700-01-01T00:00:00Z", "2199-12-31T23:59:59Z"]
OTHER_TIMES = ["2026-09-30T04:44:39+05:30", "2026-09-30T04:44:39", "2026-09-30 04:44:39Z", "2026-09-30",
               "2026-09-30T04:44:39.1234567891Z", "2026-09-30T04:44Z", "1677-01-01T00:00:00Z",
               "2263-01-01T00:00:00Z", "2026-09-30t04:44:39z"]
BAD_TIMES = ["2026-02-30T00:00:00Z", "2026-09-30T24:00:00Z", "2026-09-30T04:44:60Z", "not a time", "",
             "9999-01-01T00:00:00Z", "0001-01-01T00:00:00Z"]
NOT_TEXT = [1_700_000_000, 1.7e9, datetime(2026, 1, 2, tzinfo=timezone.utc), pd.Timestamp("2026-01-02", tz="UTC"),
            b"2026-09-30T04:44:39Z", pd.NaT, pd.NA, True]


def _outcome(series: pd.Series, cast) -> tuple:
    """The cast column as its dtype, index, name and nanoseconds (a pickle would also hold what
    the dtype object happened to cache), or the error's type."""
    try:
        out = cast(series, TS)
    except Exception as exc:  # noqa: BLE001 - the same error is the point
        return ("error", type(exc))
    return ("ok", str(out.dtype), list(out.index), out.name, out.array._ndarray.view("i8").tobytes())


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.filterwarnings("ignore:Parsing integer or float values:DeprecationWarning")
def test_times_parsed_by_arrow_are_pandas_times(seed):
    rng = random.Random(seed)
    pool = [TIME_TEXTS, TIME_TEXTS + [None, np.nan], [None], TIME_TEXTS + OTHER_TIMES,
            TIME_TEXTS + BAD_TIMES[:1], TIME_TEXTS + [rng.choice(NOT_TEXT)], OTHER_TIMES + [None]][seed % 7]
    values = [rng.choice(pool) for _ in range(rng.randint(0, 30))]
    series = pd.Series(values, dtype=object, index=pd.RangeIndex(5, 5 + len(values)), name="t")
    assert _outcome(series, cast_column) == _outcome(series, plain_cast), values


@pytest.mark.parametrize("text", TIME_TEXTS + OTHER_TIMES + BAD_TIMES)
def test_each_time_text_is_read_as_pandas_reads_it(text):
    series = pd.Series([text, None], dtype=object)
    assert _outcome(series, cast_column) == _outcome(series, plain_cast)


# --- raw files: os.read and zlib ----------------------------------------------------------------

BODY = json.dumps({"account_id": "1", "text": "ü" * 100}).encode()
ZIPPED = gzip.compress(BODY, compresslevel=6, mtime=0)


@pytest.mark.parametrize("data", [
    ZIPPED, ZIPPED + ZIPPED, ZIPPED + b"\0\0\0", ZIPPED + b"garbage", ZIPPED[:-3], ZIPPED[:10], b"",
    ZIPPED[:-8] + b"\0\0\0\0" + ZIPPED[-4:], ZIPPED[:-4] + b"\1\0\0\0", b"not gzip at all",
    zlib.compress(BODY), gzip.compress(b""),
], ids=["one", "two members", "zero padding", "trailing garbage", "truncated", "header only", "empty",
        "bad crc", "bad length", "not gzip", "zlib wrapper", "empty member"])
def test_gunzip_is_gzip_decompress(data):
    def outcome(unzip):
        try:
            return ("ok", unzip(data))
        except Exception as exc:  # noqa: BLE001 - the same error is the point
            return ("error", type(exc))
    assert outcome(gunzip) == outcome(gzip.decompress)


def test_a_raw_file_larger_than_one_read_is_read_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(evidence, "_READ_BYTES", 7)
    path = tmp_path / "f"
    for data in (b"", b"x" * 7, bytes(range(256)) * 3):
        path.write_bytes(data)
        assert evidence._read(str(path)) == data


# --- the whole snapshot of a demo run ---------------------------------------------------------

def test_a_demo_run_gives_the_tables_of_the_dict_builders(demo_run, monkeypatch):
    run_dir, meta = demo_run
    fast = normalize(RawDirCalls(run_dir / "raw"), meta.units, CONCERNS)
    for table, builder in reference.BUILDERS.items():
        monkeypatch.setitem(normalize_module.normalize.__globals__, "_" + table, builder)
    plain = normalize(RawDirCalls(run_dir / "raw"), meta.units, CONCERNS)
    assert list(fast) == list(plain)
    for name in reference.BUILDERS:
        assert len(fast[name]) > 0, name
    for name in fast:  # the frames themselves, block layout and Arrow buffers included
        assert pickle.dumps(fast[name]) == pickle.dumps(plain[name]), name
