"""Scan coverage analysis: effective scan settings per repository, scan state per image, totals.

Pure: snapshot frames in (reports.schema.SNAPSHOT_TABLES), result frames out
(RESULT_TABLES "coverage", "image_scans", "registry_coverage"). No boto3, no clock: every age
is measured from the `as_of` argument. Public sources are cited as "src: <id>", an entry of
the registry in reports/sources.py (title, URL, date read).

Pieces: reports.scanfilters decides each repository's effective frequency from the registry
rules; reports.scanstate decides each image's scan state; this module aggregates them, states
the basic-findings scope (`BasicFindingsScope`, shared with the collector) and writes the
plain-language notes and METHODOLOGY paragraphs the report prints.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd

from . import imagekinds, schema
from .provenance import Ref, join_refs, pointer
from .scanfilters import (
    SCAN_ON_PUSH,
    SOURCE_LEGACY,
    SOURCE_LEGACY_IGNORED,
    EffectiveScan,
    effective_scan_setting,
)
from .scanstate import SEVERITIES, image_scan_states
from .sources import cite
from .text import Text, counted, join, msg

UNIT = list(schema.UNIT_KEY)
REPO = list(schema.REPO_KEY)

#: Basic image scans per 24 hours, per account and Region; not adjustable ((src: ecr-quotas) src: ecr-quotas).
BASIC_SCAN_QUOTA_PER_DAY = 100_000
#: Default age after which a basic scan result is reported STALE_BASIC (basic never rescans).
DEFAULT_STALE_AFTER_DAYS = 30
#: "Clair will no longer be supported in any regions as of February 2, 2026" ((src: ecr-basic-scanning) src: ecr-basic-scanning).
CLAIR_RETIREMENT = pd.Timestamp("2026-02-02T00:00:00Z")

SOURCE_AWS_FALLBACK = "AWS per-repository answer (registry scanning configuration not collected)"

METHODOLOGY: tuple[str, ...] = (
    msg("Effective scan frequency is computed from each registry's scanning rules, not read from "
        "AWS. A repository filter without '*' matches every repository name that contains it; with "
        "'*', each '*' stands for zero or more characters and the rest of the filter must match "
        "the whole name (Amazon ECR User Guide, 'Filters to choose which repositories are "
        "scanned' {filters}). In enhanced (Amazon Inspector) registries a continuous-scanning filter wins "
        "over a scan-on-push filter, and a repository matching no filter is not scanned at all: "
        "enhanced scanning has no manual scans. In basic registries (and registries with no "
        "scanning configuration, which default to basic) a matching scan-on-push filter means scan "
        "on push; otherwise manual.", filters=cite("ecr-scan-filters")),
    msg("The deprecated repository-level 'scanOnPush' setting: AWS documents that in a basic "
        "registry 'any repositories not matching a basic scanning scan on push filter will be set "
        "to the manual scan frequency' {filters}, so where the registry has scanning filters the old flag is "
        "reported but does not count. Where the registry has no scanning rules at all, the flag is "
        "the only setting there is and we honour it (source 'repository scanOnPush (deprecated "
        "setting)'); AWS does not document that case. We flag every repository "
        "where AWS's own per-repository answer (BatchGetRepositoryScanningConfiguration) "
        "disagrees. Where both are available the report shows both; AWS's answer is never taken as "
        "the truth (local emulators are known not to follow the documented filter semantics). "
        "When a registry's scanning configuration could not be collected, AWS's per-repository "
        "answer is used if present; otherwise the frequency is left blank and the repository is "
        "counted neither as scanned nor as unscanned.", filters=cite("ecr-scan-filters")),
    msg("Each image has one scan state. Enhanced registries: from Amazon Inspector coverage "
        "(ACTIVE = monitored for continuous repositories, scanned once for scan-on-push ones; "
        "INACTIVE with its reason, e.g. SCAN_ELIGIBILITY_EXPIRED when the rescan duration has "
        "lapsed; PENDING; UNSUPPORTED; no coverage record = never scanned). Basic registries: from "
        "DescribeImageScanFindings, or the image's legacy scan status; basic results never "
        "refresh, so a completed basic scan older than the stale threshold is shown as STALE_BASIC. "
        "Archived images cannot be scanned. Signature/SBOM artifacts (referrers), manifest lists "
        "(whose per-platform images are scanned instead) and other non-image OCI artifacts are "
        "marked UNSUPPORTED and left out of every 'scannable images' figure."),
    msg("'Not checked' means we did not look, not that the image is clean or unscanned: "
        "DescribeImageScanFindings is one call per image, so it is called only for the images in "
        "the basic-findings scope stated in this report. Severity totals add the latest known "
        "result of each image; a blank means nothing is known, never zero. Amazon Inspector "
        "finding aggregations carry critical, high and medium counts only."),
    msg("Basic-scan quota: 100,000 basic image scans per 24 hours per account and Region, not "
        "adjustable, counting scan-on-push and manual scans alike (Amazon ECR service quotas {quotas}). "
        "Headroom is 100% x (1 - busiest UTC day's pushes to scan-on-push repositories in the last "
        "30 days / 100,000), counting only container images still present in the registry; "
        "deleted images and manual scans are not visible, so real usage can be higher.",
        quotas=cite("ecr-quotas")),
    msg("The Clair basic scan engine was deprecated and retired on 2 February 2026 (Amazon ECR "
        "User Guide, basic scanning {basic}); registries still reporting CLAIR are flagged.",
        basic=cite("ecr-basic-scanning")),
)


SCOPE_COLUMNS: tuple[str, ...] = (*schema.REPO_KEY, "image_digest", "pushed_at", "image_status",
                                  "subject_digest", "manifest_media_type", "artifact_media_type")
"""The `images` columns `BasicFindingsScope.select` reads (the collector builds only these)."""


@dataclass(frozen=True)
class BasicFindingsScope:
    """Which images get a DescribeImageScanFindings call (one call per image).

    The collector and the analysis use the same `select`, so the report can say exactly which
    images were checked; the others are NOT_CHECKED, never "clean".
    """

    newest_per_repository: bool = True
    """The newest container image of every repository."""
    pushed_within_days: int | None = 30
    """Plus every container image pushed within this many days before `as_of` (None: no window)."""
    max_images: int | None = None
    """Upper bound on the selection (newest-per-repository images first, then newest pushed)."""

    def describe(self) -> str:
        parts = []
        if self.newest_per_repository:
            parts.append(msg("the newest image of each repository"))
        if self.pushed_within_days is not None:
            parts.append(msg("every image pushed in the {days} days before the snapshot",
                             days=self.pushed_within_days))
        what = (msg("{first} and {second}", first=parts[0], second=parts[1]) if len(parts) == 2
                else parts[0] if parts else msg("no images"))
        cap = msg(", at most {n} images in all", n=f"{self.max_images:,}") if self.max_images else ""
        return msg(
            "Basic scan findings were read for {what}{cap}; archived images, manifest lists and "
            "signature/SBOM artifacts are never in scope. Other images in basic-scanning "
            "registries are shown as 'not checked', never as clean or unscanned.",
            what=what, cap=cap,
        )

    def select(self, images: pd.DataFrame, as_of: datetime) -> pd.Series:
        """Boolean mask (aligned with `images`) of the images in scope. Pure and deterministic.

        Only container images that can be scanned are candidates (reports.imagekinds; not
        archived). The scope does not look at the registry's scan type: the collector applies
        it to basic-scanning registries.
        """
        as_of_ts = _utc(as_of)
        candidate = imagekinds.is_scannable_kind(images) & ~imagekinds.is_archived(images)
        pushed = pd.to_datetime(images["pushed_at"], utc=True)
        in_window = np.zeros(len(images), dtype=bool)
        if self.pushed_within_days is not None:
            since = as_of_ts - timedelta(days=self.pushed_within_days)
            in_window = (pushed >= since).to_numpy(dtype=bool, na_value=False) & candidate

        newest = np.zeros(len(images), dtype=bool)
        frame = images[REPO + ["image_digest"]].assign(_pushed=pushed.to_numpy(), _pos=np.arange(len(images)))
        if self.newest_per_repository and candidate.any():
            ranked = frame[candidate].sort_values(
                ["_pushed", "image_digest"], ascending=[False, True], na_position="last", kind="mergesort"
            )
            newest[ranked.drop_duplicates(REPO, keep="first")["_pos"].to_numpy()] = True

        selected = newest | in_window
        if self.max_images is not None and selected.sum() > self.max_images:
            ranked = frame[selected].assign(_newest=newest[selected]).sort_values(
                ["_newest", "_pushed", *REPO, "image_digest"],
                ascending=[False, False, True, True, True, True],
                na_position="last",
                kind="mergesort",
            )
            selected = np.zeros(len(images), dtype=bool)
            selected[ranked["_pos"].to_numpy()[: self.max_images]] = True
        return pd.Series(selected, index=images.index, name="in_basic_findings_scope")


@dataclass(frozen=True, eq=False)
class CoverageResult:
    """The coverage analysis of one snapshot."""

    coverage: pd.DataFrame
    """RESULT_TABLES["coverage"]: one row per repository."""
    image_scans: pd.DataFrame
    """RESULT_TABLES["image_scans"]: one row per image."""
    registry_coverage: pd.DataFrame
    """RESULT_TABLES["registry_coverage"]: one row per (account, region)."""
    notes: tuple[str, ...] = field(default=())
    """Plain-language caveats for the report."""


def _utc(value: datetime) -> pd.Timestamp:
    ts = pd.Timestamp(value)
    if ts.tzinfo is None:
        raise ValueError("as_of must be timezone-aware (UTC)")
    return ts.tz_convert("UTC")


def _tables(tables: Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    # A table that was not handed in at all is treated as collected-but-empty (empty_frame);
    # the collector records failed calls in completeness.errors, which the report shows.
    return {
        name: (tables[name] if name in tables and tables[name] is not None else schema.empty_frame(name))
        for name in schema.SNAPSHOT_TABLES
    }


_SETTING_COLUMNS = (
    "scan_type",
    "scan_engine",
    "scan_frequency",
    "frequency_source",
    "matched_filter",
    "automatically_scanned",
    "aws_scan_frequency",
    "aws_disagrees",
    "evidence_file",
    "evidence_pointer",
)


def source_of(row: Any, file_col: str = "source_file", pointer_col: str = "source_pointer",
              *tokens: object) -> Ref | None:
    """(raw file, pointer + tokens) of a snapshot row (a namedtuple or a dict), or None when the
    row has no source (a table built without one, as in a unit test)."""
    get = row.get if isinstance(row, Mapping) else (lambda name: getattr(row, name, None))
    file, ptr = _opt(get(file_col)), _opt(get(pointer_col))
    if file is None or ptr is None:
        return None
    return str(file), str(ptr) + pointer(*tokens)


def _repository_settings(t: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Effective scan setting per repository (scanfilters), with AWS's answer beside it."""
    repos = t["repositories"].drop_duplicates(REPO)
    # Plain dicts: per-repository .loc lookups on a MultiIndex cost ~0.2 ms each.
    registries = {
        (row.account_id, row.region): (_opt(row.scan_type), _opt(row.basic_scan_engine),
                                       source_of(row, "scanning_source_file", "scanning_source_pointer"))
        for row in t["registries"].drop_duplicates(UNIT).itertuples(index=False)
    }
    rules = t["scan_rules"].sort_values(UNIT + ["rule_index"], kind="mergesort")
    rules_by_unit: dict[tuple, list[tuple[str, str]]] = {}
    rule_sources: dict[tuple, list[Ref | None]] = {}
    for row in rules.itertuples(index=False):
        if pd.notna(row.scan_frequency) and pd.notna(row.filter):
            rules_by_unit.setdefault((row.account_id, row.region), []).append((row.scan_frequency, row.filter))
            rule_sources.setdefault((row.account_id, row.region), []).append(source_of(row))
    aws = {
        (row.account_id, row.region, row.repository_name): (_opt(row.scan_frequency),
                                                            source_of(row, "source_file", "source_pointer",
                                                                      "scanFrequency"))
        for row in t["repository_scan_config_aws"].drop_duplicates(REPO).itertuples(index=False)
    }

    records = []
    for repo in repos.itertuples(index=False):
        unit = (repo.account_id, repo.region)
        registry = registries.get(unit, (None, None, None))
        unit_rules = rules_by_unit.get(unit, ())
        aws_freq, aws_ref = aws.get((repo.account_id, repo.region, repo.repository_name), (None, None))
        record = _setting_record(repo, registry[:2], unit_rules, aws_freq)
        record["evidence_file"], record["evidence_pointer"] = join_refs(_frequency_refs(
            record, repo, registry[2], unit_rules, rule_sources.get(unit, []), aws_ref))
        records.append(record)
    columns = REPO + list(_SETTING_COLUMNS)
    frame = pd.DataFrame.from_records(records, columns=columns) if records else pd.DataFrame(columns=columns)
    return frame.astype({c: schema.RESULT_TABLES["coverage"][c] for c in columns})


