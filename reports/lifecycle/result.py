"""The lifecycle concern's headline figures, typed: `LifecycleResult` and its parts.

`LifecycleResult.to_summary()` is summary.json's `lifecycle` key (keys and values unchanged:
design.md documents them). The proposed policy's validation errors stay facts here
(`PolicyIssue`); the summary says each as its English sentence, a `reports.text.Text` the
report translates.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np
import pandas as pd

from ..prices import PriceTable
from .validate import PolicyIssue


def _known_sum(frame: pd.DataFrame, column: str) -> int:
    return int(frame[column].fillna(0).sum())


def _best_bytes(known: pd.DataFrame, kind: str) -> np.ndarray:
    """Per repository: exact bytes where the manifests were read, naive otherwise."""
    return np.where(known["exact_available"].fillna(False).astype(bool),
                    known[f"bytes_{kind}_exact"].fillna(0).astype("int64"), known[f"bytes_{kind}"].fillna(0).astype("int64"))


@dataclass(frozen=True)
class ScenarioTotals:
    """One scenario's totals over the repositories whose figures are known."""

    images_expiring: int
    reclaimable_bytes: int
    reclaimable_monthly_usd: float
    reclaimable_bytes_naive: int
    reclaimable_bytes_exact: int | None
    """None unless every repository acted on had its manifests read."""
    images_transitioning: int
    bytes_to_archive: int
    archive_commitment_usd: float
    repositories_acted_on: int
    repositories_unknown: int
    repositories_upper_bound: int

    @classmethod
    def of(cls, rows: pd.DataFrame) -> "ScenarioTotals":
        """Totals of `lifecycle` table rows (one scenario)."""
        known = rows[rows["images_expiring"].notna()]
        acted = known[(known["images_expiring"] > 0) | (known["images_transitioning"] > 0)]
        all_exact = bool(len(acted)) and bool(acted["exact_available"].fillna(False).all())
        return cls(
            images_expiring=_known_sum(known, "images_expiring"),
            reclaimable_bytes=int(_best_bytes(known, "expiring").sum()),
            reclaimable_monthly_usd=round(float(known["monthly_usd_saved"].fillna(0).sum()), 2),
            reclaimable_bytes_naive=_known_sum(known, "bytes_expiring"),
            reclaimable_bytes_exact=_known_sum(known, "bytes_expiring_exact") if all_exact else None,
            images_transitioning=_known_sum(known, "images_transitioning"),
            bytes_to_archive=int(_best_bytes(known, "transitioning").sum()),
            archive_commitment_usd=round(float(known["archive_commitment_usd"].fillna(0).sum()), 2),
            repositories_acted_on=int(len(acted)),
            repositories_unknown=int(rows["images_expiring"].isna().sum()),
            repositories_upper_bound=int(known["upper_bound"].fillna(False).astype(bool).sum()),
        )

    def to_summary(self) -> dict[str, Any]:
        return asdict(self)


WITHOUT_POLICY_FIGURES = ("images_expiring", "reclaimable_bytes", "reclaimable_monthly_usd", "bytes_to_archive")
"""The figures the summary gives for the proposal in the repositories without a policy."""


@dataclass(frozen=True)
class ProposedResult:
    """The proposed policy's scenario: evaluated, invalid (`errors` say why) or none configured."""

    status: str
    """evaluated | invalid | none"""
    source: str | None
    """Where the policy came from: a file name, the built-in baseline's name, or None."""
    apply_to: str | None
    """without_policy | all"""
    totals: ScenarioTotals | None = None
    repositories_applied: int | None = None
    without_policy: ScenarioTotals | None = None
    """The totals over the repositories without a policy of their own (where it adds the most)."""
    lint_warnings: int | None = None
    errors: tuple[PolicyIssue, ...] = ()

    def to_summary(self) -> dict[str, Any]:
        head = {"status": self.status, "source": self.source, "apply_to": self.apply_to}
        if self.totals is None or self.without_policy is None:
            return {**head, **dict.fromkeys(WITHOUT_POLICY_FIGURES),
                    "errors": [issue.text() for issue in self.errors]}
        without = self.without_policy.to_summary()
        return {**head, **self.totals.to_summary(), "repositories_applied": self.repositories_applied,
                "without_policy": {k: without[k] for k in WITHOUT_POLICY_FIGURES},
                "lint_warnings": self.lint_warnings, "errors": []}


@dataclass(frozen=True)
class Disagreement:
    """A repository where AWS's own preview and this evaluation act on different images."""

    repository: str
    """account/region/repository"""
    only_aws: int
    only_ecr_report: int


@dataclass(frozen=True)
class CrossCheck:
    """AWS's own preview (GetLifecyclePolicyPreview, when collected) against the current scenario."""

    repositories_compared: int
    disagreements: tuple[Disagreement, ...]

    def to_summary(self) -> dict[str, Any]:
        return {"repositories_compared": self.repositories_compared,
                "disagreements": [asdict(d) for d in self.disagreements]}


@dataclass(frozen=True)
class PricesUsed:
    """The storage prices of the first region, as the summary shows them."""

    region: str
    standard_usd_per_gb_month: float
    standard_status: str
    archive_usd_per_gb_month: float
    archive_status: str
    archive_minimum_days: float

    @classmethod
    def of(cls, prices: PriceTable, regions: list[str]) -> "PricesUsed":
        first = sorted(set(regions))[:1] or ["us-east-1"]
        std, arch = prices.get("ecr.storage.standard", first[0]), prices.get("ecr.storage.archive", first[0])
        return cls(region=first[0], standard_usd_per_gb_month=std.amount, standard_status=std.status,
                   archive_usd_per_gb_month=arch.amount, archive_status=arch.status,
                   archive_minimum_days=prices.amount("ecr.archive.minimum_days", first[0]))


@dataclass(frozen=True)
class LifecycleResult:
    """The lifecycle concern's headline figures: the current policies' totals first."""

    current: ScenarioTotals
    lint_warnings: int
    """Warnings about the current policies."""
    repositories_total: int
    repositories_with_policy: int
    """PRESENT or INVALID."""
    repositories_without_policy: int
    repositories_unknown_policy: int
    repositories_invalid_policy: int
    exact_bytes_collected: bool
    partial: bool
    proposed: ProposedResult
    cross_check: CrossCheck | None
    prices: PricesUsed

    def to_summary(self) -> dict[str, Any]:
        """summary.json's `lifecycle` key."""
        counts = {f.name: getattr(self, f.name) for f in fields(self)
                  if f.name not in ("current", "proposed", "cross_check", "prices")}
        out: dict[str, Any] = {**self.current.to_summary(), **counts, "proposed": self.proposed.to_summary()}
        if self.cross_check is not None:
            out["cross_check"] = self.cross_check.to_summary()
        out["prices"] = asdict(self.prices)
        return out
