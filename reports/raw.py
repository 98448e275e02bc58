"""The evidence record of one AWS API call, and its archive encoding (pure, no I/O).

Shared by the collectors (which record calls) and `reports.normalize` (which reads them), so the
normaliser never depends on how the calls were made.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
from dataclasses import dataclass
from typing import Any

RAW_SUFFIX = ".json.gz"


@dataclass(frozen=True)
class RawCall:
    """One API call and its response, as kept in the evidence archive."""

    account_id: str
    region: str
    service: str
    """botocore service name, e.g. `ecr`, `inspector2`."""
    operation: str
    """API operation name, e.g. `DescribeImages`."""
    seq: int
    """1-based call counter per (account, region, service, operation)."""
    params: dict[str, Any]
    response: dict[str, Any]
    """Parsed response; a failed call has an `Error` member {Code, Message}."""
    minimised: dict[str, Any] | None = None
    """Set when the response was cut down before it was kept (secrets never reach the archive):
    `{"rule": "allow-list", "kept": [paths], "removed": [paths], "reason": ...}`. None: the
    response is verbatim (then the archived JSON has no `minimised` key at all)."""

    @property
    def ok(self) -> bool:
        return "Error" not in self.response

    @property
    def error_code(self) -> str | None:
        return None if self.ok else str(self.response["Error"].get("Code", ""))

    def relative_path(self) -> str:
        return f"{self.account_id}/{self.region}/{self.service}.{self.operation}.{self.seq}{RAW_SUFFIX}"

    def to_json(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "region": self.region,
            "service": self.service,
            "operation": self.operation,
            "seq": self.seq,
            "params": self.params,
            "response": self.response,
            **({"minimised": self.minimised} if self.minimised is not None else {}),
        }


_PLAIN = frozenset({str, int, float, bool, type(None)})


def json_safe(value: Any) -> Any:
    """Convert a botocore parsed structure into plain JSON types (timestamps -> ISO 8601 UTC).

    Every response of a run passes through here (millions of values at scale): plain values,
    dicts and lists are recognised by their exact type first, the rest as before."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is dict:
        return {k if type(k) is str else str(k): v if type(v) in _PLAIN else json_safe(v)
                for k, v in value.items()}
    if kind is list:
        return [v if type(v) in _PLAIN else json_safe(v) for v in value]
    return _json_safe_other(value)


def _json_safe_other(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(value, (bytes, bytearray)):
        return {"__base64__": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def encode(call: RawCall) -> bytes:
    """Deterministic gzip bytes for one call (mtime 0, sorted keys)."""
    body = json.dumps(call.to_json(), sort_keys=True, separators=(",", ":")).encode()
    return gzip.compress(body, compresslevel=6, mtime=0)


def decode(data: bytes) -> RawCall:
    doc = json.loads(gzip.decompress(data))
    return RawCall(**doc)
