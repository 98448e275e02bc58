"""`ecr-report check`: prove, before the first scheduled run, that the configured identities may
do everything the configuration needs.

What is needed comes from the operation registry (jobs/operations.py), for each identity:

* **collect**, per account and region: one cheap read per operation, made with the run's own
  credentials (the member role assumed as the run assumes it), with the smallest page size.
  Reads that name a resource are made on a repository, image or task definition that does not
  exist (`ecr-report-check-probe`), so nothing is read or changed: IAM authorizes a request from
  its request context, whose resource is the ARN the request names ("How AWS enforcement code
  logic evaluates requests to allow or deny access",
  https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html),
  so `AccessDenied` disproves the permission and an answer about the resource ("not found")
  proves it. Answers AWS can give before authorizing (a malformed request, throttling, a server
  error: BEFORE_AUTHORIZATION) prove nothing and are "not verified".
* **hub**: the member roles are really assumed (a role that cannot be assumed is a finding); the
  Organizations reads are made like the collect reads.
* What cannot be made as a side-effect-free read (the delivery identity's `ses:SendRawEmail` and
  `s3:PutObject`, the lifecycle cross-check's `StartLifecyclePolicyPreview`, the S3 shard store)
  is asked of the IAM policy simulator (`iam:SimulatePrincipalPolicy`: "The simulation does not
  perform the API operations; it only checks the authorization", IAM API reference,
  https://docs.aws.amazon.com/goto/WebAPI/iam-2010-05-08/SimulatePrincipalPolicy) for the caller's
  principal, on the resources the generated policy grants. The simulator evaluates the
  principal's policies, not the resource's own (a bucket policy, a KMS key policy).

Each missing permission is listed with the statement of the generated policy
(jobs/iam_policy.py) that grants it. An answer that proves neither (a server error, an API the
endpoint does not implement) is listed as "not verified" and does not fail the check; a denied
operation, a role that cannot be assumed or a region that cannot be reached does (exit 2).
"""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Mapping, Sequence

import boto3
import botocore.config
import botocore.exceptions
from botocore import xform_name

from .aws_session import Account, SessionFactory
from .errors import ConfigError
from .evidence import EvidenceRecorder

PROBE_NAME = "ecr-report-check-probe"
"""A resource name no account has: reads on it answer "not found" when they are allowed."""
PROBE_PARENT = "r-0000"
"""A well-formed Organizations root id that does not exist (used when no ou_ids are configured)."""

DENIED = frozenset({
    "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess",
    "AuthorizationError", "AuthorizationErrorException", "NotAuthorized",
})
"""Error codes meaning "this identity may not call this operation"."""
REGION_REFUSED = frozenset({
    "UnrecognizedClientException", "InvalidClientTokenId", "AuthFailure", "OptInRequired",
})
"""Error codes meaning the credentials are not valid in the region (e.g. an opt-in region that
is not enabled): nothing can be checked there."""
BEFORE_AUTHORIZATION = frozenset({
    "ValidationException", "ValidationError", "InvalidParameterException", "InvalidParameterValue",
    "InvalidParameterValueException", "InvalidParameterCombination", "MissingParameter", "SerializationException",
    "InvalidInputException", "RequestLimitExceeded", "TooManyRequestsException", "LimitExceededException",
    "ServiceUnavailable", "ServiceUnavailableException", "InternalFailure", "InternalServerException",
    "ExpiredToken", "ExpiredTokenException", "SignatureDoesNotMatch", "InvalidSignatureException",
})
"""Error codes AWS can answer before it authorizes a request (a malformed request, throttling,
AWS itself, bad credentials): they prove nothing about the permission."""
NETWORK = (botocore.exceptions.EndpointConnectionError, botocore.exceptions.ConnectTimeoutError,
           botocore.exceptions.ReadTimeoutError, botocore.exceptions.ConnectionClosedError)


