"""The run directory (design.md): layout, atomic creation, data files, manifest.

A run is written into `runs/.partial-<run_id>/` and renamed to `runs/<run_id>/` only when every
file, the manifest last, is complete. A run that dies leaves a `.partial-` directory, which
nothing mistakes for a finished run; the next run removes those in which nothing was written for
a day (`remove_stale_partials`), and logs each.

A finished run is never written in place again. `ecr-report render` builds the complete new run
beside it (`runs/.render-<run_id>-<pid>/`: raw/ and snapshot.json hard-linked, new outputs,
manifest, signature) and swaps the two directories (`replace_run`): in one atomic
`renameat2(RENAME_EXCHANGE)` where the system has it (Linux), else with two renames through
`runs/.replaced-<run_id>-<pid>/`. A command killed between those two renames leaves the old
complete run aside; `recover_run` (called by every command that opens a run) puts it back. So
`runs/<run_id>/` is, at every instant, the old complete run or the new one: never a mix. Names
starting with "." under `runs/` are never finished runs (`is_finished_run`).

Files *not* listed in the manifest, by design (`verify` neither expects nor flags them):

* `manifest.json` itself, and `manifest.sig` / `manifest.pub` (its signature, written after it);
* everything under `delivery/`: records of what was done *with* the run after it was archived
  (the email sent and its Message-ID, the S3 upload). They are operational state that changes
  after the evidence is sealed, so they are kept out of the signed set rather than re-writing
  (and re-signing) the manifest after every delivery.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Mapping

import pandas as pd

from ..reports.jsonbytes import indented_json
from .errors import ConfigError
from .tablecsv import write_csv

log = logging.getLogger("ecr_report.rundir")

PARTIAL_PREFIX = ".partial-"
RENDER_PREFIX = ".render-"
"""`runs/.render-<run_id>-<pid>/`: a re-render being built beside the run it replaces."""
REPLACED_PREFIX = ".replaced-"
"""`runs/.replaced-<run_id>-<pid>/`: the old run, between the two renames of the fallback swap."""
ATOMIC_EXCHANGE = sys.platform.startswith("linux")
"""Swap directories with renameat2(RENAME_EXCHANGE) (falls back to two renames when refused)."""
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


_RUN_ID = re.compile(r"(\d{8}T\d{6}Z)(?:-([2-9]|[1-9]\d+))?")


def run_id_instant(run_id: str) -> datetime:
    """The as-of time a run id names (`new_run_id` read back); ConfigError when it names none."""
    match = _RUN_ID.fullmatch(run_id)
    try:
        if match is None:
            raise ValueError
        return datetime.strptime(match.group(1), "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        raise ConfigError(f"run id {run_id!r}: not a run id; a run id is the run's as-of time in UTC, "
                          "YYYYMMDDTHHMMSSZ (e.g. `date -u +%Y%m%dT%H%M%SZ`), optionally -N") from None


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
                          max_age: float = STALE_PARTIAL_SECONDS,
                          pattern: str = f"{PARTIAL_PREFIX}*") -> list[tuple[Path, float]]:
    """Remove the `.partial-*` directories (or others matching `pattern`) of `runs_dir` whose
    newest file or directory was modified more than `max_age` seconds before `now` (wall clock:
    mtimes are wall-clock times).

    The newest mtime anywhere in the tree, not the directory's own, so a long run that is still
    writing (its top directory untouched for hours) is never taken for a dead one. Returns each
    removed directory with its newest mtime; one that cannot be removed is left and skipped.
    """
    now = time.time() if now is None else now
    removed = []
    if not runs_dir.is_dir():
        return removed
    for path in sorted(runs_dir.glob(pattern)):
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


def is_finished_run(path: Path) -> bool:
    """A directory under runs/ that is a finished run by its name (not `.partial-`, `.render-`, ...)."""
    return not path.name.startswith(".")


class RunsBusy(ConfigError):
    """Another ecr-report command is rendering (or delivering) a run of this output root."""


@contextmanager
def runs_lock(runs_dir: Path, *, exclusive: bool, what: str) -> Iterator[None]:
    """flock(2) on the `runs/` directory itself (no lock file is written): `render` and the
    recovery of a killed render hold it exclusively, `deliver` shared, so a run is never
    re-rendered while it is being delivered. Never waits: busy raises RunsBusy (exit 2)."""
    try:
        import fcntl
    except ImportError:  # no flock on this system: no locking
        yield
        return
    fd = os.open(runs_dir, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunsBusy(f"{runs_dir}: cannot {what} now: another ecr-report command is "
                           "rendering or delivering a run here; try again when it has finished") from None
        except OSError as exc:  # a file system without flock (some network mounts)
            log.warning("%s: cannot lock (%s); going on without the lock", runs_dir, exc.strerror or exc)
        yield
    finally:
        os.close(fd)  # releases the lock


def staging_dir(run_dir: Path) -> Path:
    """Where a re-render of `run_dir` is built: beside it, so the swap is a rename."""
    return run_dir.parent / f"{RENDER_PREFIX}{run_dir.name}-{os.getpid()}"


def replace_run(new: Path, final: Path) -> None:
    """Put the complete run `new` where the complete run `final` is; `new` is gone afterwards.

    At every instant `final` is the old run or the new one. With RENAME_EXCHANGE the swap is
    one system call; otherwise the old run is renamed aside first and a kill before the second
    rename leaves `final` missing and the old run in `.replaced-`, which `recover_run` restores.
    """
    if _exchange(new, final):  # `new` now holds the old run
        shutil.rmtree(new, ignore_errors=True)
        return
    aside = final.parent / f"{REPLACED_PREFIX}{final.name}-{os.getpid()}"
    os.rename(final, aside)
    try:
        os.rename(new, final)
    except BaseException:
        os.rename(aside, final)
        raise
    shutil.rmtree(aside, ignore_errors=True)


_RENAME_EXCHANGE, _AT_FDCWD = 2, -100


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2); False where the system cannot."""
    if not ATOMIC_EXCHANGE:
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a C library without renameat2 (glibc < 2.28, musl < 1.2.?)
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # the file system (or kernel) does not support exchange
    raise OSError(err, os.strerror(err), str(a), None, str(b))


