"""Server side of AWS Organizations for the demo's organization mode (`--demo-accounts N`).

Answers the four read operations account discovery uses, in botocore's output shapes, from
`DemoFleet.organization`. Only the hub (the demo caller, the organization's delegated
administrator) may call them; without an organization every call answers
AWSOrganizationsNotInUseException, as AWS does for an account outside any organization.
"""

from __future__ import annotations

from .errors import DemoServiceError
from .paging import paginate

SERVICE = "organizations"


def _org(emu, caller: str):
    org = emu.fleet.organization
    if org is None:
        raise DemoServiceError("AWSOrganizationsNotInUseException",
                               "Your account is not a member of an organization.", 400)
    if caller not in (emu.fleet.caller_account, org.management_account):
        raise DemoServiceError("AccessDeniedException", "You don't have permissions to access this resource.", 400)
    return org


def _arn(org, kind: str, ident: str) -> str:
    prefix = f"arn:aws:organizations::{org.management_account}"
    if kind == "account":
        return f"{prefix}:account/{org.id}/{ident}"
    return f"{prefix}:{kind}/{org.id}/{ident}"


def _account(org, account) -> dict:
    # Both members: `Status` (retired on 9 September 2026, botocore's model says) and `State`.
    status = account.state if account.state in ("ACTIVE", "SUSPENDED", "PENDING_CLOSURE") else "SUSPENDED"
    return {"Id": account.id, "Arn": _arn(org, "account", account.id),
            "Email": f"aws+{account.name}@example.com", "Name": account.name, "Status": status,
            "State": account.state, "JoinedMethod": "CREATED", "JoinedTimestamp": account.joined_at}


def _parent(org, params: dict) -> str:
    parent = params.get("ParentId", "")
    if parent != org.root_id and parent not in {ou for ou, _, _ in org.ous}:
        raise DemoServiceError("ParentNotFoundException", "We can't find a root or OU with the ParentId that "
                               "you specified.", 400)
    return parent


def describe_organization(emu, caller, params):
    org = _org(emu, caller)
    return {"Organization": {
        "Id": org.id, "Arn": f"arn:aws:organizations::{org.management_account}:organization/{org.id}",
        "FeatureSet": "ALL", "MasterAccountId": org.management_account,
        "MasterAccountArn": _arn(org, "account", org.management_account),
        "MasterAccountEmail": "aws+org-management@example.com", "AvailablePolicyTypes": []}}


def list_accounts(emu, caller, params):
    org = _org(emu, caller)
    return _page("ListAccounts", params, [_account(org, a) for a in org.accounts], "Accounts")


def list_accounts_for_parent(emu, caller, params):
    org = _org(emu, caller)
    parent = _parent(org, params)
    return _page("ListAccountsForParent", params,
                 [_account(org, a) for a in org.accounts if a.parent_id == parent], "Accounts")


def list_organizational_units_for_parent(emu, caller, params):
    org = _org(emu, caller)
    parent = _parent(org, params)
    ous = [{"Id": ou, "Arn": _arn(org, "ou", ou), "Name": name} for ou, name, up in org.ous if up == parent]
    return _page("ListOrganizationalUnitsForParent", params, ous, "OrganizationalUnits")


def _page(operation: str, params: dict, items: list, key: str) -> dict:
    page, token = paginate(SERVICE, operation, params, items, token_key="NextToken", limit_key="MaxResults",
                           default=20)
    return {key: page, **token}


HANDLERS = {
    (SERVICE, "DescribeOrganization"): describe_organization,
    (SERVICE, "ListAccounts"): list_accounts,
    (SERVICE, "ListAccountsForParent"): list_accounts_for_parent,
    (SERVICE, "ListOrganizationalUnitsForParent"): list_organizational_units_for_parent,
}
ACCOUNT_LEVEL = frozenset({SERVICE})
"""Services whose handlers get the calling account id, not a registry (they are global)."""
