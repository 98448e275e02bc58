"""The demo's organization mode: the emulated Organizations API, and `run --demo --demo-accounts N`
end to end through the same discovery as `[aws.organization]`."""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone

import boto3
import pytest

from ecr_report.jobs.cli import main
from ecr_report.jobs.demo import DemoEmulator, build_organization_fleet
from ecr_report.jobs.demo.org import MANAGEMENT_ACCOUNT, MISSING_ROLE_INDEX, SUSPENDED_INDEX

from .conftest import attach

AS_OF = datetime(2026, 11, 30, tzinfo=timezone.utc)
HUB = ("111122223333", "us-east-1")


@pytest.fixture(scope="module")
def org_fleet():
    return build_organization_fleet(12, AS_OF)


def _org_client(emu, unit=HUB):
    session = boto3.session.Session(aws_access_key_id="AKIADEMO", aws_secret_access_key="demo", region_name=unit[1])
    return attach(session.client("organizations", region_name=unit[1]), emu, *unit)


def test_the_organization_is_deterministic_with_one_suspended_and_one_roleless_member(org_fleet):
    again = build_organization_fleet(12, AS_OF)
    assert again.organization == org_fleet.organization
    members = [a for a in org_fleet.organization.accounts if a.id != MANAGEMENT_ACCOUNT]
    assert len(members) == 12
    assert [a.state for a in members].count("SUSPENDED") == 1 and members[SUSPENDED_INDEX].state == "SUSPENDED"
    assert org_fleet.missing_roles == {members[MISSING_ROLE_INDEX].id}
    assert set(org_fleet.accounts) == {a.id for a in members} - {members[SUSPENDED_INDEX].id,
                                                                  members[MISSING_ROLE_INDEX].id}
    # Registries are built on use, and the same when rebuilt.
    unit = org_fleet.units[0]
    assert org_fleet.registries[unit] == again.registries[unit]


def test_the_organizations_api_pages_and_walks_like_aws(org_fleet):
    emu = DemoEmulator(org_fleet)
    client = _org_client(emu)  # every answer is validated against botocore's output shape
    org = client.describe_organization()["Organization"]
    assert org["MasterAccountId"] == MANAGEMENT_ACCOUNT
    listed = [a for page in client.get_paginator("list_accounts").paginate(PaginationConfig={"PageSize": 5})
              for a in page["Accounts"]]
    assert len(listed) == 13 and len({a["Id"] for a in listed}) == 13
    roots = {ou for ou, _, parent in org_fleet.organization.ous if parent == org_fleet.organization.root_id}
    children = client.list_organizational_units_for_parent(ParentId=org_fleet.organization.root_id)
    assert {o["Id"] for o in children["OrganizationalUnits"]} == roots
    under = [a["Id"] for ou, _, _ in org_fleet.organization.ous
             for a in client.list_accounts_for_parent(ParentId=ou)["Accounts"]]
    at_root = client.list_accounts_for_parent(ParentId=org_fleet.organization.root_id)["Accounts"]
    assert sorted(under + [a["Id"] for a in at_root]) == sorted(a["Id"] for a in listed)
    with pytest.raises(client.exceptions.ParentNotFoundException):
        client.list_accounts_for_parent(ParentId="ou-zzzz-zzzzzzzz")
    # A member account is not the delegated administrator.
    member = _org_client(emu, (org_fleet.accounts[-1], "us-east-1"))
    with pytest.raises(member.exceptions.AccessDeniedException):
        member.list_accounts()


def test_latency_is_paid_on_every_call(org_fleet):
    emu = DemoEmulator(org_fleet, latency_ms=40)
    client = _org_client(emu)
    started = time.perf_counter()
    for _ in range(5):
        client.describe_organization()
    assert time.perf_counter() - started >= 5 * 0.04


def test_run_demo_accounts_names_the_accounts_it_could_not_collect(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code = main(["run", "--demo", "--demo-accounts", "12", "--no-pdf", "--output", str(tmp_path / "out")])
    run_dir = next((tmp_path / "out" / "runs").iterdir())
    assert code == 3
    summary = json.loads((run_dir / "summary.json").read_text())
    fleet = build_organization_fleet(12, AS_OF)
    members = [a for a in fleet.organization.accounts if a.id != MANAGEMENT_ACCOUNT]
    suspended, roleless = members[SUSPENDED_INDEX], members[MISSING_ROLE_INDEX]
    not_collected = {a["account"]: a["reason"] for a in summary["completeness"]["accounts_not_collected"]}
    assert not_collected == {suspended.id: "suspended", roleless.id: "role cannot be assumed (AccessDenied)"}
    # Every other member is reported, with its registries.
    collected = sorted(set(fleet.accounts))
    assert [a for a in summary["accounts"] if a != roleless.id] == collected
    registries = (run_dir / "data" / "registries.csv").read_text()
    assert all(account in registries for account in collected)
    assert summary["organization"]["accounts_left_out"] == [
        {"account": suspended.id, "name": suspended.name, "reason": "suspended", "state": "SUSPENDED"},
        {"account": MANAGEMENT_ACCOUNT, "name": "org-management", "reason": "management account", "state": "ACTIVE"}]
    html = (run_dir / "report.html").read_text()
    assert "Accounts not collected" in html
    assert suspended.id in html and roleless.id in html and suspended.name in html
    assert "11 accounts from organization o-d3mo4exmpl (2 left out: 1 management account, 1 suspended)" in html
    snapshot = json.loads((run_dir / "snapshot.json").read_text())
    manifest = json.loads((run_dir / "manifest.json").read_text())
    assert len(snapshot["organization"]["accounts"]) == 13 and "snapshot.json" in manifest["files"]
    # A re-render rebuilds the same report from the snapshot, organization included.
    before = (run_dir / "summary.json").read_bytes(), (run_dir / "report.html").read_bytes()
    assert main(["render", str(run_dir), "--no-pdf"]) == 3
    assert ((run_dir / "summary.json").read_bytes(), (run_dir / "report.html").read_bytes()) == before