def _setting_record(repo: Any, registry: tuple[Any, Any], rules: Any, aws_freq: Any) -> dict[str, Any]:
    """One repository's effective scan setting, with AWS's answer where ours is unknown or differs."""
    scan_type, engine = registry
    eff: EffectiveScan = effective_scan_setting(scan_type, rules, repo.repository_name, repo.scan_on_push)
    frequency, source, auto = eff.scan_frequency, eff.frequency_source, eff.automatically_scanned
    disagrees: object = pd.NA
    if frequency is None and aws_freq is not None:
        frequency, source, auto, disagrees = aws_freq, SOURCE_AWS_FALLBACK, aws_freq != "MANUAL", False
    elif frequency is not None and aws_freq is not None:
        disagrees = frequency != aws_freq
    return {
        "account_id": repo.account_id,
        "region": repo.region,
        "repository_name": repo.repository_name,
        "scan_type": scan_type if scan_type in ("BASIC", "ENHANCED") else pd.NA,
        "scan_engine": _engine(scan_type, engine),
        "scan_frequency": pd.NA if frequency is None else frequency,
        "frequency_source": source,
        "matched_filter": pd.NA if eff.matched_filter is None else eff.matched_filter,
        "automatically_scanned": pd.NA if auto is None else auto,
        "aws_scan_frequency": pd.NA if aws_freq is None else aws_freq,
        "aws_disagrees": disagrees,
    }


