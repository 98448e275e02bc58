"""Registry scanning filters and the *effective* scan setting of one repository.

Pure functions, no AWS calls: the report computes every repository's scan frequency from the
registry's own rules (src: ecr-scan-filters) so that it works without
`BatchGetRepositoryScanningConfiguration`, and so that AWS's (or moto's) per-repository answer
can be checked against the documented semantics rather than taken as truth.

Precedence implemented here, with sources:

* ENHANCED registry (src: ecr-scan-filters): a CONTINUOUS_SCAN filter match wins over a SCAN_ON_PUSH match
  ("Amazon ECR enforces the continuous scanning filter over the scan on push filter"); a
  repository matching no filter "will have scanning disabled" — enhanced scanning has no manual
  scans (ECR UG image-scanning-enhanced.html) — so it is reported as MANUAL with `automatically_scanned=False`. The
  deprecated repository-level scanOnPush plays no part in enhanced scanning.
* BASIC registry, or no registry configuration ("by default the BASIC scan type is used",
  (botocore ECR model) src: ecr-scan-filters): a matching SCAN_ON_PUSH filter gives SCAN_ON_PUSH. Otherwise, when the
  registry has scanning filters, MANUAL: "Any repositories not matching a basic scanning scan on
  push filter will be set to the manual scan frequency"
  (https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning-filters.html), so the
  deprecated repository-level `scanOnPush=true` no longer applies and is only reported. When the
  registry has no scanning rules at all, the repository-level flag is the only setting there is,
  and `scanOnPush=true` gives SCAN_ON_PUSH (source "repository scanOnPush (deprecated setting)").

The second half is a choice. Documented: the repository-level setting is deprecated "in favor of
specifying the image scanning configuration at the registry level" (PutImageScanningConfiguration,
(botocore ECR model) src: ecr-scan-filters), and non-matching repositories are manual (above). Not documented: what a
registry with no filters does with the old flag; we honour it, because it was the only mechanism
before registry-level scanning existed. Scanners that read only one of the two settings have
drawn bug reports both ways (prowler-cloud/prowler#2228, bridgecrewio/checkov#4167,
aquasecurity/cloudsploit#1905); the coverage analysis flags every repository where AWS's own
per-repository answer disagrees with ours.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from .text import Text, msg

MANUAL = "MANUAL"
SCAN_ON_PUSH = "SCAN_ON_PUSH"
CONTINUOUS_SCAN = "CONTINUOUS_SCAN"
FREQUENCIES = (MANUAL, SCAN_ON_PUSH, CONTINUOUS_SCAN)

SOURCE_LEGACY = "repository scanOnPush (deprecated setting)"
SOURCE_BASIC_DEFAULT = "no registry scan-on-push filter matches: manual scans only (basic scanning)"
SOURCE_LEGACY_IGNORED = (
    "; the repository's deprecated scanOnPush=true does not apply: the registry's filters decide"
)
SOURCE_ENHANCED_NONE = (
    "no enhanced scanning filter matches: scanning disabled (enhanced scanning has no manual scans)"
)
SOURCE_UNKNOWN = "unknown: registry scanning configuration not collected"
SOURCE_ENHANCED_LEGACY_IGNORED = (
    "; the repository's deprecated scanOnPush=true does not apply to enhanced scanning"
)


@lru_cache(maxsize=4096)
def _wildcard_regex(filter_text: str) -> re.Pattern[str]:
    # Every character except `*` is literal (re.escape), so `.` in "team.app" is a dot, not
    # "any character"; DOTALL because `*` stands for any characters, whatever they are.
    parts = (re.escape(part) for part in filter_text.split("*"))
    return re.compile(".*".join(parts), re.DOTALL)


def filter_matches(filter_text: str, repository_name: str) -> bool:
    """Whether a registry scanning WILDCARD filter selects `repository_name` (src: ecr-scan-filters, (src: ecr-scan-filters)).

    "A filter with no wildcard will match all repository names that contain the filter. A filter
    with a wildcard (*) matches on any repository name where the wildcard replaces zero or more
    characters in the repository name." So without `*` the test is containment; with `*` the
    whole name must match (anchored at both ends), each `*` standing for zero or more characters.
    """
    if "*" not in filter_text:
        return filter_text in repository_name
    return _wildcard_regex(filter_text).fullmatch(repository_name) is not None


@dataclass(frozen=True)
class EffectiveScan:
    """How a repository is really scanned, after registry rules, filters and legacy settings."""

    scan_frequency: str | None
    """MANUAL | SCAN_ON_PUSH | CONTINUOUS_SCAN; None only when the registry configuration is
    unknown (the call failed), because guessing MANUAL would read as "not scanned"."""
    frequency_source: str
    """Human-readable: which rule, filter or setting decided `scan_frequency`."""
    matched_filter: str | None
    """The registry filter that decided it, if a filter did."""
    automatically_scanned: bool | None
    """True for SCAN_ON_PUSH / CONTINUOUS_SCAN; None when unknown."""


def _first_match(
    rules: Sequence[tuple[str, str]], frequency: str, repository_name: str
) -> str | None:
    # Rule order is kept so that `matched_filter` is deterministic when several filters match.
    for rule_frequency, filter_text in rules:
        if rule_frequency == frequency and filter_text and filter_matches(filter_text, repository_name):
            return filter_text
    return None


def _by_filter(frequency: str, filter_text: str) -> EffectiveScan:
    return EffectiveScan(
        scan_frequency=frequency,
        frequency_source=msg("registry {frequency} rule, filter '{filter}'", frequency=frequency,
                             filter=filter_text),
        matched_filter=filter_text,
        automatically_scanned=True,
    )


_RULE_SOURCE = re.compile(r"registry (\S+) rule, filter '(.*)'", re.DOTALL)


def source_text(source: str) -> str:
    """A `frequency_source` string (as kept in the coverage table) as a sentence the report's
    language pass can translate; its English is `source` itself, character for character.

    The table holds plain strings (data/coverage.csv); the report rebuilds the `Text` here:
    a filter rule's source with its frequency and filter as parameters, the fixed sources
    (SOURCE_*) and the "does not apply" suffixes as catalog sentences. A string this module
    did not write is returned as a `Text` without parameters, looked up whole."""
    source = str(source)
    text: Text | None = None
    match = _RULE_SOURCE.fullmatch(source)
    if match:
        text = msg("registry {frequency} rule, filter '{filter}'", frequency=match[1], filter=match[2])
    elif source.endswith(SOURCE_LEGACY_IGNORED) and len(source) > len(SOURCE_LEGACY_IGNORED):
        text = msg("{source}; the repository's deprecated scanOnPush=true does not apply: the "
                   "registry's filters decide",
                   source=source_text(source[:-len(SOURCE_LEGACY_IGNORED)]))
    elif (source.endswith(SOURCE_ENHANCED_LEGACY_IGNORED)
          and len(source) > len(SOURCE_ENHANCED_LEGACY_IGNORED)):
        text = msg("{source}; the repository's deprecated scanOnPush=true does not apply to "
                   "enhanced scanning",
                   source=source_text(source[:-len(SOURCE_ENHANCED_LEGACY_IGNORED)]))
    if text is not None and str(text) == source:
        return text
    return Text(source)


def _is_missing(value: object) -> bool:
    # Callers iterate pandas frames, so a missing value may be None, pd.NA or NaN.
    return value is None or bool(pd.isna(value))


def effective_scan_setting(
    scan_type: str | None,
    rules: Sequence[tuple[str, str]],
    repository_name: str,
    repository_scan_on_push: bool | None,
) -> EffectiveScan:
    """The effective scan frequency of one repository (src: ecr-basic-scanning, src: ecr-scan-filters, src: ecr-scan-filters; module docstring).

    `scan_type` is the registry's BASIC | ENHANCED (None/<NA>: not collected); `rules` are the
    registry's (scan_frequency, filter) pairs; `repository_scan_on_push` is the deprecated
    repository-level flag (None/<NA>: unknown, treated as not set).
    """
    if _is_missing(scan_type) or scan_type not in ("BASIC", "ENHANCED"):
        return EffectiveScan(None, SOURCE_UNKNOWN, None, None)

    if scan_type == "ENHANCED":
        for frequency in (CONTINUOUS_SCAN, SCAN_ON_PUSH):  # continuous wins (src: ecr-scan-filters)
            matched = _first_match(rules, frequency, repository_name)
            if matched is not None:
                return _by_filter(frequency, matched)
        source = SOURCE_ENHANCED_NONE
        if not _is_missing(repository_scan_on_push) and bool(repository_scan_on_push):
            source += SOURCE_ENHANCED_LEGACY_IGNORED
        return EffectiveScan(MANUAL, source, None, False)

    # BASIC: only SCAN_ON_PUSH filters mean anything (BASIC supports SCAN_ON_PUSH only, src: ecr-scan-filters).
    matched = _first_match(rules, SCAN_ON_PUSH, repository_name)
    if matched is not None:
        return _by_filter(SCAN_ON_PUSH, matched)
    legacy_on = not _is_missing(repository_scan_on_push) and bool(repository_scan_on_push)
    if legacy_on and not rules:
        return EffectiveScan(SCAN_ON_PUSH, SOURCE_LEGACY, None, True)
    return EffectiveScan(MANUAL, SOURCE_BASIC_DEFAULT + (SOURCE_LEGACY_IGNORED if legacy_on else ""),
                         None, False)
