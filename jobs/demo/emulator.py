"""``DemoEmulator``: answers botocore API calls from the in-memory demo fleet.

``handle(service, operation, params, account_id, region)`` returns the parsed response dict
(botocore output shape) or raises ``DemoServiceError``.  Handlers live per service in
``svc_ecr``, ``svc_inspector``, ``svc_sts``, ``svc_aux`` and (organization mode) ``svc_org``.
An optional per-call latency makes the demo's timings reflect a network rather than a CPU loop.  The fleet is immutable; the
only shared mutable state is a memo of derived, deterministic sequences (filtered image
lists, coverage rows, findings), so concurrent calls from collector threads are safe, and the
lifecycle previews started (``svc_preview``).
"""

from __future__ import annotations

import threading
import time

from ...reports.stages import stage
from . import svc_aux, svc_ecr, svc_inspector, svc_org, svc_preview, svc_sts
from .errors import DemoServiceError
from .fleet import empty_registry
from .model import DemoFleet, Registry

HANDLERS = {**svc_ecr.HANDLERS, **svc_inspector.HANDLERS, **svc_sts.HANDLERS, **svc_aux.HANDLERS,
            **svc_preview.HANDLERS, **svc_org.HANDLERS}
_MAX_MEMO = 20_000


class DemoEmulator:
    """Server side of the AWS operations ``ecr-report`` collects, over a ``DemoFleet``."""

    operations = frozenset(HANDLERS)
    """Every (service, operation) pair this emulator implements."""

    def __init__(self, fleet: DemoFleet, latency_ms: float = 0) -> None:
        self.fleet = fleet
        self.latency = max(0.0, float(latency_ms)) / 1000
        """Seconds every call waits before it is answered (`--demo-latency-ms`)."""
        self._memo: dict = {}
        self._lock = threading.Lock()
        self._extra_registries: dict = {}
        self.started_previews: dict = {}
        """(account, region, repository) -> policy text of a started lifecycle preview (svc_preview)."""

    def handle(self, service: str, operation: str, params: dict | None, account_id: str, region: str) -> dict:
        """Answer one API call made with ``account_id``'s credentials in ``region``."""
        if self.latency:
            time.sleep(self.latency)  # the round trip a real endpoint would cost
        handler = HANDLERS.get((service, operation))
        if handler is None:
            raise DemoServiceError("UnsupportedOperation",
                                   f"The ecr-report demo does not emulate {service}:{operation}.", 400)
        if account_id not in self.fleet.accounts:
            raise DemoServiceError("AccessDeniedException" if service != "sts" else "AccessDenied",
                                   f"The security token included in the request is not valid for account "
                                   f"{account_id}.", 403)
        if service in svc_org.ACCOUNT_LEVEL:
            with stage("emulator"):
                return handler(self, account_id, dict(params or {}))
        registry = self.registry(account_id, region)  # built on first use: a stage of its own
        with stage("emulator"):
            return handler(self, registry, dict(params or {}))

    def release(self) -> None:
        """Let go of the fleet and the memo once collection is over.

        The botocore clients answered from here hold the emulator in their reference cycles,
        which only the cyclic garbage collector frees: until then the whole fleet (~360,000
        objects at scale 40) stays alive, and that collector's next pass spent 0.9 s walking
        it. Dropped here, reference counting frees the fleet at once."""
        with self._lock:
            self.fleet = self._memo = self._extra_registries = None  # type: ignore[assignment]

    def account_for_access_key(self, access_key_id: str | None) -> str:
        """Map the access key a client signs with to its account (assumed roles -> target account)."""
        return svc_sts.account_for_access_key(access_key_id, self.fleet.caller_account)

    # ------------------------------------------------------------------ shared helpers
    def registry(self, account_id: str, region: str) -> Registry:
        """The fleet's registry, or an empty default one for a region the fleet does not use."""
        reg = self.fleet.registries.get((account_id, region))
        if reg is None:
            reg = self._extra_registries.get((account_id, region))
            if reg is None:
                with self._lock:
                    reg = self._extra_registries.setdefault(
                        (account_id, region), empty_registry(account_id, region, self.fleet.as_of))
        return reg

    def cached(self, key, compute):
        """Memoise a deterministic derived value (computed at most a few times under races)."""
        value = self._memo.get(key)
        if value is None:
            value = compute()
            with self._lock:
                if len(self._memo) > _MAX_MEMO:
                    self._memo.clear()
                value = self._memo.setdefault(key, value)
        return value

    def repo_index(self, reg: Registry, repo) -> dict:
        """``{"digest": {...}, "tag": {...}}`` lookups for one repository."""
        def build():
            by_tag = {}
            for img in repo.images:
                for tag in img.tags:
                    by_tag[tag] = img
            return {"digest": {img.digest: img for img in repo.images}, "tag": by_tag}
        return self.cached(("index", reg.account_id, reg.region, repo.name), build)
