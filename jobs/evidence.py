"""Keep every AWS API response, before anything interprets it: verbatim, but never a secret.

The recorder hooks botocore's event system of each client: it remembers the API parameters of
a call (`before-parameter-build`) and stores the parsed response, success or error, when it
arrives (`after-call`). Each response becomes a `RawCall` and, when a run directory is given, a
gzipped JSON file `raw/<account>/<region>/<service>.<Operation>.<n>.json.gz`, written when its
unit (account, region) is done: `n` counts the unit's calls of that operation in the order a
one-thread run makes them (`call_order`), so the evidence does not depend on how concurrently,
or in which process, it was collected.

The stored form is JSON-safe (timestamps as ISO 8601 strings), and it is that form, not the live
boto3 objects, that `reports.normalize` reads: a run re-rendered from its archive sees exactly
what the live run saw.

Verbatim, except where a response can carry secrets (`MINIMISED`): those are cut down to an
allow-list of fields *before* the call is kept, in memory or on disk, and the archived call says
so in its `minimised` member (the rule, the paths kept, the paths removed; never a removed value).
An allow-list rather than a deny-list, so a field AWS adds later is dropped until someone decides
the report needs it. The collector that made the call still gets the full live answer (it needs
the assumed role's credentials); only what is kept is cut.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import re
import tempfile
import threading
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

import orjson

from ..reports.raw import RAW_SUFFIX, RawCall, decode, decode_body, encode, json_safe, json_safe_noting_floats
from ..reports.raw import encode_body as _body
from ..reports.stages import stage
from .gcpause import release_free_memory

__all__ = ["EvidenceRecorder", "MINIMISED", "Minimisation", "RawCall", "RawDirCalls", "load_raw_dir", "minimise",
           "call_order", "number_in_order", "reserve_position", "sort_calls", "json_safe", "write_calls"]


@dataclass(frozen=True)
class Minimisation:
    """What is kept of one operation's successful responses; everything else is dropped.

    `keep` are dotted paths into the response; `[]` marks a list, whose every element is cut
    the same way; a path that ends at a structure keeps it whole. Only structure members (fixed
    by the AWS API) are ever filtered, never the keys of a user-defined map, so the recorded
    `removed` paths name AWS fields, not anybody's data.
    """

    keep: tuple[str, ...]
    reason: str
    params_removed: tuple[str, ...] = ()
    """Request parameters not kept either (ours, so named: there is nothing unknown to allow)."""


MINIMISED: Mapping[tuple[str, str], Minimisation] = {
    # What reports/pull_through/tables.py (_container_images) and the collector read: the image
    # references, and which task definition and container they belong to. The rest of a task
    # definition (environment values, secrets and environmentFiles references, command,
    # entryPoint, dockerLabels, logConfiguration options, healthCheck, linuxParameters,
    # repositoryCredentials, volumes, proxyConfiguration, tags, ...) can hold plaintext secrets.
    ("ecs", "DescribeTaskDefinition"): Minimisation(
        keep=("taskDefinition.taskDefinitionArn", "taskDefinition.family", "taskDefinition.revision",
              "taskDefinition.status", "taskDefinition.containerDefinitions[].name",
              "taskDefinition.containerDefinitions[].image"),
        reason="a task definition can carry secrets in plaintext; only the image references the "
               "report reads are kept"),
    # The product's own role assumption: the temporary credentials are used, never kept.
    ("sts", "AssumeRole"): Minimisation(
        keep=("AssumedRoleUser", "Credentials.Expiration", "PackedPolicySize", "SourceIdentity"),
        reason="the temporary credentials (AccessKeyId, SecretAccessKey, SessionToken) are used "
               "for the calls and never kept; nor is the role's ExternalId",
        # AWS does not count an external ID as a secret, but it is one half of what lets a
        # third party assume the role, and the archive cannot be deleted: it is not kept.
        params_removed=("ExternalId",)),
}
"""Operations whose responses are minimised before they are kept (see the module docstring).
The other operations the product calls return no secrets (README, "Evidence")."""

_ALWAYS_KEPT = "ResponseMetadata"  # request id and HTTP status, already cut by _without_metadata


def minimise(response: dict[str, Any], rule: Minimisation) -> tuple[dict[str, Any], dict[str, Any]]:
    """`response` cut to `rule.keep`, and the record of what was done (for RawCall.minimised)."""
    tree: dict[str, Any] = {_ALWAYS_KEPT: True}
    for path in rule.keep:
        node = tree
        parts = path.replace("[]", "").split(".")
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if child is True:
                break
            node = child
        else:
            node[parts[-1]] = True
    removed: set[str] = set()
    kept = _cut(response, tree, "", removed)
    return kept, {"rule": "allow-list", "kept": list(rule.keep), "removed": sorted(removed),
                  "reason": rule.reason}


_DROP = object()


def _cut(value: Any, tree: Any, path: str, removed: set[str]) -> Any:
    if tree is True:
        return value
    if isinstance(value, list):
        out = [_cut(v, tree, f"{path}[]", removed) for v in value]
        return [v for v in out if v is not _DROP]
    if not isinstance(value, dict):  # a scalar where the allow-list expects a structure
        removed.add(path)
        return _DROP
    kept = {}
    for key, item in value.items():
        sub = f"{path}.{key}" if path else key
        if key not in tree:
            removed.add(sub)
            continue
        cut = _cut(item, tree[key], sub, removed)
        if cut is not _DROP:
            kept[key] = cut
    return kept


class RawDirCalls:
    """A run's raw/ directory read back one (account, region) unit at a time (`CallsByUnit`),
    and within a unit one (service, operation) at a time: nothing is read before a table
    builder asks for it.

    What `build_snapshot` reads in a run and a re-render: the calls are on disk already, so
    neither process holds every call of the fleet at once (at scale 40, ~18k calls were the
    larger part of a run's peak memory), nor every call of its largest registry (~130 MB of
    JSON at scale 40: decoded all at once, they were the peak of normalize)."""

    def __init__(self, raw_dir: Path) -> None:
        self._raw_dir = raw_dir
        self._last = 0

    def unit_groups(self, account_id: str, region: str) -> dict[tuple[str, str], "RawFileGroup | RawCallGroup"]:
        if self._last >= _TRIM_AFTER_CALLS:  # the previous unit's calls are freed by now
            release_free_memory()
        found: dict[tuple[str, str], list[tuple[int, str, int]]] = {}
        unnamed: list[str] = []
        try:
            with os.scandir(self._raw_dir / account_id / region) as entries:
                for entry in entries:
                    if not entry.name.endswith(RAW_SUFFIX) or not entry.is_file():
                        continue
                    named = _named(entry.name)
                    if named is None:
                        unnamed.append(entry.path)
                    else:
                        service, operation, seq = named
                        found.setdefault((service, operation), []).append((seq, entry.path, entry.stat().st_size))
        except (FileNotFoundError, NotADirectoryError):
            pass
        groups: dict[tuple[str, str], RawFileGroup | RawCallGroup] = {
            key: RawFileGroup(tuple(path for _, path, _ in sorted(files)), sum(size for _, _, size in files))
            for key, files in found.items()}
        for path in unnamed:  # not named as the recorder names them: filed by what they say
            call = decode(_read(path))
            key = (call.service, call.operation)
            groups[key] = RawCallGroup((*groups.get(key, ()), call))
        self._last = sum(len(g) for g in groups.values())
        return groups

    def __len__(self) -> int:
        return sum(1 for _, _, files in os.walk(self._raw_dir) for name in files if name.endswith(RAW_SUFFIX))


_TRIM_AFTER_CALLS = 500  # a trim costs milliseconds: worth it after a large registry only


def _named(name: str) -> tuple[str, str, int] | None:
    """(service, operation, seq) of a raw file's name, as `RawCall.relative_path` writes it."""
    parts = name[:-len(RAW_SUFFIX)].split(".")
    if len(parts) != 3 or not parts[2].isdigit():
        return None
    return parts[0], parts[1], int(parts[2])


