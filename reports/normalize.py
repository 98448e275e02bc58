"""Turn recorded API responses into the typed snapshot tables of `reports.schema`.

Pure: it reads `RawCall`s (as archived, timestamps as ISO strings) and returns DataFrames. The
same function serves a live run and `ecr-report render RUN_DIR`, so both see identical tables.

"Unknown" is kept distinct from "none": a repository whose GetLifecyclePolicy failed has status
UNKNOWN, not ABSENT; an image whose findings call failed has scan_status ERROR.

Every row says where it came from (`schema.SOURCE`, reports.provenance): the raw file of its
call and the JSON Pointer of its object in that response, so a verdict computed from the row can
name the value that decided it.
"""

from __future__ import annotations

from collections import defaultdict
from operator import itemgetter
from typing import Any, Iterable, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd

from .concern import Concern
from .provenance import pointer
from .raw import CallGroup, CallsByUnit, RawCall
from .schema import SEVERITY_COUNTS, SNAPSHOT_TABLES, conform

Unit = tuple[str, str]  # (account_id, region)
SEVERITY_KEYS = {name.upper(): name for name in SEVERITY_COUNTS}


class CallIndex:
    """Recorded calls grouped by (account, region, service, operation)."""

    def __init__(self, calls: Iterable[RawCall]) -> None:
        self._by_key: dict[tuple[str, str, str, str], list[RawCall]] = defaultdict(list)
        for call in calls:
            self._by_key[(call.account_id, call.region, call.service, call.operation)].append(call)
        for group in self._by_key.values():
            group.sort(key=_seq)

    def get(self, unit: Unit, service: str, operation: str) -> list[RawCall]:
        return self._by_key.get((unit[0], unit[1], service, operation), [])

    def each(self, unit: Unit, service: str, operation: str) -> Iterable[RawCall]:
        """The calls of `get`, for a builder that goes through them once (`UnitCallIndex` then
        reads a large group one call at a time and keeps none)."""
        return self.get(unit, service, operation)

    def fully_read(self, unit: Unit, service: str, operation: str) -> bool | None:
        """True when a paged listing was read to its last page; None when it was never called."""
        return _fully_read(self.get(unit, service, operation))

    def ok(self, unit: Unit, service: str, operation: str) -> list[dict[str, Any]]:
        return [c.response for c in self.get(unit, service, operation) if c.ok]

    def first_ok(self, unit: Unit, service: str, operation: str) -> dict[str, Any] | None:
        found = self.ok(unit, service, operation)
        return found[0] if found else None

    def first_call(self, unit: Unit, service: str, operation: str) -> RawCall | None:
        """The first successful call, else the first failed one (its error is the evidence)."""
        calls = self.get(unit, service, operation)
        return next((c for c in calls if c.ok), calls[0] if calls else None)


def _seq(call: RawCall) -> int:
    return call.seq


SMALL_GROUP_BYTES = 1 << 20
"""A (service, operation) group of at most this many archive bytes stays decoded for the rest
of its unit once read (several builders read the small ones); a larger one is let go as soon as
another large one is read (at scale 40 a registry's DescribeImages are ~45 MB of JSON)."""


