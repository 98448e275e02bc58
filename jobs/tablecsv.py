"""data/*.csv: the bytes pandas' `DataFrame.to_csv(index=False, date_format=DATE_FORMAT)`
writes, made a column at a time with pyarrow.

pandas formats every cell in Python and hands the rows to the csv module: at demo scale 40 the
run's 230 MB of CSV took 6.4 s of a run. Here each column is turned into its text once,
vectorised (numpy, pyarrow compute), quoted where the csv module would quote (QUOTE_MINIMAL),
and the rows are joined by pyarrow. Only the dtypes the tables use are done so (strings,
integers, booleans, floats, UTC or naive date-times, text objects); a frame with any other
column is written by pandas itself, so no frame is ever written differently.
tests/test_tablecsv.py compares the two writers on every dtype handled and on awkward values.
"""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

DATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
LINE_END = os.linesep  # pandas' default line terminator
_CHUNK_ROWS = 8192  # rows formatted at once: 65,536 added 110 MiB to a scale-40 run's peak, 8,192 adds 30 at the same CPU
# 0001-01-01 .. 9999-12-31 as seconds since 1970: where numpy's ISO text is strftime's %Y-%m-%d
# (outside it, and before 1970 where truncation and flooring differ, pandas writes the column).
_FIRST_SECOND, _LAST_SECOND = 0, 253402300799


def _text(value: str) -> pa.Scalar:
    return pa.scalar(value, pa.large_string())


_QUOTE, _EMPTY, _SEPARATOR, _LINE_END = _text('"'), _text(""), _text(","), _text(LINE_END)
_TRUE, _FALSE = _text("True"), _text("False")
_ZULU = _text("Z")


class Unhandled(Exception):
    """A column whose text this module does not make: the frame is written by pandas."""


def _quote_chars() -> str:
    """The characters that make the csv module quote a field, asked of the csv module itself
    (not assumed: Python 3.11 quotes a field with "\\n" but not one with "\\r", and the rule
    is the csv module's, which may change)."""
    found = []
    for char in sorted(set(',"\r\n' + LINE_END)):
        out = io.StringIO()
        csv.writer(out, lineterminator=LINE_END).writerow([f"a{char}b", "x"])
        if out.getvalue().startswith('"'):
            found.append(char)
    return "".join(found)


def _lone_empty_field() -> str:
    """How the csv module writes a row of one empty field (3.11: `""`, not an empty line)."""
    out = io.StringIO()
    csv.writer(out, lineterminator=LINE_END).writerow([""])
    return out.getvalue()[:-len(LINE_END)]


_NEEDS_QUOTES = "[" + "".join(re.escape(c) for c in _quote_chars()) + "]"
_EMPTY_FIELD = _text(_lone_empty_field())
_QUOTE_BYTES = tuple(char.encode("ascii") for char in _quote_chars())


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """`frame` as CSV at `path`, byte for byte what `frame.to_csv(path, index=False,
    date_format=DATE_FORMAT)` writes (tuple and list cells joined by spaces first)."""
    try:
        header = _header(frame)
        with open(path, "wb") as fh:
            fh.write(header)
            for start in range(0, len(frame), _CHUNK_ROWS):
                fh.write(_rows(frame.iloc[start:start + _CHUNK_ROWS]))
    except Unhandled:
        _pandas_ready(frame).to_csv(path, index=False, date_format=DATE_FORMAT)


def _header(frame: pd.DataFrame) -> bytes:
    names = list(frame.columns)
    if not names or not all(type(n) is str for n in names):
        raise Unhandled("no columns, or a column name that is not text")
    out = io.StringIO()
    csv.writer(out, lineterminator=LINE_END).writerow(names)
    return out.getvalue().encode("utf-8")


def _rows(chunk: pd.DataFrame) -> memoryview:
    texts = [_quoted(column_text(chunk.iloc[:, i])) for i in range(chunk.shape[1])]
    if len(texts) == 1:  # a row of one empty field, as the csv module writes it
        texts[0] = pc.if_else(pc.equal(texts[0], _EMPTY), _EMPTY_FIELD, texts[0])
    lines = pc.binary_join_element_wise(*texts, _SEPARATOR) if len(texts) > 1 else texts[0]
    lines = pc.binary_join_element_wise(lines, _EMPTY, _LINE_END)  # each line and its terminator
    return _concatenated(lines)


def _concatenated(lines: pa.Array) -> memoryview:
    """The text of every string of `lines` (a large_string array without nulls), one after the
    other: a view of its data buffer, not a copy."""
    lines = lines.combine_chunks() if isinstance(lines, pa.ChunkedArray) else lines
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int64)[lines.offset:lines.offset + len(lines) + 1]
    data = lines.buffers()[2]
    return memoryview(data)[int(offsets[0]):int(offsets[-1])] if data is not None else memoryview(b"")


