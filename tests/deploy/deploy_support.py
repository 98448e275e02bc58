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


def run_like_the_scheduler(commands: dict[str, list[str]], mounted: dict[str, dict[str, dict[str, str]]],
                           shards: int, index_variable: str, tmp_path: Path) -> tuple[Path, list[int]]:
    """A sharded run as its engine runs it: one `collect` process per shard, told its index only by
    `index_variable`, then `assemble`; against the demo fleet (`--demo`), without the PDF and without
    delivery (no mail server here). `mounted[command]` is what that command's container sees besides /data:
    {mount path: {file name: text}}. Every path is moved under `tmp_path` (the same for every
    process: the run's configuration digest must not change), and each process sees only its
    own mounts. Returns the run directory and the exit codes (collects..., assemble)."""
    import os
    import shutil
    import subprocess
    import sys

    for args in commands.values():
        if args[0] not in subcommands():
            pytest.skip(f"`ecr-report {args[0]}` is not in jobs/cli.py yet")
    root = tmp_path / "root"
    paths = sorted({DATA, *(p for m in mounted.values() for p in m)}, key=len, reverse=True)

    def moved(text: str) -> str:
        for path in paths:
            text = text.replace(path, f"{root}{path}")
        return text

    def process(command: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        for path in paths:
            if path != DATA:
                shutil.rmtree(f"{root}{path}", ignore_errors=True)
        for path, files in mounted[command].items():
            Path(f"{root}{path}").mkdir(parents=True)
            for name, text in files.items():
                Path(f"{root}{path}", name).write_text(moved(text))
        args = [moved(a) for a in commands[command] if a != "--deliver"] + ["--demo"]
        exe = str(Path(sys.executable).with_name("ecr-report"))
        return subprocess.run([exe, *args], env=env, capture_output=True, text=True, timeout=600)

    base = {k: v for k, v in os.environ.items() if k not in ("JOB_COMPLETION_INDEX", "AWS_BATCH_JOB_ARRAY_INDEX")}
    base["ECR_REPORT__REPORT__PDF"] = "false"  # the same for every process; the PDF is tested elsewhere
    codes = []
    for k in range(shards):
        done = process("collect", base | {index_variable: str(k)})
        assert done.returncode == 0, f"shard {k}: {done.stderr[-2000:]}"
        codes.append(done.returncode)
    done = process("assemble", base)
    codes.append(done.returncode)
    assert done.returncode == 0, done.stderr[-2000:]
    return Path(done.stdout.strip().splitlines()[-1]), codes