@dataclass(frozen=True)
class RawFileGroup:
    """The raw files of one (service, operation) of a unit, in seq order (`CallGroup`)."""

    paths: tuple[str, ...]
    size: int

    def __iter__(self) -> Iterator[RawCall]:
        for path in self.paths:
            yield decode(_read(path))

    def __len__(self) -> int:
        return len(self.paths)


@dataclass(frozen=True)
class RawCallGroup:
    """Calls already read (raw files whose name is not the one the recorder writes)."""

    calls: tuple[RawCall, ...]
    size: int = 0  # read already: nothing more to hold

    def __iter__(self) -> Iterator[RawCall]:
        return iter(sorted(self.calls, key=lambda c: c.seq))

    def __len__(self) -> int:
        return len(self.calls)


def _read(path: str) -> bytes:
    """The file's bytes, read by os.read: a run reads ~18k small files back at scale 40, and
    open()'s buffered file object was a third of the time spent reading them."""
    fd = os.open(path, os.O_RDONLY)
    try:
        parts = []
        while part := os.read(fd, _READ_BYTES):
            parts.append(part)
    finally:
        os.close(fd)
    return parts[0] if len(parts) == 1 else b"".join(parts)


_READ_BYTES = 1 << 18  # larger than any raw file at scale 40 (28 KB); a larger one is read in parts


