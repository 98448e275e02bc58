"""Account discovery (jobs/organization.py) over moto's server: real HTTP, moto's Organizations.

The organization is built with plain boto3 (outside the product): a root, Workloads > Prod, a
Sandbox OU, members in each, one account closed (moto's CloseAccount makes it SUSPENDED). A
state moto cannot produce (PENDING_CLOSURE) and an answer with only the older `Status` member
go through botocore's Stubber, validated against the service model.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

import boto3
import pytest
from botocore.stub import Stubber

from ecr_report.jobs.aws_session import Account, SessionFactory
from ecr_report.jobs.config import AccountConfig, Config, OrganizationConfig
from ecr_report.jobs.errors import ConfigError
from ecr_report.jobs.evidence import EvidenceRecorder
from ecr_report.jobs.organization import discover
from ecr_report.jobs.run import run

REGION = "us-east-1"
MANAGEMENT = "123456789012"  # moto's default account creates the organization: its management account


@pytest.fixture
def org(moto_aws):
    """{name: account id} plus the OU ids, in a fresh moto organization."""
    client = boto3.client("organizations", region_name=REGION)
    client.create_organization(FeatureSet="ALL")
    root = client.list_roots()["Roots"][0]["Id"]
    workloads = client.create_organizational_unit(ParentId=root, Name="Workloads")["OrganizationalUnit"]["Id"]
    prod = client.create_organizational_unit(ParentId=workloads, Name="Prod")["OrganizationalUnit"]["Id"]
    sandbox = client.create_organizational_unit(ParentId=root, Name="Sandbox")["OrganizationalUnit"]["Id"]
    ids = {"root": root, "workloads": workloads, "prod": prod, "sandbox": sandbox}
    for name, parent in (("app-prod", prod), ("app-staging", workloads), ("play", sandbox),
                         ("at-root", root), ("gone", prod)):
        account = client.create_account(Email=f"{name}@example.com", AccountName=name)["CreateAccountStatus"]["AccountId"]
        if parent != root:
            client.move_account(AccountId=account, SourceParentId=root, DestinationParentId=parent)
        ids[name] = account
    client.close_account(AccountId=ids["gone"])
    ids["org_id"] = client.describe_organization()["Organization"]["Id"]
    return ids


def _factory() -> tuple[SessionFactory, str]:
    factory = SessionFactory(EvidenceRecorder(), base_session=boto3.Session())
    caller = factory.identify(REGION)
    factory.base_account_id = caller
    return factory, caller


def _discover(factory, caller, org_config, explicit=()):
    return discover(factory, org_config, caller_account=caller, caller_arn=factory.caller_arn or "",
                    region=REGION, regions=[REGION, "eu-west-1"], explicit=explicit)


def _reasons(scope) -> dict[str, tuple[bool, str]]:
    return {s.id: (s.included, s.reason) for s in scope.seen}


def test_the_whole_organization_keeps_active_members_and_says_why_of_every_account(org):
    factory, caller = _factory()
    scope = _discover(factory, caller, OrganizationConfig(role_name="ecr-report-read"))
    reasons = _reasons(scope)
    assert caller == MANAGEMENT and scope.organization_id == org["org_id"]
    assert reasons[MANAGEMENT] == (False, "management account")
    assert reasons[org["gone"]] == (False, "suspended")
    for name in ("app-prod", "app-staging", "play", "at-root"):
        assert reasons[org[name]] == (True, f"in organization {org['org_id']}")
    # Member roles: the caller's partition, the configured name; the management account is out.
    assert {a.id: a.role_arn for a in scope.accounts} == {
        org[n]: f"arn:aws:iam::{org[n]}:role/ecr-report-read" for n in ("app-prod", "app-staging", "play", "at-root")}
    # The suspended account is a completeness error in every region; the management account is not.
    assert sorted((e.account, e.region) for e in scope.errors) == [(org["gone"], "eu-west-1"), (org["gone"], REGION)]
    assert all(e.error.startswith("SUSPENDED: account gone is suspended") for e in scope.errors)
    # The calls are evidence, recorded under the hub.
    ops = {(c.account_id, c.service, c.operation) for c in factory.recorder.calls}
    assert {(MANAGEMENT, "organizations", "DescribeOrganization"), (MANAGEMENT, "organizations", "ListAccounts")} <= ops
    doc = scope.to_json()
    assert doc["id"] == org["org_id"] and len(doc["accounts"]) == 6 and doc["discovery_errors"] == []


def test_ou_ids_are_walked_recursively_and_other_accounts_are_not_seen(org):
    factory, caller = _factory()
    scope = _discover(factory, caller, OrganizationConfig(role_name="r", ou_ids=(org["workloads"],)))
    reasons = _reasons(scope)
    assert set(reasons) == {org["app-prod"], org["app-staging"], org["gone"]}
    assert reasons[org["app-staging"]] == (True, f"member of {org['workloads']}")
    assert reasons[org["app-prod"]] == (True, f"member of {org['prod']} (under {org['workloads']})")
    assert reasons[org["gone"]] == (False, "suspended")
    ops = [c.operation for c in factory.recorder.calls if c.service == "organizations"]
    assert ops.count("ListOrganizationalUnitsForParent") == 2  # Workloads, then Prod
    assert "ListAccounts" not in ops


def test_exclusions_the_management_account_and_explicit_accounts(org):
    factory, caller = _factory()
    config = OrganizationConfig(role_name="r", external_id="ext-1", include_management_account=True,
                                exclude_account_ids=(org["play"], org["gone"]))
    explicit = (AccountConfig(id=org["app-prod"], role_arn=f"arn:aws:iam::{org['app-prod']}:role/custom"),
                AccountConfig(id="210987654321", role_arn="arn:aws:iam::210987654321:role/outside", name="partner"))
    scope = _discover(factory, caller, config, explicit)
    reasons = _reasons(scope)
    assert reasons[org["play"]] == (False, "excluded by config")
    assert reasons[org["gone"]] == (False, "excluded by config")  # on purpose: no completeness error
    assert scope.errors == ()
    assert reasons[MANAGEMENT] == (True, f"in organization {org['org_id']}")
    assert reasons["210987654321"] == (True, "listed in [[aws.accounts]]")
    accounts = {a.id: a for a in scope.accounts}
    assert accounts[MANAGEMENT] == Account(MANAGEMENT)  # the caller's own account: its own credentials
    assert accounts[org["app-prod"]].role_arn.endswith(":role/custom")  # the explicit entry wins
    assert accounts[org["at-root"]] == Account(org["at-root"], f"arn:aws:iam::{org['at-root']}:role/r", "ext-1")
    assert "210987654321" in accounts


def test_no_organization_is_a_config_error_unless_accounts_are_listed(moto_aws):
    factory, caller = _factory()
    with pytest.raises(ConfigError, match="AWSOrganizationsNotInUseException"):
        _discover(factory, caller, OrganizationConfig(role_name="r"))
    scope = _discover(factory, caller, OrganizationConfig(role_name="r"), (AccountConfig(id=MANAGEMENT),))
    assert [a.id for a in scope.accounts] == [MANAGEMENT]
    assert [e.operation for e in scope.errors] == ["organizations:DescribeOrganization"]


def _stubbed_discovery(accounts: list[dict]) -> object:
    factory = SessionFactory(EvidenceRecorder(), base_session=boto3.Session(), base_account_id=MANAGEMENT)
    client = factory.client("organizations", Account(None), REGION, record_as=MANAGEMENT)
    stub = Stubber(client)  # validates every request and response against the service model
    stub.add_response("describe_organization", {"Organization": {
        "Id": "o-abcdefghij", "MasterAccountId": MANAGEMENT, "FeatureSet": "ALL"}})
    stub.add_response("list_accounts", {"Accounts": accounts}, {})
    factory.client = lambda *a, **k: client  # discovery gets the guarded, recorded, stubbed client
    with stub:
        scope = discover(factory, OrganizationConfig(role_name="r"), caller_account=MANAGEMENT,
                         caller_arn=f"arn:aws-cn:iam::{MANAGEMENT}:user/hub", region=REGION, regions=[REGION])
    stub.assert_no_pending_responses()
    return scope


def test_state_wins_over_status_and_pending_closure_is_named():
    joined = datetime(2024, 1, 1, tzinfo=timezone.utc)
    scope = _stubbed_discovery([
        {"Id": "111111111111", "Name": "closing", "Status": "ACTIVE", "State": "PENDING_CLOSURE", "JoinedTimestamp": joined},
        {"Id": "222222222222", "Name": "old-api", "Status": "ACTIVE"},  # no State: the older member decides
        {"Id": "333333333333", "Name": "closed", "State": "CLOSED"},
    ])
    reasons = _reasons(scope)
    assert reasons == {"111111111111": (False, "pending closure"), "222222222222": (True, "in organization o-abcdefghij"),
                       "333333333333": (False, "closed")}
    assert [a.role_arn for a in scope.accounts] == ["arn:aws-cn:iam::222222222222:role/r"]  # the caller's partition
    assert {e.account for e in scope.errors} == {"111111111111", "333333333333"}


def test_a_run_over_the_organization_names_the_suspended_account_and_exits_incomplete(org, tmp_path):
    """The whole path over moto: discovery, AssumeRole into each member, collection, report."""
    config = Config.model_validate({"aws": {"regions": [REGION], "organization": {
        "role_name": "ecr-report-read", "ou_ids": [org["workloads"]]}}, "report": {"pdf": False}})
    outcome = run(config, output=tmp_path / "out")
    summary = json.loads((outcome.run_dir / "summary.json").read_text())
    assert not outcome.complete
    assert summary["accounts"] == sorted([org["app-prod"], org["app-staging"]])
    assert summary["completeness"]["accounts_not_collected"] == [
        {"account": org["gone"], "name": "gone", "reason": "suspended"}]
    assert summary["organization"]["accounts_included"] == 2
    snapshot = json.loads((outcome.run_dir / "snapshot.json").read_text())
    assert {a["account"] for a in snapshot["organization"]["accounts"]} == {org["app-prod"], org["app-staging"], org["gone"]}
    html = (outcome.run_dir / "report.html").read_text()
    assert org["gone"] in html and "Accounts not collected" in html
    assert f"2 accounts from organization {org['org_id']} (1 left out: 1 suspended)" in html


def test_an_unknown_ou_is_named_and_the_other_ous_are_still_collected(org):
    factory, caller = _factory()
    with pytest.raises(ConfigError, match=r"ListAccountsForParent \(ou-zzzz-zzzzzzzz page 1\)"):
        _discover(factory, caller, OrganizationConfig(role_name="r", ou_ids=("ou-zzzz-zzzzzzzz",)))
    scope = _discover(factory, caller, OrganizationConfig(role_name="r", ou_ids=("ou-zzzz-zzzzzzzz", org["sandbox"])))
    assert [a.id for a in scope.accounts] == [org["play"]]
    assert {e.operation for e in scope.errors} == {
        "organizations:ListAccountsForParent (ou-zzzz-zzzzzzzz page 1)",
        "organizations:ListOrganizationalUnitsForParent (ou-zzzz-zzzzzzzz page 1)"}
