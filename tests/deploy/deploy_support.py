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


def run_like_the_scheduler(collect: list[str], assemble: list[str], shards: int, index_variable: str,
                           tmp_path: Path) -> tuple[Path, list[int]]:
    """The commands of a sharded run as its engine runs them: one `collect` process per shard with
    only `index_variable` telling it its index, then `assemble`; against the demo fleet (`--demo`),
    with /data and the configuration file (no PDF) moved under `tmp_path` and without delivery
    (no mail server here). Returns the run directory and the exit codes (collects..., assemble)."""
    import os
    import subprocess
    import sys

    for args in (collect, assemble):
        if args[0] not in subcommands():
            pytest.skip(f"`ecr-report {args[0]}` is not in jobs/cli.py yet")
    data, config = tmp_path / "data", tmp_path / "ecr-report.toml"
    config.write_text("[report]\npdf = false\n")  # every shard and assemble read the same configuration

    def local(args: list[str]) -> list[str]:
        swapped = {"/data": str(data)} | {a: str(config) for a in args if a.endswith(".toml")}
        return [swapped.get(a, a) for a in args if a != "--deliver"] + ["--demo"]

    exe = str(Path(sys.executable).with_name("ecr-report"))
    base = {k: v for k, v in os.environ.items() if k not in ("JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX")}
    codes = []
    for k in range(shards):
        done = subprocess.run([exe, *local(collect)], env=base | {index_variable: str(k)},
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
        codes.append(done.returncode)
    done = subprocess.run([exe, *local(assemble)], env=base, capture_output=True, text=True, timeout=600)
    codes.append(done.returncode)
    assert done.returncode == 0, done.stderr[-2000:]
    return Path(done.stdout.strip().splitlines()[-1]), codes
