"""Pausing Python's cyclic garbage collector around bulk work that makes no reference cycles.

Reading a 200k-image describe-images file, or normalizing and analysing a 100k-image fleet,
makes millions of long-lived objects and almost no cycles; each automatic collection walks all of
them again (a quarter of `lifecycle preview`'s time, two seconds of a scale-40 normalize).
Reference counting still frees everything that is not in a cycle; the collector runs again when
the block ends.
"""

from __future__ import annotations

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
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
