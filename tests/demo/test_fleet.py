"""The fleet is deterministic, scales, and has what the demo story promises."""

from __future__ import annotations

import json
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from ecr_report.jobs.demo import DemoEmulator, build_fleet
from ecr_report.jobs.demo.names import CLAIR_UNSUPPORTED_OS, COSIGN_SIG, SPDX
from ecr_report.jobs.demo.scanning import effective_scanning, filter_matches

from .conftest import AS_OF, PROD, SANDBOX, TOKYO


def test_deterministic(fleet):
    again = build_fleet(scale=1, as_of=AS_OF)
    assert again == fleet
    a, b = DemoEmulator(fleet), DemoEmulator(again)
    params = {"repositoryName": "payments/api", "imageId": {"imageDigest": fleet.registries[PROD].repository(
        "payments/api").images[-2].digest}}
    assert a.handle("ecr", "DescribeImageScanFindings", params, *PROD) == b.handle(
        "ecr", "DescribeImageScanFindings", params, *PROD)
    assert build_fleet(scale=2, as_of=AS_OF) != fleet


def test_timestamps_are_relative_to_as_of(fleet):
    later = build_fleet(scale=1, as_of=AS_OF.replace(year=2027))
    a = fleet.registries[PROD].repository("payments/api").images
    b = later.registries[PROD].repository("payments/api").images
    assert [i.digest for i in a] == [i.digest for i in b]
    assert all(later.as_of - y.pushed_at == fleet.as_of - x.pushed_at for x, y in zip(a, b))
    for reg in fleet.registries.values():
        assert all(i.pushed_at <= AS_OF and (i.last_pull is None or i.pushed_at <= i.last_pull <= AS_OF)
                   for i in reg.images)


def test_units_and_accounts(fleet):
    assert len(fleet.units) >= 3 and list(fleet.units) == sorted(fleet.units)
    assert fleet.caller_account == "111122223333" and "444455556666" in fleet.accounts
    assert fleet.role_arn("444455556666") == "arn:aws:iam::444455556666:role/ecr-report-read"
    prod, tokyo, sandbox = (fleet.registries[u] for u in (PROD, TOKYO, SANDBOX))
    assert (prod.scan_type, tokyo.scan_type, sandbox.scan_type) == ("ENHANCED", "BASIC", "BASIC")
    assert (tokyo.basic_scan_version, sandbox.basic_scan_version) == ("AWS_NATIVE", "CLAIR")
    assert 55 <= fleet.repository_count <= 75 and 2000 <= fleet.image_count <= 5000


@pytest.mark.parametrize("flt,repo,expected", [
    (f, r, e) for f, row in {
        "prod": (True, True, True, True, True), "*prod": (True, True, False, False, False),
        "prod*": (True, False, True, False, True), "*prod*": (True, True, True, True, True),
        "prod*repo": (False, False, True, False, True)}.items()
    for r, e in zip(("prod", "repo-prod", "prod-repo", "repo-prod-repo", "prodrepo"), row)])
def test_filter_table_from_the_user_guide(flt, repo, expected):
    assert filter_matches(flt, repo) is expected


def test_effective_scanning_answers(fleet, emu):
    prod = fleet.registries[PROD]
    freq = {r.name: r.scan_frequency for r in prod.repositories}
    assert freq["payments/api"] == "CONTINUOUS_SCAN"          # payments* and payments/* both match: continuous wins
    assert freq["platform/ingress-nginx"] == "CONTINUOUS_SCAN"  # "platform/ingress" has no * -> contains
    assert freq["prod-edge/gateway"] == "CONTINUOUS_SCAN"
    assert freq["web/storefront"] == "SCAN_ON_PUSH" and freq["search/indexer"] == "MANUAL"
    tokyo = fleet.registries[TOKYO]
    legacy = [r for r in tokyo.repositories if r.legacy_scan_on_push]
    assert legacy and all(r.scan_frequency == "MANUAL" and r.scan_on_push for r in legacy)
    assert tokyo.repository("payments/api-jp").scan_frequency == "SCAN_ON_PUSH"
    for unit in (PROD, TOKYO, SANDBOX):
        reg = fleet.registries[unit]
        names = [r.name for r in reg.repositories][:24]
        got = emu.handle("ecr", "BatchGetRepositoryScanningConfiguration", {"repositoryNames": names + ["missing/x"]},
                         *unit)
        assert got["failures"][0]["failureCode"] == "REPOSITORY_NOT_FOUND"
        for item in got["scanningConfigurations"]:
            repo = reg.repository(item["repositoryName"])
            freq, applied, sop = effective_scanning(reg.scan_type, reg.scan_rules, repo.name, repo.legacy_scan_on_push)
            assert (item["scanFrequency"], tuple(f["filter"] for f in item["appliedScanFilters"]),
                    item["scanOnPush"]) == (freq, applied, sop)


