"""Hand-built snapshot tables for the coverage and compliance tests.

`make(table, rows)` fills every column a row leaves out with <NA> (0 for non-nullable int64
columns) and passes the frame through `schema.conform`, so the tests feed the analysis exactly
what the normalizer would.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pandas as pd

from ecr_report.reports import schema

from snapshot_rows import make_table

AS_OF = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
ACCOUNT = "111122223333"
REGION = "ap-northeast-1"


def make(table: str, rows: list[dict]) -> pd.DataFrame:
    return make_table(table, rows, account=ACCOUNT, region=REGION, zero_dtypes=("int64",))


def days_ago(days: float) -> datetime:
    return AS_OF - timedelta(days=days)


def snapshot(**tables: list[dict]) -> dict[str, pd.DataFrame]:
    """Every snapshot table; those not given are empty."""
    return {name: make(name, tables.get(name, [])) for name in schema.SNAPSHOT_TABLES}