class UnitCallIndex(CallIndex):
    """One unit's calls, read one (service, operation) group at a time as builders ask for them
    (`CallsByUnit`): what is held is the small groups read so far and at most one large group.

    `get` decodes a group whole (a builder may go through it more than once); `each` goes
    through a large group one call at a time. Whether a listing was read to its end
    (`fully_read`) is remembered once a group has been gone through, so a builder that only
    asks that does not read the group again."""

    def __init__(self, unit: Unit, groups: Mapping[tuple[str, str], CallGroup]) -> None:
        self._unit = unit
        self._groups = groups
        self._decoded: dict[tuple[str, str], list[RawCall]] = {}
        self._large: tuple[str, str] | None = None
        self._read_to_end: dict[tuple[str, str], bool | None] = {}

    def _group(self, unit: Unit, service: str, operation: str) -> CallGroup | None:
        return self._groups.get((service, operation)) if tuple(unit) == self._unit else None

    def get(self, unit: Unit, service: str, operation: str) -> list[RawCall]:
        group = self._group(unit, service, operation)
        if group is None:
            return []
        key = (service, operation)
        calls = self._decoded.get(key)
        if calls is None:
            if group.size > SMALL_GROUP_BYTES:
                if self._large is not None:  # let go of the previous large group before reading
                    del self._decoded[self._large]
                self._large = key
            calls = self._decoded[key] = sorted(group, key=_seq)
        return calls

    def each(self, unit: Unit, service: str, operation: str) -> Iterable[RawCall]:
        group = self._group(unit, service, operation)
        key = (service, operation)
        if group is None or key in self._decoded or group.size <= SMALL_GROUP_BYTES:
            return self.get(unit, service, operation)
        return self._one_by_one(key, group)

    def _one_by_one(self, key: tuple[str, str], group: CallGroup) -> Iterator[RawCall]:
        all_ok, last = True, None
        for call in group:
            all_ok, last = all_ok and call.ok, call
            yield call
        self._read_to_end[key] = _read_to_end(all_ok, last)

    def fully_read(self, unit: Unit, service: str, operation: str) -> bool | None:
        key = (service, operation)
        if key not in self._read_to_end:
            self._read_to_end[key] = _fully_read(self.each(unit, service, operation))
        return self._read_to_end[key]


_READ_FIRST = ("inspector_coverage", "inspector_findings")
"""Built before the others in each unit: they go through Inspector's two large listings, and
`registries` then only asks whether those were read to their end (remembered, not read again)."""


def normalize(calls: Iterable[RawCall] | CallsByUnit, units: Sequence[Unit],
              concerns: Sequence[Concern], order: Iterable[int] | None = None) -> dict[str, pd.DataFrame]:
    """Every snapshot table (the foundation's and each given concern's), conformed to its schema.

    `order`: the places in `units` in the order to build them, each once (default: in order);
    the tables are the same whatever the order (each unit's rows go to their unit's place).
    Normalizing beside a collection builds each registry as soon as it is collected (jobs/overlap.py).

    `calls` is every recorded call, or a `CallsByUnit` that hands them over one unit at a time:
    every builder reads only its own unit's calls, so the tables are the same, and only one
    unit's calls are held at once (of those, only the groups its builders are reading)."""
    builders = {
        "registries": _registries,
        "scan_rules": _scan_rules,
        "repositories": _repositories,
        "repository_scan_config_aws": _repository_scan_config,
        "images": _images,
        "basic_findings": _basic_findings,
        "inspector_coverage": _inspector_coverage,
        "inspector_findings": _inspector_findings,
        "pull_through_rules": _pull_through_rules,
    }
    columns = {name: SNAPSHOT_TABLES[name] for name in builders}
    for concern in concerns:
        for name, spec in concern.snapshot_tables.items():
            builders[name] = spec.build
            columns[name] = spec.columns
    by_unit = getattr(calls, "unit_groups", None)
    shared = CallIndex(calls) if by_unit is None else None  # type: ignore[arg-type]
    tables = {name: _Table(name, columns[name], _KEYS.get(name)) for name in builders}
    build_order = sorted(builders, key=lambda name: name not in _READ_FIRST)  # stable: the rest as declared
    for place in range(len(units)) if order is None else order:
        unit = units[place]
        index = shared if shared is not None else UnitCallIndex(tuple(unit), by_unit(*unit))  # type: ignore[misc]
        for name in build_order:
            tables[name].add(builders[name](index, unit), place)
        del index
    return {name: tables.pop(name).frame() for name in builders}


_KEYS = {"images": ("repository_name", "image_digest"), "basic_findings": ("repository_name", "image_digest")}
"""Tables whose rows of one unit are unique by these columns: a page retried after a partial
failure can repeat items; the last answer wins, in the place of the first."""

CHUNK_ROWS = 32_768
"""Rows of a table held as Python tuples before they are turned into a conformed frame (a
fraction of their memory: strings go to Arrow buffers). All of a scale-40 fleet's rows held as
tuples until the end were ~300 MiB, the largest part of normalize's peak."""


class Tuples:
    """A builder's rows as tuples of its table's columns, in the schema's order, instead of one
    dict per row (what the builders of the largest tables return: making a dict per row and
    picking its values again was a tenth of the snapshot's build at scale 40)."""

    __slots__ = ("rows",)

    def __init__(self, rows: Iterable[tuple[Any, ...]]) -> None:
        self.rows = rows


