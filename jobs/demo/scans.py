"""Scan results of the demo fleet's images: basic scan findings (DescribeImageScanFindings) and
Inspector coverage (ListCoverage), drawn from the fleet's seeded generator."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any, Callable, Mapping

from . import names as N
from .ids import uniform
from .model import BasicScan, Coverage

HOUR = 1.0 / 24
VULN_RATES = {  # mean (critical, high, medium, low, informational) for a fresh image
    "alpine": (0.03, 0.3, 1.5, 1.0, 0.2), "debian": (0.25, 2.0, 8.0, 15.0, 3.0),
    "ubuntu": (0.2, 1.6, 10.0, 20.0, 4.0), "amazonlinux": (0.08, 0.8, 4.0, 2.5, 0.5),
    "distroless": (0.0, 0.25, 1.0, 1.5, 0.3),
}


class ScanResults:
    """One registry's scan results; `t(days_ago)` gives the datetime that many days before as_of."""

    def __init__(self, rng: random.Random, spec: Mapping[str, Any], t: Callable[[float], datetime], *,
                 rescan_days: float, pull_days: float) -> None:
        self.rng, self.spec, self.t = rng, spec, t
        self.rescan_days, self.pull_days = rescan_days, pull_days

    def _counts(self, d, os_name, enhanced):
        """Finding counts (critical ... informational): more for older images and for Inspector."""
        rng = self.rng
        rates = VULN_RATES[N.os_family(os_name)]
        factor = min(4.0, 1 + d.pushed_ago / 150) * (1.4 if enhanced else 1.0)
        return tuple(int(r * factor * uniform(rng, 0, 2) + rng.random() * 0.6) if r else 0 for r in rates)

    def basic_scan(self, d, frequency, legacy, os_name):
        """The image's basic scan (None when it was never scanned): on push per the registry's rules
        or the legacy repository flag, else now and then by hand."""
        rng = self.rng
        since = self.spec["rules_since"]
        if d.kind == "index":
            return None
        on_push = ((frequency == "SCAN_ON_PUSH" and d.pushed_ago < since) or (legacy and d.pushed_ago >= since))
        manual = not on_push and d.kind in ("image", "child") and rng.random() < 0.07
        if not (on_push or manual):
            return None
        scan_ago = d.pushed_ago - uniform(rng, 0.0007, 0.003) if on_push else uniform(rng, 0, d.pushed_ago)
        scan_ago = max(0.0, scan_ago)
        clair = self.spec["engine"] == "CLAIR"
        if (d.kind in ("signature", "sbom") or os_name in N.UNSCANNABLE_OS
                or (clair and os_name in N.CLAIR_UNSUPPORTED_OS)):
            return BasicScan("UNSUPPORTED_IMAGE", "The operating system and/or package manager are not supported.",
                             self.t(scan_ago), None, ())
        if rng.random() < 0.02:
            return BasicScan("FAILED", "Unable to complete the scan: the image manifest could not be retrieved.",
                             self.t(scan_ago), None, ())
        counts = self._counts(d, os_name, False)
        pairs = tuple((sev, c) for sev, c in zip(N.SEVERITIES, counts) if c)
        source = scan_ago + uniform(rng, 0.1, 1.5) if clair else uniform(rng, 0.05, 0.9)
        return BasicScan("COMPLETE", "The scan was completed successfully.", self.t(scan_ago), self.t(source), pairs)

    def coverage(self, d, frequency, os_name):
        """The image's Inspector coverage record, following its push, pulls and archive state."""
        rng = self.rng
        zero = (0, 0, 0, 0, 0)
        enabled_ago = self.spec["inspector_since"]
        if frequency == "MANUAL":
            return Coverage("INACTIVE", "SCAN_FREQUENCY_MANUAL", None, zero, None, 0)
        ref = d.pushed_ago if d.activated_ago is None else min(d.pushed_ago, d.activated_ago)
        eligible_at_enable = ref <= enabled_ago + 14
        first = (ref - uniform(rng, 0.0005, 0.002)) if ref < enabled_ago else enabled_ago - uniform(rng, 0.05, 0.5)
        first = max(0.0, first)
        if d.archived or d.activating:
            scanned = eligible_at_enable and d.kind in ("image", "child") and os_name not in N.UNSCANNABLE_OS
            last = self.t(max(first - uniform(rng, 0, 5), d.archived_ago or 0)) if scanned else None
            return Coverage("INACTIVE", "IMAGE_ARCHIVED", last, zero, self.t(first) if scanned else None, 0)
        if d.kind in ("index", "signature", "sbom"):
            return Coverage("INACTIVE", "UNSUPPORTED_MEDIA_TYPE", None, zero, None, 0)
        if os_name in N.UNSCANNABLE_OS:
            return Coverage("INACTIVE", "UNSUPPORTED_OS", None, zero, None, 0)
        if not eligible_at_enable:
            return Coverage("INACTIVE", "SCAN_ELIGIBILITY_EXPIRED", None, zero, None, 0)
        if ref < HOUR and rng.random() < 0.85:
            return Coverage("ACTIVE", "PENDING_INITIAL_SCAN", None, zero, None, 0)
        counts = self._counts(d, os_name, True)
        if frequency == "SCAN_ON_PUSH":
            return Coverage("INACTIVE", "SCAN_FREQUENCY_SCAN_ON_PUSH", self.t(first), counts, self.t(first), 0)
        in_use_ok = d.in_use_ago is not None and d.in_use_ago <= self.pull_days and d.kind == "image"
        if ref <= self.rescan_days or in_use_ok:
            window = min(30.0, first)
            rescans = sum(1 for _ in range(int(window / 4)) if rng.random() < 0.55)
            last = uniform(rng, 0, min(2.5, first)) if rescans else first
            return Coverage("ACTIVE", "SUCCESSFUL", self.t(last), counts, self.t(first), rescans)
        expired_at = ref - self.rescan_days
        if d.in_use_ago is not None:
            expired_at = min(expired_at, d.in_use_ago - self.pull_days)
        expired_at = max(0.001, min(expired_at, first))
        return Coverage("INACTIVE", "SCAN_ELIGIBILITY_EXPIRED", self.t(expired_at + uniform(rng, 0, 3)), zero,
                        self.t(first), 0)
