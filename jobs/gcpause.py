"""Pausing Python's cyclic garbage collector around bulk work that makes no reference cycles,
and handing memory freed between a run's phases back to the system.

Reading a 200k-image describe-images file, or normalizing and analysing a 100k-image fleet,
makes millions of long-lived objects and almost no cycles; each automatic collection walks all of
them again (a quarter of `lifecycle preview`'s time, two seconds of a scale-40 normalize).
Reference counting still frees everything that is not in a cycle; the collector runs again when
the block ends. Collection itself makes garbage cycles (botocore clients), so there the collector
is only made to run less often and to skip what was loaded before it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import sys
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


COLLECTION_THRESHOLDS = (10_000, 10, 10)
"""gc thresholds while collecting: the youngest generation is collected every 10,000
allocations instead of 700 (the older ones as by default, relative to it)."""


@contextmanager
def collector_tuned_for_collection(*, free_garbage_after: bool = True) -> Iterator[None]:
    """The block runs with every object made so far moved out of the collector's sight
    (`gc.freeze`) and the collector run less often (`COLLECTION_THRESHOLDS`); both are put back
    after it.

    A collection makes and drops botocore clients (thousands of objects each, held for one
    registry), whose reference cycles only the cyclic collector frees, so it cannot be paused
    there as the later phases pause it. But at the default thresholds it ran about 2,000 times
    in a 100-registry shard, and each full collection also walked everything loaded before it
    (the imported libraries, the demo's emulated fleet), which lives for the whole process
    anyway. Measured in runs alternating with and without it: one shard of a 200-account
    organization (100 registries, no latency) took 8.4-9.8 s of CPU at the defaults and 7.2-7.3 s
    tuned, peak RSS 253-275 and 271-286 MiB; the scale-40 demo's collection 19.5-22.5 and
    18.8-20.7 s, peak RSS unchanged. A full collection first, so garbage made before the block
    is freed, not frozen; and one last, before unfreezing, so the block's garbage cycles are freed
    without walking the frozen heap again (with the demo emulator's `release`, the scale-40 run's
    collections after collecting: 0.83-0.88 s -> 0.61 s). `free_garbage_after=False` skips that
    last one, for a process that exits once it has published what it collected (a shard)."""
    thresholds = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(*COLLECTION_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        if free_garbage_after:
            gc.collect()
        gc.unfreeze()


def release_free_memory() -> None:
    """Return the C heap's free pages to the system (glibc `malloc_trim`; a no-op elsewhere),
    and those Arrow's allocator keeps (pyarrow's default pool, when pyarrow is loaded).

    What a phase frees (the collection's responses, a registry's decoded calls) stays in
    glibc's heaps, counted in the process's RSS, until something trims them; at scale 40 that
    was ~200 MiB of the peak. Arrow's pool (mimalloc or jemalloc) keeps what the snapshot
    tables' string columns were built in: ~115 MiB after a scale-40 normalize. Only the figure
    changes: the memory was free either way."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
    pyarrow = sys.modules.get("pyarrow")  # never imported for this: only a loaded pool has pages
    if pyarrow is not None:
        pyarrow.default_memory_pool().release_unused()


def _malloc_trim():  # type: ignore[no-untyped-def]
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim
    except (OSError, AttributeError):  # not glibc (macOS, musl): nothing to trim
        return None