class _Table:
    """One snapshot table as it is built: each unit's rows as tuples, turned into a conformed
    frame every `CHUNK_ROWS` rows, the frames joined at the end in the units' order.

    The frame of each chunk is made from object columns (no type inference): `conform` casts
    every column to its declared dtype, so the values do not depend on where chunks begin. A
    chunk holds the rows of consecutive units only: a unit built out of order starts a new one,
    and each chunk is kept with the place of its first unit, by which the chunks are put in order."""

    def __init__(self, name: str, columns: Mapping[str, str], key: tuple[str, ...] | None) -> None:
        self._name, self._columns, self._names = name, columns, list(columns)
        self._key = [self._names.index(c) for c in key] if key else None
        self._rows: list[tuple[Any, ...]] = []
        self._first = self._next = 0
        """Places of the first unit whose rows are in `_rows`, and of the unit that may follow them."""
        self._frames: list[tuple[int, pd.DataFrame]] = []

    def add(self, rows: Iterable[Mapping[str, Any]] | Tuples, place: int | None = None) -> None:
        """One unit's rows, as a builder returns them (dicts, or `Tuples`); `place`: the unit's
        place in the run's units (default: the place after the last unit's)."""
        place = self._next if place is None else place
        unit = self._tuples(rows)
        if self._rows and place != self._next:
            self._flush()
        if not self._rows:
            self._first = place
        self._next = place + 1
        if unit:
            self._rows.extend(unit if self._key is None else _dedupe_tuples(unit, self._key))
            if len(self._rows) >= CHUNK_ROWS:
                self._flush()

    def _tuples(self, rows: Iterable[Mapping[str, Any]] | Tuples) -> list[tuple[Any, ...]]:
        if isinstance(rows, Tuples):
            unit = list(rows.rows)
            if unit and set(map(len, unit)) != {len(self._names)}:
                raise ValueError(f"table {self._name!r}: a row tuple is not {len(self._names)} columns long")
            return unit
        unit = []
        _extend_tuples(unit, rows, self._names)
        return unit

    def _flush(self) -> None:
        if self._rows:
            frame = pd.DataFrame(self._rows, columns=self._names, dtype=object)
            self._rows = []
            self._frames.append((self._first, conform(self._name, frame, self._columns)))

    def frame(self) -> pd.DataFrame:
        self._flush()
        frames = [frame for _, frame in sorted(self._frames, key=lambda placed: placed[0])]
        self._frames = []
        if not frames:
            return conform(self._name, pd.DataFrame([], columns=self._names), self._columns)
        if len(frames) == 1:
            return frames[0]
        return _joined(frames, self._names)


def _joined(frames: list[pd.DataFrame], names: list[str]) -> pd.DataFrame:
    """The conformed frames one after the other, as one conformed frame (one Arrow chunk per
    string column, as `conform` makes it from all the rows at once)."""
    out = {}
    for name in names:
        series = pd.concat([f[name] for f in frames], ignore_index=True)
        if getattr(series.dtype, "storage", None) == "pyarrow":
            series = pd.Series(pd.array(series.array.__arrow_array__().combine_chunks(), dtype=series.dtype))
        out[name] = series
    return pd.DataFrame(out, index=range(sum(len(f) for f in frames)))


def _dedupe_tuples(rows: list[tuple[Any, ...]], key: list[int]) -> Iterable[tuple[Any, ...]]:
    """The rows unique by `key` (column positions): the last of equal keys, in the place of the
    first (a dict keeps a key's first place and its last value). The keys are taken in C."""
    pick = itemgetter(*key) if len(key) > 1 else (lambda row: (row[key[0]],))
    seen = dict(zip(map(pick, rows), rows))
    return seen.values() if len(seen) < len(rows) else rows


_MISSING = np.nan  # what pandas puts for a key a row dict does not have (lib.dicts_to_array)


