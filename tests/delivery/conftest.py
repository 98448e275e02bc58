"""Fixtures for delivery: one real (demo) signed run, copied per test; an SMTP server on loopback."""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import pytest

from ecr_report.jobs.config import Config

from delivery_peers import Inbox, free_port, write_ed25519_key


@pytest.fixture(scope="session")
def signing_key(tmp_path_factory) -> Path:
    return write_ed25519_key(tmp_path_factory.mktemp("keys") / "ecr-report-ed25519.pem")


@pytest.fixture(scope="session")
def _demo_run(tmp_path_factory, signing_key) -> Path:
    from ecr_report.jobs.run import run

    config = Config.model_validate({"archive": {"signing_key_file": str(signing_key)}})
    outcome = run(config, output=tmp_path_factory.mktemp("demo-out"), demo=True,
                  now=datetime(2026, 11, 30, 0, 0, tzinfo=timezone.utc))
    return outcome.run_dir


@pytest.fixture
def finished_run(_demo_run, tmp_path) -> Path:
    """A fresh copy of a finished, signed demo run: tmp_path/out/runs/<run_id>."""
    target = tmp_path / "out" / "runs" / _demo_run.name
    shutil.copytree(_demo_run, target)
    return target


@pytest.fixture
def smtp_server() -> Iterator[tuple[str, int, Inbox]]:
    """A real SMTP server (aiosmtpd) on 127.0.0.1, plain (no TLS)."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield "127.0.0.1", port, inbox
    finally:
        controller.stop()


@pytest.fixture
def small_run(tmp_path, signing_key) -> Path:
    """A tiny finished, signed run (a few files), for tests that do not need a real report."""
    from ecr_report.jobs.config import ArchiveConfig
    from ecr_report.jobs.rundir import RunPaths, write_json, write_manifest
    from ecr_report.jobs.signing import load_signer, sign_run

    paths = RunPaths(tmp_path / "small", "20261123T000000Z")
    run_dir = paths.start()
    write_json(run_dir / "summary.json", {"run_id": paths.run_id, "as_of": "2026-11-23T00:00:00Z",
                                          "coverage": {"repositories_total": 1, "repositories_scanned": 0}})
    raw = run_dir / "raw" / "111122223333" / "us-east-1"
    raw.mkdir(parents=True)
    (raw / "ecr.DescribeRegistry.1.json.gz").write_bytes(b"\x1f\x8b\x08\x00evidence")
    (run_dir / "data").mkdir()
    (run_dir / "data" / "coverage.csv").write_text("account_id,region,repository_name\n111122223333,us-east-1,app\n")
    (run_dir / "report.html").write_text("<html><body>report</body></html>")
    (run_dir / "report.pdf").write_bytes(b"%PDF-1.7\n%fake\n")
    write_manifest(run_dir, {"run_id": paths.run_id, "as_of": "2026-11-23T00:00:00Z"})
    sign_run(run_dir, load_signer(ArchiveConfig(signing_key_file=str(signing_key))))
    return paths.commit()
