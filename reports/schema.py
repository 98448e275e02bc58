"""Declared schemas of every table that moves between pipeline stages.

One dict per table: column name -> pandas dtype. `normalize` builds the snapshot tables with
these columns, `analyse` returns result tables with these columns, and `conform` checks (and
coerces) a frame against its schema, so a stage never silently hands the next one a frame with a
missing column or a float where an int64 belongs.

Conventions: timestamps are timezone-aware UTC (`datetime64[ns, UTC]`); bytes are `int64`;
counts that may be unknown are nullable `Int64` (unknown is <NA>, never 0); money is `float64`
USD; list-valued columns (image tags) are `object` holding tuples of str.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

TS = "datetime64[ns, UTC]"
STR = "string"
BOOL = "boolean"
INT = "Int64"  # nullable: <NA> means "not known", which must never read as zero
LIST = "object"

UNIT_KEY = {"account_id": STR, "region": STR}
REPO_KEY = {**UNIT_KEY, "repository_name": STR}
IMAGE_KEY = {**REPO_KEY, "image_digest": STR}
#: Where a snapshot row came from (reports.provenance): the raw file of the call, relative to
#: raw/, and the JSON Pointer of the row's object inside that call's response.
SOURCE = {"source_file": STR, "source_pointer": STR}
#: Where a result row's figure came from: parallel ";"-separated lists (reports.provenance).
EVIDENCE_REFS = {"evidence_file": STR, "evidence_pointer": STR}
SEVERITY_COUNTS = {
    "critical": INT,
    "high": INT,
    "medium": INT,
    "low": INT,
    "informational": INT,
    "undefined": INT,
}

# --- snapshot tables (built by reports.normalize from raw API responses) -------------------

SNAPSHOT_TABLES: dict[str, dict[str, str]] = {
    # One row per collected (account, region) unit.
    "registries": {
        **UNIT_KEY,
        "registry_id": STR,
        "caller_arn": STR,
        # BASIC | ENHANCED; <NA> when GetRegistryScanningConfiguration failed.
        "scan_type": STR,
        # AWS_NATIVE | CLAIR; <NA> when GetAccountSetting failed or is unsupported.
        "basic_scan_engine": STR,
        # Inspector's ECR scanning status for the account (ENABLED, DISABLED, ...); <NA> unknown.
        "inspector_ecr_status": STR,
        # Every page of ListCoverage / ListFindingAggregations was read (<NA>: not called).
        # An image with no coverage record in a fully read unit was never scanned; in a unit
        # whose coverage could not be read it is NOT_CHECKED.
        "inspector_coverage_collected": BOOL,
        "inspector_findings_collected": BOOL,
        # GetRegistryScanningConfiguration's raw file, and the pointer to its scanType (""
        # when the response has none: the default BASIC; /Error/Code when the call failed).
        "scanning_source_file": STR,
        "scanning_source_pointer": STR,
        # BatchGetAccountStatus's raw file and the pointer to this account's ECR status.
        "inspector_source_file": STR,
        "inspector_source_pointer": STR,
    },
    # One row per (registry scanning rule, repository filter).
    "scan_rules": {
        **UNIT_KEY,
        "rule_index": "int64",
        "scan_frequency": STR,  # SCAN_ON_PUSH | CONTINUOUS_SCAN | MANUAL
        "filter": STR,
        "filter_type": STR,  # WILDCARD
        **SOURCE,  # the repository filter object
    },
    "repositories": {
        **REPO_KEY,
        "repository_arn": STR,
        "registry_id": STR,
        "created_at": TS,
        "image_tag_mutability": STR,  # MUTABLE | IMMUTABLE | *_WITH_EXCLUSION
        "encryption_type": STR,  # AES256 | KMS | KMS_DSSE
        "kms_key": STR,
        "scan_on_push": BOOL,  # legacy repository-level imageScanningConfiguration
        "lifecycle_policy_status": STR,  # PRESENT | ABSENT | UNKNOWN
        "lifecycle_policy_text": STR,
        "lifecycle_last_evaluated_at": TS,
        **SOURCE,  # the DescribeRepositories repository object
        # GetLifecyclePolicy's raw file: /lifecyclePolicyText when PRESENT, /Error/Code otherwise
        "lifecycle_source_file": STR,
        "lifecycle_source_pointer": STR,
    },
    # AWS's own per-repository answer (BatchGetRepositoryScanningConfiguration), when collected.
    "repository_scan_config_aws": {
        **REPO_KEY,
        "scan_frequency": STR,
        "scan_on_push": BOOL,
        "applied_filters": STR,  # "FREQUENCY:filter; ..." as AWS reported them
        **SOURCE,
    },
    "images": {
        **IMAGE_KEY,
        "image_tags": LIST,  # tuple[str, ...]
        "pushed_at": TS,
        "size_bytes": "int64",
        "manifest_media_type": STR,
        "artifact_media_type": STR,
        "last_pull_at": TS,
        "image_status": STR,  # ACTIVE | ARCHIVED | ACTIVATING
        "last_archived_at": TS,
        "last_activated_at": TS,
        "subject_digest": STR,  # set for referrers (signatures, SBOMs)
        # From DescribeImages' imageScanStatus / imageScanFindingsSummary (legacy basic/Clair).
        "scan_status": STR,
        "scan_completed_at": TS,
        **SEVERITY_COUNTS,
        **SOURCE,  # the DescribeImages imageDetails object
    },
    # One row per image inside the basic-findings scope (DescribeImageScanFindings was called).
    # An image with no row was outside the scope: its scan state is NOT_CHECKED, never "clean".
    "basic_findings": {
        **IMAGE_KEY,
        # The API's imageScanStatus.status (COMPLETE, FAILED, UNSUPPORTED_IMAGE, ...), or
        # NOT_SCANNED (ScanNotFoundException), or ERROR (the call failed; see completeness).
        "scan_status": STR,
        "scan_status_description": STR,
        "scan_completed_at": TS,
        "vulnerability_source_updated_at": TS,
        **SEVERITY_COUNTS,
        **SOURCE,  # /imageScanStatus/status, or /Error/Code of a failed call
    },
    # Inspector coverage (ListCoverage), images and repositories.
    "inspector_coverage": {
        **UNIT_KEY,
        "resource_type": STR,  # AWS_ECR_CONTAINER_IMAGE | AWS_ECR_REPOSITORY
        "resource_id": STR,
        "repository_name": STR,
        "image_digest": STR,  # <NA> for repository rows
        "scan_status_code": STR,  # ACTIVE | INACTIVE
        "scan_status_reason": STR,
        "scan_frequency": STR,  # repository rows only
        "last_scanned_at": TS,
        "image_pulled_at": TS,
        "last_in_use_at": TS,
        **SOURCE,  # the coveredResources object
    },
    # Inspector per-image severity counts (ListFindingAggregations, AWS_ECR_CONTAINER).
    "inspector_findings": {
        **IMAGE_KEY,
        "critical": INT,
        "high": INT,
        "medium": INT,
        "all": INT,
        **SOURCE,  # the awsEcrContainerAggregation object
    },
    "pull_through_rules": {
        **UNIT_KEY,
        "ecr_repository_prefix": STR,
        "upstream_registry": STR,
        "upstream_registry_url": STR,
        "upstream_repository_prefix": STR,
        "has_credential": BOOL,
        "custom_role_arn": STR,
        "created_at": TS,
    },
}

# --- analysis results (built by reports.coverage / reports.compliance) ---------------------

RESULT_TABLES: dict[str, dict[str, str]] = {
    # design.md contract: data/coverage.csv, one row per repository.
    "coverage": {
        **REPO_KEY,
        "scan_type": STR,  # BASIC | ENHANCED (registry's); <NA> if unknown
        "scan_engine": STR,  # AWS_NATIVE | CLAIR | INSPECTOR
        # effective: MANUAL | SCAN_ON_PUSH | CONTINUOUS_SCAN; <NA> when the registry's
        # configuration was not collected and AWS gave no per-repository answer
        "scan_frequency": STR,
        "frequency_source": STR,  # which setting decided it, human readable
        "matched_filter": STR,  # the registry filter that matched, if any
        "automatically_scanned": BOOL,  # False for MANUAL (and enhanced repos matching no filter)
        "aws_scan_frequency": STR,  # AWS's per-repository answer, if collected
        "aws_disagrees": BOOL,
        "images_total": "int64",  # every image, archived and artifacts included
        "images_scannable": "int64",  # container images a scanner can scan (no signatures/SBOMs, manifest lists, archived)
        "images_scanned": "int64",  # images with a scan result we could see
        "images_monitored": "int64",  # enhanced: Inspector ACTIVE
        "images_not_checked": "int64",  # outside the findings scope
        **SEVERITY_COUNTS,
        # The values that decided scan_frequency (reports.provenance); the image counts rest on
        # the image_scans rows, each with its own evidence.
        **EVIDENCE_REFS,
    },
    # One row per image: what its scan state is and how we know.
    "image_scans": {
        **IMAGE_KEY,
        "pushed_at": TS,
        "image_status": STR,
        # SCANNED | STALE_BASIC | MONITORED | INACTIVE | PENDING | NEVER_SCANNED | FAILED |
        # UNSUPPORTED | ARCHIVED | NOT_CHECKED
        "scan_state": STR,
        "scan_state_reason": STR,
        "scannable": BOOL,  # a container image a scanner can scan (counted in images_scannable)
        "scan_source": STR,  # BASIC | INSPECTOR | <NA>
        "scan_completed_at": TS,
        "scan_age_days": "float64",
        **SEVERITY_COUNTS,
        **EVIDENCE_REFS,  # the value that decided scan_state
    },
    # design.md contract: data/compliance.csv, one row per (repository, control).
    "compliance": {
        **REPO_KEY,
        "control_id": STR,  # ECR.1 | ECR.2 | ECR.3 | ECR.5 | Inspector.2
        "title": STR,
        "severity": STR,
        "status": STR,  # PASS | FAIL | NOT_APPLICABLE | UNKNOWN
        "evidence": STR,
        **EVIDENCE_REFS,  # the value(s) that decided status (reports.provenance)
        "rule": STR,  # the rule applied, in words
    },
    # data/framework_mapping.csv: one row per (framework, requirement, control), AWS's mapping
    # (reports/framework_mapping.csv) with the control's verdict counts (reports.frameworks).
    "framework_mapping": {
        "framework": STR,  # NIST SP 800-53 Rev. 5 | PCI DSS v4.0.1
        "requirement": STR,  # e.g. RA-5, 6.2.3
        "control_id": STR,
        "aws_id": STR,  # as Security Hub writes it, e.g. "NIST.800-53.r5 RA-5"
        "status": STR,  # FAIL | UNKNOWN | PASS | NOT_EVALUATED (no verdict for the control)
        "pass": "int64",
        "fail": "int64",
        "unknown": "int64",
        "not_applicable": "int64",
        "evidence_rows": STR,  # the compliance rows behind the counts
        "evidence_files": STR,  # distinct raw files of those rows, ";"-separated
        "source_title": STR,
        "source_url": STR,
        "read_on": STR,  # the date the source page was read
    },
    # One row per (account, region): coverage totals and the basic-scan quota headroom.
    "registry_coverage": {
        **UNIT_KEY,
        "scan_type": STR,
        "scan_engine": STR,
        "repositories_total": "int64",
        "repositories_scanned": "int64",
        "images_total": "int64",
        "images_scannable": "int64",
        "images_scanned": "int64",
        "images_pushed_last_24h": "int64",
        "max_images_pushed_per_day": "int64",  # busiest UTC day in the last 30
        "basic_scan_quota_per_day": "int64",  # 100,000 per registry per 24 h (src: ecr-quotas)
        "max_scan_on_push_pushes_per_day": "int64",  # what counts against the quota
        "quota_headroom_pct": "float64",  # percent 0-100; NaN when not a basic registry
        "partial": BOOL,  # a call failed in this registry: its counts may be low, a 0 is unknown
    },
}

ALL_TABLES: Mapping[str, Mapping[str, str]] = MappingProxyType({**SNAPSHOT_TABLES, **RESULT_TABLES})
"""The foundation's tables. A concern's tables are declared by the concern (reports.concern)
and passed with the frame: `conform(name, frame, columns)`."""
FOUNDATION_TABLES: tuple[str, ...] = tuple(ALL_TABLES)
"""The tables every concern may require: the foundation's snapshot and result tables."""


