"""Assumed-role sessions refresh themselves before they expire, so a run outlasts one session.

Over moto's server (real HTTP, moto's STS). One clock drives both sides: moto dates the
credentials it issues with it (its `utcnow`, patched in this process, where the server thread
runs) and botocore's RefreshableCredentials read it to decide when to refresh. A simulated
three-hour collection with 15-minute sessions then assumes the role again for every session (at
the first call that finds fewer than 5 minutes left), and never signs a call with expired
credentials.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import boto3
import botocore.session
import pytest
from botocore.stub import Stubber

from ecr_report.jobs.aws_session import Account, SessionFactory, refresh_windows
from ecr_report.jobs.evidence import EvidenceRecorder

REGION = "us-east-1"
MEMBER = "210987654321"
ROLE = f"arn:aws:iam::{MEMBER}:role/ecr-report-read"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)

    def aware(self) -> datetime:
        return self.now

    def naive(self) -> datetime:  # moto's utcnow() is naive UTC
        return self.now.replace(tzinfo=None)


@pytest.fixture
def clock(moto_aws, monkeypatch):
    clock = Clock()
    monkeypatch.setattr("moto.sts.models.utcnow", clock.naive)
    return clock


def _assume_calls(factory: SessionFactory) -> list:
    return [c for c in factory.recorder.calls if (c.service, c.operation) == ("sts", "AssumeRole")]


def test_a_collection_longer_than_the_session_refreshes_and_never_uses_expired_credentials(clock):
    factory = SessionFactory(EvidenceRecorder(), base_session=boto3.Session(), session_duration=900,
                             clock=clock.aware)
    factory.base_account_id = factory.identify(REGION)
    account = Account(MEMBER, ROLE)
    client = factory.client("sts", account, REGION, record_as=MEMBER)
    credentials = factory.session_for(account, REGION).get_credentials()
    keys = set()
    for _ in range(36):  # three hours, a call every five minutes
        assert client.get_caller_identity()["Account"] == MEMBER
        frozen = credentials.get_frozen_credentials()
        assert credentials._expiry_time > clock.now  # what signed the call had not expired
        keys.add(frozen.access_key)
        clock.now += timedelta(minutes=5)
    calls = _assume_calls(factory)
    # 15-minute sessions, refreshed once fewer than 5 minutes are left: with a call every 5
    # minutes that is the call at minute 15 of each session, so 180 / 15 = 12 sessions.
    assert len(calls) == 12, len(calls)
    assert len(keys) == len(calls)  # every refresh handed out new credentials, and they were used
    assert all(c.params["DurationSeconds"] == 900 and c.params["RoleArn"] == ROLE for c in calls)


def test_one_assume_role_while_the_session_is_fresh(clock):
    factory = SessionFactory(EvidenceRecorder(), base_session=boto3.Session(), session_duration=3600,
                             clock=clock.aware)
    factory.base_account_id = factory.identify(REGION)
    client = factory.client("sts", Account(MEMBER, ROLE), REGION, record_as=MEMBER)
    for _ in range(4):
        client.get_caller_identity()
        clock.now += timedelta(minutes=10)  # 40 minutes: still outside the 15-minute window
    assert len(_assume_calls(factory)) == 1
    # Another region of the same account reuses the role's session.
    factory.client("ecr", Account(MEMBER, ROLE), "eu-west-1", record_as=MEMBER)
    assert len(_assume_calls(factory)) == 1


def test_refresh_windows_follow_botocore_and_shrink_for_short_sessions():
    assert refresh_windows(3600) == (900, 600)  # botocore's own 15 and 10 minutes
    assert refresh_windows(43200) == (900, 600)
    assert refresh_windows(900) == (300, 150)  # else a 15-minute session would refresh at every call


def test_a_role_chained_hub_falls_back_to_one_hour_sessions(moto_aws):
    """AWS refuses DurationSeconds above 3600 for a chained role; moto does not model chaining, so
    the refusal comes from a Stubber validated against the STS model (the message is AWS's)."""
    factory = SessionFactory(EvidenceRecorder(), base_session=boto3.Session(), base_account_id="123456789012",
                             session_duration=7200)
    sts = factory._make_client(factory.base_session, "sts", REGION, "123456789012")
    expected = {"RoleArn": ROLE, "RoleSessionName": "ecr-report", "DurationSeconds": 7200}
    expires = datetime.now(timezone.utc) + timedelta(hours=1)
    with Stubber(sts) as stub:
        stub.add_client_error("assume_role", "ValidationError", "The requested DurationSeconds exceeds the 1 hour "
                              "session limit for roles assumed by role chaining.", 400, expected_params=expected)
        stub.add_response("assume_role", {"Credentials": {
            "AccessKeyId": "ASIAEXAMPLEEXAMPLE01", "SecretAccessKey": "s" * 40, "SessionToken": "t" * 40,
            "Expiration": expires}}, {**expected, "DurationSeconds": 3600})
        factory._make_client = lambda *a, **k: sts
        session = factory.session_for(Account(MEMBER, ROLE), REGION)
        stub.assert_no_pending_responses()
    assert session.get_credentials().get_frozen_credentials().access_key == "ASIAEXAMPLEEXAMPLE01"


def test_role_sessions_share_the_loaded_service_models(clock):
    """A session per member role must not load its own copy of every service model (200 roles
    took 3.4 GiB before they shared botocore's loader)."""
    factory = SessionFactory(EvidenceRecorder(), base_session=boto3.Session(), clock=clock.aware)
    factory.base_account_id = factory.identify(REGION)
    sessions = [factory.session_for(Account(f"21098765432{i}", f"arn:aws:iam::21098765432{i}:role/r"), REGION)
                for i in range(3)]
    loaders = {id(s._session.get_component("data_loader")) for s in sessions}
    assert len(loaders) == 1


def test_role_sessions_have_botocore_s_built_in_handlers_registered_once(clock):
    """A role session starts from a copy of the built-in handlers, not its own registration: every
    event of a client resolves to the handlers a plain botocore session gives it."""
    factory = SessionFactory(EvidenceRecorder(), base_session=boto3.Session(), clock=clock.aware)
    factory.base_account_id = factory.identify(REGION)
    role = factory.session_for(Account(MEMBER, ROLE), REGION)
    plain = boto3.Session(botocore_session=botocore.session.Session())

    def handlers(session: boto3.Session, event: str) -> list[str]:
        emitter = session._session._events
        return [getattr(h, "__qualname__", repr(h)) for h in emitter._emitter._handlers.prefix_search(event)]

    events = ["before-parameter-build.ecr.DescribeImages", "needs-retry.ecr.DescribeImages",
              "after-call.inspector2.ListCoverage", "before-sign.sts.GetCallerIdentity",
              "creating-client-class.ecr", "before-call.ec2.DescribeVpcs", "choose-signer.cloudwatch"]
    for event in events:
        assert handlers(role, event) == handlers(plain, event), event
    assert any(handlers(plain, e) for e in events)  # the comparison compares something


def test_a_demo_s_role_credentials_are_usable_whatever_the_age_of_the_run_id(tmp_path):
    """The emulated world stands at the run's as-of time, and so does the credentials' clock: a
    shard of a run id days old (a retried job) signs with fresh credentials instead of failing
    with "refreshed credentials are still expired"."""
    from ecr_report.jobs.config import load_config
    from ecr_report.jobs.demo_options import DemoOptions
    from ecr_report.jobs.scope import collection_factory

    config = tmp_path / "ecr-report.toml"
    config.write_text("", encoding="utf-8")
    as_of = datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)  # long before the machine's clock
    factory = collection_factory(EvidenceRecorder(), load_config(config), DemoOptions(accounts=4), as_of,
                                 "111122223333")
    member = next(a for a in factory.backend.fleet.accounts if a != "111122223333")
    session = factory.session_for(Account(member, factory.backend.fleet.role_arn(member)), REGION)
    frozen = session.get_credentials().get_frozen_credentials()  # refreshes first when expired
    assert frozen.access_key and frozen.token