@dataclass(frozen=True)
class ProbeContext:
    account_id: str
    region: str
    parent_id: str
    now: datetime


Params = Callable[[ProbeContext], dict[str, Any]]


def _fixed(**params: Any) -> Params:
    return lambda ctx: dict(params)


def _metric_data(ctx: ProbeContext) -> dict[str, Any]:
    # One metric over one hour: the cheapest GetMetricData (billed per metric requested).
    end = ctx.now.replace(minute=0, second=0, microsecond=0)
    return {"StartTime": end - timedelta(hours=1), "EndTime": end, "MaxDatapoints": 1,
            "MetricDataQueries": [{"Id": "probe", "MetricStat": {
                "Metric": {"Namespace": "AWS/ECR", "MetricName": "RepositoryPullCount",
                           "Dimensions": [{"Name": "RepositoryName", "Value": PROBE_NAME}]},
                "Period": 3600, "Stat": "Sum"}}]}


PROBES: dict[tuple[str, str], Params] = {
    ("ecr", "DescribeRegistry"): _fixed(),
    ("ecr", "GetRegistryScanningConfiguration"): _fixed(),
    ("ecr", "GetAccountSetting"): _fixed(name="BASIC_SCAN_TYPE_VERSION"),
    ("ecr", "DescribeRepositories"): _fixed(maxResults=1),
    ("ecr", "GetLifecyclePolicy"): _fixed(repositoryName=PROBE_NAME),
    ("ecr", "DescribeImages"): _fixed(repositoryName=PROBE_NAME, maxResults=1),
    ("ecr", "DescribeImageScanFindings"): _fixed(repositoryName=PROBE_NAME, imageId={"imageTag": "probe"},
                                                 maxResults=1),
    ("ecr", "DescribePullThroughCacheRules"): _fixed(maxResults=1),
    ("ecr", "BatchGetRepositoryScanningConfiguration"): _fixed(repositoryNames=[PROBE_NAME]),
    ("ecr", "DescribeRepositoryCreationTemplates"): _fixed(maxResults=1),
    ("ecr", "ListPullTimeUpdateExclusions"): _fixed(maxResults=1),
    ("ecr", "BatchGetImage"): _fixed(repositoryName=PROBE_NAME, imageIds=[{"imageTag": "probe"}]),
    ("ecr", "GetLifecyclePolicyPreview"): _fixed(repositoryName=PROBE_NAME, maxResults=1),
    ("inspector2", "BatchGetAccountStatus"): lambda ctx: {"accountIds": [ctx.account_id]},
    ("inspector2", "ListCoverage"): _fixed(maxResults=1),
    ("inspector2", "ListFindingAggregations"): _fixed(aggregationType="REPOSITORY", maxResults=1),
    ("inspector2", "GetConfiguration"): _fixed(),
    ("inspector2", "ListUsageTotals"): _fixed(maxResults=1),
    ("ec2", "DescribeVpcs"): _fixed(MaxResults=5),
    ("ec2", "DescribeNatGateways"): _fixed(MaxResults=5),
    ("ec2", "DescribeVpcEndpoints"): _fixed(MaxResults=5),
    ("cloudwatch", "GetMetricData"): _metric_data,
    ("ecs", "ListTaskDefinitions"): _fixed(maxResults=1),
    ("ecs", "DescribeTaskDefinition"): _fixed(taskDefinition=PROBE_NAME),
    ("organizations", "DescribeOrganization"): _fixed(),
    ("organizations", "ListAccounts"): _fixed(MaxResults=1),
    ("organizations", "ListAccountsForParent"): lambda ctx: {"ParentId": ctx.parent_id, "MaxResults": 1},
    ("organizations", "ListOrganizationalUnitsForParent"): lambda ctx: {"ParentId": ctx.parent_id,
                                                                        "MaxResults": 1},
}
"""The side-effect-free read that proves each probed operation (minimum page sizes)."""