def _frequency_refs(record: dict[str, Any], repo: Any, scanning: Ref | None,
                    rules: Any, rule_sources: list[Ref | None], aws: Ref | None) -> list[Ref | None]:
    """The raw values that decided a repository's effective scan frequency, decisive one first.

    A filter rule: its scanFrequency, then the filter. The deprecated flag: the repository's
    scanOnPush, then the registry's scan type. No filter matches: the registry's scan type
    (basic: manual; enhanced: disabled). AWS's own answer, when the registry's configuration
    was not collected. Unknown: the failed GetRegistryScanningConfiguration's error code."""
    source = str(record["frequency_source"])
    matched = record["matched_filter"]
    if matched is not pd.NA and matched is not None:
        for (frequency, filter_text), ref in zip(rules, rule_sources):
            if frequency == record["scan_frequency"] and filter_text == matched and ref is not None:
                rule = ref[1].rsplit("/repositoryFilters/", 1)[0]
                return [(ref[0], rule + "/scanFrequency"), (ref[0], ref[1] + "/filter")]
        return []
    if source == SOURCE_AWS_FALLBACK:
        return [aws]
    if source == SOURCE_LEGACY:
        return [source_of(repo, "source_file", "source_pointer", "imageScanningConfiguration", "scanOnPush"),
                scanning]
    return [scanning]  # the scan type (no filter matches), or the failed call's error code


