"""Where the shards of one sharded run meet (jobs/shards.py): its shard area, on a local or
mounted file system (`LocalShardArea`) or under an `s3://bucket/prefix` (`S3ShardArea`, in
jobs/shard_store_s3.py); `open_area` (jobs/shards.py) picks one from the output root.

Both keep the same names under `<root>/shards/<run_id>/`:

    plan.json                      the run's plan, stored once (an exclusive create)
    .plan-<host>-<pid>[-<token>]/  the planning calls' evidence (local: raw/; S3: raw.tar)
    <K>-of-<N>/shard.json          shard K's manifest, written last
    <K>-of-<N>/...                 its evidence (local: raw/; S3: raw-<host>-<pid>-<token>.tar,
                                   one per attempt, named by the manifest's "evidence")

Every process records its calls into a local directory (`work_dir`) as a single run does; the
area publishes that directory: the local one by renaming it into place, the S3 one by uploading
it. `evidence` gives them back as local raw/ directories for `assemble` to merge.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import socket
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Mapping, Protocol, Sequence

from .errors import ConfigError
from .history import earlier_runs
from .rundir import remove_stale_partials, write_json

log = logging.getLogger("ecr_report.shards")

SHARDS_DIR = "shards"
PLAN = "plan.json"
SHARD_MANIFEST = "shard.json"
_SHARD_NAME = re.compile(r"(\d+)-of-(\d+)")

Weights = dict[tuple[str, str], int]


def is_s3(root: str | Path) -> bool:
    # A Path would have folded "s3://" into "s3:/": the CLI passes the root as text.
    return str(root).startswith("s3://")


def shard_name_count(name: str) -> int | None:
    """N of a `K-of-N` name; None for any other name."""
    match = _SHARD_NAME.fullmatch(name)
    return int(match.group(2)) if match else None


def process_tag() -> str:
    """`<host>-<pid>`: names what one process (one attempt) writes."""
    return f"{socket.gethostname()}-{os.getpid()}"


class ShardArea(Protocol):
    """The shard area of one run (see the module docstring)."""

    run_id: str

    def where(self, name: str = "") -> str:
        """A name in the area as the user sees it (path or s3:// URI), for messages."""

    def read_plan(self) -> dict[str, Any] | None:
        """The stored plan, None when there is none (ConfigError when it cannot be read)."""

    def planning_name(self) -> str:
        """`.plan-<this process>`: where this process's planning evidence goes."""

    def work_dir(self, name: str) -> Path:
        """A fresh local directory this process records into before publishing it as `name`."""

    def publish_plan(self, doc: Mapping[str, Any], work: Path) -> bool:
        """Store `doc` as the plan, its evidence (`work`/raw) under `doc["evidence"]`; False,
        and nothing kept, when another process stored a plan first."""

    def publish_shard(self, work: Path, name: str, manifest: dict[str, Any]) -> str:
        """Publish shard `name` (`K-of-N`): `work`/raw, then its manifest last; where it went."""

    def read_manifest(self, name: str) -> tuple[dict[str, Any] | None, str | None]:
        """(manifest, None), or (None, why there is none)."""

    def shard_counts(self) -> set[int]:
        """The N of every `K-of-N` the area holds."""

    def remove_dead_work(self) -> None:
        """Remove what killed shards left in the area (nothing to do where they left nothing)."""

    def evidence(self, plan_evidence: str, shards: Sequence[tuple[str, Mapping[str, Any]]]) -> Any:
        """A context manager giving the raw/ directories of the plan and of `shards`
        ((name, manifest) each), in that order, as local directories (S3: downloaded into a
        scratch directory under TMPDIR, removed on exit)."""

    def previous_weights(self) -> tuple[Weights, str]:
        """Calls per (account, region) in the latest earlier run, and where they come from."""


def raw_counts(raw: Path) -> Weights:
    """Calls per (account, region) in a raw/ directory: one file per call."""
    if not raw.is_dir():
        return {}
    return {(a.name, r.name): sum(1 for _ in r.iterdir())
            for a in raw.iterdir() if a.is_dir() for r in a.iterdir() if r.is_dir()}


def parse_plan(data: bytes | str, where: str) -> dict[str, Any]:
    try:
        doc = json.loads(data)
    except ValueError as exc:
        raise ConfigError(f"{where}: unreadable plan ({exc})") from None
    if not isinstance(doc, dict):
        raise ConfigError(f"{where}: not a plan of this version of ecr-report")
    return doc


class LocalShardArea:
    """`ROOT/shards/<run_id>/` on a local or shared file system (a PersistentVolume, EFS)."""

    def __init__(self, root: Path, run_id: str) -> None:
        self.root, self.run_id = root, run_id
        self.path = root / SHARDS_DIR / run_id

    def where(self, name: str = "") -> str:
        return str(self.path / name) if name else str(self.path)

    def read_plan(self) -> dict[str, Any] | None:
        try:
            text = (self.path / PLAN).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise ConfigError(f"{self.path / PLAN}: unreadable plan ({exc})") from None
        return parse_plan(text, str(self.path / PLAN))

    def planning_name(self) -> str:
        return f".plan-{process_tag()}"

    def work_dir(self, name: str) -> Path:
        # Beside its final place, hidden: renamed into place once complete. A plan's evidence
        # keeps its name (the plan names it); a shard's is `.K-of-N-<host>-<pid>`.
        work = self.path / (name if name.startswith(".") else f".{name}-{process_tag()}")
        shutil.rmtree(work, ignore_errors=True)
        work.mkdir(parents=True)
        return work

    def publish_plan(self, doc: Mapping[str, Any], work: Path) -> bool:
        write_json(work / PLAN, doc)
        try:
            os.link(work / PLAN, self.path / PLAN)  # fails when another shard stored one first
        except FileExistsError:
            # Its planning calls were made for nothing; their evidence is not the run's (the
            # stored plan's is), so it goes; the shard manifest counts them.
            shutil.rmtree(work, ignore_errors=True)
            return False
        return True

    def publish_shard(self, work: Path, name: str, manifest: dict[str, Any]) -> str:
        """The manifest last, then the whole directory renamed into place (replacing a retried one)."""
        final = self.path / name
        write_json(work / SHARD_MANIFEST, manifest)
        if final.exists():
            shutil.rmtree(final)
        os.replace(work, final)
        return str(final)

    def read_manifest(self, name: str) -> tuple[dict[str, Any] | None, str | None]:
        path = self.path / name / SHARD_MANIFEST
        try:
            return json.loads(path.read_text(encoding="utf-8")), None
        except FileNotFoundError:
            return None, "it did not report (no shard manifest)"
        except (OSError, ValueError) as exc:
            return None, f"its manifest is unreadable ({exc})"

    def shard_counts(self) -> set[int]:
        return {n for p in self.path.glob("*-of-*") if (n := shard_name_count(p.name)) is not None}

    def remove_dead_work(self) -> None:
        """What killed shards left (`.K-of-N-<host>-<pid>/`, never published): by the rule
        unfinished runs follow, nothing written in it for STALE_PARTIAL_SECONDS, so a shard that
        is still collecting while an early `assemble` runs is never touched."""
        for left, newest in remove_stale_partials(self.path, pattern=".[0-9]*-of-[0-9]*-*"):
            log.warning("run %s: removed %s, left by a shard that never finished (nothing written in it "
                        "since %s)", self.run_id, left.name,
                        datetime.fromtimestamp(newest, timezone.utc).isoformat(timespec="seconds"))

    @contextmanager
    def evidence(self, plan_evidence: str, shards: Sequence[tuple[str, Mapping[str, Any]]]) -> Iterator[list[Path]]:
        yield [self.path / plan_evidence / "raw"] + [self.path / name / "raw" for name, _ in shards]

    def previous_weights(self) -> tuple[Weights, str]:
        """From the latest finished run before this one under ROOT (its raw/ files)."""
        for run_dir in reversed(earlier_runs(self.root, self.run_id)):
            if (run_dir / "raw").is_dir():
                return raw_counts(run_dir / "raw"), f"calls per registry in run {run_dir.name}"
        return {}, "uniform (no earlier run)"
