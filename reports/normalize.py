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
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from .concern import Concern
from .provenance import pointer
from .raw import CallsByUnit, RawCall
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
            group.sort(key=lambda c: c.seq)

    def get(self, unit: Unit, service: str, operation: str) -> list[RawCall]:
        return self._by_key.get((unit[0], unit[1], service, operation), [])

    def ok(self, unit: Unit, service: str, operation: str) -> list[dict[str, Any]]:
        return [c.response for c in self.get(unit, service, operation) if c.ok]

    def first_ok(self, unit: Unit, service: str, operation: str) -> dict[str, Any] | None:
        found = self.ok(unit, service, operation)
        return found[0] if found else None

    def first_call(self, unit: Unit, service: str, operation: str) -> RawCall | None:
        """The first successful call, else the first failed one (its error is the evidence)."""
        calls = self.get(unit, service, operation)
        return next((c for c in calls if c.ok), calls[0] if calls else None)


def normalize(calls: Iterable[RawCall] | CallsByUnit, units: Sequence[Unit],
              concerns: Sequence[Concern]) -> dict[str, pd.DataFrame]:
    """Every snapshot table (the foundation's and each given concern's), conformed to its schema.

    `calls` is every recorded call, or a `CallsByUnit` that hands them over one unit at a time:
    every builder reads only its own unit's calls, so the tables are the same, and only one
    unit's calls are held at once."""
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
    by_unit = getattr(calls, "unit_calls", None)
    shared = CallIndex(calls) if by_unit is None else None  # type: ignore[arg-type]
    rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in builders}
    for unit in units:
        index = shared if shared is not None else CallIndex(by_unit(*unit))  # type: ignore[misc]
        for name, build in builders.items():
            _extend_tuples(rows[name], build(index, unit), list(columns[name]))
        del index
    tables = {}
    for name in builders:
        tables[name] = conform(name, pd.DataFrame(rows.pop(name), columns=list(columns[name])), columns[name])
    return tables


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
        "inspector_coverage_collected": _fully_read(index.get(unit, "inspector2", "ListCoverage")),
        "inspector_findings_collected": _fully_read(index.get(unit, "inspector2", "ListFindingAggregations")),
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


def _fully_read(calls: list[RawCall]) -> bool | None:
    """True when a paged listing was read to its last page; None when it was never called."""
    if not calls:
        return None
    return all(c.ok for c in calls) and not calls[-1].response.get("nextToken")


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
    for call in index.get(unit, "ecr", "DescribeRepositories"):
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
    for call in index.get(unit, "ecr", "GetLifecyclePolicy"):
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
    for call in index.get(unit, "ecr", "BatchGetRepositoryScanningConfiguration"):
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


def _images(index: CallIndex, unit: Unit) -> list[dict[str, Any]]:
    rows = []
    for call in index.get(unit, "ecr", "DescribeImages"):
        if call.ok:
            repo = call.params.get("repositoryName")
            rows.extend(image_rows(unit[0], unit[1], repo, call.response.get("imageDetails", []),
                                   source_file=call.relative_path()))
    return _dedupe(rows, ("repository_name", "image_digest"))


def image_rows(account_id: str, region: str, repository: str,
               details: Iterable[Mapping[str, Any]], *,
               source_file: str | None = None) -> list[dict[str, Any]]:
    """Rows of the `images` table for one repository's ImageDetail objects (`source_file`: the
    DescribeImages call they came from, when they came from one)."""
    rows = []
    for i, d in enumerate(details):
        status = d.get("imageScanStatus") or {}
        summary = d.get("imageScanFindingsSummary") or {}
        rows.append({
            "account_id": account_id,
            "region": region,
            "repository_name": d.get("repositoryName", repository),
            "image_digest": d["imageDigest"],
            "image_tags": tuple(sorted(d.get("imageTags") or ())),
            "pushed_at": d.get("imagePushedAt"),
            "size_bytes": int(d.get("imageSizeInBytes") or 0),
            "manifest_media_type": d.get("imageManifestMediaType"),
            "artifact_media_type": d.get("artifactMediaType"),
            "last_pull_at": d.get("lastRecordedPullTime"),
            "image_status": d.get("imageStatus") or "ACTIVE",
            "last_archived_at": d.get("lastArchivedAt"),
            "last_activated_at": d.get("lastActivatedAt"),
            "subject_digest": d.get("subjectManifestDigest"),
            "scan_status": status.get("status"),
            "scan_completed_at": summary.get("imageScanCompletedAt"),
            **_severity_counts(summary.get("findingSeverityCounts") if summary else None),
            "source_file": source_file,
            # Per image (hot): a member name without "~" or "/" and an index need no escaping.
            "source_pointer": f"/imageDetails/{i}" if source_file else None,
        })
    return rows


