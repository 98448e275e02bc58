"""The column-wise describe-images reader gives the row-by-row reader's frame, value and type.

`images_from_describe` reads well-formed ISO 8601 input a column at a time (the speed of
`lifecycle preview` on a large repository) and leaves anything else to the row-by-row reader;
these tests pin that both roads give the same frame, dtypes included, and the same errors.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest

from ecr_report.reports.lifecycle.awsjson import (
    AwsJsonError,
    _fast_frame,
    _frame_row_by_row,
    _NotFast,
    images_from_describe,
)

TIMES = ["2024-01-02T03:04:05Z", "2024-01-02T03:04:05.123000+09:00", "2023-06-30T23:59:59.5-05:00",
         "2025-12-31T00:00:00", "2024-02-29T12:00:00.123456Z", "2024-02-29T12:00:00+00:00"]


def _detail(rng: random.Random, i: int, times: list[str | None]) -> dict:
    d = {"imageDigest": f"sha256:{i:064x}", "imagePushedAt": rng.choice(TIMES),
         "registryId": rng.choice(["123456789012", None]), "repositoryName": rng.choice(["app", "team/x", None])}
    if rng.random() < 0.8:
        d["imageTags"] = rng.sample(["latest", "v1", "prod-1", "sha-ab"], rng.randint(0, 3))
    if rng.random() < 0.9:
        d["imageSizeInBytes"] = rng.choice([0, 12_345_678, 9.0])
    for key in ("lastRecordedPullTime", "lastArchivedAt", "lastActivatedAt"):
        value = rng.choice(times)
        if value is not None or rng.random() < 0.5:
            d[key] = value
    for key, values in (("imageStatus", ["ACTIVE", "ARCHIVED", None]),
                        ("subjectManifestDigest", [None, "sha256:" + "f" * 64]),
                        ("imageManifestMediaType", [None, "application/vnd.oci.image.manifest.v1+json"]),
                        ("artifactMediaType", [None, "application/vnd.oci.image.config.v1+json"])):
        if rng.random() < 0.7:
            d[key] = rng.choice(values)
    return d


@pytest.mark.parametrize("seed", range(12))
def test_column_wise_reader_gives_the_row_by_row_frame(seed):
    rng = random.Random(seed)
    optional = rng.choice([[None], [None, *TIMES], TIMES, TIMES[:1], ["2024-01-02T03:04:05.123456789Z", None]])
    details = [_detail(rng, i, optional) for i in range(rng.randint(1, 60))]
    fast, slow = _fast_frame(details), _frame_row_by_row(details)
    assert list(fast.dtypes.astype(str)) == list(slow.dtypes.astype(str))
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)


@pytest.mark.parametrize("seed", range(6))
def test_botocore_datetimes_read_as_the_row_by_row_reader_reads_them(seed):
    """The collector passes botocore's answers: datetimes (aware, in any zone), not text."""
    rng = random.Random(seed)
    zones = [timezone.utc, timezone(timedelta(hours=9)), timezone(timedelta(hours=-5, minutes=-30)), None]

    def moment():
        value = datetime(2024, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=rng.randint(0, 10**8),
                                                                      microseconds=rng.choice([0, 123_000, 5]))
        zone = rng.choice(zones)
        return value.astimezone(zone).replace(tzinfo=None) if zone is None else value.astimezone(zone)

    details = [{"imageDigest": f"sha256:{i:064x}", "imagePushedAt": moment(),
                **({"lastRecordedPullTime": moment()} if rng.random() < 0.6 else {})}
               for i in range(rng.randint(1, 40))]
    fast, slow = _fast_frame(details), _frame_row_by_row(details)
    assert list(fast.dtypes.astype(str)) == list(slow.dtypes.astype(str))
    pd.testing.assert_frame_equal(fast, slow, check_exact=True)


@pytest.mark.parametrize("bad", [
    {"imagePushedAt": 1700000000},                  # epoch seconds: read row by row
    {"imagePushedAt": "30 Nov 2026 08:00"},         # not ISO 8601 for the fast reader
    {"imageTags": "latest"},                        # bad tags: the row reader names them
    {"imageSizeInBytes": True},
    {"lastArchivedAt": "yesterday"},
])
def test_anything_unusual_goes_row_by_row(bad):
    details = [{"imageDigest": "sha256:a", "imagePushedAt": "2024-01-02T03:04:05Z"},
               {"imageDigest": "sha256:b", "imagePushedAt": "2024-01-02T03:04:05Z", **bad}]
    with pytest.raises(_NotFast):
        _fast_frame(details)
    try:
        expected = _frame_row_by_row(details)
    except AwsJsonError as exc:
        with pytest.raises(AwsJsonError, match=f"^{exc}$".replace("[", r"\[").replace("]", r"\]")
                           .replace("(", r"\(").replace(")", r"\)")):
            images_from_describe(details)
    else:
        pd.testing.assert_frame_equal(images_from_describe(details), expected, check_exact=True)


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_iso_column_writes_what_timestamp_isoformat_writes(unit):
    from ecr_report.reports.lifecycle.preview import _iso, iso_column

    rng = random.Random(unit)
    base = pd.Timestamp("2024-02-29T23:59:59Z").value
    nanos = [base + rng.choice([0, 1, 999, 1000, 123_456_000, 500_000_000, 999_999_999]) + rng.randint(-10**18, 10**17) // 10**9 * 10**9
             for _ in range(300)] + [0, -1_500_000_000]
    times = pd.Series(pd.to_datetime(nanos, utc=True)).dt.as_unit("ns").dt.floor({"s": "s", "ms": "ms", "us": "us", "ns": "ns"}[unit]).dt.as_unit(unit)
    assert iso_column(times) == [_iso(t) for t in times]
