"""Test helper shared by the test folders: a schema-conformed table from a few hand-written rows.

Importable as `snapshot_rows` from any test folder (pytest puts tests/ on sys.path for its
conftest.py); kept out of conftest.py so no test imports a conftest by name.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ecr_report.jobs.plugins import CONCERNS
from ecr_report.reports import schema

#: Every table's schema: the foundation's and each concern's (as declared by the concern).
TABLES = {**schema.ALL_TABLES, **{name: columns for c in CONCERNS for name, columns in c.tables.items()}}


def make_table(table: str, rows: list[dict[str, Any]], *, account: str, region: str,
               zero_dtypes: tuple[str, ...] = ("int64",)) -> pd.DataFrame:
    """`rows` as the schema's `table`: columns not given are 0 for `zero_dtypes` and missing
    otherwise; account and region default to `account` / `region`. An unknown column fails."""
    columns = TABLES[table]
    if not rows:
        return schema.empty_frame(table, columns)
    filled = []
    for row in rows:
        unknown = set(row) - set(columns)
        assert not unknown, f"{table}: unknown columns {unknown}"
        base = {c: (0 if dtype in zero_dtypes else None) for c, dtype in columns.items()}
        if "account_id" in columns:
            base.update({"account_id": account, "region": region})
        base.update(row)
        filled.append(base)
    return schema.conform(table, pd.DataFrame(filled, columns=list(columns)), columns)
