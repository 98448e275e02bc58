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


DATA = "/data"


def signing_key_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()


class Container:
    """Runs `ecr-report` as a container of the manifests would, on this machine: what the
    container sees besides /data is {mount path: {file name: text}}; every such path, /data and
    every mention of them in arguments and files is moved under `root` (the same for every
    process, so a run's configuration digest does not change), and each process sees only its
    own mounts. Against the demo fleet (`--demo`), without the PDF (tested with the Dockerfile)
    and without delivery (no mail server here)."""

    def __init__(self, root: Path, mount_paths: set[str]):
        self.root = root
        self.paths = sorted({DATA, *mount_paths}, key=len, reverse=True)

    def moved(self, text: str) -> str:
        for path in self.paths:
            text = text.replace(path, f"{self.root}{path}")
        return text

    def run(self, args: list[str], mounted: dict[str, dict[str, str]], env: dict[str, str] | None = None):
        import os
        import shutil
        import subprocess
        import sys

        if args[0] not in subcommands():
            pytest.skip(f"`ecr-report {args[0]}` is not in jobs/cli.py yet")
        for path in self.paths:
            if path != DATA:
                shutil.rmtree(f"{self.root}{path}", ignore_errors=True)
        for path, files in mounted.items():
            Path(f"{self.root}{path}").mkdir(parents=True)
            for name, text in files.items():
                Path(f"{self.root}{path}", name).write_text(self.moved(text))
        base = {k: v for k, v in os.environ.items() if k not in ("JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX")}
        base["ECR_REPORT__REPORT__PDF"] = "false"
        command = [str(Path(sys.executable).with_name("ecr-report")),
                   *(self.moved(a) for a in args if a != "--deliver"), "--demo"]
        return subprocess.run(command, env=base | (env or {}), capture_output=True, text=True, timeout=600)


def run_like_the_scheduler(commands: dict[str, list[str]], mounted: dict[str, dict[str, dict[str, str]]],
                           shards: int, index_variable: str, tmp_path: Path) -> tuple[Path, list[int]]:
    """A sharded run as its engine runs it (see Container): one `collect` process per shard, told
    its index only by `index_variable`, then `assemble`. `mounted[command]` is what that command's
    container sees besides /data. Returns the run directory and the exit codes."""
    for args in commands.values():
        if args[0] not in subcommands():
            pytest.skip(f"`ecr-report {args[0]}` is not in jobs/cli.py yet")
    container = Container(tmp_path / "root", {p for m in mounted.values() for p in m})
    codes = []
    for k in range(shards):
        done = container.run(commands["collect"], mounted["collect"], {index_variable: str(k)})
        assert done.returncode == 0, f"shard {k}: {done.stderr[-2000:]}"
        codes.append(done.returncode)
    done = container.run(commands["assemble"], mounted["assemble"])
    codes.append(done.returncode)
    assert done.returncode == 0, done.stderr[-2000:]
    return Path(done.stdout.strip().splitlines()[-1]), codes
