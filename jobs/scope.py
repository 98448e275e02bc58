"""What a run collects, and with which credentials: the (account, region) units and the
session factory that reaches them, for AWS or for the demo emulator.

    setup = setup_collection(recorder, config, demo_options, as_of)
    setup.factory, setup.units      # what collect_fleet needs
    setup.accounts                  # AccountScope: organization discovery, reasons, errors
    setup.all_errors(collected)     # SnapshotMeta.errors: discovery's and the collection's
    setup.organization              # SnapshotMeta.organization (None without discovery)

Accounts come from `[[aws.accounts]]`, from `[aws.organization]` discovery (jobs/organization.py,
combined with the explicit ones), or default to the caller's own account. The demo's
organization mode (`--demo-accounts N`) runs the same discovery against the emulator.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Sequence

import boto3
import botocore.exceptions

from .aws_session import Account, ReadOnlyGuard, SessionFactory
from .collect import CollectionError, Unit
from .collect.lifecycle import cross_check_guard
from .config import Config, OrganizationConfig
from .demo_options import DemoOptions
from .errors import ConfigError
from .evidence import EvidenceRecorder
from .organization import AccountScope, discover
from .regions import region_problem


@dataclass(frozen=True)
class CollectionSetup:
    factory: SessionFactory
    units: list[Unit]
    accounts: AccountScope
    """How the accounts were chosen; `organization_id` is "" without discovery."""

    def all_errors(self, collected: Sequence[CollectionError]) -> list[CollectionError]:
        """The run's completeness errors: choosing the accounts (failed discovery calls, accounts
        that cannot be collected) and collecting them, in one stable order."""
        if not self.accounts.errors:
            return list(collected)
        return sorted([*self.accounts.errors, *collected], key=lambda e: (e.account, e.region, e.operation, e.error))

    def release(self) -> None:
        """Collection is over: an in-process backend (the demo's emulator) lets go of its data
        now rather than when the cyclic collector reaches the clients that reference it."""
        release = getattr(self.factory.backend, "release", None)
        if release is not None:
            release()

    @property
    def organization(self) -> dict | None:
        """snapshot.json's `organization` member, or None when no discovery ran."""
        return self.accounts.to_json() if self.accounts.organization_id or self.accounts.seen else None


def setup_collection(recorder: EvidenceRecorder, config: Config, demo: DemoOptions | None,
                     as_of: datetime) -> CollectionSetup:
    """The units to collect and the factory that reaches them (ConfigError when none can be)."""
    if demo is None:
        return _aws_setup(recorder, config)
    if demo.accounts is not None:
        return _demo_org_setup(recorder, config, demo, as_of)
    return _demo_setup(recorder, config, demo, as_of)


def _aws_setup(recorder: EvidenceRecorder, config: Config) -> CollectionSetup:
    session = boto3.Session()
    regions = list(config.aws.regions) or ([session.region_name] if session.region_name else [])
    if not regions:
        raise ConfigError("no AWS region: set [aws] regions in the config, or AWS_REGION / AWS_DEFAULT_REGION")
    if not config.aws.regions and (problem := region_problem(regions)):  # configured ones are checked already
        raise ConfigError(f"the session's region (AWS_REGION, AWS_DEFAULT_REGION or the profile): {problem}")
    factory = SessionFactory(recorder, max_attempts=config.aws.max_attempts, base_session=session,
                             guard=_guard(config), session_duration=config.aws.role_session_duration_seconds)
    try:
        caller = factory.identify(regions[0])
    except (botocore.exceptions.NoCredentialsError, botocore.exceptions.PartialCredentialsError) as exc:
        raise ConfigError(f"no usable AWS credentials ({exc}); use --demo to try the tool without AWS") from None
    except botocore.exceptions.ClientError as exc:
        raise ConfigError(f"AWS refused the credentials: {exc}") from None
    except botocore.exceptions.EndpointConnectionError as exc:
        raise ConfigError(f"cannot reach AWS: {exc}") from None
    factory.base_account_id = caller
    if config.aws.organization is not None:
        scope = discover(factory, config.aws.organization, caller_account=caller,
                         caller_arn=factory.caller_arn or "", region=regions[0], regions=regions,
                         explicit=config.aws.accounts)
    else:
        accounts = [Account(a.id, None if (a.id == caller and not a.role_arn) else a.role_arn, a.external_id)
                    for a in config.aws.accounts] or [Account(caller)]
        scope = AccountScope(tuple(accounts))
    units = [Unit(a, a.id or caller, r) for a in scope.accounts for r in regions]
    return CollectionSetup(factory, units, scope)


def _guard(config: Config) -> ReadOnlyGuard:
    # The one non-read call the tool may make, and only when asked: AWS's own lifecycle preview.
    return cross_check_guard() if config.lifecycle.cross_check_aws else ReadOnlyGuard()


def _demo_setup(recorder: EvidenceRecorder, config: Config, demo: DemoOptions,
                as_of: datetime) -> CollectionSetup:
    from .demo import build_fleet

    fleet = build_fleet(scale=demo.scale, as_of=as_of)
    factory = _demo_factory(recorder, config, demo, fleet, fleet.caller_account)
    accounts = {a: Account(a, None if a == fleet.caller_account else fleet.role_arn(a))
                for a in fleet.accounts}
    units = [Unit(accounts[a], a, r) for a, r in fleet.units]
    return CollectionSetup(factory, units, AccountScope(tuple(accounts.values())))


def _demo_org_setup(recorder: EvidenceRecorder, config: Config, demo: DemoOptions,
                    as_of: datetime) -> CollectionSetup:
    """The demo organization, discovered like `[aws.organization]` would be: the configured
    section when there is one (its OUs, exclusions; the demo's role name), else the defaults."""
    from .demo import build_organization_fleet
    from .demo.names import READ_ROLE_NAME

    fleet = build_organization_fleet(demo.accounts or 0, as_of)
    factory = _demo_factory(recorder, config, demo, fleet, fleet.caller_account)
    region = fleet.regions[0]
    caller = factory.identify(region)
    configured = config.aws.organization or OrganizationConfig(role_name=READ_ROLE_NAME)
    org = configured.model_copy(update={"role_name": READ_ROLE_NAME})
    scope = discover(factory, org, caller_account=caller, caller_arn=factory.caller_arn or "",
                     region=region, regions=fleet.regions)
    units = [Unit(a, a.id or caller, r) for a in scope.accounts for r in fleet.regions]
    return CollectionSetup(factory, units, scope)


def collection_factory(recorder: EvidenceRecorder, config: Config, demo: DemoOptions | None,
                       as_of: datetime, caller: str) -> SessionFactory:
    """The factory of a process that collects units planned elsewhere (a shard,
    jobs/shards.py): the same clients as `setup_collection`'s, without choosing the units again."""
    if demo is None:
        return SessionFactory(recorder, max_attempts=config.aws.max_attempts, base_session=boto3.Session(),
                              guard=_guard(config), session_duration=config.aws.role_session_duration_seconds,
                              base_account_id=caller)
    from .demo import build_fleet, build_organization_fleet

    fleet = (build_organization_fleet(demo.accounts, as_of) if demo.accounts is not None
             else build_fleet(scale=demo.scale, as_of=as_of))
    return _demo_factory(recorder, config, demo, fleet, caller)


def _demo_factory(recorder: EvidenceRecorder, config: Config, demo: DemoOptions, fleet: Any,
                  caller: str) -> SessionFactory:
    """A factory whose clients the emulator answers. The emulated world stands at the run's
    as-of time (its role credentials expire an hour after it), so the credentials' clock starts
    there too: a demo run of an earlier run id (a shard retried hours later) refreshes like a
    live one instead of finding every credential long expired."""
    from .demo import DemoEmulator

    started, clock = fleet.as_of, time.monotonic()
    return SessionFactory(recorder, max_attempts=config.aws.max_attempts, guard=_guard(config),
                          backend=DemoEmulator(fleet, demo.latency_ms), base_account_id=caller,
                          session_duration=config.aws.role_session_duration_seconds,
                          clock=lambda: started + timedelta(seconds=time.monotonic() - clock))
