"""Run one phase of a run in a forked child, so the memory it leaves fragmented dies with it;
its result comes back through a pipe, large buffers without a copy on either side.

What it is for: collecting and normalizing make and drop millions of small objects (botocore
clients and responses, decoded evidence, row tuples). The allocator keeps the arenas they leave
half-used until the process ends (~180 MiB at scale 40), and the run's peak comes later, in
analysis, on top of them. What those phases hand on is compact: the collection's outcome (a
few lists; its evidence is on disk already) and the snapshot's tables (Arrow and NumPy
buffers). Run apart, they leave the parent the heap it had before them.

How the result travels: pickle protocol 5 with out-of-band buffers. The child pickles the
result's structure and hands each large buffer over as it is, written from the child's own
memory; the parent reads them into one anonymous mapping and unpickles over slices of it, so
the tables' columns end up in that mapping with no further copy. pandas' own pickling of an
Arrow-backed column joins its chunks into one array (a copy of the column, and Parquet files
whose pages differ, since they follow the chunks), so such columns are pickled as they are.

The child is `jobs/forked.py`'s: it dies with the parent, holds none of its locks, and leaves
with `os._exit`; its exception is raised again in the parent, and a child that dies without an
answer is a `forked.ChildDied`. Unlike a `forked.start` child it may write files: the caller
owns the directory it writes in. Where there is no fork(), the phase runs in this process.
"""

from __future__ import annotations

import io
import logging
import mmap
import os
import pickle
import sys
import threading
from typing import Any, BinaryIO, Callable, Generic, TypeVar

from ..reports import stages
from . import forked

T = TypeVar("T")
log = logging.getLogger("ecr_report.apart")

_ALIGN = 64  # each buffer starts on a 64-byte boundary of the mapping (Arrow's own alignment)
_WORD = 8


def forks() -> bool:
    """Whether `call_apart` runs its phase in a child (else in this process)."""
    return forked.can_fork(cores=1)


def call_apart(fn: Callable[..., T], *args: object, what: str, name: str) -> T:
    """`fn(*args)` in a forked child named `name` (15 bytes at most); its result returned here,
    its exception raised here. In this process where there is no fork()."""
    if not forks():
        return fn(*args)
    return start_apart(fn, *args, what=what, name=name).result()


def start_apart(fn: Callable[..., T], *args: object, what: str, name: str) -> "Apart[T]":
    """Fork a child that runs `fn(*args)` while this process goes on; `result()` waits for it.
    Only where `forks()`."""
    logs = _LogPipe()

    def answer(fd: int) -> int:
        logs.send_from_child()
        return _answer(fd, fn, args)

    pid, read_end = forked.fork_child(name, answer)
    logs.receive_in_parent()
    return Apart(forked.Forked(pid, read_end, what), logs)


class Apart(Generic[T]):
    """A child started by `start_apart`."""

    def __init__(self, child: forked.Forked, logs: "_LogPipe") -> None:
        self._child, self._logs = child, logs

    def result(self) -> T:
        """The child's result (once), or its exception raised here; its logs all handled."""
        child = self._child
        try:
            result, measured = _receive(child)
        except BaseException:
            child.cancel()
            raise
        finally:
            self._logs.close()
        stages.absorb(measured)  # what benchmarks/stages.py measured in the child
        usage = child.rusage
        if usage is not None:
            log.info("%s: done in a child process (%.1f s CPU, peak RSS %.0f MiB)", child.what,
                     usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)
        return result

    def cancel(self) -> None:
        """End the child if it still runs (the caller failed or was interrupted)."""
        self._child.cancel()
        self._logs.close()


