"""Delivery records in the run directory: `delivery/<channel>.json`.

They say what was done with a finished run (email sent, with its Message-ID; objects uploaded)
so that re-running delivery never repeats it. They live outside the manifest (see
`jobs/rundir.py`): evidence is sealed when the run is written; delivery happens afterwards.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from ..errors import ConfigError
from ..rundir import DELIVERY_DIR, write_text_atomic


class DeliveryBusy(ConfigError):
    """Another process is delivering this run right now."""


def record_path(run_dir: Path, channel: str) -> Path:
    return run_dir / DELIVERY_DIR / f"{channel}.json"


def read_record(run_dir: Path, channel: str) -> dict[str, Any] | None:
    path = record_path(run_dir, channel)
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return None


def write_record(run_dir: Path, channel: str, record: dict[str, Any]) -> None:
    """Atomically (write a temporary file, fsync, rename); owner-only, as before."""
    path = record_path(run_dir, channel)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, json.dumps(record, indent=2, sort_keys=True) + "\n", mode=None, durable=True)


@contextmanager
def channel_lock(run_dir: Path, channel: str) -> Iterator[None]:
    """One delivery of a channel of a run at a time (two `deliver` commands at once)."""
    from filelock import FileLock, Timeout

    (run_dir / DELIVERY_DIR).mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(run_dir / DELIVERY_DIR / f".{channel}.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise DeliveryBusy(f"{run_dir}: {channel} delivery is already in progress") from None
    try:
        yield
    finally:
        lock.release()


def utc_now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
