"""The `ecr-report` command line (design.md "Command line").

Exit codes: 0 success; 1 a check failed (verify); 2 bad input or usage, with a one-line reason
on stderr and no traceback; 3 the run completed but some data could not be collected.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Sequence

EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT, EXIT_INCOMPLETE = 0, 1, 2, 3


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line (exit 2), like every other bad input."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ecr-report", description="Cost & compliance reports for Amazon ECR.")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    run = sub.add_parser("run", help="collect, analyse, render and write one run directory")
    run.add_argument("--demo", action="store_true", help="use the embedded demo fleet instead of AWS")
    run.add_argument("--demo-scale", type=_positive_float, default=1.0, metavar="N",
                     help="grow the demo fleet N times (default 1: ~60 repositories)")
    run.add_argument("--config", type=Path, metavar="FILE", help="TOML config (default ./ecr-report.toml)")
    run.add_argument("--output", type=Path, metavar="DIR", help="output root (default report.output_dir)")
    run.add_argument("--no-pdf", action="store_true", help="skip the PDF (faster)")
    run.set_defaults(func=_cmd_run)

    render = sub.add_parser("render", help="re-render a run from its saved snapshot")
    render.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    render.add_argument("--no-pdf", action="store_true")
    render.set_defaults(func=_cmd_render)

    verify = sub.add_parser("verify", help="check an archived run against its manifest")
    verify.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    verify.set_defaults(func=_cmd_verify)

    from .lifecycle_cmd import add_lifecycle_parser

    add_lifecycle_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    for noisy in ("botocore", "boto3", "urllib3", "fontTools", "weasyprint"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    from .config import ConfigError

    try:
        return int(args.func(args))
    except ConfigError as exc:
        print(f"ecr-report: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("ecr-report: interrupted", file=sys.stderr)
        return 130


def _cmd_run(args: argparse.Namespace) -> int:
    from .config import load_config
    from .run import run

    config = load_config(args.config)
    if args.no_pdf:
        config = config.model_copy(update={"report": config.report.model_copy(update={"pdf": False})})
    outcome = run(config, output=args.output, demo=args.demo, demo_scale=args.demo_scale)
    print(outcome.run_dir)
    return _run_exit(outcome)


def _cmd_render(args: argparse.Namespace) -> int:
    from .run import render_run

    outcome = render_run(args.run_dir, pdf=not args.no_pdf)
    print(outcome.run_dir)
    return _run_exit(outcome)


def _cmd_verify(args: argparse.Namespace) -> int:
    from .config import ConfigError
    from .rundir import verify_run

    if not args.run_dir.is_dir():
        raise ConfigError(f"{args.run_dir}: no such run directory")
    problems = verify_run(args.run_dir)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{args.run_dir}: {len(problems)} problem(s)", file=sys.stderr)
        return EXIT_CHECK_FAILED
    print(f"{args.run_dir}: intact")
    return EXIT_OK


def _run_exit(outcome: object) -> int:
    errors = outcome.analysis.snapshot.meta.errors  # type: ignore[attr-defined]
    if errors:
        print(f"ecr-report: {len(errors)} API call(s) failed; the report marks what is missing",
              file=sys.stderr)
        return EXIT_INCOMPLETE
    return EXIT_OK


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be greater than 0")
    return value


if __name__ == "__main__":
    sys.exit(main())
