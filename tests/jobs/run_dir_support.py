"""Helpers for the tests of finished runs that are re-rendered or interrupted (a module name no
other test folder uses)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from delivery_peers import write_ed25519_key

CLI = [sys.executable, "-m", "ecr_report.jobs.cli"]


def signing_config(directory: Path, *extra: str) -> Path:
    """An ecr-report.toml whose [archive] signs with a fresh Ed25519 key (+ extra lines)."""
    key = write_ed25519_key(directory / "ed25519.pem")
    config = directory / "ecr-report.toml"
    config.write_text("\n".join(["[archive]", f'signing_key_file = "{key}"', *extra]) + "\n")
    return config


def cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout)


def timed_cli(*args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    start = time.monotonic()
    result = cli(*args)
    return result, time.monotonic() - start


def killed_cli(args: list[str], after: float) -> int:
    """Start the command, SIGKILL it `after` seconds later (if still running); its return code."""
    proc = subprocess.Popen([*CLI, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        proc.wait(timeout=after)
    except subprocess.TimeoutExpired:
        proc.kill()  # SIGKILL
    return proc.wait(timeout=60)


def file_state(run_dir: Path) -> dict[str, bytes]:
    """Every file of a run (delivery/ included) and its bytes."""
    return {p.relative_to(run_dir).as_posix(): p.read_bytes()
            for p in sorted(run_dir.rglob("*")) if p.is_file()}
