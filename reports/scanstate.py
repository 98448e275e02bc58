"""Per-image scan state: what we know about each image's vulnerability scan, and how.

Builds RESULT_TABLES["image_scans"] from the snapshot, vectorized (merges and masks, no per-image
Python loop). The first matching rule decides an image's state:

1. ARCHIVED image: "Archived images cannot be scanned" ((ECR UG image-scanning.html), src: ecr-archive-restore).
2. Not a container image (reports.imagekinds): referrer -> UNSUPPORTED "signature/SBOM
   artifact"; manifest list -> UNSUPPORTED "children are scanned"; other OCI artifact ->
   UNSUPPORTED. These are excluded from every "scannable" denominator.
3. ENHANCED registry (or unknown configuration with an Inspector record): Inspector coverage
   (ListCoverage, botocore inspector2 model, ListCoverage):
   ACTIVE (SUCCESSFUL) -> MONITORED when the repository is continuous, SCANNED otherwise;
   reason SCAN_FREQUENCY_SCAN_ON_PUSH ("scanned one time and will not [get] new findings") ->
   SCANNED once `lastScannedAt` is set, else PENDING (a choice: the status code that comes with
   this reason is not documented, the reason text is);
   PENDING_INITIAL_SCAN / SCAN_IN_PROGRESS -> PENDING;
   UNSUPPORTED_OS / UNSUPPORTED_MEDIA_TYPE / UNSUPPORTED_CONFIG_FILE / IMAGE_SIZE_EXCEEDED ->
   UNSUPPORTED; IMAGE_ARCHIVED -> ARCHIVED; ACCESS_DENIED* / INTERNAL_ERROR -> FAILED;
   any other INACTIVE reason (SCAN_ELIGIBILITY_EXPIRED, SCAN_FREQUENCY_MANUAL, EXCLUDED_BY_TAG,
   ...) -> INACTIVE (it counts as scanned only when `lastScannedAt` shows a past result);
   no coverage record -> NEVER_SCANNED, unless the account/region has no coverage records at
   all (ListCoverage presumably not collected) -> NOT_CHECKED.
4. BASIC registry: the basic_findings row (DescribeImageScanFindings), else the image's own
   legacy DescribeImages scan status (old basic engine / Clair): COMPLETE -> SCANNED, or
   STALE_BASIC when older than `stale_after_days` (basic results never refresh: a basic scan
   runs once per push or manual request, src: ecr-basic-scanning/src: ecr-quotas); NOT_SCANNED -> NEVER_SCANNED; FAILED /
   LIMIT_EXCEEDED -> FAILED; UNSUPPORTED_IMAGE -> UNSUPPORTED; IN_PROGRESS / PENDING -> PENDING;
   ERROR (our call failed) -> NOT_CHECKED. No row and no legacy status: NOT_CHECKED, outside
   the basic-findings scope — never counted as clean, nor as unscanned.

Evidence (`evidence_file`, `evidence_pointer`, reports.provenance): the value that decided the
state. Inspector: the coverage record's scanStatus; basic: the findings call's
imageScanStatus/status (or its /Error/Code), else the legacy DescribeImages imageScanStatus;
archived and non-image kinds: the DescribeImages member that says so (imageStatus,
subjectManifestDigest, imageManifestMediaType, artifactMediaType); anything else (no record,
not checked): the image's DescribeImages object, the rule being in scan_state_reason.

Severity counts are given only for images with a result (SCANNED, STALE_BASIC, MONITORED,
INACTIVE with a past scan). Basic COMPLETE counts absent from `findingSeverityCounts` are 0 (the
API lists only severities that occur). Inspector aggregations (ListFindingAggregations) carry
critical/high/medium only, so low/informational/undefined stay <NA>; a scanned image with no
aggregation row gets 0 only if its account/region returned any aggregation rows at all
(otherwise the call may have failed, and <NA> says "not known").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from . import imagekinds, schema
from .scanfilters import SCAN_ON_PUSH

UNIT = list(schema.UNIT_KEY)
REPO = list(schema.REPO_KEY)
IMAGE = list(schema.IMAGE_KEY)
SEVERITIES = list(schema.SEVERITY_COUNTS)
INSPECTOR_SEVERITIES = ["critical", "high", "medium"]

# States that carry a scan result (INACTIVE only with a past scan time; see has_result()).
RESULT_STATES = ("SCANNED", "STALE_BASIC", "MONITORED", "INACTIVE")

_INS_PENDING = {"PENDING_INITIAL_SCAN", "SCAN_IN_PROGRESS"}
_INS_UNSUPPORTED = {
    "UNSUPPORTED_OS",
    "UNSUPPORTED_MEDIA_TYPE",
    "UNSUPPORTED_CONFIG_FILE",
    "IMAGE_SIZE_EXCEEDED",
}
_INS_FAILED = {"ACCESS_DENIED", "ACCESS_DENIED_TO_ENCRYPTION_KEY", "INTERNAL_ERROR"}

_BASIC_STATES = {
    # status -> (scan_state, reason prefix); COMPLETE is handled separately (fresh vs stale).
    "NOT_SCANNED": ("NEVER_SCANNED", "no basic scan has been run"),
    "FAILED": ("FAILED", "basic scan failed"),
    "LIMIT_EXCEEDED": ("FAILED", "basic scan quota exceeded"),
    "UNSUPPORTED_IMAGE": ("UNSUPPORTED", "basic scanning does not support this image"),
    "IN_PROGRESS": ("PENDING", "basic scan in progress"),
    "PENDING": ("PENDING", "scan pending"),
    "IMAGE_ARCHIVED": ("ARCHIVED", "archived: cannot be scanned until restored"),
    "ACTIVE": ("SCANNED", "scan status ACTIVE"),
    "SCAN_ELIGIBILITY_EXPIRED": ("INACTIVE", "scan eligibility expired"),
    "ERROR": ("NOT_CHECKED", "DescribeImageScanFindings failed"),
    "FINDINGS_UNAVAILABLE": ("NOT_CHECKED", "findings unavailable"),
}


def _b(series: pd.Series) -> np.ndarray:
    """A boolean mask with missing as False. Comparisons of Arrow-backed text give bool[pyarrow],
    which converts directly; the detour through pandas' nullable "boolean" cost a scale-40 run
    a fifth of its coverage analysis."""
    dtype = series.dtype
    if dtype == np.dtype(bool):
        return series.to_numpy(copy=True)  # callers may combine masks in place
    if isinstance(dtype, (pd.ArrowDtype, pd.BooleanDtype)) and dtype.kind == "b":
        return series.to_numpy(dtype=bool, na_value=False)
    return series.astype("boolean").to_numpy(dtype=bool, na_value=False)


def _text(series: pd.Series) -> np.ndarray:
    return series.astype("string").fillna("").to_numpy(dtype=object)


def _latest(frame: pd.DataFrame, keys: list[str], time_col: str | None) -> pd.DataFrame:
    # One row per key; with duplicates keep the most recent result, deterministically.
    if time_col is not None:
        frame = frame.sort_values(time_col, kind="mergesort", na_position="first")
    return frame.drop_duplicates(keys, keep="last")


def _units_with_rows(frame: pd.DataFrame, images: pd.DataFrame,
                     registries: pd.DataFrame | None = None, collected: str | None = None) -> np.ndarray:
    """Per image: does its unit have rows in `frame`, or was the listing read completely?

    A fully read listing with no row for an image is a fact (never scanned); a listing that
    failed or was never read is not.
    """
    units = frame[UNIT].drop_duplicates().assign(_present=True)
    if registries is not None and collected in registries:
        read = registries.loc[_b(registries[collected]), UNIT].assign(_present=True)
        units = pd.concat([units, read], ignore_index=True).drop_duplicates(UNIT)
    merged = images[UNIT].merge(units, on=UNIT, how="left")
    return _b(merged["_present"].fillna(False))


def has_result(image_scans: pd.DataFrame) -> np.ndarray:
    """Images whose state carries a scan result we could see (coverage "images_scanned")."""
    state = image_scans["scan_state"]
    fresh = state.isin(["SCANNED", "STALE_BASIC", "MONITORED"])
    inactive = (state == "INACTIVE") & image_scans["scan_completed_at"].notna()
    return _b(fresh | inactive)


class _Assigner:
    """First-match-wins assignment of (state, reason, source) over boolean masks."""

    def __init__(self, n: int) -> None:
        self.state = np.full(n, None, dtype=object)
        self.reason = np.full(n, None, dtype=object)
        self.source = np.full(n, None, dtype=object)
        self.unset = np.ones(n, dtype=bool)

    def __call__(self, mask: np.ndarray, state: str, reason, source: str | None = None) -> None:
        m = mask & self.unset
        self.state[m] = state
        self.reason[m] = reason[m] if isinstance(reason, np.ndarray) else reason
        self.source[m] = source
        self.unset &= ~m


@dataclass(frozen=True)
class _InspectorSide:
    """Per image (aligned with `images`): its Inspector coverage record and finding counts."""

    coverage: pd.DataFrame
    """IMAGE + scan_status_code, scan_status_reason, last_scanned_at (NA without a record)."""
    has_record: np.ndarray
    reason: pd.Series
    """scan_status_reason, "" when absent."""
    scanned: np.ndarray
    unit_has_coverage: np.ndarray
    findings: pd.DataFrame
    """IMAGE + INSPECTOR_SEVERITIES from ListFindingAggregations."""
    has_findings: np.ndarray
    unit_has_findings: np.ndarray


@dataclass(frozen=True)
class _BasicSide:
    """Per image: the basic scan status, from DescribeImageScanFindings, else the legacy
    DescribeImages status."""

    findings_row: np.ndarray
    legacy_row: np.ndarray
    status: pd.Series
    """The scan status, "" when neither source has one."""
    description: pd.Series
    completed: pd.Series
    severities: dict[str, pd.Series]
    sources: pd.DataFrame
    """source_file / source_pointer of the findings row (absent columns: no sources)."""


def image_scan_states(
    tables: dict[str, pd.DataFrame],
    repo_settings: pd.DataFrame,
    as_of: datetime,
    stale_after_days: float,
) -> pd.DataFrame:
    """RESULT_TABLES["image_scans"] (module docstring), plus internal columns `_scannable`,
    `_has_result` and `_frequency` for the coverage aggregation (dropped before conform)."""
    images = tables["images"].reset_index(drop=True)
    as_of_ts = pd.Timestamp(as_of).tz_convert("UTC")
    img = _image_settings(tables, images, repo_settings)
    scan_type, frequency = img["scan_type"], img["scan_frequency"]
    ins = _inspector_side(tables, images)
    basic = _basic_side(tables, images)

    is_enh = _b(scan_type == "ENHANCED")
    is_basic = _b(scan_type == "BASIC")
    unknown_type = ~is_enh & ~is_basic
    use_ins = is_enh | (unknown_type & ins.has_record)
    use_basic = is_basic | (unknown_type & ~ins.has_record & (basic.findings_row | basic.legacy_row))

    a = _Assigner(len(images))
    _assign_kind_rules(a, images)
    not_auto = _b(img["automatically_scanned"] == False)  # noqa: E712 (nullable comparison)
    _assign_inspector_rules(a, ins, use_ins, not_auto, frequency)
    _assign_basic_rules(a, basic, use_basic, as_of_ts, stale_after_days)
    a(np.ones(len(images), dtype=bool), "NOT_CHECKED",
      "registry scanning configuration not collected and no scan data")

    state = pd.Series(a.state, dtype="string")
    from_ins = _b(pd.Series(a.source) == "INSPECTOR")
    from_basic = _b(pd.Series(a.source) == "BASIC")
    completed = ins.coverage["last_scanned_at"].where(from_ins, basic.completed.where(from_basic, pd.NaT))
    completed = pd.to_datetime(completed, utc=True)
    age = (as_of_ts - completed).dt.total_seconds() / 86400.0

    out = images[IMAGE + ["pushed_at", "image_status"]].copy()
    out["scan_state"] = state
    out["scan_state_reason"] = pd.Series(a.reason, dtype="string")
    out["scan_source"] = pd.Series(a.source, dtype="string")
    out["scan_completed_at"] = completed
    out["scan_age_days"] = age.astype("float64")
    _severity_counts(out, ins, basic, from_ins, from_basic)
    out["evidence_file"], out["evidence_pointer"] = _evidence(images, ins, basic, a, from_ins, from_basic)
    out["_scannable"] = imagekinds.is_scannable_kind(images)
    out["_has_result"] = has_result(out)
    out["_frequency"] = frequency.astype("string")
    return out


def _source(frame: pd.DataFrame, column: str) -> np.ndarray:
    # A table built without sources (a unit test's) has no evidence: "" reads as none.
    if column not in frame:
        return np.full(len(frame), "", dtype=object)
    return _text(frame[column])


def _evidence(images: pd.DataFrame, ins: "_InspectorSide", basic: "_BasicSide", a: "_Assigner",
              from_ins: np.ndarray, from_basic: np.ndarray) -> tuple[pd.Series, pd.Series]:
    """Per image, the raw file and pointer of the value that decided its state (docstring)."""
    file = _source(images, "source_file")
    ptr = _source(images, "source_pointer")
    member = np.full(len(images), "", dtype=object)
    kind = pd.Series(a.source).isna().to_numpy()  # the kind rules set no source
    reason = pd.Series(a.reason, dtype="string").fillna("")
    for mask, name in (
        (kind & _b(pd.Series(a.state) == "ARCHIVED"), "/imageStatus"),
        (kind & _b(reason.str.startswith("signature/SBOM")), "/subjectManifestDigest"),
        (kind & _b(reason.str.startswith("manifest list")), "/imageManifestMediaType"),
        (kind & _b(reason.str.startswith("OCI artifact")), "/artifactMediaType"),
        (from_basic & basic.legacy_row, "/imageScanStatus/status"),
    ):
        member[mask] = name
    ptr = np.where(file != "", ptr + member, "").astype(object)
    ins_file, ins_ptr = _source(ins.coverage, "source_file"), _source(ins.coverage, "source_pointer")
    use = from_ins & ins.has_record & (ins_file != "")
    file, ptr = np.where(use, ins_file, file), np.where(use, ins_ptr + "/scanStatus", ptr)
    bf_file, bf_ptr = _source(basic.sources, "source_file"), _source(basic.sources, "source_pointer")
    use = from_basic & basic.findings_row & (bf_file != "")
    file, ptr = np.where(use, bf_file, file), np.where(use, bf_ptr, ptr)
    none = file == ""
    return (pd.Series(np.where(none, None, file), dtype="string"),
            pd.Series(np.where(none, None, ptr), dtype="string"))


def _image_settings(tables: dict[str, pd.DataFrame], images: pd.DataFrame,
                    repo_settings: pd.DataFrame) -> pd.DataFrame:
    """Per image: its registry's scan_type and its repository's scan_frequency and
    automatically_scanned."""
    registries = tables["registries"][UNIT + ["scan_type"]].drop_duplicates(UNIT)
    img = images[UNIT].merge(registries, on=UNIT, how="left")
    settings = repo_settings[REPO + ["scan_frequency", "automatically_scanned"]]
    return img.join(images[["repository_name"]]).merge(settings, on=REPO, how="left")


def _inspector_side(tables: dict[str, pd.DataFrame], images: pd.DataFrame) -> _InspectorSide:
    cov = tables["inspector_coverage"]
    cov = cov[cov["resource_type"] == "AWS_ECR_CONTAINER_IMAGE"]
    cov = _latest(cov, IMAGE, "last_scanned_at")[
        IMAGE + ["scan_status_code", "scan_status_reason", "last_scanned_at"]
        + [c for c in schema.SOURCE if c in cov]
    ]
    ins = images[IMAGE].merge(cov, on=IMAGE, how="left")
    fnd = _latest(tables["inspector_findings"], IMAGE, None)[IMAGE + INSPECTOR_SEVERITIES]
    fnd = images[IMAGE].merge(fnd, on=IMAGE, how="left", indicator=True)
    return _InspectorSide(
        coverage=ins,
        has_record=_b(ins["scan_status_code"].notna() | ins["scan_status_reason"].notna()),
        reason=ins["scan_status_reason"].fillna(""),
        scanned=_b(ins["last_scanned_at"].notna()),
        unit_has_coverage=_units_with_rows(tables["inspector_coverage"], images,
                                           tables["registries"], "inspector_coverage_collected"),
        findings=fnd,
        has_findings=_b(fnd["_merge"] == "both"),
        unit_has_findings=_units_with_rows(tables["inspector_findings"], images,
                                           tables["registries"], "inspector_findings_collected"),
    )


def _basic_side(tables: dict[str, pd.DataFrame], images: pd.DataFrame) -> _BasicSide:
    """The findings call first, the legacy DescribeImages status second."""
    bf = _latest(tables["basic_findings"], IMAGE, "scan_completed_at")
    bf = images[IMAGE].merge(
        bf[IMAGE + ["scan_status", "scan_status_description", "scan_completed_at"] + SEVERITIES
           + [c for c in schema.SOURCE if c in bf]],
        on=IMAGE,
        how="left",
        suffixes=("", ""),
    )
    bf_row = _b(bf["scan_status"].notna())
    return _BasicSide(
        findings_row=bf_row,
        legacy_row=_b(images["scan_status"].notna()) & ~bf_row,
        status=bf["scan_status"].where(bf_row, images["scan_status"]).fillna(""),
        description=bf["scan_status_description"].where(bf_row, pd.NA),
        completed=bf["scan_completed_at"].where(bf_row, images["scan_completed_at"]),
        severities={s: bf[s].where(bf_row, images[s]) for s in SEVERITIES},
        sources=bf[[c for c in schema.SOURCE if c in bf]],
    )


def _assign_kind_rules(a: _Assigner, images: pd.DataFrame) -> None:
    """Rules 1-2: archived images and what is not a container image."""
    a(imagekinds.is_archived(images), "ARCHIVED", "archived: cannot be scanned until restored")
    a(imagekinds.is_referrer(images), "UNSUPPORTED", "signature/SBOM artifact: not a container image")
    a(imagekinds.is_manifest_list(images), "UNSUPPORTED", "manifest list: children are scanned")
    artifact = _text(images["artifact_media_type"])
    a(
        imagekinds.is_non_image_artifact(images),
        "UNSUPPORTED",
        "OCI artifact (" + artifact + "): not a container image",
    )


def _assign_inspector_rules(a: _Assigner, ins: _InspectorSide, use_ins: np.ndarray,
                            not_auto: np.ndarray, frequency: pd.Series) -> None:
    """Rule 3: enhanced scanning, from the Inspector coverage record."""
    reason = ins.reason
    r = _text(reason)
    reason_txt = "Inspector: " + np.where(r == "", "no reason given", r).astype(object)
    no_record = use_ins & ~ins.has_record
    a(no_record & ~ins.unit_has_coverage, "NOT_CHECKED", "no Inspector coverage data for this account/region")
    a(no_record & not_auto, "NEVER_SCANNED", "repository matches no enhanced scanning filter", "INSPECTOR")
    a(no_record, "NEVER_SCANNED", "no Inspector coverage record for this image", "INSPECTOR")
    a(use_ins & _b(reason.isin(_INS_PENDING)), "PENDING", reason_txt, "INSPECTOR")
    a(use_ins & _b(reason.isin(_INS_UNSUPPORTED)), "UNSUPPORTED", reason_txt, "INSPECTOR")
    a(use_ins & _b(reason == "IMAGE_ARCHIVED"), "ARCHIVED", reason_txt, "INSPECTOR")
    a(use_ins & _b(reason.isin(_INS_FAILED)), "FAILED", reason_txt, "INSPECTOR")
    on_push_reason = use_ins & _b(reason == "SCAN_FREQUENCY_SCAN_ON_PUSH")
    once = "Inspector: scanned once on push, not rescanned for new CVEs"
    a(on_push_reason & ins.scanned, "SCANNED", once, "INSPECTOR")
    a(on_push_reason, "PENDING", "Inspector: scan on push, first scan not completed", "INSPECTOR")
    code = ins.coverage["scan_status_code"]
    active = use_ins & _b(code == "ACTIVE")
    a(active & _b(frequency == SCAN_ON_PUSH), "SCANNED", "Inspector: ACTIVE, scan on push (not rescanned)", "INSPECTOR")
    a(active, "MONITORED", "Inspector: ACTIVE, continuously monitored", "INSPECTOR")
    a(use_ins & _b(code == "INACTIVE"), "INACTIVE", "Inspector INACTIVE: " + r, "INSPECTOR")
    a(use_ins, "NOT_CHECKED", "Inspector coverage record without a status", "INSPECTOR")


def _assign_basic_rules(a: _Assigner, basic: _BasicSide, use_basic: np.ndarray,
                        as_of_ts: pd.Timestamp, stale_after_days: float) -> None:
    """Rule 4: basic scanning, from the basic scan status."""
    status = basic.status
    # Reason texts are object arrays of str: `+` concatenates element-wise, cheaply.
    desc = _text(basic.description)
    desc_suffix = np.where(desc != "", ": " + desc, "").astype(object)
    age_days = ((as_of_ts - basic.completed).dt.total_seconds() / 86400.0).to_numpy(
        dtype=float, na_value=np.nan
    )
    stale = age_days > stale_after_days  # NaN compares False: no date, no staleness claim
    legacy_note = np.where(basic.legacy_row, " (legacy DescribeImages status)", "").astype(object)
    complete = use_basic & _b(status == "COMPLETE")
    a(
        complete & stale,
        "STALE_BASIC",
        f"basic scan older than {stale_after_days:g} days (results never refresh)" + legacy_note,
        "BASIC",
    )
    a(complete, "SCANNED", "basic scan complete" + legacy_note, "BASIC")
    for code, (state, text) in _BASIC_STATES.items():
        source = None if state == "NOT_CHECKED" else "BASIC"
        a(use_basic & _b(status == code), state, text + desc_suffix, source)
    a(use_basic & (basic.findings_row | basic.legacy_row), "NOT_CHECKED",
      "unrecognised basic scan status " + _text(status))
    a(use_basic, "NOT_CHECKED", "outside the basic-findings scope: DescribeImageScanFindings not called")


def _severity_counts(out: pd.DataFrame, ins: _InspectorSide, basic: _BasicSide,
                     from_ins: np.ndarray, from_basic: np.ndarray) -> None:
    """The SEVERITIES columns of `out`, for images with a result (module docstring)."""
    with_result = has_result(out)
    ins_result = with_result & from_ins
    basic_result = with_result & from_basic
    # Inspector: zero-fill only where the unit's aggregation call evidently worked, and only for
    # images Inspector currently scans (INACTIVE images' findings are being closed, src: inspector-scanning-ecr, inspector-rescan-duration).
    ins_zero = (ins_result & ~ins.has_findings & ins.unit_has_findings
                & _b(out["scan_state"].isin(["SCANNED", "MONITORED"])))
    basic_complete = basic_result & _b(basic.status.isin(["COMPLETE"]))
    for sev in SEVERITIES:
        col = pd.Series(pd.NA, index=out.index, dtype="Int64")
        if sev in INSPECTOR_SEVERITIES:
            ins_vals = ins.findings[sev].astype("Int64")
            col = col.mask(ins_result & ins.has_findings, ins_vals)
            col = col.mask(ins_zero, 0)
        basic_vals = basic.severities[sev].astype("Int64")
        col = col.mask(basic_result, basic_vals)
        col = col.mask(basic_complete & _b(basic_vals.isna()), 0)
        out[sev] = col