@dataclass(frozen=True)
class Finding:
    kind: str
    """missing | unassumable | unreachable | discovery | unverified"""
    where: str
    """"hub", "deliver", "<account> <region>" or "<account>"."""
    what: str
    detail: str
    grant: str = ""
    """The generated policy statement that grants what is missing (JSON), when there is one."""


@dataclass
class CheckReport:
    caller_arn: str
    caller_account: str
    regions: tuple[str, ...]
    accounts: tuple[str, ...] = ()
    verified: dict[str, int] = field(default_factory=dict)
    """where -> operations proven allowed there."""
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(f.kind != "unverified" for f in self.findings)

    def lines(self) -> list[str]:
        out = [f"caller   {self.caller_arn}",
               f"regions  {', '.join(self.regions)}",
               f"accounts {', '.join(self.accounts)}"]
        out += [f"note     {n}" for n in self.notes]
        by_where: dict[str, list[Finding]] = {}
        for finding in self.findings:
            by_where.setdefault(finding.where, []).append(finding)
        for where in list(self.verified) + [w for w in by_where if w not in self.verified]:
            found = by_where.get(where, [])
            bad = [f for f in found if f.kind != "unverified"]
            mark = "FAIL" if bad else "ok  "
            out.append(f"{mark} {where}: {self.verified.get(where, 0)} operation(s) allowed")
            out += [line for f in found for line in _finding_lines(f)]
        problems = sum(f.kind != "unverified" for f in self.findings)
        unverified = sum(f.kind == "unverified" for f in self.findings)
        out.append(f"{problems} problem(s), {unverified} not verified: "
                   + ("fix the problems above before the first run" if problems else "ready"))
        return out


def _finding_lines(f: Finding) -> list[str]:
    label = {"missing": "denied", "unassumable": "cannot assume", "unreachable": "unreachable",
             "unverified": "not verified"}[f.kind]
    lines = [f"  - {label}: {f.what} ({f.detail})"]
    if f.grant:
        lines.append(f"      granted by: {f.grant}")
    return lines


# -- the clients ------------------------------------------------------------------------------

@dataclass
class _Clients:
    """Guarded clients with one attempt and short timeouts: a check answers in seconds."""

    factory: SessionFactory
    endpoints: Mapping[str, str]
    """region -> endpoint URL override (tests use it to make a region unreachable)."""

    def __post_init__(self) -> None:
        self._config = botocore.config.Config(
            retries={"mode": "standard", "total_max_attempts": 1}, connect_timeout=5, read_timeout=20,
            user_agent_extra="ecr-report-check")

    def client(self, session: boto3.Session, service: str, region: str) -> Any:
        client = session.client(service, region_name=region, endpoint_url=self.endpoints.get(region),
                                config=self._config)
        self.factory.guard.attach(client)
        return client


def _classify(exc: Exception) -> tuple[str, str]:
    """(kind, detail) of a failed probe: allowed | missing | unreachable | unverified."""
    if isinstance(exc, NETWORK):
        return "unreachable", _one_line(str(exc))
    if isinstance(exc, botocore.exceptions.ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0)
        detail = _one_line(f"{code}: {error.get('Message', '')}") if code and not code.isdigit() \
            else f"HTTP {status}, no AWS error code (the endpoint may not implement it)"
        if code in DENIED or (status == 403 and code.isdigit()):
            # A 403 whose body names no error code (botocore then reports the status as the
            # code) is still HTTP's "forbidden": counted as denied rather than as unknown.
            return "missing", detail if not code.isdigit() else "HTTP 403 Forbidden (no parseable error code)"
        if code in REGION_REFUSED:
            return "unreachable", detail
        if code in BEFORE_AUTHORIZATION or "Throttl" in code:
            return "unverified", detail
        if 400 <= status < 500 and code and not code.isdigit():
            return "allowed", detail  # authorized, then refused for the (absent) resource or input
        return "unverified", detail
    if isinstance(exc, botocore.exceptions.BotoCoreError):
        return "unverified", _one_line(str(exc))
    raise exc


