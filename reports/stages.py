"""Optional stage markers for the per-stage benchmark (`benchmarks/stages.py`); no-ops otherwise.

`with stage("normalize"): ...` marks a part of a run. Nothing is measured unless an observer is
installed (`observe`), which only the benchmark does; the observer, not this module, reads the
clock and the memory, so the pure core stays free of both. The cost when unobserved is one
global lookup per marker.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Callable

Observer = Callable[[str], AbstractContextManager[object]]

_observer: Observer | None = None
_NOTHING = nullcontext()


def stage(name: str) -> AbstractContextManager[object]:
    """A context manager marking stage `name` (the observer's, or one that does nothing)."""
    observer = _observer
    return _NOTHING if observer is None else observer(name)


def observe(observer: Observer | None) -> Observer | None:
    """Install `observer` (None removes it); returns the one it replaces."""
    global _observer
    previous, _observer = _observer, observer
    return previous


def export() -> object | None:
    """What the observer measured in this process, for the parent of a forked child that ran
    stages (`absorb` there): the observer's `export()`, or None (no observer, or one that
    keeps nothing to hand over)."""
    method = getattr(_observer, "export", None)
    return None if method is None else method()


def absorb(measured: object | None) -> None:
    """Add a forked child's `export()` to this process's observer."""
    method = getattr(_observer, "absorb", None)
    if measured is not None and method is not None:
        method(measured)
