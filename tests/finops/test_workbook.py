"""data/finops.xlsx: one sheet per cost table, typed cells, frozen header, the same bytes every time."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import datetime

import pandas as pd
import pytest
from openpyxl import load_workbook

from ecr_report.jobs.plugins import CONCERNS
from ecr_report.reports.finops import cost_lines
from ecr_report.reports.xlsx import (
    BYTES_FORMAT,
    DATETIME_FORMAT,
    MONEY_FORMAT,
    UNIT_PRICE_FORMAT,
    finops_workbook,
    workbook_sheets,
)

AS_OF = pd.Timestamp("2026-11-30T06:00:00Z")
ACCOUNT, REGION = "111122223333", "us-east-1"

SHEETS = workbook_sheets(CONCERNS)


def _tables() -> dict[str, pd.DataFrame]:
    inspector = pd.DataFrame({
        "account_id": pd.array([ACCOUNT], dtype="string"), "region": pd.array([REGION], dtype="string"),
        "repository_name": pd.array(["web/app"], dtype="string"), "initial_scans_month": [10.0],
        "initial_scan_price_usd": [0.09], "initial_scan_monthly_usd": [0.90], "rescans_month": [20.0],
        "rescan_price_usd": [0.01], "rescan_monthly_usd": [0.20],
        "partial": pd.array([False], dtype="boolean")})
    coverage = pd.DataFrame({
        "account_id": pd.array([ACCOUNT, ACCOUNT], dtype="string"),
        "repository_name": pd.array(["web/app", "=HYPERLINK(\"http://x\")"], dtype="string"),
        "created_at": pd.to_datetime(["2026-01-02T09:30:00+09:00", None], utc=True),
        "automatically_scanned": pd.array([True, None], dtype="boolean"),
        "images_total": pd.array([3, 0], dtype="int64"),
        "critical": pd.array([1, None], dtype="Int64"),
        "image_tags": [("v1", "latest"), ()],
    })
    pull_through = pd.DataFrame({
        "account_id": pd.array([ACCOUNT], dtype="string"), "stored_bytes": pd.array([2_147_483_648], dtype="int64"),
        "storage_monthly_usd": [0.2], "saving_share": [0.5], "net_saving_monthly_usd": [float("nan")]})
    tables = {"inspector": inspector, "coverage": coverage, "pull_through": pull_through,
              "images": pd.DataFrame({"x": [1]})}  # not a FinOps table: no sheet
    tables["cost_lines"] = cost_lines({"inspector": inspector}, AS_OF, None, CONCERNS)
    return tables


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return _tables()


@pytest.fixture(scope="module")
def book(tables):
    data = finops_workbook(tables, as_of=AS_OF, run_id="20261130T060000Z", sheets=SHEETS)
    return data, load_workbook(io.BytesIO(data))


def _column(ws, name):
    header = [c.value for c in ws[1]]
    return [row[header.index(name)] for row in ws.iter_rows(min_row=2)]


def test_one_sheet_per_table_present_after_an_about_sheet(book):
    _, wb = book
    assert wb.sheetnames == ["about", "cost_lines", "coverage", "inspector", "pull_through"]
    assert all(len(name) <= 31 for name, _ in SHEETS)
    about = [[c.value for c in row] for row in wb["about"].iter_rows()]
    assert ["run", "20261130T060000Z", None] in about
    assert ["as of (UTC)", datetime(2026, 11, 30, 6, 0), None] in about
    assert ["BilledCost", "FOCUS", "null: a projection, not an invoiced charge"] in about
    assert any(r[0] == "x_Concern" and r[1].startswith("ours") for r in about)


def test_every_sheet_has_a_frozen_header_and_an_autofilter(book, tables):
    _, wb = book
    for name in wb.sheetnames[1:]:
        ws = wb[name]
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:")
        assert [c.value for c in ws[1]] == list(tables[name].columns)
        assert ws.max_row == len(tables[name]) + 1
        assert all(c.font.b for c in ws[1])
        # XlsxWriter stores Excel's padded width (a column set to 60 characters reads 60.71).
        assert all(8 <= ws.column_dimensions[c.column_letter].width < 61 for c in ws[1])


def test_typed_cells(book):
    _, wb = book
    ws = wb["coverage"]
    created = _column(ws, "created_at")
    assert created[0].value == datetime(2026, 1, 2, 0, 30)  # a real date-time, in UTC, no tz
    assert created[0].is_date and created[0].number_format == DATETIME_FORMAT
    assert created[1].value is None
    assert [c.value for c in _column(ws, "automatically_scanned")] == [True, None]
    assert _column(ws, "automatically_scanned")[0].data_type == "b"
    assert [c.value for c in _column(ws, "critical")] == [1, None]
    assert [c.value for c in _column(ws, "image_tags")] == ["v1, latest", None]
    text = _column(ws, "repository_name")[1]
    assert text.value == "=HYPERLINK(\"http://x\")" and text.data_type == "s"  # never a formula
    pt = wb["pull_through"]
    stored = _column(pt, "stored_bytes")[0]
    assert stored.value == 2_147_483_648 and stored.number_format == BYTES_FORMAT
    assert _column(pt, "storage_monthly_usd")[0].number_format == MONEY_FORMAT
    assert _column(pt, "saving_share")[0].number_format == "0.0%"
    assert _column(pt, "net_saving_monthly_usd")[0].value is None  # NaN: empty, not 0
    lines = wb["cost_lines"]
    assert all(isinstance(c.value, float) and c.number_format == MONEY_FORMAT
               for c in _column(lines, "EffectiveCost"))
    assert all(c.number_format == UNIT_PRICE_FORMAT for c in _column(lines, "ListUnitPrice"))
    assert all(c.value is None for c in _column(lines, "BilledCost"))
    assert all(c.value == datetime(2026, 12, 30, 6, 0) and c.is_date for c in _column(lines, "ChargePeriodEnd"))
    assert all(c.value is False for c in _column(lines, "x_PriceRegionFallback"))


def test_document_times_come_from_as_of_never_the_clock(book):
    data, wb = book
    assert wb.properties.created == wb.properties.modified == datetime(2026, 11, 30, 6, 0)
    for info in zipfile.ZipFile(io.BytesIO(data)).infolist():  # XlsxWriter's fixed stamp, not the clock
        assert info.date_time == (1980, 1, 1, 0, 0, 0), info.filename


def test_the_same_bytes_on_a_second_write(book, tables, monkeypatch):
    data, _ = book
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 86_400 * 3)  # a later clock changes nothing
    assert finops_workbook(tables, as_of=AS_OF, run_id="20261130T060000Z", sheets=SHEETS) == data
    assert finops_workbook(tables, as_of=AS_OF.tz_convert("Asia/Tokyo"), run_id="20261130T060000Z", sheets=SHEETS) == data


def test_an_empty_table_still_gets_its_sheet_and_header():
    empty = cost_lines({}, AS_OF, None, CONCERNS)
    wb = load_workbook(io.BytesIO(finops_workbook({"cost_lines": empty}, as_of=AS_OF, sheets=SHEETS)))
    ws = wb["cost_lines"]
    assert ws.max_row == 1 and ws.freeze_panes == "A2" and ws["A1"].value == "BillingAccountId"