def _leftover_of(name: str) -> str | None:
    """The run id a `.render-<id>-<pid>` / `.replaced-<id>-<pid>` directory belongs to."""
    for prefix in (RENDER_PREFIX, REPLACED_PREFIX):
        if name.startswith(prefix):
            run_id, _, pid = name[len(prefix):].rpartition("-")
            return run_id if run_id and pid.isdigit() else None
    return None


def recover_run(run_dir: Path) -> None:
    """Undo what a killed `render` of `run_dir` left: restore the old run if only it is left
    (`.replaced-`), remove build directories. Nothing to do (the usual case) costs a listing;
    while another command renders here, leaves everything as it is."""
    parent = run_dir.parent
    try:
        leftovers = sorted(p for p in parent.iterdir() if _leftover_of(p.name) == run_dir.name)
    except OSError:
        return
    if not leftovers:
        return
    try:
        with runs_lock(parent, exclusive=True, what="recover"):
            replaced = [p for p in leftovers if p.name.startswith(REPLACED_PREFIX)]
            if not run_dir.exists() and replaced:
                os.rename(replaced[-1], run_dir)
                log.warning("%s: restored the run as it was before a re-render that was interrupted",
                            run_dir)
            for path in leftovers:
                if path.exists():
                    shutil.rmtree(path, ignore_errors=True)
                    log.info("removed %s, left by an interrupted re-render", path)
    except (RunsBusy, OSError) as exc:
        log.info("%s: not recovered now (%s)", run_dir, exc)


def recover_runs(runs_dir: Path) -> None:
    """`recover_run` for every run under `runs_dir` that an interrupted re-render left aside."""
    try:
        ids = {_leftover_of(p.name) for p in runs_dir.iterdir()} - {None}
    except OSError:
        return
    for run_id in sorted(ids):  # type: ignore[type-var]
        recover_run(runs_dir / str(run_id))


