"""The concern's headline figures (summary.json's `inspector` key), as a typed result."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import pandas as pd

from .model import Outcome


def _usd(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), 2)


@dataclass(frozen=True)
class ScenarioFigures:
    """One what-if scenario's figures (`inspector_scenarios` holds every column)."""

    label: str
    available: bool
    monthly_usd: float | None
    change_usd: float | None
    one_time_usd: float | None
    monitored_images: int | None

    @classmethod
    def from_record(cls, rec: Mapping[str, Any]) -> "ScenarioFigures":
        return cls(label=str(rec["label"]), available=bool(rec["available"]),
                   monthly_usd=_usd(rec["monthly_usd"]), change_usd=_usd(rec["change_usd"]),
                   one_time_usd=_usd(rec["one_time_usd"]),
                   monitored_images=None if pd.isna(rec["monitored_images"]) else int(rec["monitored_images"]))

    def to_summary(self) -> dict[str, Any]:
        return {"label": self.label, "available": self.available, "monthly_usd": self.monthly_usd,
                "change_usd": self.change_usd, "one_time_usd": self.one_time_usd,
                "monitored_images": self.monitored_images}


@dataclass(frozen=True)
class InspectorResult:
    """Today's modelled cost, AWS's estimate where it has one, and each scenario's figures (USD
    per 30 days, rounded to cents)."""

    estimated_monthly_usd: float
    initial_scan_monthly_usd: float
    rescan_monthly_usd: float
    monitored_images: int
    aws_estimated_monthly_usd: float | None
    model_monthly_usd_where_aws_estimates: float | None
    reconciliation_difference_usd: float | None
    scenarios: Mapping[str, ScenarioFigures]
    prices_status: str = "UNCONFIRMED"

    @classmethod
    def from_tables(cls, current: Outcome, tables: Mapping[str, pd.DataFrame]) -> "InspectorResult":
        recon = tables["inspector_reconciliation"]
        has_aws = recon["aws_estimated_monthly_usd"].notna()
        aws = float(recon.loc[has_aws, "aws_estimated_monthly_usd"].sum()) if has_aws.any() else None
        model_same = float(recon.loc[has_aws, "model_monthly_usd"].sum()) if has_aws.any() else None
        scenarios = {str(rec["scenario"]): ScenarioFigures.from_record(rec)
                     for rec in tables["inspector_scenarios"].to_dict("records")}
        return cls(
            estimated_monthly_usd=round(current.monthly_usd, 2),
            initial_scan_monthly_usd=round(current.initial_usd, 2),
            rescan_monthly_usd=round(current.rescan_usd, 2),
            monitored_images=int(current.monitored.sum()),
            aws_estimated_monthly_usd=None if aws is None else round(aws, 2),
            model_monthly_usd_where_aws_estimates=None if model_same is None else round(model_same, 2),
            reconciliation_difference_usd=None if aws is None else round(model_same - aws, 2),
            scenarios=scenarios)

    def to_summary(self) -> dict[str, Any]:
        """summary.json's `inspector` object (its documented keys, in their order)."""
        return {
            "estimated_monthly_usd": self.estimated_monthly_usd,
            "initial_scan_monthly_usd": self.initial_scan_monthly_usd,
            "rescan_monthly_usd": self.rescan_monthly_usd,
            "monitored_images": self.monitored_images,
            "aws_estimated_monthly_usd": self.aws_estimated_monthly_usd,
            "model_monthly_usd_where_aws_estimates": self.model_monthly_usd_where_aws_estimates,
            "reconciliation_difference_usd": self.reconciliation_difference_usd,
            "prices_status": self.prices_status,
            "scenarios": {key: figures.to_summary() for key, figures in self.scenarios.items()},
        }
