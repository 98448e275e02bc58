"""The FinOps workbook (`data/finops.xlsx`): the cost tables as one XLSX file, as bytes. Pure.

One sheet per table of the FinOps review (cost lines, coverage, compliance, Inspector, pull-through,
lifecycle, prices ...), after an `about` sheet that names the run, lists the sheets and says which
cost-line columns are FOCUS columns and which are ours. Every sheet has typed cells (money, bytes
and counts as numbers with number formats, timestamps as real Excel date-times in UTC without a
time zone, booleans as booleans, tag tuples joined), a frozen header row, an autofilter and column
widths from its content.

The bytes depend only on the tables and the run's `as_of`: openpyxl stamps the document's
created/modified times with the clock and the zip entries with the local time, so both are set
from `as_of` here, and `ecr-report render` reproduces the same file.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from typing import Any, Iterable, Mapping

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from .finops import CUSTOM_COLUMNS, FOCUS_COLUMNS, FOCUS_SOURCE

SHEETS: tuple[tuple[str, str], ...] = (
    # (table, what the sheet holds); the sheet is named after the table (all <= 31 characters)
    ("cost_lines", "every monthly cost, avoided cost and saving, one row per resource and component (FOCUS columns)"),
    ("coverage", "scan coverage, one row per repository"),
    ("registry_coverage", "scan coverage and basic-scan quota headroom, one row per registry"),
    ("compliance", "one row per repository and control"),
    ("inspector", "Amazon Inspector cost, one row per repository"),
    ("inspector_scenarios", "Inspector cost under other settings"),
    ("inspector_reconciliation", "our Inspector model against AWS's own usage figures"),
    ("pull_through", "pull-through cache economics, one row per rule and cached repository"),
    ("pull_through_stale", "cached images not pulled recently"),
    ("pull_through_uncached", "upstream images pulled without the cache"),
    ("pull_through_topology", "VPCs: NAT gateways, endpoints, and whether the cache saves NAT processing"),
    ("lifecycle", "lifecycle reclaimable bytes and dollars, one row per repository and scenario"),
    ("prices", "every price used: region, unit, amount, source, date, status"),
)
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
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")


def finops_workbook(tables: Mapping[str, pd.DataFrame], *, as_of: Any, run_id: str = "",
                    sheets: Iterable[tuple[str, str]] = SHEETS) -> bytes:
    """The workbook's bytes: the `sheets` tables present in `tables`, each on its own sheet."""
    stamp = _naive_utc(as_of)
    wb = Workbook()
    about = wb.active
    about.title = "about"
    present = [(name, words) for name, words in sheets if name in tables]
    for name, _ in present:
        _write_sheet(wb.create_sheet(name[:31]), tables[name])
    _write_about(about, present, tables, stamp, run_id)
    props = wb.properties
    props.creator = "ecr-report"
    props.lastModifiedBy = None
    props.title = f"ecr-report FinOps review {run_id}".strip()
    props.created = props.modified = stamp
    buffer = io.BytesIO()
    with _FixedTimeZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True, date_time=stamp) as archive:
        ExcelWriter(wb, archive).write_data()  # not wb.save(): it stamps `modified` with the clock
    return buffer.getvalue()


# --- sheets --------------------------------------------------------------------------------------


def _write_sheet(ws: Any, frame: pd.DataFrame) -> None:
    columns = [str(c) for c in frame.columns]
    ws.append(columns)
    for cell in ws[1]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(vertical="top")
    widths = [len(c) + 2 for c in columns]
    rows = frame.iloc[:MAX_ROWS]
    for col_idx, name in enumerate(columns, start=1):
        values, fmt = _column_values(name, rows[frame.columns[col_idx - 1]])
        for row_idx, value in enumerate(values, start=2):
            cell = ws.cell(row=row_idx, column=col_idx)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            elif value is not None and fmt:
                cell.number_format = fmt
        widths[col_idx - 1] = max(widths[col_idx - 1], _display_width(values, fmt))
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(MIN_WIDTH, min(MAX_WIDTH, width))
    ws.freeze_panes = "A2"
    if columns:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(1, len(rows) + 1)}"
    if len(frame) > MAX_ROWS:
        ws.cell(row=1, column=len(columns) + 1,
                value=f"truncated: {len(frame) - MAX_ROWS:,} more rows in the CSV file").font = _HEADER_FONT


