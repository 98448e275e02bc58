"""Documented ECR scan-filter semantics (src: ecr-scan-filters) as pure functions.

* a filter without ``*`` matches every repository name that CONTAINS it;
* ``*`` matches zero or more characters, otherwise the match is anchored;
* enhanced registries: CONTINUOUS_SCAN beats SCAN_ON_PUSH; no match -> MANUAL;
* basic registries: a SCAN_ON_PUSH match -> SCAN_ON_PUSH, else MANUAL; the legacy
  repository-level ``scanOnPush`` only shows in the ``scanOnPush`` field.
"""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=4096)
def _compile(filter_text: str) -> re.Pattern:
    return re.compile(".*".join(re.escape(part) for part in filter_text.split("*")), re.DOTALL)


def filter_matches(filter_text: str, repository_name: str) -> bool:
    """True when a WILDCARD scanning filter selects ``repository_name``."""
    if "*" not in filter_text:
        return filter_text in repository_name
    return _compile(filter_text).fullmatch(repository_name) is not None


def effective_scanning(scan_type: str, rules, repository_name: str, legacy_scan_on_push: bool):
    """Return ``(scanFrequency, appliedScanFilters, scanOnPush)`` for one repository.

    ``rules`` is a sequence of objects with ``frequency`` and ``filters`` (tuple of str).
    """
    matched: dict[str, tuple[str, ...]] = {}
    for rule in rules:
        hits = tuple(f for f in rule.filters if filter_matches(f, repository_name))
        if hits:
            matched[rule.frequency] = matched.get(rule.frequency, ()) + hits
    if scan_type == "ENHANCED":
        for frequency in ("CONTINUOUS_SCAN", "SCAN_ON_PUSH"):
            if frequency in matched:
                return frequency, matched[frequency], True
        return "MANUAL", (), False
    if "SCAN_ON_PUSH" in matched:
        return "SCAN_ON_PUSH", matched["SCAN_ON_PUSH"], True
    return "MANUAL", (), bool(legacy_scan_on_push)