def _one_line(text: str, limit: int = 240) -> str:
    text = " ".join(text.split()).strip(": ")
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _probe(client: Any, operation: str, params: dict[str, Any]) -> tuple[str, str]:
    try:
        getattr(client, xform_name(operation))(**params)
    except Exception as exc:  # noqa: BLE001 - classified; anything unexpected re-raised there
        return _classify(exc)
    return "allowed", ""


# -- the check --------------------------------------------------------------------------------

Grants = Callable[[str, str], "dict[str, Any] | None"]
"""(identity, IAM action) -> the generated policy's statement that grants it (None: none does)."""


def run_check(config: Any, *, session: boto3.Session | None = None,
              endpoints: Mapping[str, str] | None = None, now: datetime | None = None) -> CheckReport:
    """Check everything `config` needs; ConfigError (exit 2) when there are no usable credentials."""
    from .operations import COLLECT, DELIVER, HUB, operations_for

    session = session or boto3.Session()
    regions = _regions(config, session)
    factory = SessionFactory(EvidenceRecorder(), max_attempts=1, base_session=session)
    clients = _Clients(factory, endpoints or {})
    caller_arn, caller_account = _caller(clients, session, regions[0])
    factory.base_account_id = caller_account
    grants = _grants(config)
    report = CheckReport(caller_arn, caller_account, tuple(regions))
    org = config.aws.organization
    ctx = ProbeContext(caller_account, regions[0], (org.ou_ids[0] if org and org.ou_ids else PROBE_PARENT),
                       now or datetime.now(timezone.utc))

    hub = [op for op in operations_for(config, HUB) if op.actions and op.name != "AssumeRole"]
    deliver = [op for op in operations_for(config, DELIVER) if op.actions]
    for where, identity, operations in (("hub", HUB, hub), ("deliver", DELIVER, deliver)):
        if operations:
            report.verified[where], found = _check_unit(clients, session, caller_arn, where, identity,
                                                        operations, ctx, grants)
            report.findings += found

    accounts = _accounts(config, factory, caller_account, caller_arn, regions, report)
    report.accounts = tuple(a.id or caller_account for a in accounts)
    collect = [op for op in operations_for(config, COLLECT) if op.actions]
    with ThreadPoolExecutor(max_workers=config.aws.max_workers) as pool:
        results = list(pool.map(lambda a: _check_account(clients, a, regions, collect, ctx, grants), accounts))
    for verified, findings in results:
        report.verified.update(verified)
        report.findings += findings
    return report


def _regions(config: Any, session: boto3.Session) -> list[str]:
    from .regions import region_problem

    regions = list(config.aws.regions) or ([session.region_name] if session.region_name else [])
    if not regions:
        raise ConfigError("no AWS region: set [aws] regions in the config, or AWS_REGION / AWS_DEFAULT_REGION")
    if not config.aws.regions and (problem := region_problem(regions)):
        raise ConfigError(f"the session's region (AWS_REGION, AWS_DEFAULT_REGION or the profile): {problem}")
    return regions


def _caller(clients: _Clients, session: boto3.Session, region: str) -> tuple[str, str]:
    try:
        answer = clients.client(session, "sts", region).get_caller_identity()
    except (botocore.exceptions.NoCredentialsError, botocore.exceptions.PartialCredentialsError) as exc:
        raise ConfigError(f"no usable AWS credentials ({exc})") from None
    except botocore.exceptions.ClientError as exc:
        raise ConfigError(f"AWS refused the credentials: {exc}") from None
    except NETWORK as exc:
        raise ConfigError(f"cannot reach AWS STS in {region}: {exc}") from None
    return answer["Arn"], answer["Account"]


