"""The run directory (design.md): layout, atomic creation, data files, manifest.

A run is written into `runs/.partial-<run_id>/` and renamed to `runs/<run_id>/` only when every
file, the manifest last, is complete. A run that dies leaves a `.partial-` directory, which
nothing mistakes for a finished run; the next run removes those in which nothing was written for
a day (`remove_stale_partials`), and logs each.

Files *not* listed in the manifest, by design (`verify` neither expects nor flags them):

* `manifest.json` itself, and `manifest.sig` / `manifest.pub` (its signature, written after it);
* everything under `delivery/`: records of what was done *with* the run after it was archived
  (the email sent and its Message-ID, the S3 upload). They are operational state that changes
  after the evidence is sealed, so they are kept out of the signed set rather than re-writing
  (and re-signing) the manifest after every delivery.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

PARTIAL_PREFIX = ".partial-"
MANIFEST = "manifest.json"
SNAPSHOT = "snapshot.json"
SUMMARY = "summary.json"
SIGNATURE = "manifest.sig"
PUBLIC_KEY = "manifest.pub"
DELIVERY_DIR = "delivery"
"""Delivery records; outside the manifest (see the module docstring)."""
_UNLISTED_TOP = frozenset({MANIFEST, SIGNATURE, PUBLIC_KEY})
STALE_PARTIAL_SECONDS = 86400
"""A `.partial-` directory in which nothing was written for this long is a dead run's."""


def new_run_id(now: datetime, runs_dir: Path) -> str:
    """Sortable by time; a suffix only when two runs start in the same second."""
    base = now.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    candidate, n = base, 1
    while (runs_dir / candidate).exists() or (runs_dir / f"{PARTIAL_PREFIX}{candidate}").exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


@dataclass(frozen=True)
class RunPaths:
    root: Path
    """The output root (`DIR`); runs live in `DIR/runs/`."""
    run_id: str

    @property
    def final(self) -> Path:
        return self.root / "runs" / self.run_id

    @property
    def partial(self) -> Path:
        return self.root / "runs" / f"{PARTIAL_PREFIX}{self.run_id}"

    def start(self) -> Path:
        self.partial.mkdir(parents=True, exist_ok=False)
        return self.partial

    def commit(self) -> Path:
        os.replace(self.partial, self.final)
        return self.final

    def abandon(self) -> None:
        shutil.rmtree(self.partial, ignore_errors=True)


def remove_stale_partials(runs_dir: Path, *, now: float | None = None,
                          max_age: float = STALE_PARTIAL_SECONDS) -> list[tuple[Path, float]]:
    """Remove the `.partial-*` directories of `runs_dir` whose newest file or directory was
    modified more than `max_age` seconds before `now` (wall clock: mtimes are wall-clock times).

    The newest mtime anywhere in the tree, not the directory's own, so a long run that is still
    writing (its top directory untouched for hours) is never taken for a dead one. Returns each
    removed directory with its newest mtime; one that cannot be removed is left and skipped.
    """
    now = time.time() if now is None else now
    removed = []
    if not runs_dir.is_dir():
        return removed
    for path in sorted(runs_dir.glob(f"{PARTIAL_PREFIX}*")):
        if path.is_symlink() or not path.is_dir():
            continue
        newest = _newest_mtime(path)
        if now - newest <= max_age:
            continue
        try:
            shutil.rmtree(path)
        except OSError:
            continue
        removed.append((path, newest))
    return removed


def _newest_mtime(top: Path) -> float:
    newest = top.lstat().st_mtime
    for dirpath, dirnames, filenames in os.walk(top):
        for name in dirnames + filenames:
            try:
                newest = max(newest, os.lstat(os.path.join(dirpath, name)).st_mtime)
            except OSError:  # removed meanwhile
                pass
    return newest


def write_json(path: Path, doc: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def write_frames(data_dir: Path, frames: Mapping[str, pd.DataFrame]) -> None:
    """Every frame as Parquet (typed) and CSV (for spreadsheets and grep)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    for name, frame in sorted(frames.items()):
        frame.to_parquet(data_dir / f"{name}.parquet", index=False)
        _csv_ready(frame).to_csv(data_dir / f"{name}.csv", index=False, date_format="%Y-%m-%dT%H:%M:%SZ")


def _csv_ready(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object and out[col].map(lambda v: isinstance(v, (tuple, list))).any():
            out[col] = out[col].map(lambda v: " ".join(v) if isinstance(v, (tuple, list)) else v)
    return out


def write_manifest(run_dir: Path, metadata: Mapping[str, Any]) -> dict[str, Any]:
    """sha256 and size of every file in the run, plus run metadata; written last.

    When this changes an existing manifest (a re-render that gave other bytes), a signature of
    the old one is removed: it no longer applies, and a stale signature must not sit beside it.
    """
    files = {}
    for rel in sorted(manifested_files(run_dir)):
        path = run_dir / rel
        files[rel] = {"sha256": sha256_file(path), "bytes": path.stat().st_size}
    manifest = {"manifest_version": 1, **metadata, "files": files}
    path = run_dir / MANIFEST
    before = path.read_bytes() if path.is_file() else None
    write_json(path, manifest)
    if before is not None and before != path.read_bytes():
        for name in (SIGNATURE, PUBLIC_KEY):
            (run_dir / name).unlink(missing_ok=True)
    return manifest


def manifested_files(run_dir: Path) -> set[str]:
    """Relative paths of the files a manifest lists (everything but the unlisted files)."""
    out = set()
    for path in run_dir.rglob("*"):
        if not path.is_file():
            continue
        rel = path.relative_to(run_dir)
        if rel.parts[0] == DELIVERY_DIR or (len(rel.parts) == 1 and rel.name in _UNLISTED_TOP):
            continue
        out.add(rel.as_posix())
    return out


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_run(run_dir: Path, *, signature: bool = True, trusted_key: Any = None,
               hmac_key: bytes | None = None) -> list[str]:
    """Problems found re-checking a run against its manifest and signature (empty: intact).

    `trusted_key` (an Ed25519 public key) or `hmac_key` make a valid signature required;
    without them a signed run is checked with its own `manifest.pub`.
    """
    if run_dir.name.startswith(PARTIAL_PREFIX):
        return [f"{run_dir.name}: incomplete run (it never finished writing)"]
    manifest_path = run_dir / MANIFEST
    if not manifest_path.is_file():
        return [f"{MANIFEST}: missing (the run is incomplete or not a run directory)"]
    try:
        listed = json.loads(manifest_path.read_text(encoding="utf-8"))["files"]
    except (ValueError, KeyError) as exc:
        return [f"{MANIFEST}: unreadable ({exc})"]
    problems = []
    present = manifested_files(run_dir)
    for rel, entry in sorted(listed.items()):
        path = run_dir / rel
        if rel not in present:
            problems.append(f"{rel}: missing")
        elif sha256_file(path) != entry.get("sha256"):
            problems.append(f"{rel}: changed (sha256 differs from the manifest)")
    for rel in sorted(present - set(listed)):
        problems.append(f"{rel}: unexpected (not in the manifest)")
    if signature:
        from .signing import check_signature

        problems.extend(check_signature(run_dir, trusted_key=trusted_key, hmac_key=hmac_key)[0])
    return problems
