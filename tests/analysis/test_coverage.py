"""Coverage analysis: effective settings, per-image scan states, totals, quota, notes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest
from analysis_fixtures import ACCOUNT, AS_OF, REGION, days_ago, snapshot

from ecr_report.reports import schema
from ecr_report.reports.coverage import METHODOLOGY, BasicFindingsScope, CoverageResult, analyse_coverage
from ecr_report.reports.scanfilters import SOURCE_UNKNOWN

SCOPE = BasicFindingsScope()
US = "us-east-1"
INDEX = "application/vnd.oci.image.index.v1+json"


def image(repo: str, digest: str, pushed_days_ago: float = 1, **extra) -> dict:
    return {
        "repository_name": repo,
        "image_digest": digest,
        "pushed_at": days_ago(pushed_days_ago),
        "size_bytes": 1000,
        "image_status": "ACTIVE",
        "image_tags": (),
        **extra,
    }


def enhanced(**tables) -> dict[str, pd.DataFrame]:
    """An enhanced registry: continuous for `*-prod`, scan on push for anything containing `prod`."""
    base = {
        "registries": [{"scan_type": "ENHANCED", "inspector_ecr_status": "ENABLED"}],
        "scan_rules": [
            {"rule_index": 0, "scan_frequency": "SCAN_ON_PUSH", "filter": "prod", "filter_type": "WILDCARD"},
            {"rule_index": 1, "scan_frequency": "CONTINUOUS_SCAN", "filter": "*-prod", "filter_type": "WILDCARD"},
        ],
        "repositories": [
            {"repository_name": "api-prod", "scan_on_push": False},
            {"repository_name": "prod-web", "scan_on_push": False},
            {"repository_name": "dev-api", "scan_on_push": True},
        ],
    }
    base.update(tables)
    return snapshot(**base)


def basic(**tables) -> dict[str, pd.DataFrame]:
    """A basic registry: scan on push for names containing `svc`; `legacy` has the old flag."""
    base = {
        "registries": [{"scan_type": "BASIC", "basic_scan_engine": "AWS_NATIVE", "inspector_ecr_status": "DISABLED"}],
        "scan_rules": [{"rule_index": 0, "scan_frequency": "SCAN_ON_PUSH", "filter": "svc", "filter_type": "WILDCARD"}],
        "repositories": [
            {"repository_name": "svc-a", "scan_on_push": False},
            {"repository_name": "legacy", "scan_on_push": True},
            {"repository_name": "manual", "scan_on_push": False},
        ],
    }
    base.update(tables)
    return snapshot(**base)


def run(tables, **kwargs) -> CoverageResult:
    return analyse_coverage(tables, AS_OF, SCOPE, **kwargs)


def row(frame: pd.DataFrame, **key) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for col, value in key.items():
        mask &= frame[col] == value
    assert mask.sum() == 1, key
    return frame[mask].iloc[0]


def states(result: CoverageResult) -> dict[str, str]:
    return dict(zip(result.image_scans["image_digest"], result.image_scans["scan_state"]))


# --- effective settings per repository -------------------------------------------------------


def test_enhanced_repository_settings() -> None:
    cov = run(enhanced()).coverage
    api = row(cov, repository_name="api-prod")
    assert (api.scan_type, api.scan_engine, api.scan_frequency, api.matched_filter) == (
        "ENHANCED", "INSPECTOR", "CONTINUOUS_SCAN", "*-prod",
    )
    web = row(cov, repository_name="prod-web")
    assert (web.scan_frequency, web.matched_filter, web.automatically_scanned) == ("SCAN_ON_PUSH", "prod", True)
    dev = row(cov, repository_name="dev-api")
    assert (dev.scan_frequency, dev.automatically_scanned) == ("MANUAL", False)
    assert "scanning disabled" in dev.frequency_source


def test_basic_repository_settings_and_legacy_flag() -> None:
    cov = run(basic()).coverage
    assert row(cov, repository_name="svc-a").scan_frequency == "SCAN_ON_PUSH"
    legacy = row(cov, repository_name="legacy")
    # The registry has a scan-on-push filter that does not match: manual, flag reported only.
    assert (legacy.scan_frequency, legacy.automatically_scanned) == ("MANUAL", False)
    assert legacy.frequency_source.endswith("the registry's filters decide")
    assert row(cov, repository_name="manual").scan_frequency == "MANUAL"
    assert row(cov, repository_name="svc-a").scan_engine == "AWS_NATIVE"


def test_aws_disagreement_is_flagged_not_trusted() -> None:
    tables = basic(
        repository_scan_config_aws=[
            {"repository_name": "legacy", "scan_frequency": "SCAN_ON_PUSH"},
            {"repository_name": "svc-a", "scan_frequency": "SCAN_ON_PUSH"},
        ]
    )
    result = run(tables)
    legacy = row(result.coverage, repository_name="legacy")
    assert (legacy.scan_frequency, legacy.aws_scan_frequency, legacy.aws_disagrees) == ("MANUAL", "SCAN_ON_PUSH", True)
    svc = row(result.coverage, repository_name="svc-a")
    assert svc.aws_disagrees is False or svc.aws_disagrees == False  # noqa: E712
    assert pd.isna(row(result.coverage, repository_name="manual").aws_disagrees)
    assert any(n.startswith("1 repository: AWS's per-repository scan frequency disagrees") for n in result.notes)


def test_unknown_registry_configuration_falls_back_to_aws_answer() -> None:
    tables = snapshot(
        registries=[{"scan_type": None}],
        repositories=[{"repository_name": "x", "scan_on_push": True}, {"repository_name": "y", "scan_on_push": True}],
        repository_scan_config_aws=[{"repository_name": "x", "scan_frequency": "SCAN_ON_PUSH"}],
        images=[image("y", "sha256:y1")],
    )
    result = run(tables)
    x = row(result.coverage, repository_name="x")
    assert (x.scan_frequency, x.automatically_scanned, x.aws_disagrees) == ("SCAN_ON_PUSH", True, False)
    assert "AWS per-repository answer" in x.frequency_source
    y = row(result.coverage, repository_name="y")
    assert pd.isna(y.scan_frequency) and pd.isna(y.automatically_scanned) and pd.isna(y.scan_type)
    assert y.frequency_source == SOURCE_UNKNOWN
    assert states(result) == {"sha256:y1": "NOT_CHECKED"}
    assert pd.isna(row(result.registry_coverage, region=REGION).quota_headroom_pct)
    assert any("Registry scanning configuration was not collected" in n for n in result.notes)


def test_registry_missing_from_snapshot_is_unknown() -> None:
    tables = snapshot(repositories=[{"repository_name": "x", "scan_on_push": True}])
    cov = run(tables).coverage
    assert row(cov, repository_name="x").frequency_source == SOURCE_UNKNOWN


@pytest.mark.parametrize(
    ("as_of", "phrase"),
    [(AS_OF, "retired on 2026-02-02"), (datetime(2025, 6, 1, tzinfo=timezone.utc), "deprecated Clair")],
)
def test_clair_engine_is_flagged(as_of: datetime, phrase: str) -> None:
    tables = basic(registries=[{"scan_type": "BASIC", "basic_scan_engine": "CLAIR"}])
    result = analyse_coverage(tables, as_of, SCOPE)
    assert set(result.coverage["scan_engine"]) == {"CLAIR"}
    assert row(result.registry_coverage, region=REGION).scan_engine == "CLAIR"
    assert any("Clair" in n and phrase in n for n in result.notes)


# --- per-image states: enhanced --------------------------------------------------------------


def cov_row(repo: str, digest: str, code: str | None, reason: str | None, scanned_days_ago: float | None) -> dict:
    return {
        "resource_type": "AWS_ECR_CONTAINER_IMAGE",
        "resource_id": f"arn:aws:ecr:{REGION}:{ACCOUNT}:repository/{repo}/{digest}",
        "repository_name": repo,
        "image_digest": digest,
        "scan_status_code": code,
        "scan_status_reason": reason,
        "last_scanned_at": None if scanned_days_ago is None else days_ago(scanned_days_ago),
    }


ENHANCED_CASES = [
    # (repo, digest, coverage (code, reason, scanned days ago) or None, expected state, counts as scanned)
    ("api-prod", "sha256:e01", ("ACTIVE", "SUCCESSFUL", 1), "MONITORED", True),
    ("prod-web", "sha256:e02", ("ACTIVE", "SUCCESSFUL", 1), "SCANNED", True),
    ("prod-web", "sha256:e03", ("ACTIVE", "SCAN_FREQUENCY_SCAN_ON_PUSH", 2), "SCANNED", True),
    ("prod-web", "sha256:e04", ("INACTIVE", "SCAN_FREQUENCY_SCAN_ON_PUSH", None), "PENDING", False),
    ("api-prod", "sha256:e05", ("INACTIVE", "SCAN_ELIGIBILITY_EXPIRED", 20), "INACTIVE", True),
    ("api-prod", "sha256:e06", ("INACTIVE", "SCAN_ELIGIBILITY_EXPIRED", None), "INACTIVE", False),
    ("api-prod", "sha256:e07", ("ACTIVE", "PENDING_INITIAL_SCAN", None), "PENDING", False),
    ("api-prod", "sha256:e08", ("ACTIVE", "SCAN_IN_PROGRESS", None), "PENDING", False),
    ("api-prod", "sha256:e09", ("INACTIVE", "UNSUPPORTED_OS", None), "UNSUPPORTED", False),
    ("api-prod", "sha256:e10", ("INACTIVE", "UNSUPPORTED_MEDIA_TYPE", None), "UNSUPPORTED", False),
    ("api-prod", "sha256:e11", ("INACTIVE", "ACCESS_DENIED_TO_ENCRYPTION_KEY", None), "FAILED", False),
    ("api-prod", "sha256:e12", ("INACTIVE", "IMAGE_ARCHIVED", None), "ARCHIVED", False),
    ("api-prod", "sha256:e13", None, "NEVER_SCANNED", False),
    ("dev-api", "sha256:e14", None, "NEVER_SCANNED", False),
    ("dev-api", "sha256:e15", ("INACTIVE", "SCAN_FREQUENCY_MANUAL", None), "INACTIVE", False),
]


def enhanced_states() -> CoverageResult:
    images = [image(repo, digest) for repo, digest, *_ in ENHANCED_CASES]
    coverage = [cov_row(repo, d, *c) for repo, d, c, *_ in ENHANCED_CASES if c is not None]
    return run(enhanced(images=images, inspector_coverage=coverage))


@pytest.mark.parametrize(("repo", "digest", "coverage", "expected", "scanned"), ENHANCED_CASES)
def test_enhanced_image_state(repo, digest, coverage, expected, scanned) -> None:
    result = enhanced_states()
    scan = row(result.image_scans, image_digest=digest)
    assert scan.scan_state == expected
    assert (scan.scan_source == "INSPECTOR") or pd.isna(scan.scan_source)


def test_enhanced_reasons_and_counts() -> None:
    result = enhanced_states()
    assert "matches no enhanced scanning filter" in row(result.image_scans, image_digest="sha256:e14").scan_state_reason
    assert "SCAN_ELIGIBILITY_EXPIRED" in row(result.image_scans, image_digest="sha256:e05").scan_state_reason
    expected_scanned = {}
    for repo, _, _, _, scanned in ENHANCED_CASES:
        expected_scanned[repo] = expected_scanned.get(repo, 0) + int(scanned)
    cov = result.coverage.set_index("repository_name")
    assert cov["images_scanned"].to_dict() == expected_scanned
    assert cov.loc["api-prod", "images_monitored"] == 1
    assert cov.loc["api-prod", "images_total"] == 10
    age = row(result.image_scans, image_digest="sha256:e05").scan_age_days
    assert age == pytest.approx(20.0)


def test_enhanced_registry_without_any_coverage_data_is_not_checked() -> None:
    result = run(enhanced(images=[image("api-prod", "sha256:a")]))
    scan = row(result.image_scans, image_digest="sha256:a")
    assert scan.scan_state == "NOT_CHECKED"
    assert "no Inspector coverage data" in scan.scan_state_reason
    assert row(result.coverage, repository_name="api-prod").images_scanned == 0


def test_a_fully_read_empty_coverage_listing_means_never_scanned() -> None:
    registry = {"scan_type": "ENHANCED", "inspector_ecr_status": "ENABLED",
                "inspector_coverage_collected": True, "inspector_findings_collected": True}
    result = run(enhanced(registries=[registry], images=[image("api-prod", "sha256:a")]))
    scan = row(result.image_scans, image_digest="sha256:a")
    assert scan.scan_state == "NEVER_SCANNED"
    failed = dict(registry, inspector_coverage_collected=False)
    result = run(enhanced(registries=[failed], images=[image("api-prod", "sha256:a")]))
    assert row(result.image_scans, image_digest="sha256:a").scan_state == "NOT_CHECKED"


def test_inspector_severities() -> None:
    images = [image("api-prod", "sha256:a"), image("api-prod", "sha256:b"), image("api-prod", "sha256:c")]
    coverage = [cov_row("api-prod", d, "ACTIVE", "SUCCESSFUL", 1) for d in ("sha256:a", "sha256:b")]
    coverage.append(cov_row("api-prod", "sha256:c", "ACTIVE", "PENDING_INITIAL_SCAN", None))
    findings = [{"repository_name": "api-prod", "image_digest": "sha256:a", "critical": 1, "high": 4, "medium": 2, "all": 9}]
    result = run(enhanced(images=images, inspector_coverage=coverage, inspector_findings=findings))
    a = row(result.image_scans, image_digest="sha256:a")
    assert (a.critical, a.high, a.medium) == (1, 4, 2) and pd.isna(a.low)
    b = row(result.image_scans, image_digest="sha256:b")  # scanned, no aggregation row: clean
    assert (b.critical, b.high, b.medium) == (0, 0, 0)
    c = row(result.image_scans, image_digest="sha256:c")  # pending: nothing known
    assert pd.isna(c.critical)
    repo = row(result.coverage, repository_name="api-prod")
    assert (repo.critical, repo.high, repo.medium) == (1, 4, 2)
    assert pd.isna(repo.low) and pd.isna(repo.informational) and pd.isna(repo.undefined)


def test_inspector_severities_unknown_when_no_aggregation_data() -> None:
    images = [image("api-prod", "sha256:a")]
    coverage = [cov_row("api-prod", "sha256:a", "ACTIVE", "SUCCESSFUL", 1)]
    result = run(enhanced(images=images, inspector_coverage=coverage))
    assert pd.isna(row(result.image_scans, image_digest="sha256:a").critical)
    assert pd.isna(row(result.coverage, repository_name="api-prod").critical)


# --- per-image states: basic -----------------------------------------------------------------


def finding(digest: str, status: str, done_days_ago: float | None = None, repo: str = "svc-a", **extra) -> dict:
    return {
        "repository_name": repo,
        "image_digest": digest,
        "scan_status": status,
        "scan_completed_at": None if done_days_ago is None else days_ago(done_days_ago),
        **extra,
    }


def test_basic_image_states() -> None:
    images = [image("svc-a", f"sha256:b{i}") for i in range(1, 9)]
    images.append(image("svc-a", "sha256:b9", scan_status="COMPLETE", scan_completed_at=days_ago(2), high=3))
    findings = [
        finding("sha256:b1", "COMPLETE", 1, critical=2),
        finding("sha256:b2", "COMPLETE", 31, high=1),
        finding("sha256:b3", "NOT_SCANNED"),
        finding("sha256:b4", "FAILED", scan_status_description="layer too large"),
        finding("sha256:b5", "UNSUPPORTED_IMAGE"),
        finding("sha256:b6", "ERROR", scan_status_description="AccessDenied"),
        finding("sha256:b7", "IN_PROGRESS"),
        # b8: no row and no legacy status -> outside the scope
    ]
    result = run(basic(images=images, basic_findings=findings))
    assert states(result) == {
        "sha256:b1": "SCANNED",
        "sha256:b2": "STALE_BASIC",
        "sha256:b3": "NEVER_SCANNED",
        "sha256:b4": "FAILED",
        "sha256:b5": "UNSUPPORTED",
        "sha256:b6": "NOT_CHECKED",
        "sha256:b7": "PENDING",
        "sha256:b8": "NOT_CHECKED",
        "sha256:b9": "SCANNED",
    }
    scans = result.image_scans.set_index("image_digest")
    assert "layer too large" in scans.loc["sha256:b4", "scan_state_reason"]
    assert "AccessDenied" in scans.loc["sha256:b6", "scan_state_reason"]
    assert pd.isna(scans.loc["sha256:b6", "scan_source"])
    assert "outside the basic-findings scope" in scans.loc["sha256:b8", "scan_state_reason"]
    assert "legacy" in scans.loc["sha256:b9", "scan_state_reason"]
    # COMPLETE: severities the API did not list are zero; others are unknown.
    assert (scans.loc["sha256:b1", "critical"], scans.loc["sha256:b1", "low"]) == (2, 0)
    assert scans.loc["sha256:b9", "high"] == 3
    assert pd.isna(scans.loc["sha256:b3", "critical"])
    repo = row(result.coverage, repository_name="svc-a")
    assert (repo.images_total, repo.images_scanned, repo.images_not_checked) == (9, 3, 2)
    assert (repo.critical, repo.high) == (2, 4)


def test_not_checked_is_never_counted_as_scanned_or_clean() -> None:
    images = [image("svc-a", "sha256:x"), image("svc-a", "sha256:y")]
    result = run(basic(images=images))
    repo = row(result.coverage, repository_name="svc-a")
    assert (repo.images_scanned, repo.images_not_checked) == (0, 2)
    for sev in schema.SEVERITY_COUNTS:
        assert pd.isna(repo[sev]), sev
    reg = row(result.registry_coverage, region=REGION)
    assert (reg.images_total, reg.images_scanned) == (2, 0)
    assert any("Images not checked for that reason: 2" in n for n in result.notes)


@pytest.mark.parametrize(
    ("age", "threshold", "expected"),
    [
        (timedelta(days=30), 30, "SCANNED"),
        (timedelta(days=30, seconds=1), 30, "STALE_BASIC"),
        (timedelta(days=29, hours=23), 30, "SCANNED"),
        (timedelta(days=7), 7, "SCANNED"),
        (timedelta(days=8), 7, "STALE_BASIC"),
    ],
)
def test_stale_threshold_boundary(age: timedelta, threshold: int, expected: str) -> None:
    tables = basic(
        images=[image("svc-a", "sha256:s", pushed_days_ago=60)],
        basic_findings=[{"repository_name": "svc-a", "image_digest": "sha256:s", "scan_status": "COMPLETE",
                         "scan_completed_at": AS_OF - age}],
    )
    result = run(tables, stale_after_days=threshold)
    assert states(result) == {"sha256:s": expected}
    assert row(result.coverage, repository_name="svc-a").images_scanned == 1


def test_archived_and_non_image_artifacts() -> None:
    images = [
        image("svc-a", "sha256:arch", image_status="ARCHIVED"),
        image("svc-a", "sha256:sig", subject_digest="sha256:img"),
        image("svc-a", "sha256:idx", manifest_media_type=INDEX),
        image("svc-a", "sha256:helm", artifact_media_type="application/vnd.cncf.helm.config.v1+json"),
        image("svc-a", "sha256:img", artifact_media_type="application/vnd.oci.image.config.v1+json"),
    ]
    findings = [finding(d, "COMPLETE", 1) for d in ("sha256:arch", "sha256:sig", "sha256:img")]
    result = run(basic(images=images, basic_findings=findings))
    assert states(result) == {
        "sha256:arch": "ARCHIVED",
        "sha256:sig": "UNSUPPORTED",
        "sha256:idx": "UNSUPPORTED",
        "sha256:helm": "UNSUPPORTED",
        "sha256:img": "SCANNED",
    }
    scans = result.image_scans.set_index("image_digest")
    assert scans.loc["sha256:sig", "scan_state_reason"].startswith("signature/SBOM artifact")
    assert scans.loc["sha256:idx", "scan_state_reason"] == "manifest list: children are scanned"
    assert "helm" in scans.loc["sha256:helm", "scan_state_reason"]
    repo = row(result.coverage, repository_name="svc-a")
    assert (repo.images_total, repo.images_scannable, repo.images_scanned) == (5, 1, 1)
    # Archived images are container images, but not scannable until restored.
    scannable = dict(zip(result.image_scans["image_digest"], result.image_scans["scannable"]))
    assert scannable == {"sha256:arch": False, "sha256:sig": False, "sha256:idx": False,
                         "sha256:helm": False, "sha256:img": True}
    assert any(n.startswith("3 artifacts left out of the scannable totals") for n in result.notes)


# --- registry totals and the basic-scan quota -------------------------------------------------


def test_registry_coverage_and_quota_headroom() -> None:
    day = AS_OF.replace(hour=0) - timedelta(days=3)  # one UTC day, three days back
    images = (
        [dict(image("svc-a", f"sha256:p{i}"), pushed_at=day + timedelta(hours=i)) for i in range(3)]
        + [dict(image("legacy", "sha256:l1"), pushed_at=day - timedelta(days=1))]
        + [dict(image("manual", f"sha256:m{i}"), pushed_at=day + timedelta(hours=i)) for i in range(5)]
        # a signature pushed to a scan-on-push repository does not start a basic scan
        + [dict(image("svc-a", "sha256:sig", subject_digest="sha256:p0"), pushed_at=day)]
        + [dict(image("svc-a", "sha256:recent"), pushed_at=AS_OF - timedelta(hours=23))]
        + [dict(image("svc-a", "sha256:edge"), pushed_at=AS_OF - timedelta(hours=24))]
        + [dict(image("svc-a", "sha256:old"), pushed_at=AS_OF - timedelta(days=45))]
    )
    result = run(basic(images=images))
    reg = row(result.registry_coverage, region=REGION)
    assert (reg.scan_type, reg.scan_engine) == ("BASIC", "AWS_NATIVE")
    assert (reg.repositories_total, reg.repositories_scanned) == (3, 1)  # "legacy" is manual
    assert reg.images_total == 13
    assert reg.images_pushed_last_24h == 1  # (as_of - 24 h, as_of]
    assert reg.max_images_pushed_per_day == 9  # 3 + 5 + the signature, same UTC day
    assert reg.basic_scan_quota_per_day == 100_000
    assert reg.quota_headroom_pct == pytest.approx(100 * (1 - 3 / 100_000))


def test_quota_headroom_not_applicable_to_enhanced() -> None:
    result = run(enhanced(images=[image("api-prod", "sha256:a")]))
    assert pd.isna(row(result.registry_coverage, region=REGION).quota_headroom_pct)


def test_tight_quota_is_noted() -> None:
    n = 85_000
    frame = pd.DataFrame(
        {
            "account_id": ACCOUNT,
            "region": REGION,
            "repository_name": "svc-a",
            "image_digest": [f"sha256:{i:064x}" for i in range(n)],
            "image_tags": [()] * n,
            "pushed_at": AS_OF - timedelta(hours=2),
            "size_bytes": 1,
            "image_status": "ACTIVE",
        }
    )
    for col in schema.SNAPSHOT_TABLES["images"]:
        if col not in frame:
            frame[col] = None
    tables = basic()
    tables["images"] = schema.conform("images", frame[list(schema.SNAPSHOT_TABLES["images"])])
    result = run(tables)
    reg = row(result.registry_coverage, region=REGION)
    assert reg.quota_headroom_pct == pytest.approx(15.0)
    assert any("quota headroom is only 15.0%" in note for note in result.notes)


def test_multiple_units_and_schema() -> None:
    tables = basic(images=[image("svc-a", "sha256:a")])
    extra = enhanced(images=[image("api-prod", "sha256:b")])
    for name in ("registries", "scan_rules", "repositories", "images"):
        other = extra[name].assign(region=US)
        tables[name] = schema.conform(name, pd.concat([tables[name], other], ignore_index=True))
    result = run(tables)
    for name in ("coverage", "image_scans", "registry_coverage"):
        frame = getattr(result, name)
        assert list(frame.columns) == list(schema.RESULT_TABLES[name])
        pd.testing.assert_frame_equal(frame, schema.conform(name, frame))
    assert list(result.registry_coverage["region"]) == [REGION, US]
    assert len(result.coverage) == 6
    assert all(isinstance(p, str) and p for p in METHODOLOGY)


def test_empty_snapshot() -> None:
    result = run(snapshot())
    assert result.coverage.empty and result.image_scans.empty and result.registry_coverage.empty
    assert len(result.notes) == 1  # the scope sentence


def test_as_of_must_be_timezone_aware() -> None:
    with pytest.raises(ValueError):
        analyse_coverage(basic(), datetime(2026, 1, 1), SCOPE)


def test_deterministic() -> None:
    tables = basic(images=[image("svc-a", "sha256:a")], basic_findings=[finding("sha256:a", "COMPLETE", 3)])
    one, two = run(tables), run(tables)
    pd.testing.assert_frame_equal(one.image_scans, two.image_scans)
    assert one.notes == two.notes
