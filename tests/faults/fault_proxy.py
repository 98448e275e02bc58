"""A fault-injecting HTTP proxy for the tests: it sits between the product's boto3 clients
(`AWS_ENDPOINT_URL` points at it) and moto's server, and answers some requests itself.

Faults, each decided per request from a seeded random stream:

* `throttle`: the share of requests answered with the service's throttling error;
* `error`: the share answered HTTP 500 (InternalFailure);
* `drop`: the share whose connection is closed without an answer;
* `dead_regions`: regions whose every request is dropped (read from the SigV4 credential scope);
* `deny`: operations always answered AccessDeniedException;
* `delay`: seconds added before forwarding every request (a slow endpoint).

Everything else is forwarded to moto unchanged, so a request that gets through is answered by
moto as if the proxy were not there.
"""

from __future__ import annotations

import json
import random
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import requests

_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([a-z0-9-]+)/([a-z0-9-]+)/aws4_request")


@dataclass
class Faults:
    throttle: float = 0.0
    error: float = 0.0
    drop: float = 0.0
    dead_regions: frozenset[str] = frozenset()
    deny: frozenset[str] = frozenset()
    """Operation names ("DescribePullThroughCacheRules") always refused."""
    delay: float = 0.0
    seed: int = 0
    injected: dict[str, int] = field(default_factory=dict)
    """How many requests got each fault (for the tests' own sanity checks)."""

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._lock = threading.Lock()

    drawn: int = 0
    """Requests that drew a fault (or none) from the random stream."""

    def draw(self) -> float:
        with self._lock:
            self.drawn += 1
            return self._rng.random()

    def count(self, kind: str) -> None:
        with self._lock:
            self.injected[kind] = self.injected.get(kind, 0) + 1


def _operation(headers, body: bytes) -> str:
    target = headers.get("X-Amz-Target")
    if target:
        return target.rsplit(".", 1)[-1]
    form = parse_qs(body.decode("utf-8", "replace")) if body else {}
    return (form.get("Action") or [""])[0]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    faults: Faults
    upstream: str

    def log_message(self, *args) -> None:  # quiet
        pass

    def _relay(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        fault = self._fault(body)
        if fault == "drop":
            self.close_connection = True
            self.connection.close()
            return
        if fault is not None:
            self._answer_error(*fault)
            return
        if self.faults.delay:
            time.sleep(self.faults.delay)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
        upstream = requests.request(self.command, self.upstream + self.path, headers=headers, data=body,
                                    timeout=60)
        self.send_response(upstream.status_code)
        for key, value in upstream.headers.items():
            if key.lower() not in ("content-length", "transfer-encoding", "connection", "content-encoding"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(upstream.content)))
        self.end_headers()
        self.wfile.write(upstream.content)

    def _fault(self, body: bytes) -> "str | tuple[int, str, str] | None":
        f = self.faults
        scope = _SCOPE.search(self.headers.get("Authorization", ""))
        if scope and scope.group(1) in f.dead_regions:
            f.count("dead")
            return "drop"
        if _operation(self.headers, body) in f.deny:
            f.count("deny")
            return (400, "AccessDeniedException", "User is not authorized to perform this operation")
        roll = f.draw()
        if roll < f.drop:
            f.count("drop")
            return "drop"
        if roll < f.drop + f.error:
            f.count("error")
            return (500, "InternalFailure", "injected server error")
        if roll < f.drop + f.error + f.throttle:
            f.count("throttle")
            return (400, "ThrottlingException", "Rate exceeded")
        return None

    def _answer_error(self, status: int, code: str, message: str) -> None:
        if self.headers.get("X-Amz-Target") or "json" in (self.headers.get("Content-Type") or ""):
            payload = json.dumps({"__type": code, "message": message}).encode()
            kind = "application/x-amz-json-1.1"
        else:  # query protocol (STS, EC2, CloudWatch): the XML error shapes botocore parses
            payload = (f"<ErrorResponse><Error><Code>{code}</Code><Message>{message}</Message></Error>"
                       f"<RequestId>fault</RequestId></ErrorResponse>").encode()
            kind = "text/xml"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("x-amzn-ErrorType", code)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _relay


class FaultProxy:
    """`with FaultProxy(upstream, faults) as url:` a proxy listening on 127.0.0.1."""

    def __init__(self, upstream: str, faults: Faults) -> None:
        handler = type("Handler", (_Handler,), {"faults": faults, "upstream": upstream.rstrip("/")})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
