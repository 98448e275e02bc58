"""Security Hub control verdicts (aws-facts.md §7): PASS, FAIL and UNKNOWN for each control."""

from __future__ import annotations

import pandas as pd
import pytest
from analysis_fixtures import AS_OF, REGION, snapshot

from ecr_report.reports import schema
from ecr_report.reports.compliance import CONTROLS, evaluate_controls
from ecr_report.reports.coverage import BasicFindingsScope, analyse_coverage

CMK = "arn:aws:kms:ap-northeast-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def verdicts(repositories: list[dict], registries: list[dict] | None = None, **tables) -> pd.DataFrame:
    registries = registries if registries is not None else [
        {"scan_type": "BASIC", "basic_scan_engine": "AWS_NATIVE", "inspector_ecr_status": "ENABLED"}
    ]
    snap = snapshot(
        registries=registries,
        scan_rules=[{"rule_index": 0, "scan_frequency": "SCAN_ON_PUSH", "filter": "svc", "filter_type": "WILDCARD"}],
        repositories=repositories,
        **tables,
    )
    result = evaluate_controls(snap, analyse_coverage(snap, AS_OF, BasicFindingsScope()))
    return result


def verdict(frame: pd.DataFrame, repo: str, control: str) -> tuple[str, str]:
    hit = frame[(frame["repository_name"] == repo) & (frame["control_id"] == control)]
    assert len(hit) == 1
    return hit.iloc[0]["status"], hit.iloc[0]["evidence"]


def test_titles_are_verbatim_and_metadata_complete() -> None:
    assert CONTROLS["ECR.1"].title == "ECR private repositories should have image scanning configured"
    assert CONTROLS["ECR.2"].title == "ECR private repositories should have tag immutability configured"
    assert CONTROLS["ECR.3"].title == "ECR repositories should have at least one lifecycle policy configured"
    assert CONTROLS["ECR.5"].title == "ECR repositories should be encrypted with customer managed AWS KMS keys"
    assert CONTROLS["Inspector.2"].title == "Amazon Inspector ECR scanning should be enabled"
    assert [CONTROLS[c].severity for c in ("ECR.1", "ECR.2", "ECR.3", "ECR.5")] == ["High", "Medium", "Medium", "Medium"]
    for control in CONTROLS.values():
        assert control.checks and control.remediation and control.source.startswith("https://")


def test_one_row_per_repository_and_control() -> None:
    frame = verdicts([{"repository_name": "svc-a"}, {"repository_name": "other"}])
    assert len(frame) == 2 * len(CONTROLS)
    assert list(frame.columns) == list(schema.RESULT_TABLES["compliance"])
    assert set(frame["status"]) <= {"PASS", "FAIL", "NOT_APPLICABLE", "UNKNOWN"}
    assert frame["evidence"].notna().all()
    assert not frame["evidence"].str.contains("\n").any()


def test_ecr1() -> None:
    frame = verdicts(
        [
            {"repository_name": "svc-a", "scan_on_push": False},
            {"repository_name": "legacy", "scan_on_push": True},
            {"repository_name": "manual", "scan_on_push": False},
        ],
        repository_scan_config_aws=[{"repository_name": "legacy", "scan_frequency": "MANUAL"}],
    )
    status, evidence = verdict(frame, "svc-a", "ECR.1")
    assert status == "PASS" and "filter 'svc'" in evidence
    # The registry has scan-on-push filters, so the old repository flag does not apply [SCAN-FILT].
    status, evidence = verdict(frame, "legacy", "ECR.1")
    assert status == "FAIL" and "deprecated scanOnPush=true does not apply" in evidence
    status, evidence = verdict(frame, "manual", "ECR.1")
    assert status == "FAIL" and "MANUAL" in evidence


def test_ecr1_unknown_without_registry_configuration() -> None:
    frame = verdicts([{"repository_name": "svc-a"}], registries=[{"scan_type": None}])
    status, evidence = verdict(frame, "svc-a", "ECR.1")
    assert status == "UNKNOWN" and "not collected" in evidence


@pytest.mark.parametrize(
    ("mutability", "expected", "phrase"),
    [
        ("IMMUTABLE", "PASS", "IMMUTABLE"),
        ("MUTABLE", "FAIL", "MUTABLE"),
        ("IMMUTABLE_WITH_EXCLUSION", "FAIL", "UNCONFIRMED"),
        ("MUTABLE_WITH_EXCLUSION", "FAIL", "UNCONFIRMED"),
        (None, "UNKNOWN", "not collected"),
    ],
)
def test_ecr2(mutability, expected, phrase) -> None:
    frame = verdicts([{"repository_name": "r", "image_tag_mutability": mutability}])
    status, evidence = verdict(frame, "r", "ECR.2")
    assert (status, phrase in evidence) == (expected, True)


@pytest.mark.parametrize(
    ("policy", "expected"),
    [("PRESENT", "PASS"), ("ABSENT", "FAIL"), ("UNKNOWN", "UNKNOWN"), (None, "UNKNOWN")],
)
def test_ecr3(policy, expected) -> None:
    frame = verdicts([{"repository_name": "r", "lifecycle_policy_status": policy}])
    status, evidence = verdict(frame, "r", "ECR.3")
    assert status == expected
    if expected != "UNKNOWN":
        assert "presence only; content judged in the lifecycle section" in evidence


@pytest.mark.parametrize(
    ("encryption", "key", "expected", "phrase"),
    [
        ("AES256", None, "FAIL", "AES256"),
        ("KMS", None, "FAIL", "AWS managed key"),
        ("KMS", "arn:aws:kms:ap-northeast-1:111122223333:alias/aws/ecr", "FAIL", "AWS managed key"),
        ("KMS", CMK, "PASS", CMK),
        ("KMS_DSSE", CMK, "PASS", "KMS_DSSE"),
        (None, None, "UNKNOWN", "not collected"),
    ],
)
def test_ecr5(encryption, key, expected, phrase) -> None:
    frame = verdicts([{"repository_name": "r", "encryption_type": encryption, "kms_key": key}])
    status, evidence = verdict(frame, "r", "ECR.5")
    assert (status, phrase in evidence) == (expected, True)


@pytest.mark.parametrize(
    ("inspector", "expected"),
    [("ENABLED", "PASS"), ("DISABLED", "FAIL"), ("SUSPENDED", "FAIL"), (None, "UNKNOWN")],
)
def test_inspector2(inspector, expected) -> None:
    frame = verdicts([{"repository_name": "r"}], registries=[{"scan_type": "BASIC", "inspector_ecr_status": inspector}])
    status, evidence = verdict(frame, "r", "Inspector.2")
    assert status == expected
    if expected != "UNKNOWN":
        assert inspector in evidence and REGION in evidence


def test_inspector2_unknown_when_registry_not_collected() -> None:
    frame = verdicts([{"repository_name": "r"}], registries=[])
    assert verdict(frame, "r", "Inspector.2")[0] == "UNKNOWN"


def test_no_repositories() -> None:
    frame = verdicts([])
    assert frame.empty and list(frame.columns) == list(schema.RESULT_TABLES["compliance"])