def _extend_tuples(out: list[tuple[Any, ...]], rows: Iterable[Mapping[str, Any]], names: list[str]) -> None:
    """Append each row dict as the tuple of its `names` values (a fifth of a dict's memory).

    A key the dict lacks becomes NaN, as in the object array pandas builds from dicts
    (lib.dicts_to_array), so `pd.DataFrame(tuples, columns=names)` is the frame of the dicts."""
    pick = itemgetter(*names) if len(names) > 1 else None  # C speed for complete rows
    for row in rows:
        try:
            out.append(pick(row))  # type: ignore[misc]
        except (KeyError, TypeError):
            out.append(tuple(row.get(c, _MISSING) for c in names))


# --- one builder per table -----------------------------------------------------------------

def _registries(index: CallIndex, unit: Unit) -> list[dict[str, Any]]:
    identity = index.first_ok(unit, "sts", "GetCallerIdentity") or {}
    registry = index.first_ok(unit, "ecr", "DescribeRegistry") or {}
    scanning = index.first_ok(unit, "ecr", "GetRegistryScanningConfiguration")
    scanning_call = index.first_call(unit, "ecr", "GetRegistryScanningConfiguration")
    inspector_file, inspector_pointer = _inspector_source(index, unit)
    setting = index.first_ok(unit, "ecr", "GetAccountSetting")
    scan_type = None
    if scanning is not None:
        # "When a registry scanning configuration is not defined, by default the BASIC scan
        # type is used." (botocore ECR model)
        scan_type = (scanning.get("scanningConfiguration") or {}).get("scanType") or "BASIC"
    return [{
        "account_id": unit[0],
        "region": unit[1],
        "registry_id": registry.get("registryId") or (scanning or {}).get("registryId"),
        "caller_arn": identity.get("Arn"),
        "scan_type": scan_type,
        "basic_scan_engine": (setting or {}).get("value"),
        "inspector_ecr_status": _inspector_status(index, unit),
        "inspector_coverage_collected": index.fully_read(unit, "inspector2", "ListCoverage"),
        "inspector_findings_collected": index.fully_read(unit, "inspector2", "ListFindingAggregations"),
        "scanning_source_file": scanning_call.relative_path() if scanning_call else None,
        "scanning_source_pointer": _scan_type_pointer(scanning_call),
        "inspector_source_file": inspector_file,
        "inspector_source_pointer": inspector_pointer,
    }]


def _scan_type_pointer(call: RawCall | None) -> str | None:
    """Where the registry's scan type is: its scanType member, or the whole response when it has
    none (AWS's default BASIC), or the error code of a failed call."""
    if call is None:
        return None
    if not call.ok:
        return "/Error/Code"
    if "scanType" in (call.response.get("scanningConfiguration") or {}):
        return pointer("scanningConfiguration", "scanType")
    return ""


def _inspector_source(index: CallIndex, unit: Unit) -> tuple[str | None, str | None]:
    """BatchGetAccountStatus's file and the pointer to this account's ECR status in it."""
    call = index.first_call(unit, "inspector2", "BatchGetAccountStatus")
    if call is None:
        return None, None
    if not call.ok:
        return call.relative_path(), "/Error/Code"
    for i, account in enumerate(call.response.get("accounts", [])):
        if account.get("accountId") == unit[0]:
            if ((account.get("resourceState") or {}).get("ecr") or {}).get("status") is not None:
                return call.relative_path(), pointer("accounts", i, "resourceState", "ecr", "status")
            return call.relative_path(), pointer("accounts", i)
    return call.relative_path(), pointer("accounts")


def _fully_read(calls: Iterable[RawCall]) -> bool | None:
    """True when a paged listing was read to its last page; None when it was never called."""
    all_ok, last = True, None
    for call in calls:
        all_ok, last = all_ok and call.ok, call
    return _read_to_end(all_ok, last)


def _read_to_end(all_ok: bool, last: RawCall | None) -> bool | None:
    return None if last is None else all_ok and not last.response.get("nextToken")


def _inspector_status(index: CallIndex, unit: Unit) -> str | None:
    answer = index.first_ok(unit, "inspector2", "BatchGetAccountStatus")
    for account in (answer or {}).get("accounts", []):
        if account.get("accountId") == unit[0]:
            return ((account.get("resourceState") or {}).get("ecr") or {}).get("status")
    return None