def _opt(value: object) -> object:
    """pd.NA / NaN -> None, so that plain `==` and `in` work on the value."""
    return None if value is None or pd.isna(value) else value


def _engine(scan_type: object, basic_engine: object) -> object:
    """ENHANCED -> INSPECTOR; BASIC -> the account's BASIC_SCAN_TYPE_VERSION (src: ecr-basic-scanning); else <NA>."""
    scan_type, basic_engine = _opt(scan_type), _opt(basic_engine)
    if scan_type == "ENHANCED":
        return "INSPECTOR"
    if scan_type == "BASIC" and basic_engine is not None:
        return basic_engine
    return pd.NA


def _count(frame: pd.DataFrame, keys: list[str], mask: np.ndarray, name: str) -> pd.Series:
    return frame.loc[mask].groupby(keys, observed=True).size().rename(name)


def _scannable_now(scans: pd.DataFrame) -> np.ndarray:
    # The denominator of "images scanned": container images that a scanner could scan today.
    archived = (scans["image_status"] == "ARCHIVED").to_numpy(dtype=bool, na_value=False)
    return scans["_scannable"].to_numpy(dtype=bool) & ~archived


def _coverage_table(settings: pd.DataFrame, scans: pd.DataFrame) -> pd.DataFrame:
    state = scans["scan_state"]
    counts = pd.concat(
        [
            _count(scans, REPO, np.ones(len(scans), dtype=bool), "images_total"),
            _count(scans, REPO, _scannable_now(scans), "images_scannable"),
            _count(scans, REPO, scans["_has_result"].to_numpy(dtype=bool), "images_scanned"),
            _count(scans, REPO, (state == "MONITORED").to_numpy(dtype=bool, na_value=False), "images_monitored"),
            _count(scans, REPO, (state == "NOT_CHECKED").to_numpy(dtype=bool, na_value=False), "images_not_checked"),
        ],
        axis=1,
    )
    # min_count=1: a repository where no image has a known count stays <NA>, never 0.
    severities = scans.groupby(REPO, observed=True)[SEVERITIES].sum(min_count=1)
    out = settings.merge(counts.reset_index(), on=REPO, how="left").merge(
        severities.reset_index(), on=REPO, how="left"
    )
    for col in ("images_total", "images_scannable", "images_scanned", "images_monitored", "images_not_checked"):
        out[col] = out[col].fillna(0).astype("int64")
    return schema.conform("coverage", out[list(schema.RESULT_TABLES["coverage"])])


