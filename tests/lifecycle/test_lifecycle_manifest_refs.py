"""BatchGetImage manifests are read as before: `manifest_records` (and `_manifest_rows`, which
now reads `manifest_refs` and gives row tuples) against the json.loads, dict-per-record
definition they replaced (tests/lifecycle/manifest_reference.py), on ordinary and odd entries.

orjson reads the manifests; it reads an integer beyond 64 bits as a float where json keeps the
integer, so such a manifest is read by json again: the cases below include one."""

from __future__ import annotations

import json

import manifest_reference as reference
import pytest

from ecr_report.reports.lifecycle.awsjson import AwsJsonError, manifest_records, manifest_refs
from ecr_report.reports.lifecycle.tables import IMAGE_MANIFESTS, _manifest_rows
from ecr_report.reports.normalize import CallIndex, Tuples, _extend_tuples
from ecr_report.reports.raw import RawCall

LAYER = "application/vnd.oci.image.layer.v1.tar+gzip"


def _manifest(**members) -> str:
    return json.dumps({"schemaVersion": 2, **members})


def _blob(digest: str, size) -> dict:
    return {"mediaType": LAYER, "digest": digest, "size": size}


MANIFESTS = [
    _manifest(config=_blob("sha256:c", 10), layers=[_blob("sha256:l1", 100), _blob("sha256:l2", 2**40)]),
    _manifest(config=_blob("sha256:c", 10), layers=[_blob("sha256:l1", 1.5)]),  # a size that is not an integer
    _manifest(config=_blob("sha256:c", 10), layers=[_blob("sha256:l1", 2**64 + 1)]),  # beyond 64 bits
    _manifest(config=_blob("sha256:c", 10), layers=[_blob("sha256:l1", -(2**63) - 1)]),
    _manifest(config=_blob("sha256:c", True), layers=[{"digest": 5, "size": 1}, "text", None]),
    _manifest(config=_blob("sha256:c", 10), blobs=[_blob("sha256:b", 7)]),
    _manifest(layers=[{"digest": "sha256:l", "size": None}]),
    _manifest(fsLayers=[{"blobSum": "sha256:x"}]),
    _manifest(),
    _manifest(mediaType="application/vnd.oci.image.index.v1+json",
              manifests=[{"digest": "sha256:k1"}, {"digest": 3}, "x", {"digest": "sha256:k2"}]),
    _manifest(manifests={"digest": "sha256:k"}),
    _manifest(manifests="ab"),
    '{"config": {"digest": "sha256:c", "size": NaN}}',
    '{"layers": [{"digest": "\\ud800", "size": 1}]}',
    '{"config": {"digest": "sha256:c", "size": 1}, "config": {"digest": "sha256:d", "size": 2}}',
    "[1, 2]", "not json", "", "null",
]
ITEMS = [
    *({"imageId": {"imageDigest": f"sha256:{i}"}, "imageManifest": m, "registryId": "1",
       "repositoryName": "app"} for i, m in enumerate(MANIFESTS)),
    {"imageId": {"imageDigest": "sha256:list"}, "imageManifest": _manifest(),
     "imageManifestMediaType": "application/vnd.docker.distribution.manifest.list.v2+json"},
    {"imageId": {"imageDigest": "sha256:x"}, "imageManifest": {"not": "text"}},
    {"imageId": {"imageDigest": "sha256:x"}, "imageManifest": None},
    {"imageId": {"imageDigest": "sha256:x"}, "imageManifest": b'{"layers": []}'},
    {"imageId": {}, "imageManifest": MANIFESTS[0]},
    {"imageManifest": MANIFESTS[0]},
    ["not", "an", "object"],
]


def _outcome(read, item):
    try:
        return ("ok", read(item))
    except AwsJsonError as exc:
        return ("error", str(exc))


@pytest.mark.parametrize("item", ITEMS, ids=range(len(ITEMS)))
def test_manifest_records_are_read_as_before(item):
    got, want = _outcome(manifest_records, item), _outcome(reference.manifest_records, item)
    assert got == want
    if got[0] == "ok":  # the sizes keep their type (an integer beyond 64 bits stays one)
        assert [type(b["blob_size"]) for b in got[1][0]] == [type(b["blob_size"]) for b in want[1][0]]


def test_an_integer_beyond_64_bits_is_read_as_json_reads_it():
    digest, blobs, children = manifest_refs(ITEMS[2])
    assert blobs == [("sha256:c", 10), ("sha256:l1", 2**64 + 1)] and children == []


def test_manifest_rows_are_the_dict_rows():
    unit = ("111122223333", "us-east-1")
    calls = [
        RawCall(*unit, "ecr", "BatchGetImage", 1, {"repositoryName": "app"},
                {"images": [item for item in ITEMS if isinstance(item, dict)]}),
        RawCall(*unit, "ecr", "BatchGetImage", 2, {"repositoryName": "other"},
                {"images": [{**ITEMS[0], "repositoryName": None}, ITEMS[0], ITEMS[9]], "failures": []}),
        RawCall(*unit, "ecr", "BatchGetImage", 3, {"repositoryName": "app"},
                {"Error": {"Code": "AccessDenied", "Message": "no"}}),
    ]
    index = CallIndex(calls)
    got = _manifest_rows(index, unit)
    assert isinstance(got, Tuples)
    want: list[tuple] = []
    _extend_tuples(want, reference.manifest_rows(index, unit), list(IMAGE_MANIFESTS))
    rows = list(got.rows)
    assert len(rows) > 10
    assert [tuple((type(v), v) for v in r) for r in rows] == [tuple((type(v), v) for v in r) for r in want]
