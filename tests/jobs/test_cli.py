"""The command line's exit codes and one-line errors (design.md), and `verify`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ecr_report.jobs.cli import main
from ecr_report.jobs.rundir import RunPaths, write_json, write_manifest


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ecr_report.jobs.cli", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=120)


@pytest.mark.parametrize("args, reason", [
    (("run", "--config", "does-not-exist.toml"), "config file not found"),
    (("run", "--demo-scale", "0"), "must be a number from 1 to 100"),
    (("run", "--demo-scale", "0.5"), "must be a number from 1 to 100"),
    (("run", "--demo-scale", "nan"), "must be a number from 1 to 100"),
    (("run", "--demo-scale", "inf"), "must be a number from 1 to 100"),
    (("run", "--demo-scale", "100000"), "must be a number from 1 to 100"),
    (("run", "--demo-scale", "lots"), "not a number"),
    (("run", "--demo", "--demo-accounts", "3"), "must be from 4 to 5000"),
    (("run", "--demo", "--demo-accounts", "many"), "not a whole number"),
    (("run", "--demo-accounts", "12"), "--demo-accounts needs --demo"),
    (("run", "--demo-latency-ms", "50"), "--demo-latency-ms needs --demo"),
    (("run", "--demo", "--demo-latency-ms", "-1"), "must be from 0 to 10000"),
    (("run", "--demo", "--demo-accounts", "12", "--demo-scale", "2"), "cannot be combined with --demo-accounts"),
    (("render", "no-such-run"), "not a run directory"),
    (("verify", "no-such-run"), "no such run directory"),
    (("frobnicate",), "invalid choice"),
])
def test_bad_input_exits_2_with_one_line_and_no_traceback(tmp_path, args, reason):
    result = _cli(*args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert reason in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_an_output_root_under_a_file_is_bad_input_and_writes_nothing(tmp_path):
    (tmp_path / "a-file").write_text("not a directory")
    result = _cli("run", "--demo", "--no-pdf", "--output", "a-file/runs-here", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "a-file is not a directory" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]


def test_an_s3_output_for_run_is_bad_input_and_writes_nothing(tmp_path):
    """Only the shard area of a sharded run can be on S3 (jobs/shard_store_s3.py); `run` would
    otherwise write a local directory named `s3:`."""
    result = _cli("run", "--demo", "--no-pdf", "--output", "s3://bucket/reports", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "output s3://bucket/reports: a run directory is written to a local or mounted path" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def _read_only_mounts_work() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "--mount", "--propagation", "private", "true"],
                          capture_output=True).returncode == 0


@pytest.mark.skipif(not _read_only_mounts_work(), reason="needs root and mount namespaces (unshare)")
def test_an_output_root_on_a_read_only_file_system_is_bad_input(tmp_path):
    # A real read-only bind mount (EROFS) in a private mount namespace: the case a container with
    # readOnlyRootFilesystem meets when --output points outside its volume.
    frozen = tmp_path / "frozen"
    frozen.mkdir()
    script = (f"mount --bind {frozen} {frozen} && mount -o remount,bind,ro {frozen} && "
              f"exec {sys.executable} -m ecr_report.jobs.cli run --demo --no-pdf --output {frozen}/out")
    result = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
                            capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert result.returncode == 2, result.stderr
    assert f"{frozen} is not writable" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert list(frozen.iterdir()) == []


def test_no_credentials_is_bad_input_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    result = _cli("run", "--output", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 2 and "no usable AWS credentials" in result.stderr
    assert not (tmp_path / "out" / "runs").exists() or not any((tmp_path / "out" / "runs").iterdir())


def _one_line_exit_2_nothing_written(result: subprocess.CompletedProcess[str], cwd: Path, *reasons: str,
                                     keep: tuple[str, ...] = ()) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    for reason in reasons:
        assert reason in result.stderr
    assert result.stdout == ""
    assert sorted(p.name for p in cwd.iterdir()) == sorted(keep)  # nothing written


@pytest.mark.parametrize("config, env, reasons", [
    # The case: a run against a (moto) endpoint that would make failed calls for it.
    ('[aws]\nregions = ["us-east-1", "xx-fake-9"]\n', {},
     ["invalid configuration at aws.regions", "unknown AWS region 'xx-fake-9'", "endpoint data"]),
    ('[aws]\nregions = ["us-east1"]\n', {}, ["unknown AWS region 'us-east1'", "did you mean 'us-east-1'?"]),
    ("", {"ECR_REPORT__AWS__REGIONS": "eu-west-1,eu-wset-1"},
     ["aws.regions (set by ECR_REPORT__AWS__REGIONS)", "'eu-wset-1'", "did you mean 'eu-west-1'?"]),
    ('[aws]\nregions = ["us-east-1", "cn-north-1"]\n', {}, ["span the partitions aws, aws-cn"]),
    ("", {"AWS_DEFAULT_REGION": "xx-fake-9"}, ["the session's region", "unknown AWS region 'xx-fake-9'"]),
])
def test_unknown_regions_are_bad_input_before_any_call(tmp_path, moto_aws, monkeypatch, config, env, reasons):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    (tmp_path / "ecr-report.toml").write_text(config + "[report]\npdf = false\n")
    result = _cli("run", "--config", "ecr-report.toml", "--output", "out", cwd=tmp_path)
    _one_line_exit_2_nothing_written(result, tmp_path, *reasons, keep=("ecr-report.toml",))


def test_known_regions_of_any_partition_are_accepted(tmp_path):
    from ecr_report.jobs.config import load_config

    path = tmp_path / "ecr-report.toml"
    path.write_text('[aws]\nregions = ["cn-north-1", "cn-northwest-1"]\n')
    assert load_config(path, env={}).aws.regions == ("cn-north-1", "cn-northwest-1")
    assert load_config(None, env={"ECR_REPORT__AWS__REGIONS": "us-gov-west-1"}).aws.regions == ("us-gov-west-1",)


TRUNCATED_POLICY = '{"rules": [{"rulePriority": 10, '  # 32 characters, cut off


@pytest.mark.parametrize("command", [["lint"], ["preview", "--images", "images.json"]])
@pytest.mark.parametrize("text, reason", [
    (TRUNCATED_POLICY, "policy: not valid JSON: Expecting property name enclosed in double quotes at line 1 column 33"),
    ("", "policy: policy text is empty"),
    ("{rules: []}", "policy: not valid JSON: Expecting property name enclosed in double quotes"),
])
def test_a_policy_that_is_not_json_is_reported_as_such(tmp_path, command, text, reason):
    (tmp_path / "policy.json").write_text(text)
    (tmp_path / "images.json").write_text('{"imageDetails": []}')
    result = _cli("lifecycle", command[0], "--policy", "policy.json", *command[1:], cwd=tmp_path)
    _one_line_exit_2_nothing_written(result, tmp_path, reason, keep=("images.json", "policy.json"))
    assert "characters" not in result.stderr  # the length rule is for JSON text


@pytest.mark.parametrize("command", [["lint"], ["preview", "--images", "images.json"]])
def test_a_short_json_policy_still_meets_the_api_minimum_length(tmp_path, command):
    (tmp_path / "policy.json").write_text('{"rules": []}')
    (tmp_path / "images.json").write_text('{"imageDetails": []}')
    result = _cli("lifecycle", command[0], "--policy", "policy.json", *command[1:], cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr and result.stdout == ""
    assert "policy text has 13 characters; the API minimum is 100" in result.stderr


@pytest.fixture
def archived_run(tmp_path) -> Path:
    paths = RunPaths(tmp_path, "20261130T000000Z")
    run_dir = paths.start()
    write_json(run_dir / "summary.json", {"run_id": paths.run_id})
    (run_dir / "raw" / "111122223333" / "us-east-1").mkdir(parents=True)
    (run_dir / "raw" / "111122223333" / "us-east-1" / "ecr.DescribeRegistry.1.json.gz").write_bytes(b"\x1f\x8b")
    (run_dir / "report.html").write_text("<html></html>")
    write_manifest(run_dir, {"run_id": paths.run_id})
    return paths.commit()


def test_verify_intact(archived_run, capsys):
    assert main(["verify", str(archived_run)]) == 0
    assert "intact" in capsys.readouterr().out


@pytest.mark.parametrize("tamper, expected", [
    (lambda d: (d / "report.html").write_text("<html>edited</html>"), "report.html: changed"),
    (lambda d: (d / "summary.json").write_text('{"run_id": "other"}'), "summary.json: changed"),
    (lambda d: (d / "report.html").unlink(), "report.html: missing"),
    (lambda d: (d / "extra.txt").write_text("x"), "extra.txt: unexpected"),
    (lambda d: (d / "manifest.json").unlink(), "manifest.json: missing"),
])
def test_verify_names_each_problem(archived_run, capsys, tamper, expected):
    tamper(archived_run)
    assert main(["verify", str(archived_run)]) == 1
    assert expected in capsys.readouterr().out


def test_verify_says_a_partial_run_is_incomplete(tmp_path, capsys):
    partial = RunPaths(tmp_path, "20261130T000000Z").start()
    assert main(["verify", str(partial)]) == 1
    assert "incomplete run" in capsys.readouterr().out


def _program(*args: str, **kwargs) -> subprocess.CompletedProcess:
    """The installed program's way in (`console_main`, as the `ecr-report` script runs it)."""
    return subprocess.run([sys.executable, "-m", "ecr_report.jobs.cli", *args], capture_output=True,
                          timeout=300, **kwargs)


