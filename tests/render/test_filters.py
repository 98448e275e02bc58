from datetime import date, datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecr_report.reports.render import filters as f

MISSING_VALUES = [None, pd.NA, pd.NaT, float("nan"), np.nan, np.float64("nan")]


@pytest.mark.parametrize("value", MISSING_VALUES)
@pytest.mark.parametrize("fn", [f.fmt_int, f.fmt_num, f.fmt_pct, f.fmt_bytes, f.fmt_usd,
                                f.fmt_datetime, f.fmt_date, f.fmt_text])
def test_missing_is_na_never_nan_or_none(fn, value):
    assert fn(value) == "n/a"
    assert fn(value, missing="unknown") == "unknown"


def test_is_missing_does_not_flag_real_values():
    for value in (0, 0.0, "", "None", False, pd.Timestamp("2026-01-01", tz="UTC")):
        assert not f.is_missing(value)


def test_fmt_int():
    assert f.fmt_int(0) == "0"
    assert f.fmt_int(1234567) == "1,234,567"
    assert f.fmt_int(np.int64(42)) == "42"
    assert f.fmt_int(pd.array([5], dtype="Int64")[0]) == "5"
    assert f.fmt_int(-1200) == "\u22121,200"
    assert f.fmt_int(2.5) == "3"  # half-up, not banker's rounding


def test_fmt_pct_and_ratio():
    assert f.fmt_pct(83.333) == "83.3%"
    assert f.fmt_pct(100) == "100.0%"
    assert f.fmt_pct(99.95, 0) == "100%"
    assert f.pct_of(1, 0) is None
    assert f.fmt_ratio(12, 58) == "12 of 58 (20.7%)"
    assert f.fmt_ratio(0, 0) == "0 of 0"
    assert f.fmt_ratio(pd.NA, 5) == "n/a"


def test_fmt_bytes_binary_units():
    assert f.fmt_bytes(0) == "0 B"
    assert f.fmt_bytes(1023) == "1,023 B"
    assert f.fmt_bytes(1536) == "1.5 KiB"
    assert f.fmt_bytes(5 * 2**30) == "5.0 GiB"
    assert f.fmt_bytes(3 * 2**40) == "3.0 TiB"
    assert f.fmt_bytes(2**30, unit="MiB") == "1,024.0 MiB"


def test_fmt_usd():
    assert f.fmt_usd(0) == "$0.00"
    assert f.fmt_usd(1234.5) == "$1,234.50"
    assert f.fmt_usd(0.125) == "$0.13"
    assert f.fmt_usd(-3) == "\u2212$3.00"
    assert f.fmt_usd(-0.001) == "$0.00"  # no "negative zero"


def test_dates_are_iso_utc():
    aware = datetime(2026, 3, 2, 17, 30, tzinfo=timezone(timedelta(hours=9)))
    assert f.fmt_datetime(aware) == "2026-03-02 08:30 UTC"
    assert f.fmt_date(aware) == "2026-03-02"
    assert f.fmt_iso(aware) == "2026-03-02T08:30:00Z"
    assert f.fmt_datetime(pd.Timestamp("2026-03-02T08:00:00Z")) == "2026-03-02 08:00 UTC"
    assert f.fmt_datetime("2026-03-02T08:00:00+00:00") == "2026-03-02 08:00 UTC"
    assert f.fmt_date(date(2026, 1, 5)) == "2026-01-05"
    assert f.fmt_datetime(datetime(2026, 1, 5, 1, 2)) == "2026-01-05 01:02 UTC"  # naive = UTC


def test_plural():
    assert f.plural(1, "repository", "repositories") == "1 repository"
    assert f.plural(2, "repository", "repositories") == "2 repositories"
    assert f.plural(1000, "image") == "1,000 images"
    assert f.plural(0, "call") == "0 calls"


@given(st.one_of(st.integers(-10**15, 10**15), st.just(float("nan")), st.floats(allow_nan=False, allow_infinity=False,
                                                          min_value=-1e15, max_value=1e15)))
def test_numeric_filters_never_leak_python_reprs(value):
    for fn in (f.fmt_int, f.fmt_num, f.fmt_pct, f.fmt_usd):
        text = fn(value)
        assert "nan" not in text.lower() and "None" not in text and "e+" not in text


@given(st.integers(0, 2**62))
def test_bytes_never_leak_reprs(value):
    text = f.fmt_bytes(value)
    assert text.split()[-1] in ("B", "KiB", "MiB", "GiB", "TiB", "PiB")


def test_the_filters_are_the_shared_formatting_functions():
    from decimal import Decimal

    from ecr_report.reports import formatting

    for name in ("fmt_int", "fmt_num", "fmt_pct", "fmt_ratio", "fmt_bytes", "fmt_usd", "fmt_usd_per_month",
                 "fmt_datetime", "fmt_date", "fmt_iso", "fmt_text", "plural", "is_missing", "pct_of",
                 "round_half_up"):
        assert getattr(f, name) is getattr(formatting, name)
    assert f.round_half_up(0.125, 2) == Decimal("0.13") and f.round_half_up(2.5, 0) == Decimal("3")


def test_fmt_usd_per_month():
    assert f.fmt_usd_per_month(1234.5) == "$1,234.50/month"
    assert f.fmt_usd_per_month(-3) == "\u2212$3.00/month"
    assert f.fmt_usd_per_month(0.125) == "$0.13/month"
    assert f.fmt_usd_per_month(None) == "n/a"
