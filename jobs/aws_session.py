"""The one place that makes boto3 clients: credentials, retries, the read-only guard, evidence.

Every AWS call of the product goes through a client from `SessionFactory.client`, which

* uses the standard boto3 credential chain (or an assumed role per account), so
  `AWS_PROFILE`, `AWS_ENDPOINT_URL` and instance roles work unchanged;
* has botocore's retries off: callers retry through `retry` (jobs/retry.py), which gives every
  call its whole attempt budget (botocore's per-client retry quota runs dry under sustained
  errors);
* refuses, before anything is serialised or sent, any operation that the registry of AWS
  operations (`jobs/operations.py`) does not declare for collection (`ReadOnlyGuard`); the one
  declared non-read (AWS's lifecycle preview) only when the factory opts in to it;
* records every response as evidence (`EvidenceRecorder`);
* optionally answers calls from an in-process backend instead of the network (the demo fleet),
  the way botocore's Stubber does, so the demo runs the very same collector code.
"""

from __future__ import annotations

import copy
import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Protocol

import boto3
import botocore.config
import botocore.exceptions
import botocore.session
from botocore.awsrequest import AWSResponse
from botocore.credentials import CredentialProvider, RefreshableCredentials
from botocore.hooks import HierarchicalEmitter

from .evidence import EvidenceRecorder
from .operations import guarded_reads, is_declared
from .retry import RetryPolicy

USER_AGENT = "ecr-report"
log = logging.getLogger("ecr_report.aws")

# Reads by name that still hand out something we never need: a registry login token, or
# pre-signed URLs to download layers. Refused even if someone declared them in the registry.
NEVER_ALLOWED = frozenset({
    ("ecr", "GetAuthorizationToken"),
    ("ecr", "GetDownloadUrlForLayer"),
    ("ecr-public", "GetAuthorizationToken"),
    ("sts", "GetSessionToken"),
    ("sts", "GetFederationToken"),
})


class MutatingCallRefused(RuntimeError):
    """Raised before an operation that is not declared for collection is sent."""


@dataclass(frozen=True)
class ReadOnlyGuard:
    """Decides whether an operation may be called at all: exactly the operations the registry
    (`jobs/operations.py`) declares for the collection clients, never one of NEVER_ALLOWED, and
    the declared non-reads (AWS's lifecycle preview) only when `extra_allowed` opts in."""

    extra_allowed: frozenset[tuple[str, str]] = frozenset()

    def __post_init__(self) -> None:
        # Opting in to an operation the registry does not declare would make it callable
        # without a policy that grants it: refuse to build such a guard.
        undeclared = sorted(f"{s}:{o}" for s, o in self.extra_allowed if not is_declared(s, o))
        if undeclared:
            raise ValueError(f"not in the operation registry (jobs/operations.py): {', '.join(undeclared)}")

    def allows(self, service: str, operation: str) -> bool:
        key = (service, operation)
        if key in NEVER_ALLOWED:
            return False
        return key in _GUARDED_READS or key in self.extra_allowed

    def attach(self, client: Any) -> None:
        service = client.meta.service_model.service_name

        def refuse_writes(model: Any, **_: Any) -> None:
            if not self.allows(service, model.name):
                raise MutatingCallRefused(
                    f"refused {service}:{model.name}: ecr-report only reads, and only the operations "
                    "declared in jobs/operations.py (declare it there if this is intended)"
                )

        # register_first: the guard runs before every other handler, and this event fires
        # before the request is even built, so nothing reaches the wire.
        client.meta.events.register_first("before-parameter-build", refuse_writes)


_GUARDED_READS = guarded_reads()


class Backend(Protocol):
    """An in-process AWS: answers (service, operation, params) for one account and region."""

    def handle(self, service: str, operation: str, params: dict[str, Any],
               account_id: str, region: str) -> dict[str, Any]: ...


