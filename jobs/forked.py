"""Run one function in a forked child process while this one goes on; its bytes come back
through a pipe.

What it is for: once a run's analysis exists, the PDF (WeasyPrint: pure Python, ~3 s of a
scale-40 run) needs only the report's HTML, the FinOps workbook (XlsxWriter: pure Python, ~2 s)
only the tables, and the Parquet and CSV files nothing from either. On a machine with a second
core the PDF (or without a PDF, the workbook) is made in a child, beside them (jobs/publish.py);
on one core, or without fork(), the caller makes it in this process.

Why this is safe to do after pandas and pyarrow have started threads:
* the child runs only the function given, from the thread that forked, while no other thread
  of the parent's works (the PDF's: WeasyPrint on a string; the workbook's: the tables read by
  pandas, whose Arrow columns are read in that one thread, and Arrow re-initialises its thread
  pools in a forked child, apache/arrow#14594) and leaves with `os._exit`: no atexit
  handlers, no finalizers, no buffered output written twice;
* the child writes no file: the parent writes what it returns, so a failed or killed child
  leaves nothing half-written, and the run's own error handling sees the child's exception
  (pickled back; raised again in the parent with the same type and message);
* the child holds none of the parent's locks: a flock(2) lock (jobs/rundir.runs_lock, taken on
  the runs/ directory) belongs to the open file that fork shares, so the child closes every
  descriptor open on a directory, and it dies with the parent (PR_SET_PDEATHSIG): a killed
  `render` never leaves a child that keeps the next command out as "busy".
"""

from __future__ import annotations

import ctypes
import os
import pickle
import resource
import signal
import stat
import sys
from typing import Callable

OK, _FAILED = b"\0", b"\1"


class ChildDied(RuntimeError):
    """The child ended without an answer (killed by a signal: out of memory, kill -9)."""


class Forked:
    """A child started by `start`: `result()` waits for its bytes; `cancel()` ends it."""

    def __init__(self, pid: int, fd: int, what: str) -> None:
        self.pid, self._fd, self.what = pid, fd, what
        self.rusage: resource.struct_rusage | None = None
        """The child's resource usage (os.wait4) once it has been waited for."""

    def result(self) -> bytes:
        """The function's return value; its exception raised again here when it raised one."""
        with os.fdopen(self._fd, "rb") as pipe:
            self._fd = -1
            answer = pipe.read()
        status = self._wait()
        if answer[:1] == OK:
            return answer[1:]
        raise failed(answer, status, self.what)

    def cancel(self) -> None:
        """End the child if it still runs (the parent failed or was interrupted)."""
        if self.pid:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._wait()
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def take_fd(self) -> int:
        """The read end of the pipe, for a caller that reads the answer itself."""
        fd, self._fd = self._fd, -1
        return fd

    def wait(self) -> int:
        """Reap the child (once); its wait status (0 when it was reaped already)."""
        return self._wait()

    def _wait(self) -> int:
        pid, self.pid = self.pid, 0
        if not pid:
            return 0
        _, status, self.rusage = os.wait4(pid, 0)
        return status


def can_fork(cores: int = 2) -> bool:
    """fork() exists and this process may run on at least `cores` cores (a child that works
    beside its parent gains nothing on one core; one that only keeps memory apart does)."""
    if not hasattr(os, "fork") or sys.platform != "linux":  # macOS: fork without exec is unsafe
        return False
    return usable_cores() >= cores


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity; 1 where that cannot be read)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return 1


def start(fn: Callable[..., bytes], *args: object, what: str, name: str = "ecr-report-child") -> Forked:
    """Fork; the child returns `fn(*args)` (bytes) through a pipe and exits. `name`: the child's
    process name (ps, top, /proc/PID/comm; 15 bytes at most)."""

    def answer(fd: int) -> int:
        try:
            reply, code = OK + fn(*args), 0
        except BaseException as exc:  # noqa: BLE001 (every failure goes back to the parent)
            reply, code = failure(exc), 1
        with os.fdopen(fd, "wb") as pipe:
            pipe.write(reply)
        return code

    pid, read_end = fork_child(name, answer)
    return Forked(pid, read_end, what)


def fork_child(name: str, answer: Callable[[int], int]) -> tuple[int, int]:
    """Fork a child named `name` that runs `answer(fd)` on the write end of a new pipe and
    exits with the code it returns (1 if it raises); (the child's pid, the pipe's read end)."""
    read_end, write_end = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's code
        code = 1
        try:
            os.close(read_end)
            become_child(parent, name)
            code = answer(write_end)
        finally:
            os._exit(code)
    os.close(write_end)
    return pid, read_end


def become_child(parent: int, name: str) -> None:
    """What a forked child does first: die with `parent`, take `name`, let go of its locks."""
    _die_with(parent, name)
    _close_directories()


def _die_with(parent: int, name: str) -> None:
    """SIGKILL this child when the parent dies (Linux prctl PR_SET_PDEATHSIG), and name it."""
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
        prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
        prctl(15, ctypes.c_char_p(name.encode()[:15]))  # 15: PR_SET_NAME
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before the prctl
        os._exit(1)


def _close_directories() -> None:
    """Close the descriptors open on directories: the parent's flock(2) locks are on them."""
    for name in os.listdir("/proc/self/fd"):
        try:
            if stat.S_ISDIR(os.fstat(int(name)).st_mode):
                os.close(int(name))
        except OSError:  # the listing's own descriptor, closed by now
            pass


def failure(exc: BaseException) -> bytes:
    """What a child sends back instead of an answer when it fails (see `Forked.result`)."""
    return _FAILED + _pickled(exc)


def failed(answer: bytes, status: int, what: str) -> BaseException:
    """The exception for a child's `answer` that is not an OK one: its own, or ChildDied."""
    if answer[:1] == _FAILED:
        return _exception(answer[1:])
    return ChildDied(f"{what}: the process making it ended without an answer ({_how(status)})")


def _pickled(exc: BaseException) -> bytes:
    try:
        data = pickle.dumps(exc)
        pickle.loads(data)  # an exception that pickles but cannot be rebuilt is sent as text
        return data
    except Exception:  # noqa: BLE001
        return pickle.dumps(RuntimeError(f"{type(exc).__name__}: {exc}"))


def _exception(data: bytes) -> BaseException:
    exc = pickle.loads(data)
    return exc if isinstance(exc, BaseException) else RuntimeError(str(exc))


def _how(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"killed by signal {os.WTERMSIG(status)}"
    return f"exit status {os.waitstatus_to_exitcode(status)}"