class _LogPipe:
    """The child's log records, handled by this process's logging as they are made.

    The child's root handlers are replaced by one that sends each record through a pipe; a
    thread of the parent hands them to the parent's loggers. So what the child logs goes where
    this process's logging configuration says (a terminal, a file, pytest's capture), once, in
    order, while the child is still running (progress lines of a long collection)."""

    def __init__(self) -> None:
        self._read, self._write = os.pipe()
        self._thread: threading.Thread | None = None

    def send_from_child(self) -> None:
        os.close(self._read)
        logging.root.handlers = [_SendRecords(self._write)]

    def receive_in_parent(self) -> None:
        os.close(self._write)
        self._thread = threading.Thread(target=self._handle_all, name="ecr-report-child-logs", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Wait for the last records (the child has ended: the pipe's other end is closed)."""
        if self._thread is not None:
            self._thread.join()

    def _handle_all(self) -> None:
        with os.fdopen(self._read, "rb") as pipe:
            while True:
                size = pipe.read(_WORD)
                if len(size) < _WORD:
                    return
                data = pipe.read(int.from_bytes(size, "little"))
                try:
                    record = logging.makeLogRecord(pickle.loads(data))
                except Exception:  # noqa: BLE001 (a torn record of a killed child: nothing to log)
                    return
                logging.getLogger(record.name).handle(record)


class _SendRecords(logging.Handler):
    """In the child: each record, its message formatted, pickled to the parent."""

    def __init__(self, fd: int) -> None:
        super().__init__()
        self._pipe = os.fdopen(fd, "wb")

    def emit(self, record: logging.LogRecord) -> None:
        try:
            fields = dict(record.__dict__, msg=record.getMessage(), args=None, exc_info=None,
                          exc_text=self._traceback(record), stack_info=record.stack_info)
            data = pickle.dumps(fields)
            with self.lock:  # threads log too: one record at a time in the pipe
                self._pipe.write(len(data).to_bytes(_WORD, "little") + data)
                self._pipe.flush()
        except Exception:  # noqa: BLE001 (logging must not fail the phase)
            self.handleError(record)

    def _traceback(self, record: logging.LogRecord) -> str | None:
        if record.exc_info and not record.exc_text:
            return logging.Formatter().formatException(record.exc_info)
        return record.exc_text


def _answer(fd: int, fn: Callable[..., Any], args: tuple[object, ...]) -> int:
    """In the child: run `fn`, send its result (or its exception); the exit code."""
    with os.fdopen(fd, "wb") as pipe:
        try:
            head, buffers = _pickled((fn(*args), stages.export()))
        except BaseException as exc:  # noqa: BLE001 (every failure goes back to the parent)
            pipe.write(forked.failure(exc))
            return 1
        _send(pipe, head, buffers)
    return 0


def _pickled(value: object) -> tuple[bytes, list[memoryview]]:
    """The pickle of `value` without its large buffers, and those buffers (views, not copies)."""
    buffers: list[memoryview] = []
    out = io.BytesIO()
    _Pickler(out, protocol=5, buffer_callback=lambda b: buffers.append(b.raw())).dump(value)
    return out.getvalue(), buffers


def _send(pipe: BinaryIO, head: bytes, buffers: list[memoryview]) -> None:
    """OK, the frame count and sizes, then each frame padded to `_ALIGN` bytes."""
    frames = [memoryview(head), *buffers]
    pipe.write(forked.OK + len(frames).to_bytes(_WORD, "little"))
    pipe.write(b"".join(f.nbytes.to_bytes(_WORD, "little") for f in frames))
    for frame in frames:
        pipe.write(frame)
        pipe.write(bytes(_padded(frame.nbytes) - frame.nbytes))


def _receive(child: forked.Forked) -> tuple[Any, object]:
    """In the parent: the child's (result, measurements), or its exception raised."""
    with os.fdopen(child.take_fd(), "rb") as pipe:
        status = pipe.read(1)
        if status != forked.OK:
            answer = status + pipe.read()
            raise forked.failed(answer, child.wait(), child.what)
        try:
            frames = _read_frames(pipe)
        except EOFError:
            raise forked.failed(b"", child.wait(), child.what) from None
    child.wait()
    return pickle.loads(frames[0], buffers=frames[1:])


def _read_frames(pipe: BinaryIO) -> list[memoryview]:
    count = int.from_bytes(_read_exactly(pipe, _WORD), "little")
    sizes = [int.from_bytes(_read_exactly(pipe, _WORD), "little") for _ in range(count)]
    area = memoryview(mmap.mmap(-1, max(1, sum(_padded(s) for s in sizes))))
    frames, at = [], 0
    for size in sizes:
        _fill(pipe, area[at:at + _padded(size)])
        frames.append(area[at:at + size])
        at += _padded(size)
    return frames


def _read_exactly(pipe: BinaryIO, size: int) -> bytes:
    data = pipe.read(size)
    if len(data) < size:
        raise EOFError
    return data


def _fill(pipe: BinaryIO, view: memoryview) -> None:
    while view.nbytes:
        got = pipe.readinto(view)
        if not got:
            raise EOFError
        view = view[got:]


def _padded(size: int) -> int:
    return -(-size // _ALIGN) * _ALIGN


class _Pickler(pickle.Pickler):
    """Pickles pandas' Arrow-backed arrays chunk for chunk (see the module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        arrays = sys.modules.get("pandas.arrays")  # not imported for this: no such array exists then
        self._arrow_arrays = () if arrays is None else arrays.ArrowExtensionArray

    def reducer_override(self, obj: object) -> Any:
        if self._arrow_arrays and isinstance(obj, self._arrow_arrays):
            return _restored_array, (type(obj), {**obj.__dict__, "_cache": {}})
        return NotImplemented


def _restored_array(cls: type, state: dict[str, Any]) -> object:
    """pandas' `ArrowExtensionArray.__setstate__`, minus its conversion: the state holds the
    column's own `pyarrow.ChunkedArray` already."""
    array = cls.__new__(cls)
    array.__dict__.update(state)
    return array
