"""Embedded, deterministic demo fleet emulation for ``ecr-report run --demo``.

``build_fleet(scale, as_of)`` builds an in-memory fleet of ECR registries (ground truth in
``DemoFleet.registries``); ``DemoEmulator(fleet).handle(service, operation, params,
account_id, region)`` answers boto3 calls against it in botocore's parsed output shape, or
raises ``DemoServiceError``.  ``build_organization_fleet(accounts, as_of)`` is the organization
mode (``--demo-accounts N``, see ``org.py``): the Organizations API and N member accounts.
No network, no credentials, no wall clock (except the default ``as_of``); an optional per-call
latency (``DemoEmulator(fleet, latency_ms)``) sleeps.
"""

from .emulator import DemoEmulator
from .errors import DemoServiceError
from .fleet import build_fleet, build_organization_fleet
from .model import DemoFleet

__all__ = ["build_fleet", "build_organization_fleet", "DemoEmulator", "DemoServiceError", "DemoFleet"]
