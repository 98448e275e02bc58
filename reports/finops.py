"""The FinOps cost lines: every monthly dollar figure of the report as one long-format table. Pure.

One row per (concern, account, region, resource, cost component, scenario): Inspector initial
scans and rescans per repository, ECR storage of each pull-through cache repository, the NAT
gateway processing the cache avoids, the S3 interface endpoint data and the interface endpoint
hours of the network path, and the storage each lifecycle policy (current, proposed) frees.

Column names follow the FinOps Open Cost and Usage Specification (FOCUS) **version 1.1**
(FinOps Foundation, https://focus.finops.org/; normative text in the FOCUS_Spec repository,
github.com/FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec, `specification/columns/*.md` and
`specification/attributes/column_naming_and_ordering.md`) wherever a column has a FOCUS
equivalent (`FOCUS_COLUMNS`); our own columns carry the `x_` prefix FOCUS reserves for custom
columns and come after the FOCUS ones, as that attribute asks (`CUSTOM_COLUMNS`).

This table is *not* a FOCUS dataset and must not be loaded beside billing data as if it were:

* The rows are projections for the 30 days after the snapshot's `as_of` (ChargePeriodStart =
  `as_of`, ChargePeriodEnd = `as_of` + 30 days), computed from list prices, not charges from
  an invoice. **BilledCost is therefore null** on every row (FOCUS requires it non-null on real
  billing rows; a null cannot be summed into an invoice reconciliation by accident, a 0 could
  read as "free"). ListCost carries the estimate at list price and EffectiveCost repeats it
  (no discounts, credits or commitments are known to us).
* BillingAccountId is null: the tool reads member accounts and never calls AWS Organizations,
  so the paying account is unknown. The account that owns the resource is SubAccountId.
* Avoided costs and savings are rows with a negative PricingQuantity and negative costs (the
  quantity that no longer has to be paid for), told apart by `x_CostKind`:
  `Cost` (what today's settings will cost), `AvoidedCost` (what today's settings avoid: NAT
  processing of pulls served by the cache), `Saving` (what the current lifecycle policy removes
  at its next evaluation), `PotentialSaving` (what the proposed lifecycle policy would remove).
  Summing EffectiveCost over one concern and kind gives that concern's figure in summary.json.
* Amounts are the concerns' own monthly figures, not re-prorated: Inspector's are per 30 days;
  storage, NAT and endpoint figures are per 730-hour month (30.4 days), as AWS prices them.
* Lines with a zero quantity are left out, and so are figures a concern could not compute (a
  lifecycle policy that could not be read): no line, never a line that says $0.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import pandas as pd

from .concern import Concern
from .prices import PriceTable
from .schema import BOOL, STR, TS, conform, empty_frame
from .text import msg

FOCUS_VERSION = "1.1"
FOCUS_SOURCE = ("FinOps Open Cost and Usage Specification 1.1, https://focus.finops.org/ "
                "(github.com/FinOps-Open-Cost-and-Usage-Spec/FOCUS_Spec, specification/columns)")
CHARGE_PERIOD_DAYS = 30
F = "float64"

FOCUS_COLUMNS: dict[str, str] = {
    # column -> what we put in it (every one is a FOCUS 1.1 column ID with that meaning)
    "BillingAccountId": "null: the paying account is not collected (no AWS Organizations call)",
    "SubAccountId": "the AWS account that owns the resource (account_id)",
    "ProviderName": "Amazon Web Services",
    "RegionId": "the AWS region code (region)",
    "ServiceName": "the AWS service that bills the line",
    "ServiceCategory": "FOCUS allowed value: Security (Inspector), Compute (ECR), Networking (NAT, endpoints)",
    "ResourceId": "repository ARN, or VPC endpoint ID",
    "ResourceName": "repository name, or endpoint service name",
    "ResourceType": "ECR repository | VPC interface endpoint",
    "ChargeCategory": "Usage (every line is usage-based)",
    "ChargeClass": "null (no line corrects an earlier one)",
    "ChargeDescription": "what the line is for, in words",
    "ChargeFrequency": "Usage-Based",
    "ChargePeriodStart": "the snapshot's as_of (UTC, inclusive)",
    "ChargePeriodEnd": "as_of + 30 days (exclusive)",
    "PricingCategory": "Standard (on-demand list price)",
    "PricingUnit": "the price's unit (image, rescan, GB-month, GB processed, endpoint-AZ-hour)",
    "PricingQuantity": "quantity in PricingUnit; negative on avoided-cost and saving lines",
    "ListUnitPrice": "USD per PricingUnit from the report's price table (non-negative)",
    "ListCost": "PricingQuantity x ListUnitPrice, USD (the estimate)",
    "EffectiveCost": "equal to ListCost: no discounts or commitments are known",
    "BilledCost": "null: a projection, not an invoiced charge",
    "BillingCurrency": "USD",
}
CUSTOM_COLUMNS: dict[str, str] = {
    "x_Concern": "inspector | pull_through | lifecycle: the report section the line belongs to",
    "x_CostKind": "Cost | AvoidedCost | Saving | PotentialSaving (see the module docstring)",
    "x_CostComponent": "initial_scan | rescan | storage | nat_processing | endpoint_data | "
                       "endpoint_hours | storage_expired | archive_storage_expired | "
                       "storage_transitioned | archive_storage_transitioned",
    "x_Scenario": "current | proposed (lifecycle policy); current for every other line",
    "x_PriceItem": "the price table's item key (data/prices.csv)",
    "x_PriceStatus": "official | derived from the AWS Price List | UNCONFIRMED | config override",
    "x_PriceSource": "where the price comes from (publisher and title; URL in x_PriceSourceUrl)",
    "x_PriceDate": "the date the price's source carries (empty when undated)",
    "x_PriceRegionFallback": "the region had no price: us-east-1's was used",
    "x_Partial": "an input of the line could not be collected: the figure may be low",
    "x_SourceTable": "the data/ table the figure is taken from",
    "x_PriceSourceUrl": "the price source's URL (data/prices.csv has the date it was read)",
}

COST_LINES: dict[str, str] = {
    "BillingAccountId": STR,
    "SubAccountId": STR,
    "ProviderName": STR,
    "RegionId": STR,
    "ServiceName": STR,
    "ServiceCategory": STR,
    "ResourceId": STR,
    "ResourceName": STR,
    "ResourceType": STR,
    "ChargeCategory": STR,
    "ChargeClass": STR,
    "ChargeDescription": STR,
    "ChargeFrequency": STR,
    "ChargePeriodStart": TS,
    "ChargePeriodEnd": TS,
    "PricingCategory": STR,
    "PricingUnit": STR,
    "PricingQuantity": F,
    "ListUnitPrice": F,
    "ListCost": F,
    "EffectiveCost": F,
    "BilledCost": F,
    "BillingCurrency": STR,
    "x_Concern": STR,
    "x_CostKind": STR,
    "x_CostComponent": STR,
    "x_Scenario": STR,
    "x_PriceItem": STR,
    "x_PriceStatus": STR,
    "x_PriceSource": STR,
    "x_PriceDate": STR,
    "x_PriceRegionFallback": BOOL,
    "x_Partial": BOOL,
    "x_SourceTable": STR,
    "x_PriceSourceUrl": STR,
}
assert list(COST_LINES) == [*FOCUS_COLUMNS, *CUSTOM_COLUMNS]

INSPECTOR, ECR, EC2, VPC = ("Amazon Inspector", "Amazon Elastic Container Registry",
                            "Amazon Elastic Compute Cloud", "Amazon Virtual Private Cloud")
_CATEGORY = {INSPECTOR: "Security", ECR: "Compute"}  # NAT and endpoint lines: Networking

METHODOLOGY: tuple[str, ...] = (
    msg("data/cost_lines.csv restates every monthly figure above, one row per resource and cost "
        "component, with FinOps FOCUS {version} column names (focus.finops.org) where FOCUS has the "
        "column and x_ columns of ours otherwise; the about sheet of data/finops.xlsx lists which "
        "is which. They are list-price projections for the 30 days after the snapshot, not bills: "
        "BilledCost is left empty, and avoided costs and savings are negative rows, told apart by "
        "x_CostKind.", version=FOCUS_VERSION),
)


def cost_lines(tables: Mapping[str, pd.DataFrame], as_of: Any, prices: PriceTable | None = None,
               concerns: Sequence[Concern] = ()) -> pd.DataFrame:
    """The long-format cost-lines table (`COST_LINES` schema), from an analysis's tables.

    Each of `concerns` adds its own lines (`Presentation.cost_lines`). `prices` is the
    analysis's price table (so a price override reaches these lines and every price used is
    listed in `tables["prices"]`); the defaults when not given.
    """
    prices = prices if prices is not None else PriceTable()
    start = pd.Timestamp(as_of)
    start = start.tz_localize("UTC") if start.tzinfo is None else start.tz_convert("UTC")
    base = {"ChargePeriodStart": start, "ChargePeriodEnd": start + pd.Timedelta(days=CHARGE_PERIOD_DAYS)}
    rows: list[dict[str, Any]] = []
    sink = LineSink(tables, prices, _adder(rows, base, prices), _repository_arns(tables.get("repositories")))
    for concern in concerns:
        if concern.analyse is not None and concern.presentation.cost_lines is not None:
            concern.presentation.cost_lines(sink)
    if not rows:
        return empty_frame("cost_lines", COST_LINES)
    frame = pd.DataFrame(rows, columns=list(COST_LINES))
    frame = frame.sort_values(["x_Concern", "SubAccountId", "RegionId", "ResourceName", "x_Scenario",
                               "x_CostComponent"], kind="mergesort", na_position="last")
    return conform("cost_lines", frame.reset_index(drop=True), COST_LINES)


@dataclass(frozen=True)
class LineSink:
    """What a concern's cost-lines hook gets: the analysis's tables and prices, and `add`."""

    tables: Mapping[str, pd.DataFrame]
    prices: PriceTable
    add: "Add"
    """add(concern=, kind=, component=, account=, region=, service=, resource_id=, ...): one line."""
    arns: Mapping[tuple[str, str, str], str]

    def repository_arn(self, account: str, region: str, name: str) -> str:
        return self.arns.get((account, region, name)) or f"arn:aws:ecr:{region}:{account}:repository/{name}"


def totals(lines: pd.DataFrame) -> dict[str, dict[str, float]]:
    """EffectiveCost summed per concern and cost kind (rounded to cents), for notes and tests."""
    out: dict[str, dict[str, float]] = {}
    if not len(lines):
        return out
    grouped = lines.groupby(["x_Concern", "x_CostKind"], sort=True)["EffectiveCost"].sum()
    for (concern, kind), value in grouped.items():
        out.setdefault(str(concern), {})[str(kind)] = round(float(value), 2)
    return out


# --- the lines of each concern ----------------------------------------------------------------

Add = Callable[..., None]


def _adder(rows: list[dict[str, Any]], base: Mapping[str, Any], prices: PriceTable) -> Add:
    def add(*, concern: str, kind: str, component: str, account: str, region: str, service: str,
            resource_id: str | None, resource_name: str | None, resource_type: str, description: str,
            item: str, source_table: str, quantity: float | None = None, cost: float | None = None,
            scenario: str = "current", partial: bool | None = False, unit_price: float | None = None,
            category: str | None = None) -> None:
        """One line. Give the quantity, the cost, or both; the other is derived from the price."""
        price = prices.get(item, region)
        unit = price.amount if missing(unit_price) else float(unit_price)  # type: ignore[arg-type]
        if missing(quantity) and not missing(cost):
            quantity = cost / unit if unit else 0.0  # type: ignore[operator]
        elif missing(cost) and not missing(quantity):
            cost = quantity * unit  # type: ignore[operator]
        if missing(quantity) or missing(cost) or (quantity == 0 and cost == 0):
            return
        assert quantity is not None and cost is not None
        note = ""
        if abs(quantity * unit - cost) > 1e-9 * max(1.0, abs(cost)):
            # A blend of two prices (e.g. archived images in a cache repository): keep the
            # concern's figure and state the per-unit average, so ListCost = qty x price holds.
            unit = cost / quantity if quantity else 0.0
            note = " (blended: the average price of the line's quantity)"
        rows.append({
            **base, "BillingAccountId": None, "SubAccountId": account, "ProviderName": "Amazon Web Services",
            "RegionId": region, "ServiceName": service,
            "ServiceCategory": category or _CATEGORY.get(service, "Networking"),
            "ResourceId": resource_id, "ResourceName": resource_name, "ResourceType": resource_type,
            "ChargeCategory": "Usage", "ChargeClass": None, "ChargeDescription": description,
            "ChargeFrequency": "Usage-Based", "PricingCategory": "Standard", "PricingUnit": price.unit,
            "PricingQuantity": float(quantity), "ListUnitPrice": float(unit), "ListCost": float(cost),
            "EffectiveCost": float(cost), "BilledCost": None, "BillingCurrency": "USD",
            "x_Concern": concern, "x_CostKind": kind, "x_CostComponent": component, "x_Scenario": scenario,
            "x_PriceItem": item, "x_PriceStatus": price.status, "x_PriceSource": price.source + note,
            "x_PriceDate": price.date, "x_PriceRegionFallback": bool(price.region_fallback),
            "x_Partial": bool(partial) if not missing(partial) else None, "x_SourceTable": source_table,
            "x_PriceSourceUrl": price.source_url,
        })
    return add


# --- helpers -----------------------------------------------------------------------------------


def _repository_arns(repos: pd.DataFrame | None) -> dict[tuple[str, str, str], str]:
    if repos is None or not len(repos) or "repository_arn" not in repos:
        return {}
    return {(a, r, n): arn for a, r, n, arn in zip(repos["account_id"], repos["region"], repos["repository_name"],
                                                  repos["repository_arn"]) if not missing(arn)}


def missing(value: Any) -> bool:
    """None, <NA> or NaN: a figure that is not known."""
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def number(value: Any) -> float:
    """A figure as a float; NaN when not known (a line with NaN is left out)."""
    return float("nan") if missing(value) else float(value)


def whole(value: Any) -> int:
    """A byte count as an int; 0 when not known."""
    return 0 if missing(value) else int(value)


__all__ = ["COST_LINES", "CUSTOM_COLUMNS", "FOCUS_COLUMNS", "FOCUS_SOURCE", "FOCUS_VERSION", "METHODOLOGY",
           "LineSink", "cost_lines", "missing", "number", "totals", "whole"]