def write_json(path: Path, doc: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(indented_json(doc))


def write_text_atomic(path: Path, text: str, *, mode: int | None = 0o644, durable: bool = False) -> None:
    """Write `path` through a temporary file in its directory and a rename: never half-written.
    `mode`: the file's permissions (None: the temporary file's own, owner-only); `durable`:
    flushed to disk before the rename."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem.lstrip('.')}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_frames(data_dir: Path, frames: Mapping[str, pd.DataFrame]) -> None:
    """Every frame as Parquet (typed) and CSV (for spreadsheets and grep; jobs/tablecsv.py
    writes pandas' to_csv bytes, a column at a time)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    for name, frame in sorted(frames.items()):
        frame.to_parquet(data_dir / f"{name}.parquet", index=False)
        write_csv(frame, data_dir / f"{name}.csv")


def write_manifest(run_dir: Path, metadata: Mapping[str, Any]) -> dict[str, Any]:
    """sha256 and size of every file in the run, plus run metadata; written last.

    When this changes an existing manifest (a re-render that gave other bytes), a signature of
    the old one is removed: it no longer applies, and a stale signature must not sit beside it.
    """
    files = {}
    for rel, path in sorted(_manifested(run_dir).items()):
        digest, size = _sha256_and_size(path)
        files[rel] = {"sha256": digest, "bytes": size}
    manifest = {"manifest_version": 1, **metadata, "files": files}
    path = run_dir / MANIFEST
    before = path.read_bytes() if path.is_file() else None
    write_json(path, manifest)
    if before is not None and before != path.read_bytes():
        for name in (SIGNATURE, PUBLIC_KEY):
            (run_dir / name).unlink(missing_ok=True)
    return manifest


def walk_entries(top: str) -> list[tuple[str, os.DirEntry[str]]]:
    """Every entry under `top` as (relative POSIX path, entry), sorted, each directory before its
    contents, walked as `Path.rglob("*")` walks: a symlinked directory is listed, not entered.
    `delivery/` at the top is left out, as the manifest leaves it out. os.scandir, not pathlib:
    a merged organization run has over 10,000 evidence files, and pathlib's per-path objects
    were most of the cost of writing and checking its manifest."""
    out: list[tuple[str, os.DirEntry[str]]] = []
    pending = [(top, "")]
    while pending:
        path, prefix = pending.pop()
        with os.scandir(path) as it:
            entries = sorted(it, key=lambda e: e.name)
        for entry in entries:
            if prefix or entry.name != DELIVERY_DIR:
                out.append((prefix + entry.name, entry))
                if entry.is_dir(follow_symlinks=False):
                    pending.append((entry.path, prefix + entry.name + "/"))
    return out


def _manifested(run_dir: Path) -> dict[str, str]:
    """Relative path -> file system path of the files a manifest lists: regular files (or
    symlinks to one, as `Path.is_file` reads them), outside `delivery/`, other than the
    manifest and its signature files at the top."""
    return {rel: entry.path for rel, entry in walk_entries(os.fspath(run_dir))
            if entry.is_file() and ("/" in rel or rel not in _UNLISTED_TOP)}


def manifested_files(run_dir: Path) -> set[str]:
    """Relative paths of the files a manifest lists (everything but the unlisted files)."""
    return set(_manifested(run_dir))


def sha256_file(path: Path | str) -> str:
    return _sha256_and_size(path)[0]


def _sha256_and_size(path: Path | str) -> tuple[str, int]:
    """The file's sha256 and size in bytes (as read, through a symlink).

    os.open and os.read rather than open() and hashlib.file_digest: a run holds thousands of
    evidence files of a few KiB, and the file object's setup was most of hashing each one
    (half the time of a manifest or a check of an organization run)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        digest, size = hashlib.sha256(), 0
        while chunk := os.read(fd, _HASH_CHUNK):
            digest.update(chunk)
            size += len(chunk)
        return digest.hexdigest(), size
    finally:
        os.close(fd)


_HASH_CHUNK = 1 << 20


def verify_run(run_dir: Path, *, signature: bool = True, trusted_key: Any = None,
               hmac_key: bytes | None = None) -> list[str]:
    """Problems found re-checking a run against its manifest and signature (empty: intact).

    `trusted_key` (an Ed25519 public key) or `hmac_key` make a valid signature required;
    without them a signed run is checked with its own `manifest.pub`.
    """
    if run_dir.name.startswith(PARTIAL_PREFIX):
        return [f"{run_dir.name}: incomplete run (it never finished writing)"]
    if not is_finished_run(run_dir):
        return [f"{run_dir.name}: not a finished run (a re-render's work directory)"]
    manifest_path = run_dir / MANIFEST
    if not manifest_path.is_file():
        return [f"{MANIFEST}: missing (the run is incomplete or not a run directory)"]
    try:
        listed = json.loads(manifest_path.read_text(encoding="utf-8"))["files"]
    except (ValueError, KeyError) as exc:
        return [f"{MANIFEST}: unreadable ({exc})"]
    problems = []
    present = _manifested(run_dir)
    for rel, entry in sorted(listed.items()):
        if rel not in present:
            problems.append(f"{rel}: missing")
        elif sha256_file(present[rel]) != entry.get("sha256"):
            problems.append(f"{rel}: changed (sha256 differs from the manifest)")
    for rel in sorted(present.keys() - set(listed)):
        problems.append(f"{rel}: unexpected (not in the manifest)")
    if signature:
        from .signing import check_signature

        problems.extend(check_signature(run_dir, trusted_key=trusted_key, hmac_key=hmac_key)[0])
    return problems
