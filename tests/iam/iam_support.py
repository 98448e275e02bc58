"""What the IAM tests share: a recorder of every AWS call the product makes, parliament with its
few documented ignores, the IAM definitions parliament ships (the Service Authorization
Reference as data), and the feature combinations a configuration can switch."""

from __future__ import annotations

import itertools
import json
import os
import pickle
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import botocore.client

from ecr_report.jobs.config import Config

# parliament findings that are parliament's limits, not the policy's, each with the reason.
PARLIAMENT_IGNORES: dict[tuple[str, str], str] = {
    ("UNKNOWN_ACTION", "ecr:ListPullTimeUpdateExclusions"):
        "parliament 1.6.4 bundles IAM definitions from before ECR added pull-time update exclusions "
        "(ECR API reference, ListPullTimeUpdateExclusions: "
        "https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_ListPullTimeUpdateExclusions.html)",
    ("CREDENTIALS_EXPOSURE", "sts:assumerole"):
        "assuming the member roles is the hub identity's purpose; the grant is scoped to the member "
        "role ARNs (parliament flags every sts:AssumeRole grant as returning credentials)",
}

# The switches that change which operations are called, and the feature each one gates.
SWITCHES: dict[str, tuple[str, str]] = {
    "lifecycle_exact_bytes": ("lifecycle", "exact_bytes"),
    "lifecycle_cross_check": ("lifecycle", "cross_check_aws"),
    "pull_through_task_definitions": ("pull_through", "task_definitions"),
    "repository_scan_configuration": ("collect", "repository_scan_configuration"),
}


def combination_config(on: frozenset[str], extra: dict[str, Any] | None = None) -> Config:
    """A configuration with exactly the switches in `on` turned on (the others off)."""
    data: dict[str, Any] = json.loads(json.dumps(extra or {}))
    for feature, (section, key) in SWITCHES.items():
        data.setdefault(section, {})[key] = feature in on
    return Config.model_validate(data)


def all_combinations() -> list[frozenset[str]]:
    names = sorted(SWITCHES)
    return [frozenset(c) for n in range(len(names) + 1) for c in itertools.combinations(names, n)]


def combination_id(on: frozenset[str]) -> str:
    return "+".join(sorted(on)) or "none"


@dataclass(frozen=True)
class Call:
    service: str
    operation: str
    region: str | None
    params: dict[str, Any]
    access_key: str | None
    """Whose credentials signed it: the base identity's, or a member role's (assumed)."""


class CallLog:
    """Every API call made through any botocore client while installed (refused ones included:
    the read-only guard refuses inside the call), in this process and in the processes it forks
    (a run collects in a child, jobs/apart.py): each call is appended to a file, one write per
    call (O_APPEND: whole records, whichever process writes)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.write_bytes(b"")

    def append(self, call: Call) -> None:
        try:
            blob = pickle.dumps(call)
        except (TypeError, pickle.PicklingError):  # a request body that is an open file, say
            blob = pickle.dumps(Call(call.service, call.operation, call.region, _picklable(call.params),
                                     call.access_key))
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
        try:
            os.write(fd, len(blob).to_bytes(8, "little") + blob)
        finally:
            os.close(fd)

    @property
    def calls(self) -> list[Call]:
        data, out, at = self.path.read_bytes(), [], 0
        while at < len(data):
            size = int.from_bytes(data[at:at + 8], "little")
            out.append(pickle.loads(data[at + 8:at + 8 + size]))
            at += 8 + size
        return out

    def operations(self) -> set[tuple[str, str]]:
        return {(c.service, c.operation) for c in self.calls}


def _picklable(value: Any) -> Any:
    """`value` with what cannot be pickled (streams) replaced by its type's name."""
    if isinstance(value, dict):
        return {k: _picklable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_picklable(v) for v in value)
    try:
        pickle.dumps(value)
    except (TypeError, pickle.PicklingError):
        return f"<{type(value).__name__}>"
    return value


def record_calls(monkeypatch: Any, directory: Path) -> CallLog:
    """Install a recorder on botocore's client base class for the test (monkeypatch undoes it)."""
    log = CallLog(directory / "api-calls.bin")
    original = botocore.client.BaseClient._make_api_call

    def recording(self: Any, operation_name: str, api_params: dict[str, Any]) -> Any:
        credentials = getattr(self._request_signer, "_credentials", None)
        log.append(Call(self.meta.service_model.service_name, operation_name,
                        self.meta.region_name, dict(api_params),
                        getattr(credentials, "access_key", None)))
        return original(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", recording)
    return log


def _parliament() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pkg_resources' deprecation notice on import
        import parliament
    return parliament


def parliament_findings(document: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(issue, title, where) of every finding parliament reports, ignores removed."""
    parliament = _parliament()
    policy = parliament.analyze_policy_string(json.dumps(document), include_community_auditors=True)
    out = []
    for finding in policy.findings:
        where = json.dumps(finding.location, sort_keys=True, default=str)
        subject = _finding_subject(finding)
        if (finding.issue, subject) in PARLIAMENT_IGNORES:
            continue
        out.append((finding.issue, finding.title, where))
    return out


def _finding_subject(finding: Any) -> str:
    location = finding.location or {}
    if "string" in location:
        return str(location["string"])
    actions = location.get("actions") or []
    return ",".join(actions)


def iam_definitions() -> dict[str, dict[str, Any]]:
    """{service prefix: {action: privilege}} from the IAM definitions parliament ships (a prefix
    can span two services: "ses" is both SES v1 and v2)."""
    parliament = _parliament()
    path = Path(parliament.__file__).parent / "iam_definition.json"
    out: dict[str, dict[str, Any]] = {}
    for service in json.loads(path.read_text()):
        out.setdefault(service["prefix"], {}).update({p["privilege"]: p for p in service["privileges"]})
    return out


def iter_statements(document: dict[str, Any] | None) -> Iterator[dict[str, Any]]:
    yield from (document or {}).get("Statement", [])