def _accounts(config: Any, factory: SessionFactory, caller_account: str, caller_arn: str,
              regions: Sequence[str], report: CheckReport) -> list[Account]:
    """The accounts a run would collect: the configured ones, and the discovered ones when
    [aws.organization] is set (jobs/organization.py, the same discovery the run makes)."""
    configured = [Account(a.id, None if (a.id == caller_account and not a.role_arn) else a.role_arn,
                          a.external_id) for a in config.aws.accounts]
    if config.aws.organization is None:
        return configured or [Account(caller_account)]
    from .organization import discover

    # The run's own discovery, so check covers exactly the accounts a run would collect.
    try:
        scope = discover(factory, config.aws.organization, caller_account=caller_account,
                         caller_arn=caller_arn, region=regions[0], regions=regions,
                         explicit=config.aws.accounts)
    except ConfigError as exc:  # a run would stop here (exit 2): so does check, after the rest
        report.findings.append(Finding("discovery", "organization", "account discovery", str(exc)))
        return configured or [Account(caller_account)]
    for error in scope.errors:  # a suspended account is a fact, a failed discovery call a problem
        if error.operation.endswith("(account state)"):
            report.notes.append(f"{error.account}: {error.error}")
        else:
            report.findings.append(Finding("discovery", "organization", error.operation, error.error))
    return list(scope.accounts)


def _check_account(clients: _Clients, account: Account, regions: Sequence[str], operations: Sequence[Any],
                   ctx: ProbeContext, grants: Grants) -> tuple[dict[str, int], list[Finding]]:
    account_id = account.id or ctx.account_id
    try:
        session = clients.factory.session_for(account, regions[0])
    except Exception as exc:  # noqa: BLE001 - classified; anything unexpected re-raised there
        kind, detail = _classify(exc)
        if kind == "allowed":  # e.g. a malformed role: still a role that cannot be assumed
            kind = "unassumable"
        what = account.role_arn or account_id
        hint = ("; the role must exist, trust the caller"
                + (", and accept the ExternalId" if account.external_id else "")) if kind != "unreachable" else ""
        return {}, [Finding("unassumable", account_id, what, detail + hint,
                                _grant_text(grants("hub", "sts:AssumeRole")))]
    verified: dict[str, int] = {}
    findings: list[Finding] = []
    principal = account.role_arn or ""
    for region in regions:
        where = f"{account_id} {region}"
        unit_ctx = ProbeContext(account_id, region, ctx.parent_id, ctx.now)
        verified[where], found = _check_unit(clients, session, principal, where, "collect", operations,
                                             unit_ctx, grants)
        findings += found
    return verified, findings


def _check_unit(clients: _Clients, session: boto3.Session, principal: str, where: str, identity: str,
                operations: Sequence[Any], ctx: ProbeContext, grants: Grants) -> tuple[int, list[Finding]]:
    """Probe what can be read, simulate the rest; (operations proven allowed, findings)."""
    made: dict[str, Any] = {}

    def client(service: str) -> Any:
        if service not in made:
            made[service] = clients.client(session, service, ctx.region)
        return made[service]

    verified, findings = 0, []
    simulate = [op for op in operations if not (op.guarded and op.key in PROBES)]
    for op in operations:
        if op in simulate:
            continue
        kind, detail = _probe(client(op.service), op.name, PROBES[op.key](ctx))
        if kind == "allowed":
            verified += 1
        elif kind == "unreachable":
            return verified, [*findings, Finding("unreachable", where, f"region {ctx.region}", detail)]
        else:
            findings.append(Finding(kind, where, ", ".join(op.actions), detail,
                                    _grant_text(grants(identity, op.actions[0])) if kind == "missing" else ""))
    if simulate:
        allowed, found = _simulate(client("iam"), client("sts"), principal, where, identity, simulate, ctx, grants)
        verified += allowed
        findings += found
    return verified, findings


# -- the IAM policy simulator -----------------------------------------------------------------

