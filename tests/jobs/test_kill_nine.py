"""`kill -9` at random points of `run`, `render` and `deliver` never leaves a finished run that
`verify` rejects, nor a half-written run that reads as finished.

Each command runs as its own process; a seeded RNG draws the moment of the SIGKILL within the
command's measured duration. Afterwards every finished run under runs/ (a name not starting
with ".") must verify (exit 0), and anything else must be a `.partial-` / `.render-` /
`.replaced-` directory, which the next command clears up.
"""

from __future__ import annotations

import email
import email.policy
import json
import random
import shutil
from pathlib import Path

import pytest

from ecr_report.jobs.cli import main
from ecr_report.jobs.rundir import PARTIAL_PREFIX, RENDER_PREFIX, REPLACED_PREFIX, verify_run

from delivery_peers import Inbox, free_port
from run_dir_support import cli, file_state, killed_cli, signing_config, timed_cli


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> tuple[Path, Path, float]:
    """(config, a finished signed demo run made by `run --demo --no-pdf`, how long that took)."""
    work = tmp_path_factory.mktemp("kill")
    config = signing_config(work)
    result, seconds = timed_cli("run", "--demo", "--no-pdf", "--config", str(config),
                                "--output", str(work / "out"))
    assert result.returncode == 0, result.stderr
    return config, Path(result.stdout.strip()), seconds


def check_runs(runs_dir: Path) -> list[str]:
    """verify every finished run (exit 0); only work directories may be unfinished."""
    finished = []
    for path in sorted(runs_dir.iterdir()):
        if not path.is_dir():
            continue
        if path.name.startswith("."):
            assert path.name.startswith((PARTIAL_PREFIX, RENDER_PREFIX, REPLACED_PREFIX)), path
            continue
        assert main(["verify", str(path)]) == 0, (path.name, verify_run(path))
        assert (path / "manifest.sig").is_file()  # and its signature checked by verify
        finished.append(path.name)
    return finished


def test_run_killed_at_random_points(base, tmp_path):
    config, _, seconds = base
    out = tmp_path / "out"
    for seed in (11, 12):
        after = random.Random(seed).uniform(0.2, seconds)
        killed_cli(["run", "--demo", "--no-pdf", "--config", str(config), "--output", str(out)], after)
        check_runs(out / "runs")


@pytest.mark.parametrize("seeds, no_pdf", [((21, 22), True), ((23,), False)])
def test_render_killed_at_random_points(base, tmp_path, seeds, no_pdf):
    config, made, _ = base
    runs = tmp_path / "out" / "runs"
    run_dir = runs / made.name
    shutil.copytree(made, run_dir)
    args = ["render", str(run_dir), "--config", str(config)] + (["--no-pdf"] if no_pdf else [])
    # A finished copy tells how long a render takes and what the new run is (with the PDF, the
    # run changes: the PDF is added and the manifest signed again).
    reference = tmp_path / "ref" / "runs" / made.name
    shutil.copytree(made, reference)
    result, seconds = timed_cli("render", str(reference), "--config", str(config),
                                *(["--no-pdf"] if no_pdf else []))
    assert result.returncode == 0, result.stderr
    old, new = file_state(run_dir), file_state(reference)
    for seed in seeds:
        killed_cli(args, random.Random(seed).uniform(0.2, seconds))
        left = {p.name for p in runs.iterdir()}
        assert run_dir.name in left or any(n.startswith(f"{REPLACED_PREFIX}{run_dir.name}-") for n in left)
        assert check_runs(runs) in ([run_dir.name], [])
        assert main(["verify", str(run_dir)]) == 0  # puts a run killed mid-swap back
        assert [p.name for p in runs.iterdir()] == [run_dir.name]  # work directories cleared
        state = file_state(run_dir)
        assert state in (old, new), sorted(n for n in set(state) | set(old) if state.get(n) != old.get(n))


def test_deliver_killed_at_random_points(base, tmp_path):
    from aiosmtpd.controller import Controller

    config, made, _ = base
    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        smtp = tmp_path / "smtp.toml"
        smtp.write_text(config.read_text() + "\n".join([
            "[email]", 'transport = "smtp"', 'smtp_host = "127.0.0.1"', f"smtp_port = {port}",
            "starttls = false", 'sender = "ecr-report@example.com"',
            'recipients = ["platform-leads@example.com"]', "retry_backoff_seconds = 0"]) + "\n")
        reference = tmp_path / "ref" / "runs" / made.name
        shutil.copytree(made, reference)
        result, seconds = timed_cli("deliver", str(reference), "--config", str(smtp), "--no-upload")
        assert result.returncode == 0, result.stderr
        sent_before = len(inbox.envelopes)
        for seed in (31, 32):
            runs = tmp_path / f"out-{seed}" / "runs"
            run_dir = runs / made.name
            shutil.copytree(made, run_dir)
            killed_cli(["deliver", str(run_dir), "--config", str(smtp), "--no-upload"],
                       random.Random(seed).uniform(0.2, seconds))
            check_runs(runs)
            record = run_dir / "delivery" / "email.json"
            if record.exists():
                assert json.loads(record.read_text())["status"] in ("sending", "sent")  # never half-written
            again = cli("deliver", str(run_dir), "--config", str(smtp), "--no-upload")
            assert again.returncode == 0, again.stderr
            assert json.loads(record.read_text())["status"] == "sent"
        ids = {email.message_from_bytes(e.original_content, policy=email.policy.default)["Message-ID"]
               for e in inbox.envelopes[sent_before:]}
        assert len(ids) == 1  # a re-send after a kill carries the same Message-ID
    finally:
        controller.stop()
