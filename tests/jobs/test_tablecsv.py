"""jobs/tablecsv.py writes the bytes pandas' to_csv writes, for every dtype it handles itself and
for the frames it hands to pandas."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ecr_report.jobs import tablecsv

AWKWARD = ["plain", "", "a,b", 'say "hi"', "two\nlines", "cr\rhere", " lead", "tail ", "日本語",
           "tab\there", '"', ",", "\n", "semi;colon", "back\\slash", "'quote'"]


def pandas_csv(frame: pd.DataFrame, path) -> bytes:
    """The reference: pandas' own writer, tuple and list cells joined by spaces first."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].map(lambda v: " ".join(v) if isinstance(v, (tuple, list)) else v)
    out.to_csv(path, index=False, date_format=tablecsv.DATE_FORMAT)
    return path.read_bytes()


def assert_same(frame: pd.DataFrame, tmp_path) -> None:
    tablecsv.write_csv(frame, tmp_path / "fast.csv")
    assert (tmp_path / "fast.csv").read_bytes() == pandas_csv(frame, tmp_path / "pandas.csv")


def handled(series: pd.Series) -> bool:
    try:
        tablecsv.column_text(series)
    except tablecsv.Unhandled:
        return False
    return True


def every_dtype(n: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    text = [AWKWARD[i % len(AWKWARD)] for i in range(n)]
    stamps = pd.to_datetime(rng.integers(0, 4_000_000_000, n) * 1_000_000_000 + rng.integers(0, 10**9, n), utc=True)
    floats = rng.normal(size=n) * 10.0 ** rng.integers(-8, 12, n)
    floats[::5] = np.nan
    floats[1], floats[2], floats[3] = np.inf, 0.1, 1e16
    frame = pd.DataFrame({
        "string": pd.array([None if i % 7 == 0 else t for i, t in enumerate(text)], dtype="string"),
        "str": pd.Series([None if i % 6 == 0 else t for i, t in enumerate(text)], dtype="str"),
        "python_string": pd.array([None if i % 5 == 0 else t for i, t in enumerate(text)],
                                  dtype=pd.StringDtype("python")),
        "object_text": pd.Series([None if i % 4 == 0 else np.nan if i % 9 == 0 else t for i, t in enumerate(text)],
                                 dtype=object),
        "tags": pd.Series([tuple(text[i:i + i % 3]) for i in range(n)], dtype=object),
        "int64": rng.integers(-10**12, 10**12, n),
        "uint8": rng.integers(0, 255, n).astype("uint8"),
        "Int64": pd.array([None if i % 3 == 0 else int(v) for i, v in enumerate(rng.integers(-10**15, 10**15, n))],
                          dtype="Int64"),
        "bool": rng.integers(0, 2, n).astype(bool),
        "boolean": pd.array([None if i % 4 == 0 else bool(i % 3) for i in range(n)], dtype="boolean"),
        "float64": floats,
        "utc": stamps.where(np.arange(n) % 6 != 0),
        "naive": stamps.tz_localize(None).where(np.arange(n) % 5 != 0),
    })
    return frame


def test_every_handled_dtype_gives_pandas_bytes(tmp_path):
    frame = every_dtype()
    # the test is about the fast path: every column above must take it, not pandas' writer
    assert [c for c in frame.columns if not handled(frame[c])] == []
    assert_same(frame, tmp_path)


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_date_times_at_the_ends_of_the_range_give_pandas_bytes(tmp_path, unit):
    # the first second of 1970, a leap day, fractions of a second (written without them) and,
    # where the unit reaches it, the last second of 9999
    last = "9999-12-31T23:59:59" if unit != "ns" else "2262-04-11T23:47:16.854775"
    stamps = np.array(["1970-01-01T00:00:00", "2024-02-29T12:34:56.999", "NaT", last], dtype=f"datetime64[{unit}]")
    frame = pd.DataFrame({"naive": stamps, "utc": pd.Series(stamps).dt.tz_localize("UTC")})
    assert [c for c in frame.columns if not handled(frame[c])] == []
    assert_same(frame, tmp_path)


def test_rows_split_into_chunks_give_the_same_bytes(tmp_path, monkeypatch):
    monkeypatch.setattr(tablecsv, "_CHUNK_ROWS", 7)
    assert_same(every_dtype(50), tmp_path)


@pytest.mark.parametrize("values", [["", "x", ""], ["", None, "a,b"], [None, None, None]])
def test_one_column_rows_with_empty_fields(tmp_path, values):
    # the csv module writes a row of one empty field as ""
    assert_same(pd.DataFrame({"only": pd.array(values, dtype="string")}), tmp_path)
    assert_same(pd.DataFrame({"only": pd.Series(values, dtype=object)}), tmp_path)


def test_header_names_that_need_quotes(tmp_path):
    assert_same(pd.DataFrame({"a,b": [1], 'q"': [2], "": [3]}), tmp_path)


def test_empty_frames(tmp_path):
    assert_same(every_dtype().iloc[:0], tmp_path)
    assert_same(pd.DataFrame(), tmp_path)


@pytest.mark.parametrize("column", [
    pd.Series([1.5, None], dtype="Float64"),
    pd.Series(["a", "b"], dtype="category"),
    pd.Series(pd.to_timedelta([1, 2], unit="s")),
    pd.Series(pd.to_datetime(["2026-01-01 10:00", None]).tz_localize("Asia/Tokyo")),
    pd.Series(pd.to_datetime(["1969-12-31 23:59:59.5", "2026-01-01 00:00:00.0"], utc=True)),
    pd.Series([1, "a", 2.5, None, pd.Timestamp("2026-01-01", tz="UTC")], dtype=object),
    pd.Series([b"bytes", None], dtype=object),
])
def test_other_columns_are_written_by_pandas(tmp_path, column):
    assert not handled(column)
    assert_same(pd.DataFrame({"text": ["x,y"] * len(column), "other": column}), tmp_path)
