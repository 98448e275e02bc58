"""Read Amazon Inspector's view of ECR for one unit: account status, coverage, finding counts.

All three are bulk APIs: coverage at 200 resources a page and per-image severity counts
(`ListFindingAggregations`, AWS_ECR_CONTAINER) at 100 images a page, instead of one
findings call per image.
"""

from __future__ import annotations

from .context import UnitContext

COVERAGE_PAGE = 200
AGGREGATION_PAGE = 100
ECR_RESOURCE_TYPES = ("AWS_ECR_CONTAINER_IMAGE", "AWS_ECR_REPOSITORY")


def collect_account_status(ctx: UnitContext) -> str | None:
    """Inspector's ECR scanning status for the unit's account (None when unknown)."""
    answer = ctx.call("inspector2", "BatchGetAccountStatus", accountIds=[ctx.account_id])
    if answer is None:
        return None
    for account in answer.get("accounts", []):
        if account.get("accountId") == ctx.account_id:
            return account.get("resourceState", {}).get("ecr", {}).get("status")
    return None


def collect_coverage(ctx: UnitContext) -> None:
    criteria = {"resourceType": [{"comparison": "EQUALS", "value": t} for t in ECR_RESOURCE_TYPES]}
    for _ in ctx.pages("inspector2", "ListCoverage", maxResults=COVERAGE_PAGE, filterCriteria=criteria):
        pass


def collect_finding_counts(ctx: UnitContext) -> None:
    for _ in ctx.pages("inspector2", "ListFindingAggregations", aggregationType="AWS_ECR_CONTAINER",
                       maxResults=AGGREGATION_PAGE):
        pass