def _basic_findings(index: CallIndex, unit: Unit) -> list[dict[str, Any]]:
    rows = []
    for call in index.get(unit, "ecr", "DescribeImageScanFindings"):
        row = {"account_id": unit[0], "region": unit[1],
               "repository_name": call.params.get("repositoryName"),
               "image_digest": (call.params.get("imageId") or {}).get("imageDigest"),
               "source_file": call.relative_path(),
               "source_pointer": "/imageScanStatus/status" if call.ok else "/Error/Code"}
        if call.ok:
            findings = call.response.get("imageScanFindings") or {}
            status = call.response.get("imageScanStatus") or {}
            row.update({
                "scan_status": status.get("status"),
                "scan_status_description": status.get("description"),
                "scan_completed_at": findings.get("imageScanCompletedAt"),
                "vulnerability_source_updated_at": findings.get("vulnerabilitySourceUpdatedAt"),
                **_severity_counts(findings.get("findingSeverityCounts") if findings else None),
            })
        else:
            # ScanNotFoundException's message only repeats the image id; a real failure's
            # message is worth showing.
            not_found = call.error_code == "ScanNotFoundException"
            row.update({"scan_status": "NOT_SCANNED" if not_found else "ERROR",
                        "scan_status_description": None if not_found else
                        f"{call.error_code}: {call.response['Error'].get('Message')}",
                        "scan_completed_at": None, "vulnerability_source_updated_at": None,
                        **_severity_counts(None)})
        rows.append(row)
    return _dedupe(rows, ("repository_name", "image_digest"))


def _severity_counts(counts: Mapping[str, int] | None) -> dict[str, int | None]:
    """Severity counts; absent severities are 0 when a result exists, <NA> when none does."""
    if counts is None:
        return {name: None for name in SEVERITY_COUNTS}
    out: dict[str, int | None] = {name: 0 for name in SEVERITY_COUNTS}
    for key, value in counts.items():
        if key.upper() in SEVERITY_KEYS:
            out[SEVERITY_KEYS[key.upper()]] = int(value)
    return out


def _inspector_coverage(index: CallIndex, unit: Unit) -> list[dict[str, Any]]:
    rows = []
    for call in index.get(unit, "inspector2", "ListCoverage"):
        if not call.ok:
            continue
        for i, res in enumerate(call.response.get("coveredResources", [])):
            if res.get("resourceType") not in ("AWS_ECR_CONTAINER_IMAGE", "AWS_ECR_REPOSITORY"):
                continue
            meta = res.get("resourceMetadata") or {}
            repo_meta, image_meta = meta.get("ecrRepository") or {}, meta.get("ecrImage") or {}
            repository, digest = parse_ecr_resource_id(res.get("resourceId", ""))
            status = res.get("scanStatus") or {}
            rows.append({
                "account_id": res.get("accountId") or unit[0],
                "region": unit[1],
                "resource_type": res.get("resourceType"),
                "resource_id": res.get("resourceId"),
                "repository_name": repo_meta.get("name") or repository,
                "image_digest": digest,
                "scan_status_code": status.get("statusCode"),
                "scan_status_reason": status.get("reason"),
                "scan_frequency": repo_meta.get("scanFrequency"),
                "last_scanned_at": res.get("lastScannedAt"),
                "image_pulled_at": image_meta.get("imagePulledAt"),
                "last_in_use_at": image_meta.get("lastInUseAt"),
                "source_file": call.relative_path(),
                "source_pointer": f"/coveredResources/{i}",
            })
    return rows


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


def _inspector_findings(index: CallIndex, unit: Unit) -> list[dict[str, Any]]:
    rows = []
    for call in index.get(unit, "inspector2", "ListFindingAggregations"):
        if not call.ok:
            continue
        for i, item in enumerate(call.response.get("responses", [])):
            agg = item.get("awsEcrContainerAggregation")
            if not agg:
                continue
            digest = agg.get("imageSha") or parse_ecr_resource_id(agg.get("resourceId", ""))[1]
            if digest and not digest.startswith("sha256:"):
                digest = "sha256:" + digest
            counts = agg.get("severityCounts") or {}
            rows.append({"account_id": agg.get("accountId") or unit[0], "region": unit[1],
                         "repository_name": agg.get("repository"), "image_digest": digest,
                         "critical": counts.get("critical"), "high": counts.get("high"),
                         "medium": counts.get("medium"), "all": counts.get("all"),
                         "source_file": call.relative_path(),
                         "source_pointer": f"/responses/{i}/awsEcrContainerAggregation"})
    return rows


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


def _dedupe(rows: list[dict[str, Any]], key: tuple[str, ...]) -> list[dict[str, Any]]:
    # A page retried after a partial failure can repeat items; the last answer wins.
    seen: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        seen[tuple(row[k] for k in key)] = row
    return list(seen.values())
