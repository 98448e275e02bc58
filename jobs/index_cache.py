"""The archive index's verification cache, `ROOT/.index-cache.json`: what checking each run
found last time, reused while the run's files have not changed.

The index is rewritten after every run, render and delivery, and checking a run re-reads and
hashes every file in it, so without this every write re-hashed the whole archive (seconds per
write at a year of organization runs, growing forever). Like git's index (a stat cache), the
cache keeps per run a fingerprint made of cheap stats (every entry under the run directory
outside `delivery/`: relative path, type, size, st_mtime_ns, st_ctime_ns, inode; a symlink also
its target's) and the verdict found with it. An unchanged fingerprint reuses the verdict; any
difference (a file added, removed, resized, touched, replaced) checks the run again. A content
change cannot hide behind a restored mtime: writing a file sets its ctime to the current time,
and no user can set ctime back (utime sets atime and mtime only).

"Racily clean" runs (git's term) are not stored: when an entry's ctime is within `RACY_NS` of
the moment the fingerprint was taken, a write in the same timestamp tick after the hashing
would leave the fingerprint unchanged, so that verdict is used once and not kept.

The signature verdict of a signed run is kept with a tag of the HMAC key it was checked with
(`ECR_REPORT_HMAC_KEY`, or none): with another key, or the key set or unset, only the signature
is checked again (the manifest hashes are reused). The tag is an HMAC of a constant under the
key; it tells nothing `manifest.sig`, an HMAC under the same key, does not already.

The cache is a convenience of the index view, never evidence: `ecr-report verify` and
`explain` always re-hash. A missing, unreadable, malformed or other-version cache file is
ignored (and rewritten); `.partial-` runs are never cached.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .rundir import walk_entries, write_text_atomic
from .version import tool_version

log = logging.getLogger("ecr_report.index_cache")

CACHE = ".index-cache.json"
FORMAT = "ecr-report archive index cache"
VERSION = 1
RACY_NS = 2_000_000_000
"""A run with an entry changed (ctime) this recently is checked but not cached (see above)."""
_KEY_TAG_INPUT = b"ecr-report archive index cache: which HMAC key checked the signature"


def key_tag(hmac_key: bytes | None) -> str:
    """Which HMAC key a signature verdict was found with ("none": no key)."""
    if hmac_key is None:
        return "none"
    return hmac.new(hmac_key, _KEY_TAG_INPUT, hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True)
class Stamp:
    """A run's fingerprint, and whether it is too fresh to keep a verdict under (racily clean)."""

    fingerprint: str
    racy: bool


def fingerprint(run_dir: Path) -> Stamp:
    """The sha256 of the stats of every entry under `run_dir`. Raises OSError when the
    directory cannot be listed."""
    started = time.time_ns()
    records, newest = [], 0
    for rel, entry in walk_entries(os.fspath(run_dir)):
        st = entry.stat(follow_symlinks=False)
        record = f"{rel}\0{st.st_mode} {st.st_size} {st.st_mtime_ns} {st.st_ctime_ns} {st.st_ino}"
        newest = max(newest, st.st_ctime_ns)
        if entry.is_symlink():  # verify reads through a symlinked file: its target counts too
            try:
                target = os.stat(entry.path)
                record += f" {target.st_mode} {target.st_size} {target.st_mtime_ns} {target.st_ctime_ns} {target.st_ino}"
                newest = max(newest, target.st_ctime_ns)
            except OSError:
                record += " dangling"
        records.append(record)
    # NUL cannot occur in a file name, nor in the numbers: the encoding is unambiguous
    text = "\0".join(records).encode("utf-8", "surrogateescape")
    return Stamp(hashlib.sha256(text).hexdigest(), newest >= started - RACY_NS)


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


class VerdictCache:
    """The cache as read at the start of an index write; `save` keeps only the runs seen."""

    def __init__(self, runs: dict[str, Any] | None = None, *, hmac_key: bytes | None = None) -> None:
        self._old = runs or {}
        self._new: dict[str, dict[str, Any]] = {}
        self.key = key_tag(hmac_key)
        self._vouched: set[str] = set()

    @classmethod
    def load(cls, root: Path, *, hmac_key: bytes | None = None) -> VerdictCache:
        """The cache of `root`; empty when the file is missing, unreadable or of another version."""
        try:
            doc = json.loads((Path(root) / CACHE).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            if not isinstance(exc, FileNotFoundError):
                log.info("%s: ignored (%s); every run is checked again", Path(root) / CACHE, exc)
            return cls(hmac_key=hmac_key)
        if not (isinstance(doc, dict) and doc.get("format") == FORMAT and doc.get("version") == VERSION
                and doc.get("tool_version") == tool_version() and isinstance(doc.get("runs"), dict)):
            return cls(hmac_key=hmac_key)  # another release may check runs differently
        return cls(doc["runs"], hmac_key=hmac_key)

    def vouch(self, name: str) -> None:
        """Run `name` was just written by this process, its manifest hashed from its files: it
        is taken as intact without hashing them again (and nothing is stored for it)."""
        self._vouched.add(name)

    def vouched(self, name: str) -> bool:
        return name in self._vouched

    def manifest_verdict(self, name: str, fp: str) -> list[str] | None:
        """The problems `verify_run(signature=False)` found for this fingerprint, if cached."""
        entry = self._old.get(name)
        if isinstance(entry, dict) and entry.get("fingerprint") == fp and _strings(entry.get("problems")):
            return list(entry["problems"])
        return None

    def signature_verdict(self, name: str, fp: str, states: tuple[str, ...]) -> tuple[str, list[str], bool] | None:
        """(state, problems, keyed) of the signature check for this fingerprint and key, if cached."""
        entry = self._old.get(name)
        if not (isinstance(entry, dict) and entry.get("fingerprint") == fp):
            return None
        state, problems, key = entry.get("signature"), entry.get("signature_problems"), entry.get("key")
        if state in states and _strings(problems) and key in (None, self.key):
            return state, list(problems), key is not None
        return None

    def store(self, name: str, stamp: Stamp, *, problems: list[str], signature: str,
              signature_problems: list[str], keyed: bool) -> None:
        """Keep a verdict, unless the run changed too recently to trust its fingerprint."""
        if stamp.racy:
            return
        self._new[name] = {"fingerprint": stamp.fingerprint, "problems": problems, "signature": signature,
                           "signature_problems": signature_problems, "key": self.key if keyed else None}

    def save(self, root: Path) -> None:
        """Write the cache atomically beside index.html; a failure is logged, never raised
        (the next write checks every run again)."""
        doc = {"format": FORMAT, "version": VERSION, "tool_version": tool_version(), "runs": self._new}
        try:
            write_text_atomic(Path(root) / CACHE, json.dumps(doc, sort_keys=True, separators=(",", ":")))
        except OSError as exc:
            log.warning("%s: not written (%s); the next index write checks every run", Path(root) / CACHE, exc)
