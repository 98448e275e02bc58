"""Benchmark: writing data/finops.xlsx for the demo fleet, against the obvious baseline.

Runs the demo (no PDF) at the given scale, reads back the FinOps tables it wrote to data/, then
times, best of --repeat runs each, in the same process:
- ecr-report's writer (`reports.xlsx.finops_workbook`: XlsxWriter, typed cells, formats,
  widths, frozen header, autofilter, an about sheet), and
- the baseline: pandas `DataFrame.to_excel` with the openpyxl engine, one sheet per table and
  nothing else (the obvious way, doing less work than ours).
Prints rows, cells, both times and the speed-up.

    .venv/bin/python benchmarks/xlsx.py [--scale 10] [--repeat 3]
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from ecr_report.jobs.config import Config, ReportConfig
from ecr_report.jobs.plugins import CONCERNS
from ecr_report.jobs.run import run
from ecr_report.reports.xlsx import finops_workbook, workbook_sheets

AS_OF = datetime(2026, 11, 30, 6, 0, tzinfo=timezone.utc)

SHEETS = workbook_sheets(CONCERNS)


def demo_tables(scale: float, root: Path) -> dict[str, pd.DataFrame]:
    outcome = run(Config(report=ReportConfig(pdf=False)), output=root, demo=True,
                  demo_scale=scale, now=AS_OF)
    data = outcome.run_dir / "data"
    return {name: pd.read_parquet(data / f"{name}.parquet") for name, _ in SHEETS
            if (data / f"{name}.parquet").is_file()}


def baseline(tables: dict[str, pd.DataFrame]) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for name, frame in tables.items():
            plain = frame.copy()
            for column in plain.columns:  # Excel has no time zones; openpyxl refuses aware stamps
                if isinstance(plain[column].dtype, pd.DatetimeTZDtype):
                    plain[column] = plain[column].dt.tz_localize(None)
            plain.to_excel(writer, sheet_name=name[:31], index=False)
    return buffer.getvalue()


def best(fn, repeat: int) -> tuple[float, int]:  # noqa: ANN001
    times, size = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        size = len(fn())
        times.append(time.perf_counter() - started)
    return min(times), size


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="ecr-report-xlsx-") as tmp:
        tables = demo_tables(args.scale, Path(tmp))
    rows = sum(len(f) for f in tables.values())
    cells = sum(f.size for f in tables.values())
    ours, ours_bytes = best(lambda: finops_workbook(tables, as_of=AS_OF, run_id="bench", sheets=SHEETS), args.repeat)
    base, base_bytes = best(lambda: baseline(tables), args.repeat)
    print(f"demo scale {args.scale:g}: {len(tables)} sheets, {rows:,} rows, {cells:,} cells")
    print(f"{'':34}{'time (s)':>10}{'bytes':>12}")
    print(f"{'ecr-report (XlsxWriter, formatted)':34}{ours:>10.2f}{ours_bytes:>12,}")
    print(f"{'baseline (pandas + openpyxl)':34}{base:>10.2f}{base_bytes:>12,}")
    print(f"speed-up: x{base / ours:.2f} (best of {args.repeat})")


if __name__ == "__main__":
    main()