def load_raw_dir(raw_dir: Path) -> list[RawCall]:
    """Read every recorded call of a run, in a stable order."""
    calls = [decode(p.read_bytes()) for p in raw_dir.rglob(f"*{RAW_SUFFIX}")]
    return sort_calls(calls)


def sort_calls(calls: Iterable[RawCall]) -> list[RawCall]:
    return sorted(calls, key=lambda c: (c.account_id, c.region, c.service, c.operation, c.seq))


_ORDER = threading.local()
BEFORE_UNITS = -1
"""The first element of the position of a call made outside every unit (the caller's identity,
discovery): it sorts before every unit's."""


@contextmanager
def call_order(prefix: tuple[int, ...]) -> Iterator[None]:
    """Calls this thread records inside the block are ordered under `prefix`, one after the other.

    A call's position is `prefix + (n,)`, n counting this thread's calls (and reserved steps)
    in the block. Positions compare as tuples, so a fleet's calls sort into the order a
    one-thread run makes them: the collection of unit i runs under `(i,)`, and `parallel_map`
    reserves one step of its caller for the fan-out and runs item j under `step + (j,)`.
    """
    saved = getattr(_ORDER, "state", None)
    _ORDER.state = [prefix, 0]
    try:
        yield
    finally:
        _ORDER.state = saved


def reserve_position() -> tuple[int, ...]:
    """The next position of this thread's order (for a call, or for work done elsewhere)."""
    state = getattr(_ORDER, "state", None)
    if state is None:  # outside every unit (the caller's identity, discovery): before the units
        state = _ORDER.state = [(BEFORE_UNITS,), 0]
    state[1] += 1
    return (*state[0], state[1])


def number_in_order(calls: Iterable[tuple[tuple[int, ...], RawCall]],
                    start: Mapping[tuple[str, str, str, str], int] | None = None) -> list[RawCall]:
    """The calls sorted by (account, region, service, operation, position), `seq` renumbered
    1, 2, ... per (account, region, service, operation) (after `start[key]` when given).

    The seq numbers, the raw file names and every table built from them are then those of a
    one-thread run, whatever the concurrency and whichever process (or shard) collected.
    """
    ordered = sorted(calls, key=lambda pc: (pc[1].account_id, pc[1].region, pc[1].service,
                                            pc[1].operation, pc[0]))
    counter: Counter[tuple[str, str, str, str]] = Counter(start or {})
    out = []
    for _position, call in ordered:
        key = (call.account_id, call.region, call.service, call.operation)
        counter[key] += 1
        out.append(call if call.seq == counter[key] else _renumbered(call, counter[key]))
    return out


