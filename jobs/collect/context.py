"""Calling AWS for one (account, region) unit, with failures turned into data.

Collectors never catch exceptions themselves: they go through `UnitContext.call` and
`UnitContext.pages`, which return None (or stop paging) when a call fails and file a
`CollectionError`. Errors a collector expects as an answer (a repository without a lifecycle
policy answers `LifecyclePolicyNotFoundException`) are named in `expected` and are not
collection errors; the recorder still keeps them as evidence.

Some failures mean nothing more can be collected in the unit (the region's endpoint cannot be
reached, the credentials are refused): those raise `UnitAborted` after being filed.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Sequence, TypeVar

import botocore.exceptions
from botocore import xform_name

from ..aws_session import Account, MutatingCallRefused, SessionFactory
from ..evidence import call_order, reserve_position

T = TypeVar("T")
R = TypeVar("R")

# Error codes after which no further call in the unit can succeed.
FATAL_CODES = frozenset({
    "UnrecognizedClientException", "InvalidClientTokenId", "ExpiredToken", "ExpiredTokenException",
    "InvalidSignatureException", "AuthFailure", "SignatureDoesNotMatch",
})


DEAD_AFTER_FAILED_CALLS = 3
"""Calls in a row that lose their connection after every retry before the unit is given up."""


@dataclass(frozen=True)
class CollectionError:
    """One call that could not be collected (a row of summary.json completeness.errors)."""

    account: str
    region: str
    operation: str
    """`service:Operation`, plus the resource it was about when there is one."""
    error: str
    """One line: error code and message."""

    def to_json(self) -> dict[str, str]:
        return {"account": self.account, "region": self.region,
                "operation": self.operation, "error": self.error}


class UnitAborted(Exception):
    """Nothing more can be collected in this unit; the reason is already filed."""


@dataclass
class UnitContext:
    """What a collector needs: clients for its unit, and a place to file errors."""

    factory: SessionFactory
    account: Account
    account_id: str
    region: str
    errors: list[CollectionError] = field(default_factory=list)
    _clients: dict[str, Any] = field(default_factory=dict)
    _connection_failures: int = 0
    """Calls in a row that ended in a dropped connection after all their retries."""
    _lock: threading.RLock = field(default_factory=threading.RLock)
    """Re-entrant: a client that cannot be made files its error while the lock is held."""
    abort_reason: str | None = None
    """Why the unit was given up (UnitAborted); its steps running side by side stop at their next call."""

    def client(self, service: str) -> Any:
        with self._lock:
            if service not in self._clients:
                self._clients[service] = self._new_client(service)
            return self._clients[service]

    def _new_client(self, service: str) -> Any:
        """A client of the unit's account; the unit is given up, with the reason filed, when
        the account's role cannot be assumed (no call in it could succeed)."""
        try:
            return self.factory.client(service, self.account, self.region, record_as=self.account_id)
        except botocore.exceptions.ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            message = f"{code}: {_message(exc)}"
        except (botocore.exceptions.BotoCoreError, ValueError) as exc:
            message = f"{type(exc).__name__}: {exc}"
        self._file("sts", "AssumeRole", self.account.role_arn or "", message, fatal=False)
        self._abort(message)

    def call(self, service: str, operation: str, *, expected: tuple[str, ...] = (),
             about: str = "", **params: Any) -> dict[str, Any] | None:
        """One API call; None when it failed (filed) or answered an `expected` error code."""
        if self.abort_reason is not None:  # another step gave the unit up
            raise UnitAborted(self.abort_reason)
        method = getattr(self.client(service), xform_name(operation))
        try:
            answer = self.factory.retry.call(lambda: method(**params))
            self._connection_failures = 0
            return answer
        except botocore.exceptions.ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if code in expected:
                return None
            self._file(service, operation, about, f"{code}: {_message(exc)}", fatal=code in FATAL_CODES)
        except MutatingCallRefused:
            raise  # a bug in our code, never a property of the account
        except (botocore.exceptions.EndpointConnectionError, botocore.exceptions.ConnectTimeoutError) as exc:
            self._file(service, operation, about, f"{type(exc).__name__}: {exc}", fatal=True)
        except (botocore.exceptions.ConnectionError, botocore.exceptions.HTTPClientError) as exc:
            # Dropped connections are retried per call; calls failing so in a row mean the
            # endpoint is gone for this unit: stop rather than spend every call's budget.
            self._connection_failures += 1
            self._file(service, operation, about, f"{type(exc).__name__}: {exc}",
                       fatal=self._connection_failures >= DEAD_AFTER_FAILED_CALLS)
        except botocore.exceptions.NoCredentialsError as exc:
            self._file(service, operation, about, f"NoCredentialsError: {exc}", fatal=True)
        except botocore.exceptions.BotoCoreError as exc:
            self._file(service, operation, about, f"{type(exc).__name__}: {exc}", fatal=False)
        return None

    def pages(self, service: str, operation: str, *, about: str = "", token: str = "nextToken",
              **params: Any) -> Iterator[dict[str, Any]]:
        """Every page of a paginated operation; stops (and files the error) on a failure.

        A failed page leaves the data it belongs to partial, so the error says which page.
        `token` is the operation's pagination token member (EC2 and CloudWatch: NextToken).
        """
        token_in = token_out = token
        page_no = 0
        while True:
            page_no += 1
            page = self.call(service, operation, about=f"{about} page {page_no}".strip(), **params)
            if page is None:
                return
            yield page
            next_token = page.get(token_out)
            if not next_token:
                return
            params = {**params, token_in: next_token}

    def _file(self, service: str, operation: str, about: str, message: str, *, fatal: bool) -> None:
        op = f"{service}:{operation}" + (f" ({about})" if about else "")
        with self._lock:
            self.errors.append(CollectionError(self.account_id, self.region, op, _one_line(message)))
        if fatal:
            self._abort(message)

    def _abort(self, message: str) -> None:
        with self._lock:
            if self.abort_reason is None:
                self.abort_reason = _one_line(message)
        raise UnitAborted(message)

    def side_by_side(self, steps: Sequence[Callable[[], Any]], workers: int) -> list[Any]:
        """Run independent steps of the unit at once (one after the other when `workers` is 1);
        their results in order. A step that gives the unit up stops the others at their next call."""
        return parallel_map(lambda step: step(), steps, len(steps) if workers > 1 else 1)


def _message(exc: botocore.exceptions.ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Message", "")) or str(exc)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())[:500]


def parallel_map(fn: Callable[[T], R], items: Sequence[T], workers: int) -> list[R]:
    """`fn` over `items`, `workers` at a time, results in input order: the collectors'
    bounded per-repository fan-out (inline when there is nothing to run in parallel)."""
    # Each item's calls are ordered as if the items ran one after the other, in input order
    # (evidence.call_order): the evidence does not depend on which thread finished first.
    base = reserve_position()

    def positioned(pair: tuple[int, T]) -> R:
        with call_order(base + (pair[0],)):
            return fn(pair[1])

    if workers <= 1 or len(items) <= 1:
        return [positioned(pair) for pair in enumerate(items)]
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ecr-repo") as pool:
        return list(pool.map(positioned, enumerate(items)))
