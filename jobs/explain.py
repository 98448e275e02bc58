"""`ecr-report explain RUN_DIR --control C`: each matching verdict with the raw values behind it.

Verifies the run first, exactly as `verify` does (a tampered or incomplete run exits 1 before
anything is explained: evidence read from a changed file proves nothing). Then, for every row of
`data/compliance.csv` that matches the filters, it opens the raw files the row names
(`evidence_file`, under `raw/`), resolves each JSON Pointer (`evidence_pointer`) against the
stored call's `response` member (reports.provenance) and prints the rule, the evidence sentence
and the values quoted from the responses. Output as text (terminal), markdown (an audit working
paper) or JSON.

Bad input exits 2 with one line: no such run, an unknown control, a filter that matches nothing.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from ..reports.controls import CONTROLS
from ..reports.provenance import resolve, split_refs
from .errors import ConfigError

EXIT_OK, EXIT_CHECK_FAILED = 0, 1
FORMATS = ("text", "markdown", "json")
QUOTE_CHARS = 160
"""Longest quoted value in text and markdown (a lifecycle policy text is long); JSON is whole."""
COMPLIANCE_CSV = "data/compliance.csv"


def add_explain_parser(subparsers: Any) -> None:
    p = subparsers.add_parser("explain", help="show the raw API values behind a control's verdicts")
    p.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    p.add_argument("--control", required=True, metavar="ID", help=f"one of {', '.join(CONTROLS)}")
    p.add_argument("--repository", metavar="NAME", help="only this repository")
    p.add_argument("--account", metavar="ID", help="only this account")
    p.add_argument("--region", metavar="R", help="only this Region")
    p.add_argument("--format", choices=FORMATS, default="text", help="text (default), markdown or json")
    p.add_argument("--public-key", type=Path, metavar="FILE",
                   help="trusted Ed25519 public key (PEM): as for verify, a valid signature is then required")
    p.add_argument("--hmac-key-file", type=Path, metavar="FILE",
                   help="HMAC-SHA256 key (default $ECR_REPORT_HMAC_KEY): as for verify")
    p.set_defaults(func=run_explain)


@dataclass(frozen=True)
class Value:
    file: str
    """Relative to the run's raw/."""
    pointer: str
    value: Any = None
    error: str | None = None
    """Why the pointer did not resolve (None: it did)."""


@dataclass(frozen=True)
class Verdict:
    row: dict[str, str]
    values: tuple[Value, ...] = field(default=())


def run_explain(args: argparse.Namespace) -> int:
    from .rundir import recover_run, verify_run
    from .signing import load_public_key, read_hmac_key

    recover_run(args.run_dir)
    if not args.run_dir.is_dir():
        raise ConfigError(f"{args.run_dir}: no such run directory")
    if args.control not in CONTROLS:
        raise ConfigError(f"unknown control {args.control!r}: this report evaluates {', '.join(CONTROLS)}")
    trusted = load_public_key(args.public_key) if args.public_key else None
    problems = verify_run(args.run_dir, trusted_key=trusted, hmac_key=read_hmac_key(args.hmac_key_file))
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        print(f"{args.run_dir}: {len(problems)} problem(s); refusing to explain a run that does not verify",
              file=sys.stderr)
        return EXIT_CHECK_FAILED
    rows = matching_rows(args.run_dir, args.control, repository=args.repository,
                         account=args.account, region=args.region)
    verdicts = [Verdict(row, tuple(quote_values(args.run_dir, row))) for row in rows]
    print(FORMATTERS[args.format](args.run_dir, args.control, verdicts), end="")
    return EXIT_OK


def matching_rows(run_dir: Path, control: str, *, repository: str | None = None,
                  account: str | None = None, region: str | None = None) -> list[dict[str, str]]:
    """The compliance rows of `control` that match every given filter (ConfigError: none)."""
    path = run_dir / COMPLIANCE_CSV
    if not path.is_file():
        raise ConfigError(f"{run_dir}: no {COMPLIANCE_CSV} (not a report run)")
    import pandas as pd  # here, not at the top: building the command line's parser imports this module

    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    mask = frame["control_id"] == control
    for column, wanted in (("repository_name", repository), ("account_id", account), ("region", region)):
        if wanted is not None:
            mask &= frame[column] == wanted
    if not mask.any():
        given = ", ".join(f"{name} {value}" for name, value in
                          (("repository", repository), ("account", account), ("region", region)) if value)
        raise ConfigError(f"no {control} verdict matches {given or 'this run'}")
    return frame[mask].to_dict("records")


