"""Which framework requirements AWS relates to each control this report evaluates. Pure.

The mapping is data (`framework_mapping.csv` beside this module): for every control in
`reports.compliance.CONTROLS`, the "Related requirements" that AWS Security Hub lists on the
control's page (NIST SP 800-53 Rev. 5 and PCI DSS v4.0.1 ids), each row with the page's title,
its URL and the date it was read. These are AWS's mappings, not ours, and a mapping is not an
attestation: a control passing on every repository shows that the control's check passed, not
that the requirement is met.

`framework_mapping` joins it with the compliance verdicts into RESULT_TABLES
["framework_mapping"] (data/framework_mapping.csv): per (framework, requirement, control) the
verdict counts, a status and the raw files behind the verdicts (reports.provenance).
"""

from __future__ import annotations

import functools
import io
from importlib import resources

import pandas as pd

from . import schema
from .provenance import SEPARATOR

MAPPING_FILE = "framework_mapping.csv"
FRAMEWORKS = ("NIST SP 800-53 Rev. 5", "PCI DSS v4.0.1")
STATUS_ORDER = ("FAIL", "UNKNOWN", "PASS", "NOT_EVALUATED")
"""A requirement's status is the worst of its controls' (a FAIL anywhere fails it)."""


@functools.lru_cache(maxsize=1)
def mapping() -> pd.DataFrame:
    """The mapping as shipped (one row per framework requirement and control)."""
    text = resources.files(__package__).joinpath(MAPPING_FILE).read_text(encoding="utf-8")
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def framework_mapping(compliance: pd.DataFrame, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per mapped (framework, requirement, control): PASS/FAIL/UNKNOWN/N/A counts of the
    control's verdicts, the status (FAIL if any failed, else UNKNOWN if any is unknown, else
    PASS; NOT_EVALUATED without verdicts) and the distinct raw files behind them."""
    table = mapping() if table is None else table
    per_control = {control: (group["status"].fillna("UNKNOWN").value_counts(), _files(group))
                   for control, group in compliance.groupby("control_id", sort=False)}
    empty = (pd.Series(dtype="int64"), "")
    rows = []
    for rec in table.to_dict("records"):
        counts, files = per_control.get(rec["control_id"], empty)
        rows.append({
            "framework": rec["framework"], "requirement": rec["requirement"],
            "control_id": rec["control_id"], "aws_id": rec["aws_id"],
            "status": _status(counts),
            "pass": int(counts.get("PASS", 0)), "fail": int(counts.get("FAIL", 0)),
            "unknown": int(counts.get("UNKNOWN", 0)), "not_applicable": int(counts.get("NOT_APPLICABLE", 0)),
            "evidence_rows": f"data/compliance.csv control_id={rec['control_id']}",
            "evidence_files": files or None,
            "source_title": rec["source_title"], "source_url": rec["source_url"], "read_on": rec["read_on"],
        })
    columns = schema.RESULT_TABLES["framework_mapping"]
    return schema.conform("framework_mapping", pd.DataFrame(rows, columns=list(columns)))


def _files(verdicts: pd.DataFrame) -> str:
    """The distinct raw files (raw/...) the verdicts name, sorted, ";"-separated."""
    if "evidence_file" not in verdicts:
        return ""
    cells = verdicts["evidence_file"].dropna().astype(str).unique()
    return SEPARATOR.join(f"raw/{f}" for f in sorted({f for cell in cells for f in cell.split(SEPARATOR) if f}))


def _status(counts: pd.Series) -> str:
    if counts.get("FAIL", 0):
        return "FAIL"
    if counts.get("UNKNOWN", 0):
        return "UNKNOWN"
    return "PASS" if counts.get("PASS", 0) else "NOT_EVALUATED"


def worst(statuses: list[str]) -> str:
    """The status of a requirement mapped to several controls."""
    return min(statuses, key=STATUS_ORDER.index) if statuses else "NOT_EVALUATED"
