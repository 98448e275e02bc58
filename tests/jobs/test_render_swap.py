"""`render` never writes into a finished run: it builds the new run beside it and swaps the two.

What it does with a run it would change (README "Re-rendering a run"): keeps the signature when
the manifest is the same byte for byte; signs again with a configured key; refuses a signed run
without a key, and a delivered run, unless --force; refuses evidence that no longer matches the
manifest. And a render killed between the two renames of the fallback swap is put back by the
next command.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

from ecr_report.jobs import rundir
from ecr_report.jobs.cli import main
from ecr_report.jobs.config import Config, ConfigError, load_config
from ecr_report.jobs.deliver import prune_runs
from ecr_report.jobs.run import render_run, run
from ecr_report.jobs.rundir import (
    MANIFEST,
    RENDER_PREFIX,
    REPLACED_PREFIX,
    RunsBusy,
    runs_lock,
    verify_run,
    write_manifest,
)
from ecr_report.jobs.signing import load_public_key, load_signer, sign_run

from run_dir_support import file_state, signing_config

AS_OF = datetime(2026, 11, 30, 6, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> tuple[Path, Config]:
    work = tmp_path_factory.mktemp("swap")
    config = load_config(signing_config(work, "[report]", "pdf = false"))
    return run(config, output=work / "out", demo=True, now=AS_OF).run_dir, config


@pytest.fixture
def finished(made, tmp_path) -> Path:
    """A fresh copy of the finished, signed demo run: tmp_path/runs/<run_id>."""
    target = tmp_path / "runs" / made[0].name
    shutil.copytree(made[0], target)
    return target


@pytest.fixture
def signer(made):
    return load_signer(made[1].archive)


def _older_version(run_dir: Path, signer) -> None:
    """As an older version would have left it: a table this version no longer writes, listed
    in the (signed) manifest, so a re-render changes the run."""
    (run_dir / "data" / "retired_table.csv").write_text("a,b\n1,2\n")
    metadata = {k: v for k, v in json.loads((run_dir / MANIFEST).read_text()).items()
                if k not in ("files", "manifest_version")}
    write_manifest(run_dir, metadata)
    sign_run(run_dir, signer)
    assert verify_run(run_dir) == []


def test_render_never_writes_into_the_finished_run(finished, tmp_path):
    (finished / "delivery").mkdir()
    (finished / "delivery" / "email.json").write_text('{"status": "sent"}\n')
    before = file_state(finished)
    witness = tmp_path / "witness"  # hard links to the finished run's files, as they are now
    stamps = {}
    for path in finished.rglob("*"):
        if path.is_file():
            link = witness / path.relative_to(finished)
            link.parent.mkdir(parents=True, exist_ok=True)
            os.link(path, link)
            stamps[link] = path.stat().st_mtime_ns
    render_run(finished, pdf=False)
    touched = sorted(str(p.relative_to(witness)) for p, ns in stamps.items() if p.stat().st_mtime_ns != ns)
    assert touched == []  # no file of the finished run was opened for writing
    assert file_state(finished) == before  # same bytes, delivery record and signature included
    assert verify_run(finished) == [] and (finished / "manifest.sig").is_file()
    assert sorted(p.name for p in finished.parent.iterdir()) == [finished.name]


def test_a_damaged_output_is_rendered_again_and_the_signature_still_holds(finished):
    before = file_state(finished)
    with (finished / "data" / "cost_lines.parquet").open("r+b") as fh:
        fh.truncate(100)  # what an interrupted in-place render used to leave
    assert verify_run(finished) == ["data/cost_lines.parquet: changed (sha256 differs from the manifest)"]
    render_run(finished, pdf=False)
    assert file_state(finished) == before and verify_run(finished) == []


def test_a_changed_signed_run_is_refused_without_a_key_and_signed_again_with_one(finished, signer):
    _older_version(finished, signer)
    before = file_state(finished)
    with pytest.raises(ConfigError, match="it is signed and the re-render changes data/retired_table.csv"):
        render_run(finished, pdf=False)
    assert file_state(finished) == before
    assert sorted(p.name for p in finished.parent.iterdir()) == [finished.name]  # nothing left aside
    render_run(finished, pdf=False, signer=signer)
    assert not (finished / "data" / "retired_table.csv").exists()
    assert verify_run(finished, trusted_key=load_public_key(finished / "manifest.pub")) == []


def test_a_delivered_run_that_would_change_is_refused_unless_forced(finished, signer, capsys):
    _older_version(finished, signer)
    (finished / "delivery").mkdir()
    record = '{"status": "sent", "message_id": "<x@example.com>"}\n'
    (finished / "delivery" / "email.json").write_text(record)
    before = file_state(finished)
    assert main(["render", str(finished), "--no-pdf"]) == 2
    err = capsys.readouterr().err
    assert "it was delivered (email.json in delivery/)" in err and "--force" in err
    assert len(err.strip().splitlines()) == 1 and file_state(finished) == before
    assert main(["render", str(finished), "--no-pdf", "--force"]) == 0
    assert (finished / "delivery" / "email.json").read_text() == record  # never re-sent
    assert verify_run(finished) == [] and not (finished / "manifest.sig").exists()  # forced: unsigned


def test_evidence_that_no_longer_matches_the_manifest_is_not_sealed_again(finished, capsys):
    raw = sorted((finished / "raw").rglob("*.json.gz"))[0]
    raw.write_bytes(gzip.compress(b'{"tampered": true}'))
    before = file_state(finished)
    assert main(["render", str(finished), "--no-pdf"]) == 2
    err = capsys.readouterr().err
    assert "its evidence does not match the manifest (raw/" in err and file_state(finished) == before


def test_no_render_while_a_run_of_the_root_is_being_delivered(finished):
    with runs_lock(finished.parent, exclusive=False, what="deliver"):
        with pytest.raises(RunsBusy, match="another ecr-report command"):
            render_run(finished, pdf=False)


def test_the_two_rename_swap_and_a_kill_between_the_renames(finished, monkeypatch, tmp_path):
    before = file_state(finished)
    monkeypatch.setattr(rundir, "ATOMIC_EXCHANGE", False)  # where renameat2 is not available
    render_run(finished, pdf=False)
    assert file_state(finished) == before
    assert sorted(p.name for p in finished.parent.iterdir()) == [finished.name]
    # The state a kill between the two renames leaves: the old run aside, the new one built.
    runs = finished.parent
    aside = runs / f"{REPLACED_PREFIX}{finished.name}-4242"
    shutil.copytree(finished, runs / f"{RENDER_PREFIX}{finished.name}-4242")
    os.rename(finished, aside)
    assert prune_runs(tmp_path, keep_runs=1) == []  # retention puts it back, deletes nothing
    assert sorted(p.name for p in runs.iterdir()) == [finished.name] and file_state(finished) == before
    os.rename(finished, aside)
    assert main(["verify", str(finished)]) == 0  # so does any command that opens the run
    assert sorted(p.name for p in runs.iterdir()) == [finished.name]
