"""The demo run writes data/finops.xlsx and data/cost_lines.csv, which agree with summary.json, and
re-rendering the run gives the same bytes."""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone

import pandas as pd
import pytest
from openpyxl import load_workbook

from ecr_report.jobs.config import Config
from ecr_report.jobs.run import render_run, run
from ecr_report.reports.finops import COST_LINES

AS_OF = datetime(2026, 11, 30, 6, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("finops-demo")
    outcome = run(Config(report={"pdf": False}), output=out, demo=True, now=AS_OF)
    return outcome.run_dir


def test_the_files_are_written(demo):
    data = demo / "data"
    for name in ("finops.xlsx", "cost_lines.csv", "cost_lines.parquet"):
        assert (data / name).is_file(), name
    manifest = json.loads((demo / "manifest.json").read_text())
    assert "data/finops.xlsx" in manifest["files"]


def test_cost_lines_agree_with_the_summary(demo):
    lines = pd.read_parquet(demo / "data" / "cost_lines.parquet")
    assert list(lines.columns) == list(COST_LINES) and len(lines) > 0
    summary = json.loads((demo / "summary.json").read_text())

    def total(concern, kind, component=None):
        hit = lines[(lines["x_Concern"] == concern) & (lines["x_CostKind"] == kind)]
        if component is not None:
            hit = hit[hit["x_CostComponent"] == component]
        return round(float(hit["EffectiveCost"].sum()), 2)

    assert total("inspector", "Cost") == summary["inspector"]["estimated_monthly_usd"]
    pt = summary["pull_through"]
    assert total("pull_through", "Cost", "storage") == pt["storage_monthly_usd"]
    assert total("pull_through", "AvoidedCost") == -pt["nat_savings_monthly_usd"]
    assert total("pull_through", "Cost", "endpoint_hours") == pt["endpoint_fixed_monthly_usd"]
    assert total("pull_through", "Cost", "endpoint_data") == pt["endpoint_data_monthly_usd"]
    assert total("lifecycle", "Saving") == -summary["lifecycle"]["reclaimable_monthly_usd"]
    assert total("lifecycle", "PotentialSaving") == -summary["lifecycle"]["proposed"]["reclaimable_monthly_usd"]
    csv = pd.read_csv(demo / "data" / "cost_lines.csv")
    assert len(csv) == len(lines) and csv["ChargePeriodStart"].iloc[0] == "2026-11-30T06:00:00Z"


def test_the_workbook_has_a_sheet_per_concern(demo):
    wb = load_workbook(demo / "data" / "finops.xlsx")
    for sheet in ("cost_lines", "coverage", "compliance", "inspector", "pull_through", "lifecycle", "prices"):
        ws = wb[sheet]
        assert ws.freeze_panes == "A2" and ws.max_row > 1
    assert wb.properties.modified == datetime(2026, 11, 30, 6, 0)
    prices = pd.read_csv(demo / "data" / "prices.csv")
    lines = pd.read_csv(demo / "data" / "cost_lines.csv")
    used = set(zip(prices["item"], prices["region"]))
    assert set(zip(lines["x_PriceItem"], lines["RegionId"])) <= used  # every price on a line is listed


def test_render_reproduces_the_workbook_and_the_cost_lines(demo):
    before = {name: (demo / "data" / name).read_bytes() for name in ("finops.xlsx", "cost_lines.csv")}
    render_run(demo, pdf=False)
    for name, data in before.items():
        assert (demo / "data" / name).read_bytes() == data, name
    assert load_workbook(io.BytesIO(before["finops.xlsx"])).sheetnames[0] == "about"
