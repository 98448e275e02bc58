"""jobs/forked.py: a function run in a forked child gives back its bytes or its exception; a
dead child is an error, a cancelled one is reaped; publish() writes the same files with or
without its child (the PDF's, or without a PDF the workbook's), and a child's failure is
publish()'s."""

from __future__ import annotations

import os
import signal
import time

import pytest

from ecr_report.jobs import forked, publish
from ecr_report.jobs.errors import ConfigError

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork()")


def _pid_bytes() -> bytes:
    # more than a pipe's buffer; fixed width, so a child's pid of more digits is not a shorter answer
    return f"{os.getpid():010d}".encode() * 30_000


def _fails() -> bytes:
    raise ConfigError("the PDF font is missing")


class _Unpicklable(Exception):
    def __init__(self, a, b):  # noqa: ANN001
        super().__init__(f"{a}/{b}")


def _fails_oddly() -> bytes:
    raise _Unpicklable(1, 2)


def _killed() -> bytes:
    os.kill(os.getpid(), signal.SIGKILL)
    return b""


def _sleeps() -> bytes:
    time.sleep(60)
    return b""


def _exists(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return False
    return True


def test_the_result_comes_from_another_process():
    child = forked.start(_pid_bytes, what="x")
    answer = child.result()
    assert answer != _pid_bytes() and len(answer) == len(_pid_bytes())  # another pid, all of it
    assert child.rusage is not None and not _exists(child.pid or 0)


def test_the_exception_is_raised_again_with_its_type_and_message():
    with pytest.raises(ConfigError, match="the PDF font is missing"):
        forked.start(_fails, what="report.pdf").result()
    with pytest.raises(RuntimeError, match="_Unpicklable: 1/2"):
        forked.start(_fails_oddly, what="report.pdf").result()


def test_a_killed_child_is_an_error():
    with pytest.raises(forked.ChildDied, match="report.pdf: .*killed by signal 9"):
        forked.start(_killed, what="report.pdf").result()


def test_cancel_ends_and_reaps_the_child():
    child = forked.start(_sleeps, what="x")
    pid = child.pid
    started = time.monotonic()
    child.cancel()
    assert time.monotonic() - started < 10
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # reaped: no zombie left


@pytest.fixture(scope="module")
def analysis(tmp_path_factory):
    from datetime import datetime, timezone

    from ecr_report.jobs.config import load_config
    from ecr_report.jobs.run import run

    cfg = tmp_path_factory.mktemp("cfg") / "ecr-report.toml"
    cfg.write_text("[aws]\nmax_workers = 1\n", encoding="utf-8")
    outcome = run(load_config(cfg), output=tmp_path_factory.mktemp("out"), demo=True, demo_scale=1,
                  now=datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc))
    return outcome.analysis


def _files(root):
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _started(monkeypatch) -> list[str]:
    """The names of the children publish() starts from now on (it may fork)."""
    started: list[str] = []
    real_start = forked.start
    monkeypatch.setattr(forked, "can_fork", lambda: True)
    monkeypatch.setattr(forked, "start", lambda *a, **k: started.append(k["name"]) or real_start(*a, **k))
    return started


@pytest.mark.parametrize("pdf", [True, False])
def test_publish_writes_the_same_bytes_with_and_without_the_child(analysis, tmp_path, monkeypatch, pdf):
    started = _started(monkeypatch)
    publish.publish(analysis, tmp_path / "forked", pdf=pdf)
    children = [publish.PDF_PROCESS] if pdf else [publish.XLSX_PROCESS]  # one child: two cores
    assert started == children
    monkeypatch.setattr(forked, "can_fork", lambda: False)
    publish.publish(analysis, tmp_path / "here", pdf=pdf)
    assert started == children
    files = _files(tmp_path / "forked")
    assert "data/finops.xlsx" in files and ("report.pdf" in files) == pdf
    assert files == _files(tmp_path / "here")


def test_publish_fails_as_the_workbook_child_failed_and_writes_no_workbook(analysis, tmp_path, monkeypatch):
    started = _started(monkeypatch)
    monkeypatch.setattr(publish, "finops_workbook", lambda *a, **k: _fails())
    with pytest.raises(ConfigError, match="the PDF font is missing"):  # the child's exception, as it was
        publish.publish(analysis, tmp_path, pdf=False)
    assert started == [publish.XLSX_PROCESS]
    assert not (tmp_path / "data" / "finops.xlsx").exists()


def test_a_killed_workbook_child_is_an_error_and_writes_no_workbook(analysis, tmp_path, monkeypatch):
    _started(monkeypatch)
    monkeypatch.setattr(publish, "finops_workbook", lambda *a, **k: _killed())
    with pytest.raises(forked.ChildDied, match="data/finops.xlsx: .*killed by signal 9"):
        publish.publish(analysis, tmp_path, pdf=False)
    assert not (tmp_path / "data" / "finops.xlsx").exists()


def test_publish_fails_as_the_pdf_renderer_failed_and_writes_no_pdf(analysis, tmp_path, monkeypatch):
    monkeypatch.setattr(forked, "can_fork", lambda: True)
    monkeypatch.setattr(publish, "_pdf_bytes", lambda html: _fails())
    with pytest.raises(ConfigError, match="the PDF font is missing"):
        publish.publish(analysis, tmp_path)
    assert not (tmp_path / "report.pdf").exists()


@pytest.mark.parametrize("pdf", [True, False])
def test_a_failure_in_this_process_ends_the_child(analysis, tmp_path, monkeypatch, pdf):
    children = []
    real_start = forked.start
    monkeypatch.setattr(forked, "can_fork", lambda: True)
    monkeypatch.setattr(publish, "_pdf_bytes", lambda html: _sleeps())
    monkeypatch.setattr(publish, "finops_workbook", lambda *a, **k: _sleeps())
    monkeypatch.setattr(forked, "start", lambda *a, **k: children.append(real_start(*a, **k)) or children[-1])

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(publish, "write_frames", broken)
    started = time.monotonic()
    with pytest.raises(OSError, match="No space left"):
        publish.publish(analysis, tmp_path, pdf=pdf)
    assert time.monotonic() - started < 30 and len(children) == 1 and children[0].pid == 0  # killed and reaped


def _lock_free(runs_dir) -> bytes:
    import fcntl

    fd = os.open(runs_dir, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises when the lock is still held
        return b"free"
    finally:
        os.close(fd)


def test_the_child_holds_none_of_the_parents_directory_locks(tmp_path):
    from ecr_report.jobs.rundir import runs_lock

    with runs_lock(tmp_path, exclusive=True, what="render"):
        # the child takes the same lock itself: it can only if its copy of ours was closed
        # (an flock on a copied descriptor would be the same lock, held, and refuse nothing)
        child = forked.start(_sleeps_then_unlocked, str(tmp_path), what="x")
        time.sleep(0.5)
    assert child.result() == b"free"


def _sleeps_then_unlocked(path: str) -> bytes:
    time.sleep(1.5)  # the parent has let go of its lock by now
    return _lock_free(path)


def _comm() -> bytes:
    with open("/proc/self/comm", "rb") as fh:
        return fh.read().strip()


def test_the_child_is_named():
    assert forked.start(_comm, what="x", name="ecr-report-pdf").result() == b"ecr-report-pdf"