def _registry_coverage(
    t: dict[str, pd.DataFrame], coverage: pd.DataFrame, scans: pd.DataFrame, as_of: pd.Timestamp,
    partial_units: frozenset[tuple[str, str]] = frozenset(),
) -> pd.DataFrame:
    registries = t["registries"].drop_duplicates(UNIT)
    units = (
        pd.concat([registries[UNIT], coverage[UNIT], scans[UNIT]], ignore_index=True)
        .drop_duplicates()
        .sort_values(UNIT, kind="mergesort")
        .reset_index(drop=True)
    )
    out = units.merge(registries[UNIT + ["scan_type", "basic_scan_engine"]], on=UNIT, how="left")
    out["scan_engine"] = [_engine(s, e) for s, e in zip(out["scan_type"], out["basic_scan_engine"])]

    scanned = coverage["automatically_scanned"].fillna(False).astype("int64").to_numpy()
    repo_counts = (
        coverage[UNIT]
        .assign(_scanned=scanned)
        .groupby(UNIT, observed=True)
        .agg(repositories_total=("_scanned", "size"), repositories_scanned=("_scanned", "sum"))
    )
    out = out.merge(repo_counts.reset_index(), on=UNIT, how="left")
    for part in _image_counts(scans, as_of):
        out = out.merge(part.reset_index(), on=UNIT, how="left")
    for col in (
        "repositories_total",
        "repositories_scanned",
        "images_total",
        "images_scannable",
        "images_scanned",
        "images_pushed_last_24h",
        "max_images_pushed_per_day",
        "max_scan_on_push_pushes_per_day",
    ):
        out[col] = out[col].fillna(0).astype("int64")
    out["basic_scan_quota_per_day"] = BASIC_SCAN_QUOTA_PER_DAY
    headroom = 100.0 * (1.0 - out["max_scan_on_push_pushes_per_day"] / BASIC_SCAN_QUOTA_PER_DAY)
    # The quota is a basic-scanning quota: blank (NaN) for enhanced or unknown registries.
    out["quota_headroom_pct"] = headroom.where(out["scan_type"] == "BASIC", np.nan).astype("float64")
    out["partial"] = [(str(a), str(r)) in partial_units for a, r in zip(out["account_id"], out["region"])]
    return schema.conform("registry_coverage", out[list(schema.RESULT_TABLES["registry_coverage"])])


