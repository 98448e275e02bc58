"""The evidence record of one AWS API call, and its archive encoding (pure, no I/O).

Shared by the collectors (which record calls) and `reports.normalize` (which reads them), so the
normaliser never depends on how the calls were made.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
import threading
import zlib
from dataclasses import dataclass
from typing import Any, Iterator, Mapping, Protocol

import orjson

from .jsonbytes import float_written_alike, orjson_if_alike

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


class CallGroup(Protocol):
    """The recorded calls of one (service, operation) of a unit, not read yet."""

    size: int
    """How much there is to read (bytes of the archive files): what decoding it will hold."""

    def __iter__(self) -> Iterator[RawCall]:
        """The calls in seq order, each read as it is reached: none is kept."""


class CallsByUnit(Protocol):
    """Recorded calls handed over one (account, region) unit at a time, instead of all at once,
    and within a unit one (service, operation) at a time, as the table builders ask for them.

    What a run passes to `build_snapshot` so that no process holds every call of a large fleet,
    nor every call of a large registry: jobs/evidence.py `RawDirCalls` reads them back from the
    run's raw/ directory."""

    def unit_groups(self, account_id: str, region: str) -> Mapping[tuple[str, str], CallGroup]:
        """Every call filed under this unit, by (service, operation)."""

    def __len__(self) -> int:
        """The number of calls in all (units or not: the caller's identity, discovery)."""


_PLAIN = frozenset({str, int, bool, type(None)})
"""Kept as they are. Floats are looked at one by one (they are rare in AWS's answers): see
`json_safe_noting_floats`."""


class _FloatNotes(threading.local):
    """Whether `json_safe` met, in this thread since the last reset, a float that json and
    orjson write differently."""

    differs = False


_FLOATS = _FloatNotes()


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
    if kind is float:
        if not float_written_alike(value):
            _FLOATS.differs = True
        return value
    return _json_safe_other(value)


def json_safe_noting_floats(value: Any) -> tuple[Any, bool]:
    """`json_safe(value)`, and whether every float in it is written alike by json and orjson
    (what `encode_body(..., floats_alike=True)` needs to know)."""
    _FLOATS.differs = False
    out = json_safe(value)
    return out, not _FLOATS.differs


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
    return gzip.compress(encode_body(call), compresslevel=6, mtime=0)


def encode_body(call: RawCall, *, floats_alike: bool = False) -> bytes:
    """The JSON inside `encode`'s gzip: sorted keys, no spaces, ASCII, as json.dumps writes it.

    `floats_alike`: the caller knows every float in the call is written alike by json and
    orjson (`json_safe_noting_floats`). Then orjson writes it when it gives json's bytes
    (reports/jsonbytes.py): the evidence of a scale-40 run is ~18k calls and was ~2 s of
    json.dumps."""
    doc = call.to_json()
    data = orjson_if_alike(doc, _ORJSON_AS_JSON) if floats_alike else None
    return data if data is not None else json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()


_ORJSON_AS_JSON = orjson.OPT_SORT_KEYS
"""Sorted keys like json's sort_keys (`orjson_if_alike` leaves subclasses, dataclasses and
datetimes to json)."""


def decode(data: bytes) -> RawCall:
    return decode_body(gunzip(data))


def gunzip(data: bytes) -> bytes:
    """`gzip.decompress(data)`, by zlib alone for the one-member files `encode` writes (zlib
    checks the CRC and length itself; gzip's Python-side header parsing and CRC pass were a
    tenth of reading a scale-40 run's raw/ back). Anything else (several members, trailing
    bytes, a damaged file) goes to gzip, which decides or names the fault as before."""
    unzip = zlib.decompressobj(_GZIP_ONLY)
    try:
        body = unzip.decompress(data)
    except zlib.error:
        return gzip.decompress(data)
    if not unzip.eof or unzip.unused_data:
        return gzip.decompress(data)
    return body


_GZIP_ONLY = 16 + zlib.MAX_WBITS  # the gzip wrapper (not zlib's, not raw deflate)


def decode_body(body: bytes) -> RawCall:
    return RawCall(**_loads(body))


def _loads(body: bytes) -> Any:
    """json.loads through orjson, which gives the same objects for what it accepts (a run reads
    its ~18k calls back at scale 40); what it refuses (NaN literals, integers beyond 64 bits,
    lone surrogates) goes to json."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return json.loads(body)