def test_the_program_leaves_with_its_exit_code_and_all_its_output(tmp_path):
    # console_main ends the process with os._exit: what print() buffered for a pipe, and the
    # log lines, must have been written first, and the exit code kept.
    policy = tmp_path / "p.json"
    policy.write_text('{"rules": [{"rulePriority": 1, "selection": {"tagStatus": "tagged", "tagPatternList": ["a*", "b*"],'
                      ' "countType": "imageCountMoreThan", "countNumber": 1}, "action": {"type": "expire"}}]}')
    warned = _program("lifecycle", "lint", "--policy", str(policy))
    assert warned.returncode == 0 and warned.stderr == b""
    assert b"AND, not OR" in warned.stdout and warned.stdout.endswith(b"\n")
    missing = _program("lifecycle", "lint", "--policy", str(tmp_path / "missing.json"))
    assert missing.returncode == 2 and missing.stdout == b""
    assert missing.stderr.count(b"\n") == 1 and b"cannot read" in missing.stderr
    cfg = tmp_path / "c.toml"
    cfg.write_text("[report]\npdf = false\n")
    ran = _program("run", "--demo", "--config", str(cfg), "--output", str(tmp_path / "out"))
    assert ran.returncode == 0, ran.stderr[-2000:]
    [run_dir] = (tmp_path / "out" / "runs").iterdir()
    assert ran.stdout == f"{run_dir}\n".encode()
    assert ran.stderr.endswith(f"report: {run_dir / 'report.html'}\n".encode())  # the last log line