def _image_counts(scans: pd.DataFrame, as_of: pd.Timestamp) -> tuple[pd.DataFrame | pd.Series, ...]:
    """Per registry: images (all, scannable, scanned, pushed in 24 h) and the busiest push days."""
    pushed = pd.to_datetime(scans["pushed_at"], utc=True)
    last_24h = ((pushed > as_of - timedelta(hours=24)) & (pushed <= as_of)).to_numpy(dtype=bool, na_value=False)
    in_30d = ((pushed > as_of - timedelta(days=30)) & (pushed <= as_of)).to_numpy(dtype=bool, na_value=False)
    image_counts = pd.concat(
        [
            _count(scans, UNIT, np.ones(len(scans), dtype=bool), "images_total"),
            _count(scans, UNIT, _scannable_now(scans), "images_scannable"),
            _count(scans, UNIT, scans["_has_result"].to_numpy(dtype=bool), "images_scanned"),
            _count(scans, UNIT, last_24h, "images_pushed_last_24h"),
        ],
        axis=1,
    )
    days = scans.assign(_day=pushed.dt.floor("D"))
    per_day = days.loc[in_30d].groupby(UNIT + ["_day"], observed=True).size()
    max_day = per_day.groupby(level=UNIT).max().rename("max_images_pushed_per_day")
    # Only scannable container images pushed to scan-on-push repositories start a basic scan.
    on_push = in_30d & scans["_scannable"].to_numpy(dtype=bool) & (scans["_frequency"] == SCAN_ON_PUSH).to_numpy(
        dtype=bool, na_value=False
    )
    on_push_day = days.loc[on_push].groupby(UNIT + ["_day"], observed=True).size()
    max_on_push = on_push_day.groupby(level=UNIT).max().rename("max_scan_on_push_pushes_per_day")
    return image_counts, max_day, max_on_push


def _artifacts(n: int) -> Text:
    return msg("{n} artifact", n=f"{n:,}") if n == 1 else msg("{n} artifacts", n=f"{n:,}")


def _notes(
    t: dict[str, pd.DataFrame],
    coverage: pd.DataFrame,
    scans: pd.DataFrame,
    registry_coverage: pd.DataFrame,
    scope: BasicFindingsScope,
    as_of: pd.Timestamp,
    stale_after_days: float,
) -> tuple[str, ...]:
    reason = scans["scan_state_reason"].fillna("")
    outside = int((reason.str.startswith("outside the basic-findings scope")).sum())
    scope_note = (join([scope.describe(), msg("Images not checked for that reason: {n}.", n=f"{outside:,}")])
                  if outside else scope.describe())
    return (scope_note, *_frequency_notes(coverage), *_registry_notes(registry_coverage, as_of),
            *_image_notes(scans, stale_after_days), *_quota_notes(registry_coverage))


def _frequency_notes(coverage: pd.DataFrame) -> list[str]:
    """Where the effective scan frequency needs a word: AWS disagrees, legacy settings, no filter."""
    notes: list[str] = []
    disagree = int(coverage["aws_disagrees"].fillna(False).sum())
    if disagree:
        notes.append(msg(
            "{repositories}: AWS's per-repository scan frequency disagrees with the registry "
            "rules; both are shown and the registry rules (documented semantics) decide the "
            "reported frequency.", repositories=counted(disagree, "repository")))
    legacy = int((coverage["frequency_source"] == SOURCE_LEGACY).sum())
    if legacy:
        notes.append(msg(
            "{repositories}: scan on push only through the deprecated repository-level "
            "scanOnPush setting; a registry scan-on-push filter should replace it.",
            repositories=counted(legacy, "repository")))
    ignored = int(coverage["frequency_source"].fillna("").str.endswith(SOURCE_LEGACY_IGNORED).sum())
    if ignored:
        notes.append(msg(
            "{repositories} still set the deprecated repository-level scanOnPush=true, which no "
            "longer applies because the registry's scan-on-push filters do not match them: they "
            "are scanned manually only.", repositories=counted(ignored, "repository")))
    enhanced = (coverage["scan_type"] == "ENHANCED").fillna(False)
    disabled = coverage[enhanced & (coverage["automatically_scanned"] == False).fillna(False)]  # noqa: E712
    if len(disabled):
        notes.append(msg(
            "{repositories} in enhanced-scanning registries: no scanning filter matches, so "
            "Amazon Inspector does not scan them at all.", repositories=counted(len(disabled), "repository")))
    return notes


