"""Helpers the deployment tests share: the CLI's real parser for a container's arguments, and the
Kubernetes version the manifests are validated against."""

from __future__ import annotations

import argparse
import contextlib
import io
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
KUBERNETES_VERSION = "1.33.0"
"""The oldest Kubernetes the manifests use every field of (Indexed Jobs' backoffLimitPerIndex and
podFailurePolicy FailIndex are GA there); kubernetes-validate bundles its schemas."""


def subcommands() -> dict[str, argparse.ArgumentParser]:
    from ecr_report.jobs.cli import build_parser

    action = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def parse_cli(args: list[str]) -> argparse.Namespace:
    """The arguments as `ecr-report` itself parses them; a usage error fails the test with its message.
    A subcommand not yet in jobs/cli.py skips (it is built elsewhere; the report says which)."""
    from ecr_report.jobs.cli import build_parser

    if args and args[0] not in subcommands():
        pytest.skip(f"`ecr-report {args[0]}` is not in jobs/cli.py yet")
    stderr = io.StringIO()
    try:
        with contextlib.redirect_stderr(stderr):
            return build_parser().parse_args(args)
    except SystemExit:
        pytest.fail(f"ecr-report {' '.join(args)}: {stderr.getvalue().strip()}")
