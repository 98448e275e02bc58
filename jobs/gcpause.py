"""Pausing Python's cyclic garbage collector around bulk work that makes no reference cycles,
and handing memory freed between a run's phases back to the system.

Reading a 200k-image describe-images file, or normalizing and analysing a 100k-image fleet,
makes millions of long-lived objects and almost no cycles; each automatic collection walks all of
them again (a quarter of `lifecycle preview`'s time, two seconds of a scale-40 normalize).
Reference counting still frees everything that is not in a cycle; the collector runs again when
the block ends.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def cycle_collector_paused(*, collect_first: bool = False) -> Iterator[None]:
    """The block runs with the cyclic collector disabled (re-enabled after, if it was on).

    `collect_first`: one full collection before pausing, so garbage cycles made earlier (the
    collection phase's botocore clients) are freed rather than kept for the whole block."""
    enabled = gc.isenabled()
    if collect_first:
        gc.collect()
        release_free_memory()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def release_free_memory() -> None:
    """Return the C heap's free pages to the system (glibc `malloc_trim`; a no-op elsewhere).

    What a phase frees (the collection's responses, a registry's decoded calls) stays in
    glibc's heaps, counted in the process's RSS, until something trims them; at scale 40 that
    was ~200 MiB of the peak. Only the figure changes: the memory was free either way."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _malloc_trim():  # type: ignore[no-untyped-def]
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim
    except (OSError, AttributeError):  # not glibc (macOS, musl): nothing to trim
        return None