def _scan_rules(index: CallIndex, unit: Unit) -> list[dict[str, Any]]:
    call = index.first_call(unit, "ecr", "GetRegistryScanningConfiguration")
    if call is None or not call.ok:
        return []
    rules = (call.response.get("scanningConfiguration") or {}).get("rules") or []
    return [
        {"account_id": unit[0], "region": unit[1], "rule_index": i,
         "scan_frequency": rule.get("scanFrequency"), "filter": f.get("filter"),
         "filter_type": f.get("filterType", "WILDCARD"), "source_file": call.relative_path(),
         "source_pointer": pointer("scanningConfiguration", "rules", i, "repositoryFilters", j)}
        for i, rule in enumerate(rules)
        for j, f in enumerate(rule.get("repositoryFilters") or [])
    ]


def _repositories(index: CallIndex, unit: Unit) -> list[dict[str, Any]]:
    policies = _lifecycle_policies(index, unit)
    rows = []
    for call in index.each(unit, "ecr", "DescribeRepositories"):
        if not call.ok:
            continue
        for i, repo in enumerate(call.response.get("repositories", [])):
            name = repo["repositoryName"]
            status, text, evaluated, lifecycle = policies.get(name, ("UNKNOWN", None, None, (None, None)))
            encryption = repo.get("encryptionConfiguration") or {}
            rows.append({
                "account_id": unit[0],
                "region": unit[1],
                "repository_name": name,
                "repository_arn": repo.get("repositoryArn"),
                "registry_id": repo.get("registryId"),
                "created_at": repo.get("createdAt"),
                "image_tag_mutability": repo.get("imageTagMutability"),
                "encryption_type": encryption.get("encryptionType"),
                "kms_key": encryption.get("kmsKey"),
                "scan_on_push": (repo.get("imageScanningConfiguration") or {}).get("scanOnPush"),
                "lifecycle_policy_status": status,
                "lifecycle_policy_text": text,
                "lifecycle_last_evaluated_at": evaluated,
                "source_file": call.relative_path(),
                "source_pointer": pointer("repositories", i),
                "lifecycle_source_file": lifecycle[0],
                "lifecycle_source_pointer": lifecycle[1],
            })
    return rows


def _lifecycle_policies(index: CallIndex, unit: Unit) -> dict[str, tuple[str, Any, Any, Any]]:
    """Per repository: (status, policy text, last evaluated, (raw file, pointer)). A call that
    failed otherwise leaves the status UNKNOWN but still names its error as the evidence."""
    found: dict[str, tuple[str, Any, Any, Any]] = {}
    for call in index.each(unit, "ecr", "GetLifecyclePolicy"):
        name = call.params.get("repositoryName")
        if call.ok:
            found[name] = ("PRESENT", call.response.get("lifecyclePolicyText"),
                           call.response.get("lastEvaluatedAt"),
                           (call.relative_path(), pointer("lifecyclePolicyText")))
        elif call.error_code == "LifecyclePolicyNotFoundException":
            found[name] = ("ABSENT", None, None, (call.relative_path(), "/Error/Code"))
        elif name not in found:
            found[name] = ("UNKNOWN", None, None, (call.relative_path(), "/Error/Code"))
    return found


def _repository_scan_config(index: CallIndex, unit: Unit) -> list[dict[str, Any]]:
    rows = []
    for call in index.each(unit, "ecr", "BatchGetRepositoryScanningConfiguration"):
        if not call.ok:
            continue
        for i, cfg in enumerate(call.response.get("scanningConfigurations", [])):
            filters = "; ".join(f"{f.get('filterType', 'WILDCARD')}:{f.get('filter')}"
                                for f in cfg.get("appliedScanFilters") or [])
            rows.append({"account_id": unit[0], "region": unit[1],
                         "repository_name": cfg.get("repositoryName"),
                         "scan_frequency": cfg.get("scanFrequency"),
                         "scan_on_push": cfg.get("scanOnPush"),
                         "applied_filters": filters or None,
                         "source_file": call.relative_path(),
                         "source_pointer": pointer("scanningConfigurations", i)})
    return rows


def _images(index: CallIndex, unit: Unit) -> Tuples:
    """One row per ImageDetail, call by call (unique by image: `_KEYS`)."""
    return Tuples(_image_tuples_of_calls(index, unit))


