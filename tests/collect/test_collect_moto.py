"""The collectors over real HTTP against moto's server, for what moto implements.

The fleet is created with plain boto3 clients (outside the product), then the product's own
collectors read it through the standard credential chain (`AWS_ENDPOINT_URL`), and the snapshot
tables are checked against what was created.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

import boto3
import pytest

from ecr_report.jobs.aws_session import Account, SessionFactory
from ecr_report.jobs.collect import CollectOptions, Unit, collect_fleet
from ecr_report.jobs.evidence import EvidenceRecorder, load_raw_dir
from ecr_report.jobs.plugins import CONCERNS, collectors
from ecr_report.reports.coverage import BasicFindingsScope
from ecr_report.reports.normalize import normalize

from moto_fleet import ACCOUNT, POLICY, REGION, make_fleet


@pytest.fixture
def fleet(moto_aws: str) -> dict[str, object]:
    return make_fleet()


def _collect(tmp_path, max_attempts: int = 1):
    recorder = EvidenceRecorder(tmp_path / "raw")
    factory = SessionFactory(recorder, max_attempts=max_attempts, base_session=boto3.Session())
    unit = Unit(Account(ACCOUNT), ACCOUNT, REGION)
    options = CollectOptions(as_of=datetime.now(timezone.utc), scope=BasicFindingsScope(), collectors=collectors())
    return collect_fleet(factory, [unit], options)


def test_collector_reads_the_registry_over_http(fleet, tmp_path):
    collection = _collect(tmp_path)
    tables = normalize(collection.calls, collection.units, CONCERNS)

    repos = tables["repositories"].set_index("repository_name")
    assert sorted(repos.index) == ["ml/trainer", "payments/api", "web/storefront"]
    assert repos.loc["payments/api", "image_tag_mutability"] == "IMMUTABLE"
    assert bool(repos.loc["payments/api", "scan_on_push"]) is True
    assert repos.loc["web/storefront", "encryption_type"] == "KMS"
    assert repos.loc["web/storefront", "kms_key"].endswith("key/1234")
    assert repos.loc["payments/api", "lifecycle_policy_status"] == "PRESENT"
    assert json.loads(repos.loc["payments/api", "lifecycle_policy_text"]) == json.loads(POLICY)
    assert repos.loc["ml/trainer", "lifecycle_policy_status"] == "ABSENT"

    images = tables["images"]
    assert len(images) == fleet["images"]
    assert set(images["image_tags"].map(tuple)) == {("v1.0.0",), ("v1.1.0",), ("latest",)}
    assert images["pushed_at"].notna().all()

    registry = tables["registries"].iloc[0]
    assert registry["scan_type"] == "BASIC"
    assert registry["caller_arn"].startswith("arn:aws:")
    rules = tables["scan_rules"]
    assert list(rules["filter"]) == ["payments*"] and list(rules["scan_frequency"]) == ["SCAN_ON_PUSH"]
    # moto answers BatchGetRepositoryScanningConfiguration itself; we keep its answer as "AWS's".
    assert set(tables["repository_scan_config_aws"]["repository_name"]) == set(repos.index)
    # Basic registry: every image is in the default scope (pushed today), and moto has no scans.
    findings = tables["basic_findings"]
    assert len(findings) == 3 and set(findings["scan_status"]) == {"NOT_SCANNED"}


def test_what_moto_lacks_is_reported_as_missing_not_as_empty(fleet, tmp_path):
    collection = _collect(tmp_path)
    failed = {e.operation.split(" ")[0] for e in collection.errors}
    # moto 5 implements neither of these; the run must say so rather than report "none".
    assert "ecr:GetAccountSetting" in failed
    assert "ecr:DescribePullThroughCacheRules" in failed
    tables = normalize(collection.calls, collection.units, CONCERNS)
    assert tables["registries"]["basic_scan_engine"].isna().all()


def test_every_response_is_archived_verbatim(fleet, tmp_path):
    collection = _collect(tmp_path)
    archived = load_raw_dir(tmp_path / "raw")
    assert [c.to_json() for c in archived] == [c.to_json() for c in collection.calls]
    names = {p.relative_to(tmp_path / "raw").as_posix() for p in (tmp_path / "raw").rglob("*.json.gz")}
    assert f"{ACCOUNT}/{REGION}/ecr.DescribeRepositories.1.json.gz" in names
    assert f"{ACCOUNT}/{REGION}/ecr.GetLifecyclePolicy.3.json.gz" in names
    # The archive alone rebuilds the same tables.
    again = normalize(archived, collection.units, CONCERNS)
    live = normalize(collection.calls, collection.units, CONCERNS)
    for name in live:
        assert again[name].equals(live[name]), name


def test_an_unreachable_region_is_an_error_row_not_a_crash(tmp_path, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # discard port: nothing listens
    collection = _collect(tmp_path)
    assert len(collection.errors) == 1
    assert "EndpointConnectionError" in collection.errors[0].error
