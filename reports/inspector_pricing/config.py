"""`[inspector]`: inputs of the Inspector pricing model and its what-if scenario."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from ..config_section import ConfigSection


class InspectorConfig(ConfigSection):
    """`[inspector]`: inputs of the Inspector pricing model (what scanning costs and the what-if scenario)."""

    default_rescans_per_image_month: float = Field(default=4.0, ge=0, le=1000)
    """Rescans per continuously monitored image per 30 days where no Inspector usage can
    calibrate it (Inspector off, or ListUsageTotals not collected). An assumption: AWS publishes
    no rate; rescans follow new CVEs."""
    initial_scan_push_window_days: int = Field(default=30, ge=1, le=365)
    """Pushes in this many days before the snapshot give the push rate (scaled to 30 days)."""
    narrow_continuous_filters: tuple[str, ...] = ("prod*",)
    """What-if: continuous scanning kept only for repositories matching one of these
    registry-style WILDCARD filters; empty disables the scenario."""
    narrowed_repositories_to: Literal["SCAN_ON_PUSH", "OFF"] = "SCAN_ON_PUSH"
    """What-if: what the repositories dropped from continuous scanning get instead."""

    @field_validator("narrow_continuous_filters")
    @classmethod
    def _filters_valid(cls, filters: tuple[str, ...]) -> tuple[str, ...]:
        import re

        pattern = re.compile(r"^[a-z0-9*](?:[._\-/a-z0-9*]?[a-z0-9*]+)*$")  # ScanningRepositoryFilter
        bad = [f for f in filters if not 1 <= len(f) <= 255 or not pattern.match(f)]
        if bad:
            raise ValueError(f"not a valid ECR repository filter: {bad[0]!r}")
        return filters