def _image_tuples_of_calls(index: CallIndex, unit: Unit) -> Iterator[tuple[Any, ...]]:
    for call in index.each(unit, "ecr", "DescribeImages"):
        if call.ok:
            repo = call.params.get("repositoryName")
            yield from _image_tuples(unit[0], unit[1], repo, call.response.get("imageDetails", []),
                                     call.relative_path())


IMAGE_COLUMNS = tuple(SNAPSHOT_TABLES["images"])
"""The `images` columns, in the order of `_image_tuples`' values."""


def image_rows(account_id: str, region: str, repository: str,
               details: Iterable[Mapping[str, Any]], *,
               source_file: str | None = None) -> list[dict[str, Any]]:
    """Rows of the `images` table for one repository's ImageDetail objects (`source_file`: the
    DescribeImages call they came from, when they came from one)."""
    return [dict(zip(IMAGE_COLUMNS, row))
            for row in _image_tuples(account_id, region, repository, details, source_file)]


def _image_tuples(account_id: str, region: str, repository: str, details: Iterable[Mapping[str, Any]],
                  source_file: str | None) -> Iterator[tuple[Any, ...]]:
    """One `images` row (IMAGE_COLUMNS) per ImageDetail: hot, ~100k per scale-40 run."""
    for i, d in enumerate(details):
        get = d.get
        status = get("imageScanStatus") or {}
        summary = get("imageScanFindingsSummary") or {}
        yield (
            account_id, region, get("repositoryName", repository), d["imageDigest"],
            tuple(sorted(get("imageTags") or ())),
            get("imagePushedAt"),
            int(get("imageSizeInBytes") or 0),
            get("imageManifestMediaType"), get("artifactMediaType"),
            get("lastRecordedPullTime"),
            get("imageStatus") or "ACTIVE",
            get("lastArchivedAt"), get("lastActivatedAt"),
            get("subjectManifestDigest"),
            status.get("status"),
            summary.get("imageScanCompletedAt"),
            *_severity_values(summary.get("findingSeverityCounts") if summary else None),
            source_file,
            # A member name without "~" or "/" and an index need no escaping.
            f"/imageDetails/{i}" if source_file else None,
        )


def _basic_findings(index: CallIndex, unit: Unit) -> Tuples:
    """One row per DescribeImageScanFindings call (unique by image: `_KEYS`), the schema's
    columns in order."""
    rows = []
    for call in index.each(unit, "ecr", "DescribeImageScanFindings"):
        key = (unit[0], unit[1], call.params.get("repositoryName"),
               (call.params.get("imageId") or {}).get("imageDigest"))
        source = (call.relative_path(), "/imageScanStatus/status" if call.ok else "/Error/Code")
        if call.ok:
            findings = call.response.get("imageScanFindings") or {}
            status = call.response.get("imageScanStatus") or {}
            rows.append((*key, status.get("status"), status.get("description"),
                         findings.get("imageScanCompletedAt"), findings.get("vulnerabilitySourceUpdatedAt"),
                         *_severity_values(findings.get("findingSeverityCounts") if findings else None),
                         *source))
        else:
            # ScanNotFoundException's message only repeats the image id; a real failure's
            # message is worth showing.
            not_found = call.error_code == "ScanNotFoundException"
            rows.append((*key, "NOT_SCANNED" if not_found else "ERROR",
                         None if not_found else f"{call.error_code}: {call.response['Error'].get('Message')}",
                         None, None, *_NO_COUNTS, *source))
    return Tuples(rows)


def _severity_counts(counts: Mapping[str, int] | None) -> dict[str, int | None]:
    """Severity counts; absent severities are 0 when a result exists, <NA> when none does."""
    if counts is None:
        return {name: None for name in SEVERITY_COUNTS}
    out: dict[str, int | None] = {name: 0 for name in SEVERITY_COUNTS}
    for key, value in counts.items():
        if key.upper() in SEVERITY_KEYS:
            out[SEVERITY_KEYS[key.upper()]] = int(value)
    return out


_NO_COUNTS = (None,) * len(SEVERITY_COUNTS)
_UPPER_SEVERITIES = tuple(SEVERITY_KEYS)  # CRITICAL, HIGH, ... in SEVERITY_COUNTS' order
_UPPER_SEVERITY_SET = frozenset(_UPPER_SEVERITIES)