def test_repository_settings_mix(fleet):
    repos = [r for reg in fleet.registries.values() for r in reg.repositories]
    assert {"MUTABLE", "IMMUTABLE", "IMMUTABLE_WITH_EXCLUSION"} <= {r.tag_mutability for r in repos}
    assert any(r.encryption_type == "KMS" and r.kms_key for r in repos)
    assert any(r.encryption_type == "KMS" and not r.kms_key for r in repos)
    assert any(r.encryption_type == "AES256" for r in repos)
    kinds = Counter(r.lifecycle.kind if r.lifecycle else None for r in repos)
    assert kinds[None] >= 10 and kinds["noop"] and kinds["good_count"] and kinds["archive"]
    for r in repos:
        if r.lifecycle:
            assert len(r.lifecycle.text) >= 100 and json.loads(r.lifecycle.text)["rules"]
    names = {r.name for r in repos}
    assert {"payments/api", "docker-hub/library/nginx", "ecr-public/aws-observability/aws-otel-collector",
            "quay/prometheus/node-exporter"} <= names


def test_images_promise(fleet):
    images = [i for reg in fleet.registries.values() for i in reg.images]
    kinds = Counter(i.kind for i in images)
    assert kinds["index"] and kinds["child"] and kinds["signature"] and kinds["sbom"]
    assert {i.artifact_media_type for i in images if i.subject_digest} == {COSIGN_SIG, SPDX}
    assert all(not i.tags for i in images if i.kind == "child")
    assert any(not i.tags for i in images if i.kind == "image")
    status = Counter(i.status for i in images)
    assert status["ARCHIVED"] >= 10
    assert any(i.last_activated_at and i.status == "ACTIVE" for i in images)
    assert any(i.last_pull is None for i in images) and any(i.last_pull for i in images)
    sizes = [i.size for i in images if i.kind == "image"]
    assert min(sizes) < 8 * 2 ** 20 and max(sizes) > 2 * 2 ** 30
    tags = {t for i in images for t in i.tags}
    assert "latest" in tags and any(t.startswith("prod-20") for t in tags) and any(t.startswith("git-") for t in tags)
    # index size is the max of its children
    for reg in fleet.registries.values():
        for repo in reg.repositories:
            by = {i.digest: i for i in repo.images}
            for i in repo.images:
                if i.kind == "index" and all(c in by for c in i.child_digests):
                    assert i.size == max(by[c].size for c in i.child_digests)


def test_scan_results_promise(fleet):
    basic = Counter(i.basic_scan.status for reg in fleet.registries.values() for i in reg.images if i.basic_scan)
    assert basic["COMPLETE"] and basic["FAILED"] and basic["UNSUPPORTED_IMAGE"]
    sandbox = fleet.registries[SANDBOX]
    assert all(i.basic_scan.status == "UNSUPPORTED_IMAGE" for r in sandbox.repositories if r.os_name in CLAIR_UNSUPPORTED_OS
               for i in r.images if i.basic_scan)
    reasons = Counter(i.coverage.reason for i in fleet.registries[PROD].images)
    for reason in ("SUCCESSFUL", "SCAN_ELIGIBILITY_EXPIRED", "SCAN_FREQUENCY_SCAN_ON_PUSH", "SCAN_FREQUENCY_MANUAL",
                   "UNSUPPORTED_OS", "UNSUPPORTED_MEDIA_TYPE", "PENDING_INITIAL_SCAN", "IMAGE_ARCHIVED"):
        assert reasons[reason], reason
    crit = [i for i in fleet.registries[PROD].images if i.coverage.severity_counts[0]]
    scanned = [i for i in fleet.registries[PROD].images if sum(i.coverage.severity_counts)]
    assert 0 < len(crit) < len(scanned) / 2


