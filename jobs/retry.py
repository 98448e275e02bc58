"""Retries that last: every call gets the configured attempt budget, however many others failed.

botocore's own retry modes share a retry quota per client (a token bucket of 500 that each
retry drains by 5 and each success refills by 1): under sustained errors it empties and later
calls are not retried at all (`RetryQuotaReached`), so a configured `max_attempts` stops
meaning anything exactly when it matters. The clients are therefore built with botocore's
retries off (one attempt), and every call goes through `RetryPolicy.call`: exponential backoff
with full jitter, the same error classes botocore's standard mode retries, and no shared quota.

An endpoint that cannot be reached at all (connection refused, DNS, connect timeout) is retried
only `UNREACHABLE_ATTEMPTS` times: a dead region should fail in seconds, not after the whole
budget; `jobs/collect/context.py` then stops collecting that unit.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Callable, TypeVar

import botocore.exceptions

T = TypeVar("T")

UNREACHABLE_ATTEMPTS = 3
"""Attempts for a call whose endpoint cannot be reached at all."""

# The error codes and HTTP statuses botocore's standard retry mode treats as throttling or
# transient (botocore/retries/standard.py), retried here the same way.
THROTTLING_CODES = frozenset({
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "ProvisionedThroughputExceededException", "TransactionInProgressException",
    "RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled",
    "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
})
TRANSIENT_CODES = frozenset({"RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete",
                             "InternalError", "InternalFailure", "ServiceUnavailable"})
TRANSIENT_STATUS = frozenset({500, 502, 503, 504})
UNREACHABLE = (botocore.exceptions.EndpointConnectionError, botocore.exceptions.ConnectTimeoutError)
TRANSIENT_IO = (botocore.exceptions.ConnectionError, botocore.exceptions.HTTPClientError,
                botocore.exceptions.ResponseStreamingError)
"""Dropped or reset connections, read timeouts, a response cut short: worth another attempt."""


def classify(exc: BaseException) -> str | None:
    """"unreachable", "transient" (throttles, 5xx, dropped connections) or None (not retried)."""
    if isinstance(exc, UNREACHABLE):
        return "unreachable"
    if isinstance(exc, TRANSIENT_IO):
        return "transient"
    if isinstance(exc, botocore.exceptions.ClientError):
        error = exc.response.get("Error", {})
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if error.get("Code") in THROTTLING_CODES | TRANSIENT_CODES or status in TRANSIENT_STATUS:
            return "transient"
    return None


@dataclass
class RetryPolicy:
    max_attempts: int = 10
    """Attempts per call, the first included (`[aws] max_attempts`)."""
    base_delay: float = 0.1
    """Seconds; the n-th retry waits a random time up to base x 2^(n-1), at most `max_delay`."""
    max_delay: float = 20.0
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)

    def call(self, fn: Callable[[], T]) -> T:
        """`fn()`, retried while its error is retryable and the call's budget lasts."""
        attempt = 1
        while True:
            try:
                return fn()
            except Exception as exc:
                kind = classify(exc)
                budget = UNREACHABLE_ATTEMPTS if kind == "unreachable" else self.max_attempts
                if kind is None or attempt >= min(budget, self.max_attempts):
                    raise
            self.sleep(self.rng.uniform(0, min(self.max_delay, self.base_delay * 2 ** (attempt - 1))))
            attempt += 1
