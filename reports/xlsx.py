"""The FinOps workbook (`data/finops.xlsx`): the cost tables as one XLSX file, as bytes. Pure.

One sheet per table of the FinOps review (cost lines, coverage, compliance, Inspector, pull-through,
lifecycle, prices ...), after an `about` sheet that names the run, lists the sheets and says which
cost-line columns are FOCUS columns and which are ours. Every sheet has typed cells (money, bytes
and counts as numbers with number formats, timestamps as real Excel date-times in UTC without a
time zone, booleans as booleans, tag tuples joined), a frozen header row, an autofilter and column
widths from its content.

Written with XlsxWriter: 2.6x faster than pandas' openpyxl writer on the demo fleet's tables
while doing more (benchmarks/xlsx.py measures both in one run); openpyxl stays the independent
reader in the tests. The bytes depend only on the tables and the run's `as_of`: the document's created and
modified times are set from `as_of` (XlsxWriter would use the clock), and XlsxWriter stamps every
zip entry with the fixed date 1980-01-01, so `ecr-report render` reproduces the same file.
"""

from __future__ import annotations

import io
import math
import re
from datetime import datetime
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import xlsxwriter

from .concern import Concern
from .finops import CUSTOM_COLUMNS, FOCUS_COLUMNS, FOCUS_SOURCE

FOUNDATION_SHEETS: tuple[tuple[str, str], ...] = (
    # (table, what the sheet holds); the sheet is named after the table (all <= 31 characters)
    ("cost_lines", "every monthly cost, avoided cost and saving, one row per resource and component (FOCUS columns)"),
    ("coverage", "scan coverage, one row per repository"),
    ("registry_coverage", "scan coverage and basic-scan quota headroom, one row per registry"),
    ("compliance", "one row per repository and control"),
)
PRICES_SHEET = ("prices", "every price used: region, unit, amount, source, date, status")


def workbook_sheets(concerns: Sequence[Concern]) -> tuple[tuple[str, str], ...]:
    """The workbook's sheets in order: the foundation's, each concern's, then the prices."""
    return (*FOUNDATION_SHEETS, *(sheet for c in concerns for sheet in c.presentation.workbook_sheets),
            PRICES_SHEET)


MAX_ROWS = 1_048_575  # Excel's row limit, less the header row
MAX_WIDTH, MIN_WIDTH = 60, 8

DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
MONEY_FORMAT = '"$"#,##0.00##'
UNIT_PRICE_FORMAT = '"$"#,##0.00####'
BYTES_FORMAT = "#,##0"
COUNT_FORMAT = "#,##0"
SHARE_FORMAT = "0.0%"
DECIMAL_FORMAT = "#,##0.00##"

_MONEY_NAMES = {"ListCost", "EffectiveCost", "BilledCost"}
_UNIT_PRICE_NAMES = {"ListUnitPrice", "amount_usd", "initial_scan_price_usd", "rescan_price_usd",
                     "saving_per_pull_usd"}
_HEADER = {"bold": True, "bg_color": "#DDE4EE", "pattern": 1, "valign": "top"}
#: Characters XML 1.0 cannot carry (what openpyxl refuses as "illegal"): dropped from text cells.
_ILLEGAL_CHARACTERS = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def finops_workbook(tables: Mapping[str, pd.DataFrame], *, as_of: Any, run_id: str = "",
                    sheets: Iterable[tuple[str, str]]) -> bytes:
    """The workbook's bytes: the `sheets` tables present in `tables`, each on its own sheet."""
    stamp = _naive_utc(as_of)
    buffer = io.BytesIO()
    # strings_to_* off: a text cell stays text, whatever it looks like ("=HYPERLINK(...)", "1e5").
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                      "strings_to_numbers": False, "strings_to_urls": False})
    formats = _Formats(wb)
    about = wb.add_worksheet("about")
    present = [(name, words) for name, words in sheets if name in tables]
    for name, _ in present:
        _write_sheet(wb.add_worksheet(name[:31]), tables[name], formats)
    _write_about(about, present, tables, stamp, run_id, formats)
    wb.set_properties({"title": f"ecr-report FinOps review {run_id}".strip(), "author": "ecr-report",
                       "created": stamp})
    wb.close()
    return buffer.getvalue()