class SchemaError(ValueError):
    """A frame does not have the columns its schema declares."""


def empty_frame(table: str, columns: Mapping[str, str] | None = None) -> pd.DataFrame:
    """A zero-row frame with the table's columns and dtypes (`columns`: a concern's schema)."""
    schema = ALL_TABLES[table] if columns is None else columns
    return pd.DataFrame({col: pd.Series(dtype=dtype) for col, dtype in schema.items()})


def conform(table: str, frame: pd.DataFrame, columns: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Return `frame` with exactly the schema's columns, in order, cast to the schema's dtypes.

    `columns` is the schema of a concern's table; a foundation table's is looked up by name.
    Raises SchemaError naming the missing columns; extra columns are a bug too, so they raise.
    """
    schema = ALL_TABLES[table] if columns is None else columns
    missing = [c for c in schema if c not in frame.columns]
    extra = [c for c in frame.columns if c not in schema]
    if missing or extra:
        raise SchemaError(f"table {table!r}: missing columns {missing}, unexpected columns {extra}")
    if frame.empty:
        return empty_frame(table, schema)
    out = {col: cast_column(frame[col], dtype) for col, dtype in schema.items()}
    return pd.DataFrame(out, index=range(len(frame)))


def cast_column(series: pd.Series, dtype: str) -> pd.Series:
    """`series` as `dtype`, as `conform` casts it: `plain_cast`, or for times as text the same
    column parsed by Arrow (pandas' parser was a tenth of the snapshot's build at scale 40,
    most of it on columns with missing times)."""
    if dtype == TS and series.dtype == object:
        fast = _utc_time_column(series)
        if fast is not None:
            return fast
    return plain_cast(series, dtype)


def plain_cast(series: pd.Series, dtype: str) -> pd.Series:
    """The definition of `conform`'s cast, which `cast_column` follows."""
    if dtype == TS:
        series = pd.to_datetime(series, utc=True, format="ISO8601")
    return series.astype(dtype) if dtype != LIST else series


_TEXT_OR_MISSING = frozenset({str, type(None), float})
"""What the Arrow road takes: text, and None or NaN (a float that is not NaN is refused by
pa.array as text; exact types, so a str subclass or bytes is left to pandas)."""

_ISO_UTC = r"^(1[7-9]|2[01])\d\d-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|\+00:00)$"
"""The times Arrow parses here: ISO 8601 UTC as the evidence writes it (reports.raw.json_safe),
years 1700-2199 (inside datetime64[ns]); any other text goes to pandas' parser."""


def _utc_time_column(series: pd.Series) -> pd.Series | None:
    """`plain_cast(series, TS)` by Arrow's ISO 8601 parser, for an object column of UTC times as
    text and missing values (None, NaN: NaT); None for any other column, or for a text Arrow
    does not accept (pandas then parses it, or names what is wrong)."""
    values = series.to_numpy()
    if not set(map(type, values)) <= _TEXT_OR_MISSING:
        return None
    try:
        text = pa.array(values, type=pa.large_string(), from_pandas=True)
        if not pc.all(pc.match_substring_regex(text, _ISO_UTC), min_count=0).as_py():
            return None
        times = text.cast(pa.timestamp("ns", tz="UTC"))
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeEncodeError):  # a number, February 30th
        return None
    naive: Any = times.to_numpy(zero_copy_only=False)  # datetime64[ns], NaT where null
    # tz_localize makes a dtype object per column, as astype does (a frame groups the columns
    # of one dtype object into blocks: one shared object would change its block order).
    return pd.Series(np.asarray(naive), index=series.index, name=series.name).dt.tz_localize("UTC")
