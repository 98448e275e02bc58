"""Account discovery from AWS Organizations (`[aws.organization]`), and why each account is in or out.

With the hub's default credentials, discovery reads `DescribeOrganization` (the organization id
and its management account) and then either `ListAccounts` (the whole organization) or, for the
configured `ou_ids`, `ListAccountsForParent` and `ListOrganizationalUnitsForParent`, recursively.
The calls go through a `UnitContext` of the hub, so they are guarded, recorded as evidence and
their failures filed like any collection error.

Every account seen gets a reason. Included: "in organization o-…" or "member of ou-…". Left
out on purpose (not an error): "excluded by config", "management account". Left out because it
cannot be collected: "suspended", "closed", "pending closure", … (its `State`, or the older
`Status`): those are *not collected* and become completeness errors of the run, so they are
named in the report and the run exits 3; add the account to `exclude_account_ids` to leave it
out on purpose.

When discovery fails: with explicit `[[aws.accounts]]` the run goes on with those (the failed
calls are completeness errors, exit 3); with nothing else to collect it is a ConfigError
(exit 2) naming the failed call, since a report of zero accounts would read as "nothing wrong".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from ..reports.summary import ON_PURPOSE
from .aws_session import Account, SessionFactory
from .collect.context import CollectionError, UnitAborted, UnitContext
from .config import AccountConfig, OrganizationConfig
from .errors import ConfigError

NOT_COLLECTABLE = {"SUSPENDED": "suspended", "PENDING_CLOSURE": "pending closure", "CLOSED": "closed",
                   "PENDING_ACTIVATION": "pending activation"}
"""Account states that cannot be collected, and how the report says so."""


@dataclass(frozen=True)
class SeenAccount:
    """One account discovery saw (or the configuration listed), and what was decided."""

    id: str
    name: str
    state: str
    """ACTIVE, SUSPENDED, ...; "" for an account only the configuration lists."""
    included: bool
    reason: str
    source: str
    """organization | config"""
    parent: str = ""
    """The OU (or root) it was found under; "" when read with ListAccounts."""

    @property
    def not_collectable(self) -> bool:
        """Left out because of its state (a completeness problem), not on purpose."""
        return not self.included and self.reason not in ON_PURPOSE

    def to_json(self) -> dict[str, Any]:
        return {"account": self.id, "name": self.name, "state": self.state, "included": self.included,
                "reason": self.reason, "source": self.source, "parent": self.parent}


@dataclass(frozen=True)
class AccountScope:
    """The accounts a run covers, how they were chosen, and what went wrong choosing them."""

    accounts: tuple[Account, ...]
    """Accounts to collect (role ARNs set; the caller's own account uses its own credentials)."""
    organization_id: str = ""
    management_account_id: str = ""
    seen: tuple[SeenAccount, ...] = ()
    errors: tuple[CollectionError, ...] = field(default=())
    """Failed discovery calls and not-collectable accounts (one per region): completeness errors."""

    def to_json(self) -> dict[str, Any]:
        """The `organization` member of snapshot.json (evidence, hashed in the manifest)."""
        return {"id": self.organization_id, "management_account_id": self.management_account_id,
                "accounts": [a.to_json() for a in sorted(self.seen, key=lambda a: a.id)],
                "discovery_errors": [e.to_json() for e in self.errors if not e.operation.endswith("(account state)")]}


@dataclass(frozen=True)
class _Found:
    account: dict[str, Any]
    parent: str
    reason: str


def discover(factory: SessionFactory, org: OrganizationConfig, *, caller_account: str, caller_arn: str,
             region: str, regions: Sequence[str], explicit: Sequence[AccountConfig] = ()) -> AccountScope:
    """The accounts of `[aws.organization]` combined with the explicit `[[aws.accounts]]`.

    Raises ConfigError when discovery failed and nothing else is configured.
    """
    ctx = UnitContext(factory, Account(None), caller_account, region)
    org_id, management, found = "", "", []
    try:
        described = ctx.call("organizations", "DescribeOrganization")
        if described is not None:
            org_id = described["Organization"]["Id"]
            management = described["Organization"].get("MasterAccountId", "")
            found = _list_accounts(ctx, org, org_id)
    except UnitAborted:
        pass  # filed in ctx.errors
    partition = _partition(caller_arn)
    seen = [_decide(f, org, management) for f in found]
    if ctx.errors and not explicit and not any(s.included for s in seen):
        first = ctx.errors[0]
        hint = ("; the hub must be the management account or a delegated administrator, allowed "
                "organizations:DescribeOrganization, ListAccounts, ListAccountsForParent and "
                "ListOrganizationalUnitsForParent" if "AccessDenied" in first.error else "")
        raise ConfigError(f"account discovery from AWS Organizations failed ({first.operation}: {first.error})"
                          f"{hint}; or list the accounts in [[aws.accounts]]")
    accounts = {s.id: _member(s.id, caller_account, partition, org) for s in seen if s.included}
    for configured in explicit:  # explicit entries win for the same id
        role = None if (configured.id == caller_account and not configured.role_arn) else configured.role_arn
        accounts[configured.id] = Account(configured.id, role, configured.external_id)
        seen = [s for s in seen if s.id != configured.id] + [
            SeenAccount(configured.id, configured.name or "", "", True, "listed in [[aws.accounts]]", "config")]
    if not accounts:
        raise ConfigError(f"no account to collect: organization {org_id or '(unknown)'} has no ACTIVE account "
                          f"in {', '.join(org.ou_ids) or 'it'} that is not excluded")
    errors = list(ctx.errors) + _state_errors(seen, org_id, regions)
    return AccountScope(tuple(accounts[a] for a in sorted(accounts)), org_id, management, tuple(seen),
                        tuple(errors))


def _list_accounts(ctx: UnitContext, org: OrganizationConfig, org_id: str) -> list[_Found]:
    if not org.ou_ids:
        return [_Found(a, "", f"in organization {org_id}")
                for page in ctx.pages("organizations", "ListAccounts", token="NextToken")
                for a in page.get("Accounts", ())]
    found: dict[str, _Found] = {}
    for top in org.ou_ids:
        for parent in _walk(ctx, top):
            for page in ctx.pages("organizations", "ListAccountsForParent", about=parent, token="NextToken",
                                  ParentId=parent):
                for a in page.get("Accounts", ()):
                    where = f"member of {parent}" + (f" (under {top})" if parent != top else "")
                    found.setdefault(a["Id"], _Found(a, parent, where))
    return list(found.values())


def _walk(ctx: UnitContext, top: str) -> Iterable[str]:
    """`top` and every OU under it, depth first (children sorted by id, for a stable order)."""
    stack, visited = [top], set()
    while stack:
        parent = stack.pop()
        if parent in visited:
            continue
        visited.add(parent)
        yield parent
        children = [ou["Id"] for page in ctx.pages("organizations", "ListOrganizationalUnitsForParent",
                                                    about=parent, token="NextToken", ParentId=parent)
                    for ou in page.get("OrganizationalUnits", ())]
        stack.extend(sorted(children, reverse=True))


def _decide(found: _Found, org: OrganizationConfig, management: str) -> SeenAccount:
    account = found.account
    # `State` is the newer member; `Status` is retired on 9 September 2026 (botocore's model).
    state = str(account.get("State") or account.get("Status") or "")
    name = str(account.get("Name", ""))

    def seen(included: bool, reason: str) -> SeenAccount:
        return SeenAccount(account["Id"], name, state, included, reason, "organization", found.parent)

    if account["Id"] in org.exclude_account_ids:
        return seen(False, "excluded by config")
    if account["Id"] == management and not org.include_management_account:
        return seen(False, "management account")
    if state != "ACTIVE":
        return seen(False, NOT_COLLECTABLE.get(state, f"state {state or 'unknown'}"))
    return seen(True, found.reason)


def _member(account_id: str, caller_account: str, partition: str, org: OrganizationConfig) -> Account:
    if account_id == caller_account:  # the hub's own account: its own credentials, no role hop
        return Account(account_id)
    return Account(account_id, f"arn:{partition}:iam::{account_id}:role/{org.role_name}", org.external_id)


def _partition(caller_arn: str) -> str:
    """`aws`, `aws-cn`, `aws-us-gov`, ...: the second field of the caller's ARN."""
    parts = caller_arn.split(":")
    return parts[1] if len(parts) > 2 and parts[0] == "arn" and parts[1] else "aws"


def _state_errors(seen: Sequence[SeenAccount], org_id: str, regions: Sequence[str]) -> list[CollectionError]:
    """One completeness error per region for every account that cannot be collected."""
    def operation(s: SeenAccount) -> str:
        return f"organizations:{'ListAccountsForParent' if s.parent else 'ListAccounts'} (account state)"

    return [CollectionError(s.id, region, operation(s),
                            f"{s.state}: account {s.name or s.id} is {s.reason} in organization {org_id}; "
                            "it was not collected (add it to exclude_account_ids to leave it out on purpose)")
            for s in seen if s.not_collectable for region in regions]