class _Formats:
    """One XlsxWriter format per style used, created on first use (a format is workbook-wide)."""

    def __init__(self, wb: Any) -> None:
        self._wb = wb
        self._made: dict[tuple[tuple[str, Any], ...], Any] = {}

    def get(self, **properties: Any) -> Any:
        key = tuple(sorted(properties.items()))
        if key not in self._made:
            self._made[key] = self._wb.add_format(dict(properties))
        return self._made[key]

    def number(self, fmt: str | None) -> Any:
        return self.get(num_format=fmt) if fmt else None

    @property
    def header(self) -> Any:
        return self.get(**_HEADER)


# --- sheets --------------------------------------------------------------------------------------


def _write_sheet(ws: Any, frame: pd.DataFrame, formats: _Formats) -> None:
    columns = [str(c) for c in frame.columns]
    ws.write_row(0, 0, columns, formats.header)
    widths = [len(c) + 2 for c in columns]
    rows = frame.iloc[:MAX_ROWS]
    for col_idx, name in enumerate(columns):
        values, fmt, kind = _column_values(name, rows[frame.columns[col_idx]])
        write = _cell_writer(ws, kind, formats.number(fmt))
        for row_idx, value in enumerate(values, start=1):
            if value is not None:  # None (unknown) stays an empty cell, never a 0
                write(row_idx, col_idx, value)
        widths[col_idx] = max(widths[col_idx], _display_width(values, fmt))
    for i, width in enumerate(widths):
        ws.set_column(i, i, max(MIN_WIDTH, min(MAX_WIDTH, width)))
    ws.freeze_panes(1, 0)
    if columns:
        ws.autofilter(0, 0, max(0, len(rows)), len(columns) - 1)
    if len(frame) > MAX_ROWS:
        ws.write_string(0, len(columns), f"truncated: {len(frame) - MAX_ROWS:,} more rows in the CSV file",
                        formats.get(bold=True))


def _cell_writer(ws: Any, kind: str, number_format: Any) -> Callable[[int, int, Any], None]:
    """How one column's known values are written: a column holds one kind of value (a column
    at a time, not a type test per cell: ~450k cells at scale 40)."""
    if kind == "text":
        return ws.write_string
    if kind == "bool":
        return ws.write_boolean
    if kind == "datetime":
        return lambda row, col, value: ws.write_datetime(row, col, value, number_format)

    def number(row: int, col: int, value: Any) -> None:
        if math.isfinite(value):  # NaN and infinities stay empty
            ws.write_number(row, col, value, number_format)
    return number