def _severity_values(counts: Mapping[str, int] | None) -> tuple[int | None, ...]:
    """`_severity_counts(counts)`'s values, in SEVERITY_COUNTS' order. AWS writes the keys in
    capitals, each once: then read directly, without making the dict."""
    if counts is None:
        return _NO_COUNTS
    if counts.keys() <= _UPPER_SEVERITY_SET:
        get = counts.get
        return tuple([int(get(key, 0)) for key in _UPPER_SEVERITIES])
    return tuple(_severity_counts(counts).values())


def _inspector_coverage(index: CallIndex, unit: Unit) -> Tuples:
    """One row per covered ECR image or repository, the schema's columns in order."""
    rows = []
    for call in index.each(unit, "inspector2", "ListCoverage"):
        if not call.ok:
            continue
        source_file = call.relative_path()
        for i, res in enumerate(call.response.get("coveredResources", [])):
            get = res.get
            if get("resourceType") not in ("AWS_ECR_CONTAINER_IMAGE", "AWS_ECR_REPOSITORY"):
                continue
            meta = get("resourceMetadata") or {}
            repo_meta, image_meta = meta.get("ecrRepository") or {}, meta.get("ecrImage") or {}
            repository, digest = parse_ecr_resource_id(get("resourceId", ""))
            status = get("scanStatus") or {}
            rows.append((
                get("accountId") or unit[0], unit[1],
                get("resourceType"), get("resourceId"),
                repo_meta.get("name") or repository, digest,
                status.get("statusCode"), status.get("reason"),
                repo_meta.get("scanFrequency"),
                get("lastScannedAt"), image_meta.get("imagePulledAt"), image_meta.get("lastInUseAt"),
                source_file, f"/coveredResources/{i}",
            ))
    return Tuples(rows)


def parse_ecr_resource_id(resource_id: str) -> tuple[str | None, str | None]:
    """(repository, digest) from an Inspector ECR resource id.

    Images: `arn:aws:ecr:<region>:<account>:repository/<name>/sha256:<hex>`;
    repositories: `arn:aws:ecr:<region>:<account>:repository/<name>`.
    """
    _, sep, path = resource_id.partition(":repository/")
    if not sep:
        return None, None
    repo, sep, digest = path.rpartition("/sha256:")
    if sep:
        return repo, "sha256:" + digest
    return path, None


def _inspector_findings(index: CallIndex, unit: Unit) -> Tuples:
    """One row per image aggregation, the schema's columns in order."""
    rows = []
    for call in index.each(unit, "inspector2", "ListFindingAggregations"):
        if not call.ok:
            continue
        source_file = call.relative_path()
        for i, item in enumerate(call.response.get("responses", [])):
            agg = item.get("awsEcrContainerAggregation")
            if not agg:
                continue
            digest = agg.get("imageSha") or parse_ecr_resource_id(agg.get("resourceId", ""))[1]
            if digest and not digest.startswith("sha256:"):
                digest = "sha256:" + digest
            counts = agg.get("severityCounts") or {}
            rows.append((agg.get("accountId") or unit[0], unit[1], agg.get("repository"), digest,
                         counts.get("critical"), counts.get("high"), counts.get("medium"), counts.get("all"),
                         source_file, f"/responses/{i}/awsEcrContainerAggregation"))
    return Tuples(rows)


def _pull_through_rules(index: CallIndex, unit: Unit) -> list[dict[str, Any]]:
    rows = []
    for page in index.ok(unit, "ecr", "DescribePullThroughCacheRules"):
        for rule in page.get("pullThroughCacheRules", []):
            rows.append({
                "account_id": unit[0], "region": unit[1],
                "ecr_repository_prefix": rule.get("ecrRepositoryPrefix"),
                "upstream_registry": rule.get("upstreamRegistry"),
                "upstream_registry_url": rule.get("upstreamRegistryUrl"),
                "upstream_repository_prefix": rule.get("upstreamRepositoryPrefix"),
                "has_credential": bool(rule.get("credentialArn")),
                "custom_role_arn": rule.get("customRoleArn"),
                "created_at": rule.get("createdAt"),
            })
    return rows
