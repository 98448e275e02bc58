"""Byte-identity check for refactors: render the demo fleet at a fixed as-of time, then compare.

A refactor or a speed-up must not change what users get. This script writes demo runs (English
and Japanese, chosen scales) at one fixed instant into a directory, and compares two such
directories file by file: every file under ``data/``, ``summary.json``, ``report.html``, and the
PDF's text (``pdftotext``; the PDF bytes carry a creation date), and the evidence under ``raw/``
as one list of file digests (``raw.sha256``). Exit 1 when anything differs.

    python benchmarks/golden.py write  /tmp/before [--scales 1 10] [--languages en ja]
    python benchmarks/golden.py write  /tmp/after
    python benchmarks/golden.py compare /tmp/before /tmp/after
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

AS_OF = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)
# One worker each: with concurrent collection, rows of some tables come out in completion
# order (a run is not yet byte-reproducible across runs), which would hide real differences.
CONFIG = '[aws]\nmax_workers = 1\nrepository_workers = 1\n[report]\nlanguage = "{language}"\n'



def write(target: Path, scales: list[float], languages: list[str]) -> None:
    from ecr_report.jobs.config import load_config
    from ecr_report.jobs.run import run

    for language in languages:
        for scale in scales:
            with tempfile.TemporaryDirectory() as tmp:
                cfg = Path(tmp) / "ecr-report.toml"
                cfg.write_text(CONFIG.format(language=language), encoding="utf-8")
                outcome = run(load_config(cfg), output=Path(tmp) / "out", demo=True,
                              demo_scale=scale, now=AS_OF)
                dest = target / f"{language}-{scale:g}"
                if dest.exists():
                    shutil.rmtree(dest)
                dest.mkdir(parents=True)
                _keep(outcome.run_dir, dest)
                print(f"wrote {dest}")


def _keep(run_dir: Path, dest: Path) -> None:
    shutil.copytree(run_dir / "data", dest / "data")
    for name in ("summary.json", "report.html"):
        shutil.copy2(run_dir / name, dest / name)
    evidence = _digests(run_dir / "raw")  # thousands of files: one list, one line per file
    (dest / "raw.sha256").write_text("".join(f"{d}  {name}\n" for name, d in evidence.items()), encoding="utf-8")
    pdf = run_dir / "report.pdf"
    if pdf.is_file():
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                              capture_output=True).stdout
        (dest / "report.pdf.txt").write_bytes(text)


def _digests(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def compare(before: Path, after: Path) -> int:
    old, new = _digests(before), _digests(after)
    differ = sorted(k for k in old.keys() & new.keys() if old[k] != new[k])
    for name in sorted(old.keys() - new.keys()):
        print(f"missing  {name}")
    for name in sorted(new.keys() - old.keys()):
        print(f"added    {name}")
    widened = []
    for name in differ:
        added = _added_columns(before / name, after / name)
        if added:
            widened.append(name)
            print(f"columns  {name}: the same data, plus {', '.join(added)}")
        else:
            print(f"changed  {name}")
    changed = [n for n in differ if n not in widened]
    same = len(old.keys() & new.keys()) - len(differ)
    print(f"{same} identical, {len(widened)} with added columns only, {len(changed)} changed, "
          f"{len(old.keys() - new.keys())} missing, {len(new.keys() - old.keys())} added")
    return 1 if changed or old.keys() != new.keys() else 0


def _added_columns(old: Path, new: Path) -> list[str]:
    """The columns `new` adds to `old` when, without them, the two tables hold the same data
    (CSV and Parquet tables, and every sheet of a workbook); [] otherwise."""
    old_tables, new_tables = _tables(old), _tables(new)
    if old_tables is None or new_tables is None or old_tables.keys() != new_tables.keys():
        return []
    added: list[str] = []
    for sheet, frame in old_tables.items():
        wider = new_tables[sheet]
        extra = [c for c in wider.columns if c not in frame.columns]
        if list(wider.drop(columns=extra).columns) != list(frame.columns) \
                or not wider.drop(columns=extra).equals(frame):
            return []
        added.extend(c for c in extra if c not in added)
    return added


def _tables(path: Path) -> "dict[str, object] | None":
    import pandas as pd

    if path.suffix == ".csv":
        return {"": pd.read_csv(path, dtype=str, keep_default_na=False)}
    if path.suffix == ".parquet":
        return {"": pd.read_parquet(path)}
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True)
        out = {}
        for ws in book.worksheets:
            rows = list(ws.iter_rows(values_only=True))
            width = len(rows[0]) if rows else 0
            header = [str(v) for v in rows[0]] if rows else []
            if ws.title == "about":  # prose about the sheets: compared whole
                out[ws.title] = pd.DataFrame(rows)
            else:
                out[ws.title] = pd.DataFrame([list(r)[:width] for r in rows[1:]], columns=header)
        return out
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    w = sub.add_parser("write")
    w.add_argument("target", type=Path)
    w.add_argument("--scales", type=float, nargs="+", default=[1, 10])
    w.add_argument("--languages", nargs="+", default=["en", "ja"])
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    if args.command == "write":
        write(args.target, args.scales, args.languages)
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