class BackendError(Exception):
    """What a Backend raises for an AWS error response (code, message, HTTP status)."""

    def __init__(self, code: str, message: str, http_status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code, self.message, self.http_status = code, message, http_status


def attach_backend(client: Any, backend: Backend, account_id: str, region: str) -> None:
    """Answer every call of `client` from `backend`, after the guard and before the network."""
    service = client.meta.service_model.service_name
    events = client.meta.events

    def remember(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["ecr_report_backend_params"] = dict(params)

    def answer(model: Any, context: dict[str, Any], **_: Any) -> tuple[AWSResponse, dict[str, Any]]:
        params = context.get("ecr_report_backend_params", {})
        try:
            parsed = backend.handle(service, model.name, params, account_id, region)
            status = 200
        except Exception as exc:  # the backend's own error type carries code/message/status
            code = getattr(exc, "code", None)
            if code is None:
                raise
            status = int(getattr(exc, "http_status", 400))
            parsed = {"Error": {"Code": code, "Message": getattr(exc, "message", str(exc))}}
        parsed = {**parsed, "ResponseMetadata": {"HTTPStatusCode": status, "RequestId": "demo"}}
        return AWSResponse("https://demo.invalid/", status, {}, None), parsed

    events.register("before-parameter-build", remember)
    events.register("before-call", answer)


@dataclass(frozen=True)
class Account:
    id: str | None
    """None means "whatever account the default credentials belong to"."""
    role_arn: str | None = None
    external_id: str | None = None


@dataclass
class SessionFactory:
    """Builds guarded, recorded clients per (account, region)."""

    recorder: EvidenceRecorder
    guard: ReadOnlyGuard = field(default_factory=ReadOnlyGuard)
    max_attempts: int = 10
    backend: Backend | None = None
    base_session: boto3.Session | None = None
    base_account_id: str | None = None
    """The caller's own account; learnt from GetCallerIdentity when not given."""
    retry: RetryPolicy | None = None
    """How every call is retried (jobs/retry.py); default: `max_attempts` per call."""
    session_duration: int = 3600
    """DurationSeconds of each assumed-role session ([aws] role_session_duration_seconds)."""
    clock: Callable[[], datetime] | None = None
    """What the refreshable credentials read the time from (tests); default botocore's clock."""
    caller_arn: str | None = None
    """The default credentials' ARN, from GetCallerIdentity (its partition names member roles)."""
    _sessions: dict[str | None, boto3.Session] = field(default_factory=dict, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)
    _role_locks: dict[str, threading.Lock] = field(default_factory=dict, init=False)
    _shared: botocore.session.Session | None = field(default=None, init=False)
    _builtin_hooks: HierarchicalEmitter | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        if self.base_session is None:
            self.base_session = _default_session(self.backend)
        if self.retry is None:
            self.retry = RetryPolicy(max_attempts=self.max_attempts)
        # botocore's retries are off: its retry quota is shared per client and runs dry under
        # sustained errors; RetryPolicy gives every call its whole budget instead.
        self._config = botocore.config.Config(
            retries={"mode": "standard", "total_max_attempts": 1},
            user_agent_extra=USER_AGENT,
            connect_timeout=10,
            read_timeout=60,
            max_pool_connections=16,
        )

    def client(self, service: str, account: Account, region: str, *, record_as: str | None = None) -> Any:
        """A client for `service` in `account` and `region`.

        `record_as` is the account id the evidence is filed under (defaults to account.id).
        """
        session = self.session_for(account, region)
        return self._make_client(session, service, region, record_as or account.id or "self")

    def identify(self, region: str) -> str:
        """The account id of the default credentials (recorded as that account's evidence)."""
        client = self.base_session.client("sts", region_name=region, config=self._config)
        self.guard.attach(client)
        if self.backend is not None:
            attach_backend(client, self.backend, self.base_account_id or "self", region)
        answer = self.retry.call(client.get_caller_identity)
        account_id = answer["Account"]
        self.caller_arn = answer.get("Arn")
        self.recorder.record(account_id, region, "sts", "GetCallerIdentity", {}, answer)
        return account_id

    def session_for(self, account: Account, region: str) -> boto3.Session:
        """The session of `account`: the default one, or its role's (assumed once per role;
        a failed AssumeRole raises, and is tried again by the next unit that needs the role)."""
        if account.role_arn is None:
            return self.base_session
        with self._lock:
            role_lock = self._role_locks.setdefault(account.role_arn, threading.Lock())
        with role_lock:  # the units of one account in other regions wait for this one AssumeRole
            with self._lock:
                cached = self._sessions.get(account.role_arn)
            if cached is not None:
                return cached
            session = self._assume(account, region)
            with self._lock:
                self._sessions[account.role_arn] = session
        return session

    def _assume(self, account: Account, region: str) -> boto3.Session:
        """A session whose credentials AssumeRole now and again before they expire.

        botocore's RefreshableCredentials call `refresh` when less than the advisory window is
        left (and block on it in the mandatory window), so a collection outlasting one session
        keeps going; each refresh is a guarded, recorded AssumeRole like the first.
        """
        sts = self._make_client(self.base_session, "sts", region, self.base_account_id or "self")
        params: dict[str, Any] = {"RoleArn": account.role_arn, "RoleSessionName": "ecr-report",
                                  "DurationSeconds": self.session_duration}
        if account.external_id:
            params["ExternalId"] = account.external_id

        def refresh() -> dict[str, str]:
            try:
                creds = self.retry.call(lambda: sts.assume_role(**params))["Credentials"]
            except botocore.exceptions.ClientError as exc:
                if not _chained_too_long(exc, params["DurationSeconds"]):
                    raise
                # The hub's own credentials are a role: AWS caps a chained session at one hour.
                log.warning("%s: %s; assuming it for %d s instead", account.role_arn,
                            exc.response["Error"].get("Message"), CHAINED_MAX_SECONDS)
                params["DurationSeconds"] = CHAINED_MAX_SECONDS
                creds = self.retry.call(lambda: sts.assume_role(**params))["Credentials"]
            return {"access_key": creds["AccessKeyId"], "secret_key": creds["SecretAccessKey"],
                    "token": creds["SessionToken"], "expiry_time": _iso(creds["Expiration"])}

        first = refresh()  # now, so a role that cannot be assumed fails its unit at once
        advisory, mandatory = refresh_windows(self.session_duration)
        credentials = RefreshableCredentials(
            first["access_key"], first["secret_key"], first["token"], datetime.fromisoformat(first["expiry_time"]),
            refresh, "sts-assume-role", advisory_timeout=advisory, mandatory_timeout=mandatory,
            **({"time_fetcher": self.clock} if self.clock is not None else {}))
        core = self._role_core()
        core.get_component("credential_provider").insert_before("env", _Fixed(credentials))
        return boto3.Session(botocore_session=core)

    def _role_core(self) -> botocore.session.Session:
        """A botocore session for one role that shares the loaded service models and endpoint
        data of every other and of the caller's own session: each would otherwise load and keep its own copy
        (measured: 40 sessions x 6 services, 1.37 GB alone, 174 MB shared). Its event handlers
        are a copy of botocore's built-in ones, registered once: registering them checks every
        handler's signature (a 200-account collection at zero latency: 35.5 -> 33 s of CPU)."""
        with self._lock:
            if self._shared is None:
                self._builtin_hooks = HierarchicalEmitter()
                self._shared = botocore.session.Session(event_hooks=self._builtin_hooks)
                base_core = getattr(self.base_session, "_session", None)  # boto3 keeps its botocore session there
                if isinstance(base_core, botocore.session.Session):
                    # The caller's own session has loaded the models already (GetCallerIdentity,
                    # discovery): one loader for every session, not a second copy (~26 MiB).
                    self._shared.register_component("data_loader", base_core.get_component("data_loader"))
            shared, hooks = self._shared, self._builtin_hooks
        core = botocore.session.Session(event_hooks=copy.copy(hooks), include_builtin_handlers=False)
        for name in SHARED_COMPONENTS:
            core.register_component(name, shared.get_component(name))
        return core

    def _make_client(self, session: boto3.Session, service: str, region: str, record_as: str) -> Any:
        client = session.client(service, region_name=region, config=self._config)
        self.guard.attach(client)
        if self.backend is not None:
            attach_backend(client, self.backend, record_as, region)
        self.recorder.attach(client, record_as, region)
        return client


SHARED_COMPONENTS = ("data_loader",)
"""What the role sessions share: the loader, whose cache holds every parsed service model and
the endpoint data (read-only once loaded)."""
CHAINED_MAX_SECONDS = 3600
"""The longest session of a role assumed with a role's credentials (role chaining)."""


def _chained_too_long(exc: botocore.exceptions.ClientError, duration: int) -> bool:
    """AssumeRole refused a DurationSeconds above one hour because the caller is itself a role."""
    error = exc.response.get("Error", {})
    return (duration > CHAINED_MAX_SECONDS and error.get("Code") == "ValidationError"
            and "role chaining" in str(error.get("Message", "")))


def refresh_windows(duration: int) -> tuple[int, int]:
    """(advisory, mandatory) seconds before expiry that credentials are refreshed: botocore's
    15 and 10 minutes, shortened for short sessions (a 15-minute session would otherwise be
    refreshed before every call)."""
    return min(15 * 60, duration // 3), min(10 * 60, duration // 6)


class _Fixed(CredentialProvider):
    """A credential provider that hands out one (refreshable) credentials object."""

    METHOD = "sts-assume-role"

    def __init__(self, credentials: RefreshableCredentials) -> None:
        super().__init__()
        self._credentials = credentials

    def load(self) -> RefreshableCredentials:
        return self._credentials


def _iso(moment: Any) -> str:
    return moment.isoformat() if isinstance(moment, datetime) else str(moment)


def _default_session(backend: Backend | None) -> boto3.Session:
    if backend is None:
        return boto3.Session()
    # An in-process backend needs no credentials; fixed dummy ones keep botocore from searching
    # the environment (and from failing on a machine that has none).
    return boto3.Session(aws_access_key_id="demo", aws_secret_access_key="demo")

