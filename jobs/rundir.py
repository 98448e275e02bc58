"""The run directory (design.md): layout, atomic creation, data files, manifest.

A run is written into `runs/.partial-<run_id>/` and renamed to `runs/<run_id>/` only when every
file, the manifest last, is complete. A run that dies leaves a `.partial-` directory, which
nothing mistakes for a finished run.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

PARTIAL_PREFIX = ".partial-"
MANIFEST = "manifest.json"
SNAPSHOT = "snapshot.json"
SUMMARY = "summary.json"


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
    """sha256 and size of every file in the run, plus run metadata; written last."""
    files = {}
    for path in sorted(p for p in run_dir.rglob("*") if p.is_file() and p.name != MANIFEST):
        rel = path.relative_to(run_dir).as_posix()
        files[rel] = {"sha256": sha256_file(path), "bytes": path.stat().st_size}
    manifest = {"manifest_version": 1, **metadata, "files": files}
    write_json(run_dir / MANIFEST, manifest)
    return manifest


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_run(run_dir: Path) -> list[str]:
    """Problems found re-checking a run against its manifest (empty: intact)."""
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
    present = {p.relative_to(run_dir).as_posix() for p in run_dir.rglob("*")
               if p.is_file() and p.name != MANIFEST}
    for rel, entry in sorted(listed.items()):
        path = run_dir / rel
        if rel not in present:
            problems.append(f"{rel}: missing")
        elif sha256_file(path) != entry.get("sha256"):
            problems.append(f"{rel}: changed (sha256 differs from the manifest)")
    for rel in sorted(present - set(listed)):
        problems.append(f"{rel}: unexpected (not in the manifest)")
    return problems