def _simulate(iam: Any, sts: Any, principal: str, where: str, identity: str, operations: Sequence[Any],
              ctx: ProbeContext, grants: Grants) -> tuple[int, list[Finding]]:
    """Ask iam:SimulatePrincipalPolicy whether `principal` (default: who `sts` says the caller is)
    may call each action, on the resource the generated policy grants it on."""
    actions = [action for op in operations for action in op.actions]
    try:
        source = _principal_arn(principal or sts.get_caller_identity()["Arn"])
    except Exception as exc:  # noqa: BLE001 - classified; anything unexpected re-raised there
        return 0, [Finding("unverified", where, ", ".join(actions), f"who is the caller? {_classify(exc)[1]}")]
    if source is None:
        return len(actions), []  # the account root user: IAM policies do not limit it
    verified, findings = 0, []
    for action in actions:
        statement = grants(identity, action)
        resource = _probe_resource((statement or {}).get("Resource", "*"), ctx)
        try:
            answer = iam.simulate_principal_policy(PolicySourceArn=source, ActionNames=[action],
                                                   ResourceArns=[resource])
        except Exception as exc:  # noqa: BLE001 - classified; anything unexpected re-raised there
            findings.append(Finding("unverified", where, action,
                                    f"iam:SimulatePrincipalPolicy for {source}: {_classify(exc)[1]}"))
            continue
        decisions = {r["EvalActionName"]: r["EvalDecision"] for r in answer.get("EvaluationResults", ())}
        if decisions.get(action) == "allowed":
            verified += 1
        else:
            findings.append(Finding("missing", where, action,
                                    f"policy simulator: {decisions.get(action, 'no answer')} on {resource}",
                                    _grant_text(statement)))
    return verified, findings


def _principal_arn(arn: str) -> str | None:
    """The IAM principal the simulator takes for a caller ARN; None for the account root user.

    An assumed-role session (`arn:aws:sts::A:assumed-role/NAME/SESSION`) is simulated as its role
    `arn:aws:iam::A:role/NAME`; a role created under a path is not found that way and its
    simulations are reported as not verified."""
    match = re.fullmatch(r"arn:(aws[a-z-]*):sts::(\d{12}):assumed-role/([^/]+)/.+", arn)
    if match:
        partition, account, role = match.groups()
        return f"arn:{partition}:iam::{account}:role/{role}"
    if re.fullmatch(r"arn:aws[a-z-]*:iam::\d{12}:root", arn):
        return None
    return arn


def _probe_resource(resource: Any, ctx: ProbeContext) -> str:
    """A concrete ARN inside what the statement grants (its first resource, wildcards filled)."""
    first = resource[0] if isinstance(resource, list) else str(resource)
    if first == "*":
        return "*"
    parts = first.split(":", 5)
    if len(parts) == 6:
        parts[3] = ctx.region if parts[3] == "*" else parts[3]
        parts[4] = ctx.account_id if parts[4] == "*" else parts[4]
        first = ":".join(parts)
    return first.replace("*", PROBE_NAME)


# -- the generated policies -------------------------------------------------------------------

def _grants(config: Any) -> Grants:
    """Statement lookup over the policies `ecr-report iam-policy` generates for `config`."""
    policies = _generated_policies(config)

    def statement(identity: str, action: str) -> dict[str, Any] | None:
        for candidate in policies.get(identity, {}).get("Statement", ()):
            listed = candidate.get("Action", ())
            if action in ([listed] if isinstance(listed, str) else listed):
                return candidate
        return None

    return statement


def _generated_policies(config: Any) -> dict[str, dict[str, Any]]:
    """identity -> the policy document `ecr-report iam-policy --for <identity>` prints."""
    from .iam_policy import generate
    from .operations import IDENTITIES

    documents = {identity: generate(config, identity).document for identity in IDENTITIES}
    return {identity: document for identity, document in documents.items() if document is not None}


def _grant_text(statement: dict[str, Any] | None) -> str:
    return json.dumps(statement, separators=(", ", ": ")) if statement else ""
