"""The `ecr-report` command line (design.md "Command line").

Exit codes: 0 success; 1 a check failed (verify); 2 bad input or usage, with a one-line reason
on stderr and no traceback; 3 the run completed but some data could not be collected; 4 the run
was written (and kept) but delivering it (email, S3 upload) failed.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import Any, Sequence

from .demo_options import MAX_DEMO_SCALE, add_demo_arguments, demo_options_from

__all__ = ["MAX_DEMO_SCALE", "add_demo_arguments", "build_parser", "demo_options_from", "main"]

EXIT_OK, EXIT_CHECK_FAILED, EXIT_BAD_INPUT, EXIT_INCOMPLETE = 0, 1, 2, 3
EXIT_DELIVERY_FAILED = 4


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line (exit 2), like every other bad input."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


class _VersionAction(argparse.Action):
    """`--version`: the version looked up only when asked (importlib.metadata costs every other
    command 30 ms of imports, a hundredth of `lifecycle preview`), printed as argparse prints it."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS,
                 default: Any = argparse.SUPPRESS, help: str | None = None) -> None:
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: Any, values: Any,
                 option_string: str | None = None) -> None:
        from .version import tool_version

        print(f"{parser.prog} {tool_version()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="ecr-report", description="Cost & compliance reports for Amazon ECR.")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    parser.add_argument("--version", action=_VersionAction, help="print the version and exit")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    _add_run_parser(sub)
    _add_render_parser(sub)
    from .shards_cmd import add_shard_parsers

    add_shard_parsers(sub)

    verify = sub.add_parser("verify", help="check an archived run against its manifest and signature")
    verify.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    verify.add_argument("--public-key", type=Path, metavar="FILE",
                        help="trusted Ed25519 public key (PEM); requires a valid signature by it")
    verify.add_argument("--hmac-key-file", type=Path, metavar="FILE",
                        help="HMAC-SHA256 key (default $ECR_REPORT_HMAC_KEY); requires a valid signature")
    verify.set_defaults(func=_cmd_verify)

    deliver = sub.add_parser("deliver", help="email / upload an existing run (never twice)")
    deliver.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    deliver.add_argument("--config", type=Path, metavar="FILE", help="TOML config (default ./ecr-report.toml)")
    deliver.add_argument("--no-email", action="store_true", help="skip the email")
    deliver.add_argument("--no-upload", action="store_true", help="skip the S3 upload")
    deliver.set_defaults(func=_cmd_deliver)

    schedule = sub.add_parser("schedule", help="run the [[jobs]] of the configuration on their schedules")
    schedule.add_argument("--config", type=Path, metavar="FILE", help="TOML config (default ./ecr-report.toml)")
    schedule.add_argument("--output", type=Path, metavar="DIR", help="output root (default report.output_dir)")
    schedule.add_argument("--list", action="store_true", help="print each job's next run time and exit")
    schedule.set_defaults(func=_cmd_schedule)

    from .lifecycle_cmd import add_lifecycle_parser

    add_lifecycle_parser(sub)
    from .iam_policy import add_parser as add_iam_policy_parser

    add_iam_policy_parser(sub)
    from .setup_cmd import add_setup_parsers

    add_setup_parsers(sub)
    from .explain import add_explain_parser

    add_explain_parser(sub)
    _add_index_parser(sub)
    return parser


def _add_run_parser(sub: Any) -> None:
    run = sub.add_parser("run", help="collect, analyse, render and write one run directory")
    add_demo_arguments(run)
    run.add_argument("--config", type=Path, metavar="FILE", help="TOML config (default ./ecr-report.toml)")
    run.add_argument("--output", type=Path, metavar="DIR", help="output root (default report.output_dir)")
    run.add_argument("--no-pdf", action="store_true", help="skip the PDF (faster)")
    run.add_argument("--images-in-use", type=Path, metavar="FILE",
                     help="image references in use, whitespace-separated (e.g. kubectl get pods -A "
                          "-o jsonpath='{..image}'); overrides pull_through.images_in_use_file")
    run.add_argument("--deliver", action="store_true",
                     help="then email the report and upload the run to S3, as configured in [email] / [archive]")
    run.set_defaults(func=_cmd_run)


def _add_render_parser(sub: Any) -> None:
    render = sub.add_parser("render", help="re-render a run from its saved snapshot (never in place)")
    render.add_argument("run_dir", type=Path, metavar="RUN_DIR")
    render.add_argument("--no-pdf", action="store_true", help="do not render the PDF again (an existing one is kept)")
    render.add_argument("--config", type=Path, metavar="FILE",
                        help="TOML config (default ./ecr-report.toml): its [archive] signing key signs a changed run")
    render.add_argument("--force", action="store_true",
                        help="re-render even a delivered run, a signed run without a key, or one whose evidence changed")
    render.set_defaults(func=_cmd_render)


def _add_index_parser(sub: Any) -> None:
    index = sub.add_parser("index", help="write ROOT/index.html: every run of an output root against its schedule")
    index.add_argument("root", type=Path, metavar="ROOT", help="the output root (the directory holding runs/)")
    index.add_argument("--config", type=Path, metavar="FILE",
                       help="TOML config whose [[jobs]] crons give the expected runs (default ./ecr-report.toml "
                            "when present; without jobs, weekly from the first run)")
    index.set_defaults(func=_cmd_index)


def _cmd_index(args: argparse.Namespace) -> int:
    from .archive_index import index_command

    print(index_command(args.root, args.config))
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    for noisy in ("botocore", "boto3", "urllib3", "fontTools", "weasyprint"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    from .errors import ConfigError

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

    demo = demo_options_from(args)  # a misused demo option: exit 2 before reading anything
    config = load_config(args.config)
    if args.no_pdf:
        config = config.model_copy(update={"report": config.report.model_copy(update={"pdf": False})})
    if args.images_in_use is not None:
        config = config.model_copy(update={"pull_through": config.pull_through.model_copy(
            update={"images_in_use_file": str(args.images_in_use)})})
    outcome = run(config, output=args.output, demo=demo is not None, demo_options=demo)
    print(outcome.run_dir)
    code = _run_exit(outcome)
    return _after_run(outcome, config, deliver=args.deliver) or code


def _cmd_render(args: argparse.Namespace) -> int:
    from .config import load_config
    from .run import render_run
    from .signing import load_signer

    config = load_config(args.config)
    signer = load_signer(config.archive)
    outcome = render_run(args.run_dir, pdf=not args.no_pdf, signer=signer, force=args.force)
    print(outcome.run_dir)
    _refresh_index(outcome.run_dir, config)
    return _run_exit(outcome)


def _cmd_verify(args: argparse.Namespace) -> int:
    from .errors import ConfigError
    from .rundir import recover_run, verify_run
    from .signing import check_signature, load_public_key, read_hmac_key

    recover_run(args.run_dir)  # a re-render killed mid-swap: its run is put back first
    if not args.run_dir.is_dir():
        raise ConfigError(f"{args.run_dir}: no such run directory")
    trusted = load_public_key(args.public_key) if args.public_key else None
    hmac_key = read_hmac_key(args.hmac_key_file)
    problems = verify_run(args.run_dir, trusted_key=trusted, hmac_key=hmac_key)
    for problem in problems:
        print(problem)
    if problems:
        print(f"{args.run_dir}: {len(problems)} problem(s)", file=sys.stderr)
        return EXIT_CHECK_FAILED
    signature = check_signature(args.run_dir, trusted_key=trusted, hmac_key=hmac_key)[1]
    print(f"{args.run_dir}: intact ({signature})")
    return EXIT_OK


def _after_run(outcome: object, config: object, *, deliver: bool) -> int:
    """Delivery (with --deliver) and local retention; 4 when delivery failed, else 0."""
    from .deliver import after_run

    result = after_run(outcome.run_dir, config, deliver=deliver)  # type: ignore[attr-defined]
    for line in result.lines():
        print(line, file=sys.stderr)
    if result.failed:
        print(f"ecr-report: delivery failed; the run is kept in {outcome.run_dir}",  # type: ignore[attr-defined]
              file=sys.stderr)
        return EXIT_DELIVERY_FAILED
    return EXIT_OK


def _refresh_index(run_dir: Path, config: object) -> None:
    from .archive_index import refresh_index

    refresh_index(Path(run_dir).resolve().parent.parent, config)


def _cmd_deliver(args: argparse.Namespace) -> int:
    from .config import ConfigError, load_config
    from .deliver import deliver_run
    from .rundir import recover_run

    config = load_config(args.config)
    recover_run(args.run_dir)
    if not args.run_dir.is_dir():
        raise ConfigError(f"{args.run_dir}: no such run directory")
    result = deliver_run(args.run_dir, config, email=not args.no_email, upload=not args.no_upload)
    _refresh_index(args.run_dir, config)  # what was delivered shows in ROOT/index.html
    for line in result.lines():
        print(line)
    if result.failed:
        print(f"ecr-report: delivery failed; the run is kept in {args.run_dir}", file=sys.stderr)
        return EXIT_DELIVERY_FAILED
    return EXIT_OK


def _cmd_schedule(args: argparse.Namespace) -> int:
    from .config import load_config
    from .scheduler import next_runs, serve

    config = load_config(args.config)
    output = Path(args.output or config.report.output_dir).resolve()
    config_file = args.config.resolve() if args.config else None
    if args.list:
        for job_id, when, zone in next_runs(config, output=output, config_file=config_file):
            print(f"{job_id}\t{when.isoformat() if when else 'never'}\t{zone}")
        return EXIT_OK
    return serve(config, output=output, config_file=config_file)


def _run_exit(outcome: object) -> int:
    errors = outcome.analysis.snapshot.meta.errors  # type: ignore[attr-defined]
    if errors:
        print(f"ecr-report: {len(errors)} API call(s) failed; the report marks what is missing",
              file=sys.stderr)
        return EXIT_INCOMPLETE
    return EXIT_OK


def console_main() -> None:
    """The `ecr-report` program: `main`, then the process ends without tearing down its heap.

    Python's shutdown frees every object one by one and runs a last full garbage collection:
    0.7 s of a collecting shard's 9 s, measured, for memory the system takes back at once
    anyway. So once the command has returned and its output is flushed (and logging's handlers
    closed), the process leaves with `os._exit`. A command that raised, or output that cannot be
    flushed (a closed pipe), takes the ordinary way out, which reports them as before."""
    code = main()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:  # noqa: BLE001 - the interpreter's own exit reports it, as it always has
        sys.exit(code)
    logging.shutdown()
    os._exit(code)


if __name__ == "__main__":
    console_main()