def _column_values(name: str, series: pd.Series) -> tuple[list[Any], str | None]:
    """Python values for the cells, and the number format of the column."""
    dtype = series.dtype
    if isinstance(dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(dtype):
        stamps = pd.to_datetime(series, utc=True)
        return [None if pd.isna(v) else v.tz_convert("UTC").tz_localize(None).to_pydatetime()
                for v in stamps], DATETIME_FORMAT
    if pd.api.types.is_bool_dtype(dtype):
        return [None if _na(v) else bool(v) for v in series], None
    if pd.api.types.is_integer_dtype(dtype):
        return [None if _na(v) else int(v) for v in series], _number_format(name, integer=True)
    if pd.api.types.is_float_dtype(dtype):
        return [None if _na(v) else float(v) for v in series], _number_format(name, integer=False)
    return [_text(v) for v in series], None


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
    if _na(value):
        return None
    if isinstance(value, (tuple, list)):
        value = ", ".join(str(v) for v in value)
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
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
                 stamp: datetime, run_id: str) -> None:
    ws.append(["ecr-report FinOps review", None, None])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["run", run_id or None, None])
    ws.append(["as of (UTC)", stamp, None])
    ws["B3"].number_format = DATETIME_FORMAT
    ws.append(["figures", "monthly USD projections from list prices, not bills; see the report's methodology", None])
    ws.append([])
    ws.append(["sheet", "rows", "what it holds"])
    header_row = ws.max_row
    for name, words in present:
        ws.append([name, int(len(tables[name])), words])
        ws.cell(row=ws.max_row, column=2).number_format = COUNT_FORMAT
    ws.append([])
    ws.append(["cost_lines column", "FOCUS or ours", "meaning"])
    mapping_row = ws.max_row
    for column, words in FOCUS_COLUMNS.items():
        ws.append([column, "FOCUS", words])
    for column, words in CUSTOM_COLUMNS.items():
        ws.append([column, "ours (x_ prefix)", words])
    ws.append([])
    ws.append(["FOCUS version and source", FOCUS_SOURCE, None])
    for row in (header_row, mapping_row):
        for cell in ws[row]:
            cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 22
    ws.column_dimensions["C"].width = 100
    ws.freeze_panes = "A2"


# --- determinism ---------------------------------------------------------------------------------


class _FixedTimeZipFile(zipfile.ZipFile):
    """A ZipFile whose `writestr(name, data)` entries all carry one fixed timestamp."""

    def __init__(self, *args: Any, date_time: datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        clamped = max(date_time, datetime(1980, 1, 1))  # the zip format cannot say earlier
        self._fixed = (clamped.year, clamped.month, clamped.day, clamped.hour, clamped.minute,
                       clamped.second // 2 * 2)

    def writestr(self, zinfo_or_arcname: Any, data: Any, compress_type: int | None = None,
                 compresslevel: int | None = None) -> None:
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            info = zipfile.ZipInfo(str(zinfo_or_arcname), date_time=self._fixed)
            info.compress_type = self.compression
            info.external_attr = 0o600 << 16
            zinfo_or_arcname = info
        else:
            zinfo_or_arcname.date_time = self._fixed
        super().writestr(zinfo_or_arcname, data, compress_type=compress_type, compresslevel=compresslevel)

    def write(self, filename: Any, arcname: Any = None, compress_type: int | None = None,
              compresslevel: int | None = None) -> None:
        """openpyxl writes worksheets through temporary files, whose mtime would leak in."""
        with open(filename, "rb") as fh:
            data = fh.read()
        self.writestr(str(arcname if arcname is not None else filename), data,
                      compress_type=compress_type, compresslevel=compresslevel)


def _naive_utc(value: Any) -> datetime:
    stamp = pd.Timestamp(value)
    stamp = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return stamp.tz_localize(None).floor("s").to_pydatetime()


def _na(value: Any) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


__all__ = ["SHEETS", "finops_workbook"]
