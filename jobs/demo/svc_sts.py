"""Server side of STS: the demo's base identity and AssumeRole into the fleet's read roles.

Assumed-role access keys are ``ASIADEMO<account id>``, so the integrator can map the
credentials a client signs with back to an account with :func:`account_for_access_key`.
"""

from __future__ import annotations

from datetime import timedelta

from . import names as N
from .errors import DemoServiceError

ACCESS_KEY_PREFIX = "ASIADEMO"
BASE_ACCESS_KEY = "AKIADEMO" + N.CALLER_ACCOUNT


def account_for_access_key(access_key_id: str | None, caller_account: str) -> str:
    """Account whose credentials ``access_key_id`` is (the caller's for anything unknown)."""
    if access_key_id and access_key_id.startswith(ACCESS_KEY_PREFIX):
        tail = access_key_id[len(ACCESS_KEY_PREFIX):]
        if len(tail) == 12 and tail.isdigit():
            return tail
    return caller_account


def _role_id(account: str) -> str:
    return f"AROADEMO{account}"


def get_caller_identity(emu, reg, params):
    account = reg.account_id
    if account == emu.fleet.caller_account:
        return {"UserId": f"{_role_id(account)}:{N.CALLER_SESSION}", "Account": account,
                "Arn": f"arn:aws:sts::{account}:assumed-role/{N.CALLER_ROLE_NAME}/{N.CALLER_SESSION}"}
    return {"UserId": f"{_role_id(account)}:ecr-report", "Account": account,
            "Arn": f"arn:aws:sts::{account}:assumed-role/{N.READ_ROLE_NAME}/ecr-report"}


def assume_role(emu, reg, params):
    arn = params.get("RoleArn", "")
    session = params.get("RoleSessionName", "ecr-report")
    target = next((a for a in emu.fleet.accounts if emu.fleet.role_arn(a) == arn), None)
    if target is None:
        raise DemoServiceError(
            "AccessDenied", f"User: arn:aws:sts::{reg.account_id}:assumed-role/{N.CALLER_ROLE_NAME}/"
            f"{N.CALLER_SESSION} is not authorized to perform: sts:AssumeRole on resource: {arn}", 403)
    duration = int(params.get("DurationSeconds") or 3600)
    if not 900 <= duration <= 43200:
        raise DemoServiceError("ValidationError", "DurationSeconds must be between 900 and 43200.")
    return {"Credentials": {"AccessKeyId": f"{ACCESS_KEY_PREFIX}{target}",
                            "SecretAccessKey": f"demo-secret-{target}-not-a-real-key",
                            "SessionToken": f"demo-session-token-{target}-{session}",
                            "Expiration": emu.fleet.as_of + timedelta(seconds=duration)},
            "AssumedRoleUser": {"AssumedRoleId": f"{_role_id(target)}:{session}",
                                "Arn": f"arn:aws:sts::{target}:assumed-role/{N.READ_ROLE_NAME}/{session}"},
            "PackedPolicySize": 0}


HANDLERS = {
    ("sts", "GetCallerIdentity"): get_caller_identity,
    ("sts", "AssumeRole"): assume_role,
}
