"""The day-one commands of a platform team: `ecr-report init` (a starter configuration) and
`ecr-report check` (prove the identities may do what the configuration needs).

Only the parsers live here, so building the command line imports neither boto3 nor the
configuration model; the handlers import jobs/init_config.py and jobs/check.py when they run.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

STARTER_FILE = "ecr-report.toml"
"""Where `init` writes by default: the file every command reads by default
(jobs/config.py DEFAULT_CONFIG_FILE, not imported here because it loads every concern)."""
EXIT_OK, EXIT_MISSING = 0, 2


def add_setup_parsers(sub: Any) -> None:
    init = sub.add_parser("init", help="write a commented starter ecr-report.toml")
    init.add_argument("--config", type=Path, metavar="FILE", default=Path(STARTER_FILE),
                      help=f"where to write it (default ./{STARTER_FILE}); an existing file is kept")
    init.set_defaults(func=_cmd_init)

    check = sub.add_parser("check", help="prove the configured identities may do what the configuration "
                                         "needs (exit 2 when something is missing)")
    check.add_argument("--config", type=Path, metavar="FILE", help="TOML config (default ./ecr-report.toml)")
    check.set_defaults(func=_cmd_check)


def _cmd_init(args: argparse.Namespace) -> int:
    from .init_config import write_starter

    path = write_starter(args.config)
    print(f"wrote {path}")
    print(f"next: edit it, then `ecr-report check --config {path}`")
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    from .check import run_check
    from .config import load_config

    report = run_check(load_config(args.config))
    for line in report.lines():
        print(line)
    return EXIT_MISSING if report.failed else EXIT_OK
