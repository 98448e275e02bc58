"""Keep every AWS API response, before anything interprets it: verbatim, but never a secret.

The recorder hooks botocore's event system of each client: it remembers the API parameters of
a call (`before-parameter-build`) and stores the parsed response, success or error, when it
arrives (`after-call`). Each response becomes a `RawCall` in memory and, when a run directory is
given, a gzipped JSON file `raw/<account>/<region>/<service>.<Operation>.<n>.json.gz`.

The stored form is JSON-safe (timestamps as ISO 8601 strings), and it is that form, not the live
boto3 objects, that `reports.normalize` reads: a run re-rendered from its archive sees exactly
what the live run saw.

Verbatim, except where a response can carry secrets (`MINIMISED`): those are cut down to an
allow-list of fields *before* the call is kept, in memory or on disk, and the archived call says
so in its `minimised` member (the rule, the paths kept, the paths removed; never a removed value).
An allow-list rather than a deny-list, so a field AWS adds later is dropped until someone decides
the report needs it. The collector that made the call still gets the full live answer (it needs
the assumed role's credentials); only what is kept is cut.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping

from ..reports.raw import RAW_SUFFIX, RawCall, decode, encode, json_safe
from ..reports.stages import stage

__all__ = ["EvidenceRecorder", "MINIMISED", "Minimisation", "RawCall", "load_raw_dir", "minimise",
           "sort_calls", "json_safe"]


@dataclass(frozen=True)
class Minimisation:
    """What is kept of one operation's successful responses; everything else is dropped.

    `keep` are dotted paths into the response; `[]` marks a list, whose every element is cut
    the same way; a path that ends at a structure keeps it whole. Only structure members (fixed
    by the AWS API) are ever filtered, never the keys of a user-defined map, so the recorded
    `removed` paths name AWS fields, not anybody's data.
    """

    keep: tuple[str, ...]
    reason: str
    params_removed: tuple[str, ...] = ()
    """Request parameters not kept either (ours, so named: there is nothing unknown to allow)."""


MINIMISED: Mapping[tuple[str, str], Minimisation] = {
    # What reports/pull_through/tables.py (_container_images) and the collector read: the image
    # references, and which task definition and container they belong to. The rest of a task
    # definition (environment values, secrets and environmentFiles references, command,
    # entryPoint, dockerLabels, logConfiguration options, healthCheck, linuxParameters,
    # repositoryCredentials, volumes, proxyConfiguration, tags, ...) can hold plaintext secrets.
    ("ecs", "DescribeTaskDefinition"): Minimisation(
        keep=("taskDefinition.taskDefinitionArn", "taskDefinition.family", "taskDefinition.revision",
              "taskDefinition.status", "taskDefinition.containerDefinitions[].name",
              "taskDefinition.containerDefinitions[].image"),
        reason="a task definition can carry secrets in plaintext; only the image references the "
               "report reads are kept"),
    # The product's own role assumption: the temporary credentials are used, never kept.
    ("sts", "AssumeRole"): Minimisation(
        keep=("AssumedRoleUser", "Credentials.Expiration", "PackedPolicySize", "SourceIdentity"),
        reason="the temporary credentials (AccessKeyId, SecretAccessKey, SessionToken) are used "
               "for the calls and never kept; nor is the role's ExternalId",
        # AWS does not count an external ID as a secret, but it is one half of what lets a
        # third party assume the role, and the archive cannot be deleted: it is not kept.
        params_removed=("ExternalId",)),
}
"""Operations whose responses are minimised before they are kept (see the module docstring).
The other operations the product calls return no secrets (README, "Evidence")."""

_ALWAYS_KEPT = "ResponseMetadata"  # request id and HTTP status, already cut by _without_metadata


def minimise(response: dict[str, Any], rule: Minimisation) -> tuple[dict[str, Any], dict[str, Any]]:
    """`response` cut to `rule.keep`, and the record of what was done (for RawCall.minimised)."""
    tree: dict[str, Any] = {_ALWAYS_KEPT: True}
    for path in rule.keep:
        node = tree
        parts = path.replace("[]", "").split(".")
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if child is True:
                break
            node = child
        else:
            node[parts[-1]] = True
    removed: set[str] = set()
    kept = _cut(response, tree, "", removed)
    return kept, {"rule": "allow-list", "kept": list(rule.keep), "removed": sorted(removed),
                  "reason": rule.reason}


_DROP = object()


def _cut(value: Any, tree: Any, path: str, removed: set[str]) -> Any:
    if tree is True:
        return value
    if isinstance(value, list):
        out = [_cut(v, tree, f"{path}[]", removed) for v in value]
        return [v for v in out if v is not _DROP]
    if not isinstance(value, dict):  # a scalar where the allow-list expects a structure
        removed.add(path)
        return _DROP
    kept = {}
    for key, item in value.items():
        sub = f"{path}.{key}" if path else key
        if key not in tree:
            removed.add(sub)
            continue
        cut = _cut(item, tree[key], sub, removed)
        if cut is not _DROP:
            kept[key] = cut
    return kept


def load_raw_dir(raw_dir: Path) -> list[RawCall]:
    """Read every recorded call of a run, in a stable order."""
    calls = [decode(p.read_bytes()) for p in raw_dir.rglob(f"*{RAW_SUFFIX}")]
    return sort_calls(calls)


def sort_calls(calls: Iterable[RawCall]) -> list[RawCall]:
    return sorted(calls, key=lambda c: (c.account_id, c.region, c.service, c.operation, c.seq))


class EvidenceRecorder:
    """Collects RawCalls from any number of clients; thread-safe."""

    def __init__(self, raw_dir: Path | None = None, *,
                 minimised: Mapping[tuple[str, str], Minimisation] = MINIMISED) -> None:
        self._raw_dir = raw_dir
        self._minimised = minimised
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
        with stage("evidence recording"):  # a no-op unless benchmarks/stages.py measures
            return self._record(account_id, region, service, operation, params, response)

    def _record(self, account_id: str, region: str, service: str, operation: str,
                params: dict[str, Any], response: dict[str, Any]) -> RawCall:
        key = (account_id, region, service, operation)
        kept, params = json_safe(_without_metadata(response)), json_safe(params)
        how = None
        rule = self._minimised.get((service, operation))
        if rule is not None:
            if "Error" not in kept:  # an error answer carries only a code and a message
                kept, how = minimise(kept, rule)
            cut = sorted(k for k in rule.params_removed if k in params)
            if cut:
                params = {k: v for k, v in params.items() if k not in cut}
                how = {**(how or {"rule": "allow-list", "reason": rule.reason}), "params_removed": cut}
        with self._lock:
            self._seq[key] += 1
            call = RawCall(account_id, region, service, operation, self._seq[key], params, kept, how)
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