def _quoted(text: pa.Array) -> pa.Array:
    """`text` with each value the csv module would quote in quotes, its quotes doubled."""
    # First one search of the column's UTF-8 bytes per character (memchr): 23 of a scale-40
    # run's 571 columns have one, and a regex match per value on all of them was a third of
    # writing the CSV. (These characters are ASCII: no byte of a longer UTF-8 sequence is one.)
    data = bytes(_concatenated(text))
    if not any(char in data for char in _QUOTE_BYTES):
        return text
    needs = pc.match_substring_regex(text, _NEEDS_QUOTES)
    if not pc.any(needs).as_py():
        return text
    quoted = pc.binary_join_element_wise(_QUOTE, pc.replace_substring(text, '"', '""'), _QUOTE, _EMPTY)
    return pc.if_else(needs, quoted, text)


def column_text(series: pd.Series) -> pa.Array:
    """The text pandas writes for each value of `series` (missing values: ""), as large_string
    without nulls. Raises Unhandled for a dtype (or object values) it does not reproduce."""
    dtype = series.dtype
    if isinstance(dtype, pd.StringDtype):
        return _filled(pa.array(series.array, from_pandas=True))
    if isinstance(dtype, pd.DatetimeTZDtype):
        if str(dtype.tz) != "UTC":
            raise Unhandled(f"date-times in {dtype.tz}")
        return _datetimes(series.array.tz_localize(None).to_numpy())
    if isinstance(dtype, pd.BooleanDtype):
        return _filled(pc.if_else(pa.array(series.array), _TRUE, _FALSE))
    if isinstance(dtype, (pd.Int8Dtype, pd.Int16Dtype, pd.Int32Dtype, pd.Int64Dtype,
                          pd.UInt8Dtype, pd.UInt16Dtype, pd.UInt32Dtype, pd.UInt64Dtype)):
        return _filled(pc.cast(pa.array(series.array), pa.large_string()))
    if not isinstance(dtype, np.dtype):
        raise Unhandled(f"dtype {dtype}")
    values = series.to_numpy()
    if dtype.kind in "iu":
        return pc.cast(pa.array(values), pa.large_string())
    if dtype.kind == "b":
        return pc.if_else(pa.array(values), _TRUE, _FALSE)
    if dtype.kind == "f":  # numpy's shortest round-trip text, as pandas' get_values_for_csv
        text = values.astype(str).astype(object)
        text[np.isnan(values)] = ""
        return pa.array(text, pa.large_string())
    if dtype.kind == "M":
        return _datetimes(values)
    if dtype.kind == "O":
        return _objects(values)
    raise Unhandled(f"dtype {dtype}")


def _filled(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    return pc.fill_null(values.cast(pa.large_string()), _EMPTY)


def _datetimes(values: np.ndarray) -> pa.Array:
    """`DATE_FORMAT` text of naive datetime64 values (UTC), "" for NaT: Arrow's text of a
    timestamp in seconds ("2026-11-30 08:00:00"), its space made a "T", and a "Z" (a tenth of
    the CPU of numpy's datetime_as_string and a "Z" added to each)."""
    seconds = values.astype("datetime64[s]")
    missing = np.isnat(seconds)
    known = seconds[~missing].astype(np.int64)
    if len(known) and (known.min() < _FIRST_SECOND or known.max() > _LAST_SECOND):
        raise Unhandled("date-times before 1970 or after 9999")
    text = pc.cast(pa.array(seconds, mask=missing), pa.large_string())
    text = pc.binary_join_element_wise(pc.utf8_replace_slice(text, 10, 11, "T"), _ZULU, _EMPTY)
    return pc.fill_null(text, _EMPTY)


def _objects(values: np.ndarray) -> pa.Array:
    """Text objects (tuples and lists joined by spaces first); anything else is Unhandled."""
    values = np.array([_spaced(v) for v in values], dtype=object) \
        if any(isinstance(v, (tuple, list)) for v in values) else values
    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind not in ("string", "empty"):
        raise Unhandled(f"object values of kind {kind}")
    missing = pd.isna(values)
    if missing.any():
        values = values.copy()
        values[missing] = ""
    return pa.array(values, pa.large_string())


def _pandas_ready(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with tuple and list cells joined by spaces (pandas would write their repr)."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object and out[col].map(lambda v: isinstance(v, (tuple, list))).any():
            out[col] = out[col].map(_spaced)
    return out


def _spaced(value: object) -> object:
    """A tuple or list cell as its items joined by spaces; any other value as it is."""
    return " ".join(value) if isinstance(value, (tuple, list)) else value
