"""Keep every AWS API response verbatim, before anything interprets it.

The recorder hooks botocore's event system of each client: it remembers the API parameters of
a call (`before-parameter-build`) and stores the parsed response, success or error, when it
arrives (`after-call`). Each response becomes a `RawCall` in memory and, when a run directory is
given, a gzipped JSON file `raw/<account>/<region>/<service>.<Operation>.<n>.json.gz`.

The stored form is JSON-safe (timestamps as ISO 8601 strings), and it is that form, not the live
boto3 objects, that `reports.normalize` reads: a run re-rendered from its archive sees exactly
what the live run saw.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..reports.raw import RAW_SUFFIX, RawCall, decode, encode, json_safe

__all__ = ["EvidenceRecorder", "RawCall", "load_raw_dir", "sort_calls", "json_safe"]


def load_raw_dir(raw_dir: Path) -> list[RawCall]:
    """Read every recorded call of a run, in a stable order."""
    calls = [decode(p.read_bytes()) for p in raw_dir.rglob(f"*{RAW_SUFFIX}")]
    return sort_calls(calls)


def sort_calls(calls: Iterable[RawCall]) -> list[RawCall]:
    return sorted(calls, key=lambda c: (c.account_id, c.region, c.service, c.operation, c.seq))


class EvidenceRecorder:
    """Collects RawCalls from any number of clients; thread-safe."""

    def __init__(self, raw_dir: Path | None = None) -> None:
        self._raw_dir = raw_dir
        self._lock = threading.Lock()
        self._calls: list[RawCall] = []
        self._seq: Counter[tuple[str, str, str, str]] = Counter()

    def write_to(self, raw_dir: Path) -> None:
        """From now on write calls under `raw_dir`; calls recorded so far are written now."""
        with self._lock:
            self._raw_dir = raw_dir
            earlier = list(self._calls)
        for call in earlier:
            _write(raw_dir, call)

    @property
    def calls(self) -> list[RawCall]:
        with self._lock:
            return list(self._calls)

    def __iter__(self) -> Iterator[RawCall]:
        return iter(self.calls)

    def operation_counts(self) -> Counter[str]:
        """Calls made per `service.Operation` (what the call-count benchmark prints)."""
        return Counter(f"{c.service}.{c.operation}" for c in self.calls)

    def record(self, account_id: str, region: str, service: str, operation: str,
               params: dict[str, Any], response: dict[str, Any]) -> RawCall:
        key = (account_id, region, service, operation)
        with self._lock:
            self._seq[key] += 1
            call = RawCall(account_id, region, service, operation, self._seq[key],
                           json_safe(params), json_safe(_without_metadata(response)))
            self._calls.append(call)
        if self._raw_dir is not None:
            _write(self._raw_dir, call)
        return call

    def attach(self, client: Any, account_id: str, region: str) -> None:
        """Hook this recorder into one boto3 client."""
        service = client.meta.service_model.service_name
        events = client.meta.events

        def remember_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
            context["ecr_report_params"] = _copy_params(params)

        def store_response(parsed: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
            self.record(account_id, region, service, model.name,
                        context.get("ecr_report_params", {}), parsed)

        events.register("before-parameter-build", remember_params)
        events.register("after-call", store_response)


def _write(raw_dir: Path, call: RawCall) -> None:
    path = raw_dir / call.relative_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encode(call))


def _copy_params(params: dict[str, Any]) -> dict[str, Any]:
    # Paginators reuse and mutate their parameter dict between pages; keep this page's copy.
    return json.loads(json.dumps(json_safe(params)))


def _without_metadata(response: dict[str, Any]) -> dict[str, Any]:
    # Keep the request id (it ties the evidence to CloudTrail) and the status; drop HTTP
    # headers and retry counters, which are transport noise rather than evidence.
    out = {k: v for k, v in response.items() if k != "ResponseMetadata"}
    meta = response.get("ResponseMetadata") or {}
    kept = {k: meta[k] for k in ("RequestId", "HTTPStatusCode") if k in meta}
    if kept:
        out["ResponseMetadata"] = kept
    return out