def _column_values(name: str, series: pd.Series) -> tuple[list[Any], str | None, str]:
    """Python values for the cells (None: unknown), the column's number format, and the kind of
    its values: "text", "bool", "datetime" or "number"."""
    dtype = series.dtype
    missing = series.isna().to_numpy()
    if isinstance(dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(dtype):
        stamps = pd.to_datetime(series, utc=True).dt.tz_convert("UTC").dt.tz_localize(None)
        return _unknown_none(list(stamps.dt.to_pydatetime()), missing), DATETIME_FORMAT, "datetime"
    if pd.api.types.is_bool_dtype(dtype):
        return _unknown_none(_python_values(series, False), missing), None, "bool"
    if pd.api.types.is_integer_dtype(dtype):
        return _unknown_none(_python_values(series, 0), missing), _number_format(name, integer=True), "number"
    if pd.api.types.is_float_dtype(dtype):
        return (_unknown_none(_python_values(series, np.nan), missing), _number_format(name, integer=False),
                "number")
    return [None if unknown else _text(v) for v, unknown in zip(series.tolist(), missing)], None, "text"


def _python_values(series: pd.Series, fill: Any) -> list[Any]:
    """Python bools, ints or floats (exact: tolist), `fill` where the value is unknown."""
    dtype = series.dtype
    plain = dtype if isinstance(dtype, np.dtype) else dtype.numpy_dtype
    return series.to_numpy(dtype=plain, na_value=fill).tolist()


def _unknown_none(values: list[Any], missing: np.ndarray) -> list[Any]:
    for i in np.flatnonzero(missing).tolist():
        values[i] = None
    return values


def _number_format(name: str, *, integer: bool) -> str:
    lower = name.lower()
    if name in _UNIT_PRICE_NAMES:
        return UNIT_PRICE_FORMAT
    if name in _MONEY_NAMES or lower.endswith("_usd") or "_usd_" in lower:
        return MONEY_FORMAT
    if "bytes" in lower:
        return BYTES_FORMAT
    if lower.endswith("_share"):
        return SHARE_FORMAT
    return COUNT_FORMAT if integer else DECIMAL_FORMAT


def _text(value: Any) -> str | None:
    """A known value's cell text (None when it is empty)."""
    if isinstance(value, (tuple, list)):
        value = ", ".join(str(v) for v in value)
    text = _ILLEGAL_CHARACTERS.sub("", str(value))
    return text if text else None


def _display_width(values: list[Any], fmt: str | None) -> int:
    if fmt == DATETIME_FORMAT:
        return len(DATETIME_FORMAT) + 2
    longest = 0
    for value in values[:500]:
        if value is None:
            continue
        if isinstance(value, float):
            text = f"{value:,.2f}"
        elif isinstance(value, bool):
            text = "FALSE"
        elif isinstance(value, int):
            text = f"{value:,}"
        else:
            text = max(str(value).splitlines() or [""], key=len)
        longest = max(longest, len(text))
    return longest + 2


def _write_about(ws: Any, present: list[tuple[str, str]], tables: Mapping[str, pd.DataFrame],
                 stamp: datetime, run_id: str, formats: _Formats) -> None:
    ws.write_string(0, 0, "ecr-report FinOps review", formats.get(bold=True, font_size=14))
    ws.write_string(1, 0, "run")
    if run_id:
        ws.write_string(1, 1, run_id)
    ws.write_string(2, 0, "as of (UTC)")
    ws.write_datetime(2, 1, stamp, formats.number(DATETIME_FORMAT))
    ws.write_row(3, 0, ["figures", "monthly USD projections from list prices, not bills; see the report's methodology"])
    row = 5
    ws.write_row(row, 0, ["sheet", "rows", "what it holds"], formats.header)
    for name, words in present:
        row += 1
        ws.write_string(row, 0, name)
        ws.write_number(row, 1, int(len(tables[name])), formats.number(COUNT_FORMAT))
        ws.write_string(row, 2, words)
    row += 2
    ws.write_row(row, 0, ["cost_lines column", "FOCUS or ours", "meaning"], formats.header)
    for column, words in FOCUS_COLUMNS.items():
        row += 1
        ws.write_row(row, 0, [column, "FOCUS", words])
    for column, words in CUSTOM_COLUMNS.items():
        row += 1
        ws.write_row(row, 0, [column, "ours (x_ prefix)", words])
    row += 2
    ws.write_row(row, 0, ["FOCUS version and source", FOCUS_SOURCE])
    ws.set_column(0, 0, 26)
    ws.set_column(1, 1, 22)
    ws.set_column(2, 2, 100)
    ws.freeze_panes(1, 0)


# --- determinism ---------------------------------------------------------------------------------


def _naive_utc(value: Any) -> datetime:
    stamp = pd.Timestamp(value)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return stamp.tz_localize(None).floor("s").to_pydatetime()


__all__ = ["FOUNDATION_SHEETS", "PRICES_SHEET", "finops_workbook", "workbook_sheets"]