def quote_values(run_dir: Path, row: dict[str, str], cache: dict[str, Any] | None = None) -> Iterable[Value]:
    """Each (file, pointer) of the row, with the value it names in the raw response (`cache`:
    responses already read, by file)."""
    cache = {} if cache is None else cache
    for file, ptr in split_refs(row.get("evidence_file"), row.get("evidence_pointer")):
        try:
            if file not in cache:
                cache[file] = raw_response(run_dir, file)
            yield Value(file, ptr, resolve(cache[file], ptr))
        except (OSError, ValueError, LookupError) as exc:
            yield Value(file, ptr, error=str(exc))


def raw_response(run_dir: Path, file: str) -> Any:
    """The `response` member of one stored call (raw/<file>, gzipped JSON)."""
    path = (run_dir / "raw" / file).resolve()
    if (run_dir / "raw").resolve() not in path.parents:
        raise ValueError(f"{file}: outside raw/")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)["response"]


def _quoted(value: Value) -> str:
    if value.error is not None:
        return f"(does not resolve: {value.error})"
    text = json.dumps(value.value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS - 1] + "…"


def source_line(control: str) -> str:
    """The public page the control's text (and its framework mapping) was read from."""
    from ..reports.frameworks import mapping  # pandas: see matching_rows

    rows = mapping()
    row = rows[rows["control_id"] == control]
    if not len(row):
        return f"Source: {CONTROLS[control].source}"
    first = row.iloc[0]
    return (f"Source: AWS Security Hub User Guide, '{first['source_title']}', {first['source_url']} "
            f"(read {first['read_on']})")


def _heading(control: str, verdicts: list[Verdict]) -> tuple[str, str]:
    c = CONTROLS[control]
    return (f"{control}: {c.title}",
            f"{source_line(control)}. {len(verdicts)} verdict(s); run verified intact. "
            "Pointers (RFC 6901) are evaluated against the stored call's `response` member.")


def format_text(run_dir: Path, control: str, verdicts: list[Verdict]) -> str:
    title, intro = _heading(control, verdicts)
    lines = [title, intro, ""]
    for v in verdicts:
        r = v.row
        lines += [f"{r['account_id']} {r['region']} {r['repository_name']}: {r['status']}",
                  f"  rule:     {r['rule']}", f"  evidence: {r['evidence']}"]
        for value in v.values:
            lines += [f"  value:    {_quoted(value)}",
                      f"    file:    {run_dir / 'raw' / value.file}", f"    pointer: {value.pointer}"]
        if not v.values:
            lines.append("  value:    (no raw value: the data was not collected)")
        lines.append("")
    return "\n".join(lines)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def format_markdown(run_dir: Path, control: str, verdicts: list[Verdict]) -> str:
    title, intro = _heading(control, verdicts)
    lines = [f"### {_md(title)}", "", _md(intro), "",
             "| Account | Region | Repository | Status | Rule | Value | Raw file | Pointer |",
             "|---|---|---|---|---|---|---|---|"]
    for v in verdicts:
        r = v.row
        for value in v.values or (Value("", "", error="not collected"),):
            lines.append("| " + " | ".join(_md(cell) for cell in (
                r["account_id"], r["region"], f"`{r['repository_name']}`", r["status"], r["rule"],
                f"`{_quoted(value)}`", f"`raw/{value.file}`" if value.file else "",
                f"`{value.pointer}`" if value.file else "")) + " |")
    return "\n".join(lines) + "\n"


def format_json(run_dir: Path, control: str, verdicts: list[Verdict]) -> str:
    doc = {"run_dir": str(run_dir), "control_id": control, "title": CONTROLS[control].title,
           "source": source_line(control).removeprefix("Source: "), "verified": True, "pointer_base": "response",
           "verdicts": [{**{k: v.row[k] for k in ("account_id", "region", "repository_name", "status",
                                                  "evidence", "rule")},
                         "values": [{"file": f"raw/{x.file}", "pointer": x.pointer,
                                     **({"value": x.value} if x.error is None else {"error": x.error})}
                                    for x in v.values]} for v in verdicts]}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


FORMATTERS = {"text": format_text, "markdown": format_markdown, "json": format_json}


def pointer_resolution(run_dir: Path, table: str = "compliance") -> tuple[int, int]:
    """(rows whose every evidence pointer resolves, rows with evidence) for one data table of a
    run: the issue's figure for data/compliance.csv."""
    import pandas as pd  # see matching_rows

    frame = pd.read_csv(run_dir / "data" / f"{table}.csv", dtype=str, keep_default_na=False)
    resolved = total = 0
    cache: dict[str, Any] = {}
    for row in frame.to_dict("records"):
        values = list(quote_values(run_dir, row, cache))
        if values:
            total += 1
            resolved += all(v.error is None for v in values)
    return resolved, total