def test_describe_images_hides_native_basic_scan_fields(emu):
    tokyo = emu.handle("ecr", "DescribeImages", {"repositoryName": "payments/api-jp"}, *TOKYO)["imageDetails"]
    assert tokyo and not any("imageScanStatus" in d for d in tokyo)
    sandbox = emu.handle("ecr", "DescribeImages", {"repositoryName": "ml/experiments", "maxResults": 1000}, *SANDBOX)
    assert any("imageScanFindingsSummary" in d or "imageScanStatus" in d for d in sandbox["imageDetails"])
    assert emu.handle("ecr", "GetAccountSetting", {"name": "BASIC_SCAN_TYPE_VERSION"}, *SANDBOX)["value"] == "CLAIR"


def test_usage_totals_consistent_with_images(fleet, emu):
    totals = emu.handle("inspector2", "ListUsageTotals", {}, *PROD)["totals"][0]["usage"]
    by = {u["type"]: u for u in totals}
    start = AS_OF.timestamp() - 30 * 86400
    initial = sum(1 for i in fleet.registries[PROD].images
                  if i.coverage.initial_scan_at and i.coverage.initial_scan_at.timestamp() >= start)
    assert by["ECR_INITIAL_SCAN"]["total"] == initial > 0
    assert by["ECR_INITIAL_SCAN"]["estimatedMonthlyCost"] == round(initial * 0.09, 2)
    assert by["ECR_RESCAN"]["total"] > 0
    assert emu.handle("inspector2", "BatchGetAccountStatus", {}, *PROD)["accounts"][0]["resourceState"]["ecr"][
        "status"] == "ENABLED"
    assert emu.handle("inspector2", "BatchGetAccountStatus", {}, *TOKYO)["accounts"][0]["resourceState"]["ecr"][
        "status"] == "DISABLED"


def test_pull_through_and_network(fleet):
    prod = fleet.registries[PROD]
    creds = {r.prefix: r.credential_arn for r in prod.pull_through_rules}
    assert creds["docker-hub"] and creds["ghcr"] and not creds["quay"]
    assert fleet.registries[TOKYO].pull_through_rules
    services = {e.service_name for e in prod.vpc_endpoints}
    assert {"com.amazonaws.us-east-1.ecr.dkr", "com.amazonaws.us-east-1.s3"} <= services
    with_ep = {e.vpc_id for e in prod.vpc_endpoints}
    assert any(v.vpc_id not in with_ep and not v.is_default for v in prod.vpcs) and prod.nat_gateways


def test_thread_safety(fleet):
    emu = DemoEmulator(fleet)
    calls = [("ecr", "DescribeImages", {"repositoryName": r.name, "maxResults": 50, "filter": {"imageStatus": "ANY"}}, u)
             for u in (PROD, TOKYO, SANDBOX) for r in fleet.registries[u].repositories]
    calls += [("inspector2", "ListCoverage", {"maxResults": 100}, PROD)] * 20
    serial = [DemoEmulator(fleet).handle(s, o, p, *u) for s, o, p, u in calls]
    with ThreadPoolExecutor(max_workers=16) as pool:
        parallel = list(pool.map(lambda c: emu.handle(c[0], c[1], c[2], *c[3]), calls))
    assert parallel == serial


def test_scale_growth():
    started = time.perf_counter()
    big = build_fleet(scale=40, as_of=AS_OF)
    elapsed = time.perf_counter() - started
    print(f"\nscale=40: {big.repository_count} repositories, {big.image_count} images, built in {elapsed:.2f}s")
    assert big.image_count >= 100_000
    assert elapsed < 60
    assert build_fleet(scale=2.5, as_of=AS_OF).repository_count > build_fleet(scale=1.5, as_of=AS_OF).repository_count
    emu = DemoEmulator(big)
    repo = max(big.registries[PROD].repositories, key=lambda r: len(r.images))
    started = time.perf_counter()
    token, n = None, 0
    while True:
        resp = emu.handle("ecr", "DescribeImages", {"repositoryName": repo.name, "maxResults": 10,
                                                    **({"nextToken": token} if token else {})}, *PROD)
        n += len(resp["imageDetails"])
        token = resp.get("nextToken")
        if not token:
            break
    cov_started = time.perf_counter()
    resp = emu.handle("inspector2", "ListCoverage", {"maxResults": 200}, *PROD)
    page2 = emu.handle("inspector2", "ListCoverage", {"maxResults": 200, "nextToken": resp["nextToken"]}, *PROD)
    print(f"paged {n} images of {repo.name} in {cov_started - started:.3f}s; "
          f"two ListCoverage pages in {time.perf_counter() - cov_started:.3f}s")
    assert len(page2["coveredResources"]) == 200


def test_scale_validation():
    with pytest.raises(ValueError):
        build_fleet(scale=0.5, as_of=AS_OF)