class EvidenceRecorder:
    """Collects RawCalls from any number of clients; thread-safe.

    A call is held with the other calls of its (account, region) until `unit_done` for that
    unit (or `flush`): they are then numbered in one-thread order (`call_order`), written under
    the raw directory when one is set, and kept in memory only when `retain` (the default). A
    collecting shard and a run pass `retain=False`: they then hold the calls of the units in
    progress and nothing else, however large the fleet (README, "Sharded runs"), and hold
    those as their archive JSON (`_Held`), several times smaller than the parsed response,
    and once a raw directory is set, not in memory but in an unnamed temporary file beside it
    (`_Spool`): the largest registry of the scale-40 demo is ~130 MB of JSON.
    """

    def __init__(self, raw_dir: Path | None = None, *,
                 minimised: Mapping[tuple[str, str], Minimisation] = MINIMISED,
                 retain: bool = True) -> None:
        self._raw_dir = raw_dir
        self._minimised = minimised
        self._retain = retain
        self._lock = threading.Lock()
        self._calls: list[RawCall] = []
        self._pending: dict[tuple[str, str], list[tuple[tuple[int, ...], RawCall | _Held]]] = {}
        self._spools: dict[tuple[str, str], _Spool] = {}
        self._arrival: Counter[tuple[str, str, str, str]] = Counter()
        self._numbered: Counter[tuple[str, str, str, str]] = Counter()
        self._counts: Counter[str] = Counter()

    def write_to(self, raw_dir: Path) -> None:
        """From now on write calls under `raw_dir`; calls numbered so far are written now."""
        with self._lock:
            self._raw_dir = raw_dir
            earlier = list(self._calls)
        for call in earlier:
            _write(raw_dir, call)

    @property
    def calls(self) -> list[RawCall]:
        """The calls kept (all of them unless `retain=False`), then those of units in progress."""
        with self._lock:
            held = [c for group in self._pending.values() for _, c in group]
            return list(self._calls) + [_call(c) for c in held]

    def unit_calls(self, account_id: str, region: str, operation: str | None = None) -> list[RawCall]:
        """The calls of one unit in progress (what its later collection steps read back), or
        only those of `operation` (the others are not decoded when held as JSON)."""
        with self._lock:
            held = [c for _, c in self._pending.get((account_id, region), ())
                    if operation is None or c.operation == operation]
        return [_call(c) for c in held]

    def __iter__(self) -> Iterator[RawCall]:
        return iter(self.calls)

    def operation_counts(self) -> Counter[str]:
        """Calls made per `service.Operation` (what the call-count benchmark prints)."""
        with self._lock:
            return Counter(self._counts)

    def record(self, account_id: str, region: str, service: str, operation: str,
               params: dict[str, Any], response: dict[str, Any]) -> RawCall | None:
        """Keep one call's parameters and parsed response (JSON-safe, minimised where a rule
        says so). Returns the call as kept when the recorder retains calls; a recorder that does
        not holds only its archive JSON, and returns None."""
        with stage("evidence recording"):  # a no-op unless benchmarks/stages.py measures
            if not self._retain and (service, operation) not in self._minimised:
                return self._record_json(account_id, region, service, operation, params, response)
            return self._record(account_id, region, service, operation, params, response)

    def _record_json(self, account_id: str, region: str, service: str, operation: str,
                     params: dict[str, Any], response: dict[str, Any]) -> None:
        """`_record` of a call held as its archive JSON only, written straight from the parsed
        response (`_archive_json`): the JSON-safe copy is never built."""
        position = reserve_position()
        seq = self._arrive(account_id, region, service, operation)
        body = _archive_json(account_id, region, service, operation, seq, params, _without_metadata(response))
        self._hold(account_id, region, service, operation, seq, position, body)

    def _arrive(self, account_id: str, region: str, service: str, operation: str) -> int:
        """The call's number in arrival order (`unit_done` numbers the unit's calls in order)."""
        key = (account_id, region, service, operation)
        with self._lock:
            self._arrival[key] += 1
            self._counts[f"{service}.{operation}"] += 1
            return self._arrival[key]

    def _hold(self, account_id: str, region: str, service: str, operation: str, seq: int,
              position: tuple[int, ...], body: bytes) -> None:
        """Hold a call of a unit in progress as its archive JSON, until the unit is numbered."""
        with self._lock:
            spool = self._spool(account_id, region)
            stored = _InMemory(body) if spool is None else spool.put(body)
            self._pending.setdefault((account_id, region), []).append(
                (position, _Held(account_id, region, service, operation, seq, seq, stored)))

    def _record(self, account_id: str, region: str, service: str, operation: str,
                params: dict[str, Any], response: dict[str, Any]) -> RawCall | None:
        kept, response_floats_alike = json_safe_noting_floats(_without_metadata(response))
        params, params_floats_alike = json_safe_noting_floats(params)
        how = None
        rule = self._minimised.get((service, operation))
        if rule is not None:
            if "Error" not in kept:  # an error answer carries only a code and a message
                kept, how = minimise(kept, rule)
            cut = sorted(k for k in rule.params_removed if k in params)
            if cut:
                params = {k: v for k, v in params.items() if k not in cut}
                how = {**(how or {"rule": "allow-list", "reason": rule.reason}), "params_removed": cut}
        position = reserve_position()
        seq = self._arrive(account_id, region, service, operation)
        call = RawCall(account_id, region, service, operation, seq, params, kept, how)
        if self._retain:
            with self._lock:
                self._pending.setdefault((account_id, region), []).append((position, call))
            return call
        # Not retained: held as its archive JSON until numbered (the parsed form is dropped).
        self._hold(account_id, region, service, operation, seq, position,
                   _body(call, floats_alike=response_floats_alike and params_floats_alike))
        return None

    def _spool(self, account_id: str, region: str) -> "_Spool | None":
        """The unit's spool (made on its first call), or None before a raw directory is set."""
        spool = self._spools.get((account_id, region))
        if spool is None and self._raw_dir is not None:
            spool = self._spools[(account_id, region)] = _Spool(self._raw_dir.parent)
        return spool

    def unit_done(self, account_id: str, region: str, position: int | None = None) -> list[RawCall]:
        """Number, write and (when retained) keep the calls of one unit; returns them.

        `position`: the unit's place in the collection. Calls another unit made but filed under
        this one (an `AssumeRole` under the caller's own registry) then stay held until `flush`,
        numbered there after this unit's own and in one-thread order among themselves: were
        they written with this unit, which of them came before it was done, and so their numbers,
        would depend on how the threads (or processes) ran. Calls made before any unit (the
        caller's identity, discovery) are written with it, first."""
        with self._lock:
            group = self._pending.pop((account_id, region), [])
            if position is not None:
                mine = (position, BEFORE_UNITS)
                foreign = [held for held in group if held[0][0] not in mine]
                if foreign:
                    self._pending[(account_id, region)] = foreign
                    group = [held for held in group if held[0][0] in mine]
            # The spool holds the bodies of the calls still held, if any: closed with the last.
            spool = None if (account_id, region) in self._pending else self._spools.pop((account_id, region), None)
            # A late call of a unit already written (an AssumeRole filed under the caller's
            # own registry) numbers after the ones written before it.
            calls = number_in_order(group, self._numbered)  # type: ignore[arg-type]
            for call in calls:
                self._numbered[(call.account_id, call.region, call.service, call.operation)] = call.seq
            if self._retain:
                self._calls.extend(calls)
            raw_dir = self._raw_dir
        try:
            if raw_dir is not None:
                made: set[str] = set()
                for call in calls:
                    _write(raw_dir, call, made)
        finally:
            if spool is not None:
                spool.close()
        return [] if not self._retain else calls  # type: ignore[return-value]

    def flush(self) -> None:
        """`unit_done` for every unit with calls still held (the calls made outside any unit)."""
        with self._lock:
            keys = sorted(self._pending)
        for account_id, region in keys:
            self.unit_done(account_id, region)

    @property
    def retains(self) -> bool:
        """Whether recorded calls are kept in memory once written (`retain`)."""
        return self._retain

    def hand_over(self, counted_since: Mapping[str, int]) -> "HandedOver":
        """What another process's recorder needs of this one to finish its evidence
        (jobs/collect/split.py): the calls still held (made in this process's units but filed
        under a registry it does not collect: an `AssumeRole` under the caller's own), with
        their positions and bodies; the numbers written so far; and the calls made since the
        counts were `counted_since`. They are let go here."""
        with self._lock:
            groups, self._pending = self._pending, {}
            spools, self._spools = self._spools, {}
            held = [(position, _portable(call)) for group in groups.values() for position, call in group]
            numbered = dict(self._numbered)
            made = Counter(self._counts)
        for spool in spools.values():
            spool.close()
        made.subtract(counted_since)
        return HandedOver(held, numbered, {op: n for op, n in made.items() if n > 0})

    def take_over(self, part: "HandedOver") -> None:
        """Hold the calls another process's recorder handed over, as if recorded here: the next
        `unit_done` or `flush` numbers them with this one's, in one-thread order, after every
        number either process has written."""
        with self._lock:
            for position, call in part.held:
                self._pending.setdefault((call.account_id, call.region), []).append((position, call))
            for key, seq in part.numbered.items():
                self._numbered[key] = max(self._numbered[key], seq)  # type: ignore[index]
            self._counts.update(part.made)

    def attach(self, client: Any, account_id: str, region: str) -> None:
        """Hook this recorder into one boto3 client."""
        service = client.meta.service_model.service_name
        events = client.meta.events

        def remember_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
            context["ecr_report_params"] = _copy_params(params)

        def store_response(parsed: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
            self.record(account_id, region, service, model.name,
                        context.get("ecr_report_params", {}), parsed)

        events.register("before-parameter-build", remember_params)
        events.register("after-call", store_response)


@dataclass(frozen=True)
class HandedOver:
    """`EvidenceRecorder.hand_over`'s answer: plain data, pickled between processes."""

    held: list[tuple[tuple[int, ...], Any]]
    """(position, call) of each call still held: a RawCall, or a `_Held` with its body in memory."""
    numbered: dict[tuple[str, str, str, str], int]
    """The last number written per (account, region, service, operation)."""
    made: dict[str, int]
    """Calls made per `service.Operation` since the counts handed in."""


def _portable(call: RawCall | _Held) -> RawCall | _Held:
    """The call with its body in memory (a spool is a file of this process)."""
    return replace(call, stored=_InMemory(call.stored.read())) if isinstance(call, _Held) else call


def write_calls(raw_dir: Path, calls: Iterable[RawCall]) -> None:
    """Write numbered calls under `raw_dir` (an assembled run's evidence, jobs/shards.py)."""
    for call in calls:
        _write(raw_dir, call)


def _write(raw_dir: Path, call: RawCall | _Held, made: set[str] | None = None) -> None:
    # Plain string paths: pathlib's objects cost more than the write itself (~18k files at scale 40).
    directory, _, name = call.relative_path().rpartition("/")
    directory = os.path.join(raw_dir, directory)
    if made is None or directory not in made:  # one mkdir per directory, not per call
        os.makedirs(directory, exist_ok=True)
        if made is not None:
            made.add(directory)
    data = call.encoded() if isinstance(call, _Held) else encode(call)  # before the file is made
    with open(os.path.join(directory, name), "wb") as fh:
        fh.write(data)


class _Spool:
    """The archive JSON of one unit's calls in progress, in an unnamed temporary file.

    The file has no name (O_TMPFILE, or unlinked at once), so nothing is left behind however the
    process ends; it lives in the run directory (beside raw/), not in a memory-backed /tmp.
    Only `EvidenceRecorder` (under its lock) appends; reads and writes are positioned
    (pread/pwrite), so readers of other calls do not disturb it."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self._file = tempfile.TemporaryFile(dir=directory)
        self._end = 0

    def put(self, body: bytes) -> "_Spooled":
        offset, self._end = self._end, self._end + len(body)
        view = memoryview(body)
        while view:
            view = view[os.pwrite(self._file.fileno(), view, offset + len(body) - len(view)):]
        return _Spooled(self, offset, len(body))

    def read(self, offset: int, length: int) -> bytes:
        data = os.pread(self._file.fileno(), length, offset)
        if len(data) != length:  # pragma: no cover - the file is ours and never truncated
            raise OSError(f"evidence spool: {length} bytes at {offset}, read {len(data)}")
        return data

    def close(self) -> None:
        self._file.close()


@dataclass(frozen=True)
class _Spooled:
    spool: _Spool
    offset: int
    length: int

    def read(self) -> bytes:
        return self.spool.read(self.offset, self.length)


@dataclass(frozen=True)
class _InMemory:
    body: bytes

    def read(self) -> bytes:
        return self.body


@dataclass(frozen=True)
class _Held:
    """A call of a unit in progress, held as its archive JSON (`encode`'s body before gzip),
    stored as `stored_seq` when it arrived and numbered `seq` now.

    The body's last members are always `"seq":n,"service":"..."` (sorted keys; `service` sorts
    last), so renumbering it swaps that tail and leaves every other byte: `encoded()` is
    `encode` of the same call, byte for byte."""

    account_id: str
    region: str
    service: str
    operation: str
    seq: int
    stored_seq: int
    stored: _Spooled | _InMemory

    def relative_path(self) -> str:
        return f"{self.account_id}/{self.region}/{self.service}.{self.operation}.{self.seq}{RAW_SUFFIX}"

    def renumbered(self, seq: int) -> "_Held":
        return replace(self, seq=seq)

    def body(self) -> bytes:
        body = self.stored.read()
        if self.seq == self.stored_seq:
            return body
        old, new = _tail(self.service, self.stored_seq), _tail(self.service, self.seq)
        if not body.endswith(old):  # pragma: no cover - sorted keys always end so
            raise ValueError(f"unexpected archive JSON for {self.relative_path()}")
        return body[:-len(old)] + new

    def encoded(self) -> bytes:
        return gzip.compress(self.body(), compresslevel=6, mtime=0)


def _renumbered(call: Any, seq: int) -> Any:
    return call.renumbered(seq) if isinstance(call, _Held) else replace(call, seq=seq)


def _tail(service: str, seq: int) -> bytes:
    return f',"seq":{seq},"service":{json.dumps(service)}}}'.encode()


def _call(held: RawCall | _Held) -> RawCall:
    return held if isinstance(held, RawCall) else decode_body(held.body())


def _copy_params(params: dict[str, Any]) -> dict[str, Any]:
    # Paginators reuse and mutate their parameter dict between pages; keep this page's copy.
    return json.loads(json.dumps(json_safe(params)))


def _archive_json(account_id: str, region: str, service: str, operation: str, seq: int,
                  params: Any, response: Any) -> bytes:
    """`encode_body` of the call (json.dumps' bytes of its JSON-safe form, not minimised), written
    by orjson from the parsed values themselves where that gives the same bytes.

    `json_safe` copies every dict and list of a response before orjson writes the copy: most
    of recording's time at scale 40 (~18k calls, ~1.5M values, ~350k timestamps). Here orjson
    walks the response itself and calls `_json_safe_or_refuse` for what it does not write as
    json_safe's copy would have it (timestamps, bytes, subclasses, tuples' subclasses): the bytes
    are those of orjson writing the copy. They are json's unless a float is written otherwise,
    which orjson's bytes show (`_FLOAT_WRITTEN_OTHERWISE`), or one of the cases
    `orjson_if_alike` turns away; all of these take the old road, which decides as before."""
    doc = {"account_id": account_id, "region": region, "service": service, "operation": operation,
           "seq": seq, "params": params, "response": response}
    try:
        data = orjson.dumps(doc, default=_json_safe_or_refuse, option=_ARCHIVE_OPTIONS)
    except TypeError:  # non-str keys, big integers, what json_safe leaves as it is: the old road
        data = None
    if (data is None or not data.isascii() or b"\x7f" in data
            or b"null" in data or b"0.0000" in data or _NEGATIVE_EXPONENT.search(data)):
        kept, response_alike = json_safe_noting_floats(response)
        params, params_alike = json_safe_noting_floats(params)
        call = RawCall(account_id, region, service, operation, seq, params, kept)
        return _body(call, floats_alike=response_alike and params_alike)
    return data


_ARCHIVE_OPTIONS = (orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_PASSTHROUGH_DATACLASS
                    | orjson.OPT_PASSTHROUGH_DATETIME)
"""Sorted keys as json's sort_keys; subclasses of str, int, dict and list, dataclasses, dates
and timestamps to `_json_safe_or_refuse` (orjson_if_alike's pass-through set: orjson would
otherwise write them as json_safe's copy does not have them)."""

_NEGATIVE_EXPONENT = re.compile(rb"e-[6-9]")
"""Where orjson writes a float otherwise than json (repr): NaN and infinities as `null` (json:
NaN, Infinity), 1e-05 <= |x| < 1e-04 in plain decimals (`0.00001`, json: `1e-05`) and exponents
-6 to -9 in one digit (`1e-7`, json: `1e-07`); every other float, with or without an exponent,
is written alike (tests/collect/test_evidence_json.py tries millions). Looked for in the bytes,
strings included: a look-alike in a string only sends the call down the old road."""

_UTC = dt.timezone.utc


def _json_safe_or_refuse(value: Any) -> Any:
    """orjson's `default`: json_safe's form of `value`, or TypeError where json_safe keeps the
    value as it is (json_safe's copy would hold it, and orjson_if_alike refuses it)."""
    if type(value) is dt.datetime:  # most of what comes here (~350k timestamps at scale 40)
        return _utc_text(value)
    safe = json_safe(value)
    if safe is value:
        raise TypeError(f"left to json: {type(value).__name__}")
    return safe


def _utc_text(value: dt.datetime) -> str:
    """json_safe's text of a timestamp (UTC, ISO 8601, `Z`), written by orjson: the same text
    as isoformat's for every UTC datetime (tests/collect/test_evidence_json.py), in half the time."""
    if value.tzinfo is not _UTC:  # as json_safe: naive means UTC, aware is converted
        value = value.replace(tzinfo=_UTC) if value.tzinfo is None else value.astimezone(_UTC)
    return orjson.dumps(value, option=orjson.OPT_UTC_Z)[1:-1].decode()


def _without_metadata(response: dict[str, Any]) -> dict[str, Any]:
    # Keep the request id (it ties the evidence to CloudTrail) and the status; drop HTTP
    # headers and retry counters, which are transport noise rather than evidence.
    out = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    meta = response.get("ResponseMetadata") or {}
    kept = {k: meta[k] for k in ("RequestId", "HTTPStatusCode") if k in meta}
    if kept:
        out["ResponseMetadata"] = kept
    return out
