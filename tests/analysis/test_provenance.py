"""JSON Pointers (RFC 6901) and the evidence references normalize and the analysis carry.

The demo fleet covers the common verdict paths (tests/jobs/test_explain.py); here recorded calls
cover the others: the deprecated repository scanOnPush, AWS's own per-repository answer when the
registry configuration failed, and a lifecycle policy call that failed (UNKNOWN, its error code
as evidence).
"""

from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd
import pytest

from ecr_report.reports.compliance import evaluate_controls
from ecr_report.reports.coverage import BasicFindingsScope, analyse_coverage
from ecr_report.reports.normalize import normalize
from ecr_report.reports.provenance import join_refs, pointer, resolve, split_refs
from ecr_report.reports.raw import RawCall

RFC_DOC = {"foo": ["bar", "baz"], "": 0, "a/b": 1, "c%d": 2, "e^f": 3, "g|h": 4, "i\\j": 5,
           'k"l': 6, " ": 7, "m~n": 8}


@pytest.mark.parametrize("ptr, value", [  # RFC 6901 §5, verbatim
    ("", RFC_DOC), ("/foo", ["bar", "baz"]), ("/foo/0", "bar"), ("/", 0), ("/a~1b", 1),
    ("/c%d", 2), ("/e^f", 3), ("/g|h", 4), ("/i\\j", 5), ('/k"l', 6), ("/ ", 7), ("/m~0n", 8),
])
def test_resolve_follows_rfc_6901(ptr, value):
    assert resolve(RFC_DOC, ptr) == value


@pytest.mark.parametrize("ptr", ["/foo/2", "/foo/01", "/foo/-", "/nope", "/foo/0/x", "foo"])
def test_resolve_refuses_what_names_nothing(ptr):
    with pytest.raises(LookupError):
        resolve(RFC_DOC, ptr)


def test_pointer_escapes_tilde_then_slash():
    assert pointer("a/b", "m~n", 3) == "/a~1b/m~0n/3"
    assert resolve(RFC_DOC, pointer("a/b")) == 1 and resolve(RFC_DOC, pointer("m~n")) == 8


def test_references_are_parallel_lists():
    files, pointers = join_refs([("f1", "/a"), None, ("f1", "/b"), ("f2", "")])
    assert (files, pointers) == ("f1;f1;f2", "/a;/b;")
    assert split_refs(files, pointers) == [("f1", "/a"), ("f1", "/b"), ("f2", "")]
    assert join_refs([None]) == (None, None) and split_refs(None, None) == []


UNIT = ("111122223333", "us-east-1")


def _call(operation: str, response: dict, seq: int = 1, params: dict | None = None,
          service: str = "ecr") -> RawCall:
    return RawCall(*UNIT, service, operation, seq, params or {}, response)


def _error(operation: str, code: str, seq: int = 1, params: dict | None = None) -> RawCall:
    return _call(operation, {"Error": {"Code": code, "Message": "m"}}, seq, params)


def _repo(name: str, **extra) -> dict:
    return {"repositoryName": name, "repositoryArn": f"arn:aws:ecr:us-east-1:111122223333:repository/{name}",
            "registryId": UNIT[0], "imageTagMutability": "IMMUTABLE",
            "encryptionConfiguration": {"encryptionType": "AES256"}, **extra}


def _verdicts(calls: list[RawCall]):
    tables = normalize(calls, [UNIT], ())
    coverage = analyse_coverage(tables, datetime(2026, 11, 30, tzinfo=timezone.utc), BasicFindingsScope())
    comp = evaluate_controls(tables, coverage)
    by_call = {c.relative_path(): c.response for c in calls}
    return comp, by_call


def _resolved(row, by_call) -> list:
    return [resolve(by_call[f], p) for f, p in split_refs(row["evidence_file"], row["evidence_pointer"])]


def test_legacy_scan_on_push_and_failed_lifecycle_call_name_their_values():
    calls = [
        _call("GetRegistryScanningConfiguration", {"registryId": UNIT[0],
                                                   "scanningConfiguration": {"scanType": "BASIC", "rules": []}}),
        _call("DescribeRepositories", {"repositories": [
            _repo("legacy", imageScanningConfiguration={"scanOnPush": True})]}),
        _error("GetLifecyclePolicy", "AccessDeniedException", params={"repositoryName": "legacy"}),
    ]
    comp, by_call = _verdicts(calls)
    rows = {r["control_id"]: r for r in comp.to_dict("records")}
    assert rows["ECR.1"]["status"] == "PASS"
    assert rows["ECR.1"]["evidence_pointer"] == (
        "/repositories/0/imageScanningConfiguration/scanOnPush;/scanningConfiguration/scanType")
    assert _resolved(rows["ECR.1"], by_call) == [True, "BASIC"]
    assert rows["ECR.3"]["status"] == "UNKNOWN"
    assert rows["ECR.3"]["evidence_file"] == "111122223333/us-east-1/ecr.GetLifecyclePolicy.1.json.gz"
    assert _resolved(rows["ECR.3"], by_call) == ["AccessDeniedException"]
    assert rows["Inspector.2"]["status"] == "UNKNOWN" and pd.isna(rows["Inspector.2"]["evidence_file"])


def test_aws_answer_is_the_evidence_when_the_registry_configuration_failed():
    calls = [
        _error("GetRegistryScanningConfiguration", "AccessDeniedException"),
        _call("DescribeRepositories", {"repositories": [_repo("a"), _repo("b")]}),
        _call("BatchGetRepositoryScanningConfiguration", {"scanningConfigurations": [
            {"repositoryName": "b", "scanFrequency": "CONTINUOUS_SCAN", "scanOnPush": False},
            {"repositoryName": "a", "scanFrequency": "SCAN_ON_PUSH", "scanOnPush": True}]}),
    ]
    comp, by_call = _verdicts(calls)
    ecr1 = comp[comp["control_id"] == "ECR.1"].set_index("repository_name")
    assert _resolved(ecr1.loc["a"], by_call) == ["SCAN_ON_PUSH"]
    assert _resolved(ecr1.loc["b"], by_call) == ["CONTINUOUS_SCAN"]
    assert ecr1.loc["a", "evidence_pointer"] == "/scanningConfigurations/1/scanFrequency"


def test_unknown_scan_setting_points_at_the_failed_call():
    calls = [_error("GetRegistryScanningConfiguration", "ThrottlingException"),
             _call("DescribeRepositories", {"repositories": [_repo("a")]})]
    comp, by_call = _verdicts(calls)
    row = comp[comp["control_id"] == "ECR.1"].iloc[0]
    assert row["status"] == "UNKNOWN" and _resolved(row, by_call) == ["ThrottlingException"]
