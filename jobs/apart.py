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
from typing import Any, BinaryIO, Callable, TypeVar

from ..reports import stages
from . import forked

T = TypeVar("T")
log = logging.getLogger("ecr_report.apart")

_ALIGN = 64  # each buffer starts on a 64-byte boundary of the mapping (Arrow's own alignment)
_WORD = 8


def call_apart(fn: Callable[..., T], *args: object, what: str, name: str) -> T:
    """`fn(*args)` in a forked child named `name` (15 bytes at most); its result returned here,
    its exception raised here. In this process where there is no fork()."""
    if not forked.can_fork(cores=1):
        return fn(*args)
    read_end, write_end = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's code
        code = 1
        try:
            os.close(read_end)
            forked.become_child(parent, name)
            code = _answer(write_end, fn, args)
        finally:
            os._exit(code)
    os.close(write_end)
    child = forked.Forked(pid, read_end, what)
    try:
        result, measured = _receive(child)
    except BaseException:
        child.cancel()
        raise
    stages.absorb(measured)  # what benchmarks/stages.py measured in the child
    usage = child.rusage
    if usage is not None:
        log.info("%s: done in a child process (%.1f s CPU, peak RSS %.0f MiB)", what,
                 usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)
    return result


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