def _registry_notes(registry_coverage: pd.DataFrame, as_of: pd.Timestamp) -> list[str]:
    """Registries whose configuration is unknown, or still on the Clair engine."""
    notes: list[str] = []
    unknown = registry_coverage[registry_coverage["scan_type"].isna()]
    if len(unknown):
        where = ", ".join(f"{a}/{r}" for a, r in zip(unknown["account_id"], unknown["region"]))
        notes.append(msg(
            "Registry scanning configuration was not collected for {registries}: scan frequency "
            "and image scan states there are unknown, not zero.", registries=where))
    clair = registry_coverage[(registry_coverage["scan_engine"] == "CLAIR").fillna(False)]
    if not len(clair):
        return notes
    where = ", ".join(f"{a}/{r}" for a, r in zip(clair["account_id"], clair["region"]))
    if as_of >= CLAIR_RETIREMENT:
        notes.append(msg(
            "Registries reporting the Clair basic scan engine, retired on 2026-02-02: "
            "{registries}. Clair scans and their earlier results are no longer available and "
            "AWS moves such registries to AWS_NATIVE basic scanning; re-check the account "
            "setting.", registries=where))
    else:
        notes.append(msg(
            "Registries using the deprecated Clair basic scan engine: {registries}. Clair is "
            "retired on 2026-02-02; switch BASIC_SCAN_TYPE_VERSION to AWS_NATIVE.",
            registries=where))
    return notes


def _image_notes(scans: pd.DataFrame, stale_after_days: float) -> list[str]:
    """Images whose scan state needs a word: stale basic results, no coverage data, not images."""
    notes: list[str] = []
    reason = scans["scan_state_reason"].fillna("")
    stale = int((scans["scan_state"] == "STALE_BASIC").sum())
    if stale:
        notes.append(msg(
            "{images} with a basic scan older than {days} days: basic results never refresh, so "
            "newer CVEs are not reflected.", images=counted(stale, "image"), days=f"{stale_after_days:g}"))
    no_cov = int((reason == "no Inspector coverage data for this account/region").sum())
    if no_cov:
        notes.append(msg(
            "{images} in enhanced-scanning registries not checked: no Amazon Inspector coverage "
            "data was available for their account and Region.", images=counted(no_cov, "image")))
    excluded = int((~scans["_scannable"]).sum())
    if excluded:
        notes.append(msg(
            "{artifacts} left out of the scannable totals: signatures/SBOMs, manifest lists and "
            "non-image OCI artifacts are not container images to scan.",
            artifacts=_artifacts(excluded)))
    return notes


def _quota_notes(registry_coverage: pd.DataFrame) -> list[str]:
    tight = registry_coverage[(registry_coverage["quota_headroom_pct"] < 20).fillna(False)]
    return [msg("{account}/{region}: basic-scan quota headroom is only {pct}% on the busiest day of "
                "the last 30.", account=row.account_id, region=row.region,
                pct=f"{row.quota_headroom_pct:.1f}")
            for row in tight.itertuples(index=False)]


def analyse_coverage(
    tables: Mapping[str, pd.DataFrame],
    as_of: datetime,
    scope: BasicFindingsScope,
    *,
    stale_after_days: float = DEFAULT_STALE_AFTER_DAYS,
    partial_units: frozenset[tuple[str, str]] = frozenset(),
) -> CoverageResult:
    """Coverage, per-image scan states and per-registry totals of one snapshot.

    `stale_after_days`: a completed basic scan strictly older than this many days (measured
    from `as_of`) is STALE_BASIC; exactly this old is still SCANNED. `partial_units`: the
    (account, region) pairs with a failed call, marked `partial` in the registry table.
    """
    as_of_ts = _utc(as_of)
    t = _tables(tables)
    settings = _repository_settings(t)
    scans = image_scan_states(t, settings, as_of_ts, stale_after_days)
    coverage = _coverage_table(settings, scans)
    registry_coverage = _registry_coverage(t, coverage, scans, as_of_ts, partial_units)
    notes = _notes(t, coverage, scans, registry_coverage, scope, as_of_ts, stale_after_days)
    scans = scans.assign(scannable=_scannable_now(scans))
    image_scans = schema.conform("image_scans", scans[list(schema.RESULT_TABLES["image_scans"])])
    return CoverageResult(coverage, image_scans, registry_coverage, notes)
