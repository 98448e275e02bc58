"""Traceable verdicts on the demo fleet, and `ecr-report explain`.

The issue's figure: every compliance row's evidence pointer, opened in the raw file it names,
resolves to the value the verdict states (target: all of them). The same for the coverage and
image-scan rows. Then `explain`: it refuses a tampered run (exit 1, nothing explained), exits 2
on bad input, and quotes the raw values in text, markdown and JSON.
"""

from __future__ import annotations

import gzip
import json
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from ecr_report.jobs.cli import main
from ecr_report.jobs.config import load_config
from ecr_report.jobs.explain import pointer_resolution, quote_values, raw_response
from ecr_report.jobs.run import run
from ecr_report.reports.provenance import resolve, split_refs

AS_OF = datetime(2026, 11, 30, 6, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("explain")
    config = work / "ecr-report.toml"
    config.write_text("[report]\npdf = false\n")
    return run(load_config(config), output=work / "out", demo=True, now=AS_OF).run_dir


def _table(run_dir: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(run_dir / "data" / f"{name}.csv", dtype=str, keep_default_na=False)


def _values(run_dir: Path, row: dict[str, str]) -> list[tuple[str, object]]:
    refs = split_refs(row["evidence_file"], row["evidence_pointer"])
    return [(ptr, resolve(raw_response(run_dir, file), ptr)) for file, ptr in refs]


def _check_compliance(row: dict[str, str], values: list[tuple[str, object]]) -> None:
    """The decisive raw value is the one the verdict's evidence sentence and status state."""
    control, status, evidence = row["control_id"], row["status"], row["evidence"]
    ptr, value = values[0]
    if control == "ECR.2":
        assert ptr.endswith("/imageTagMutability") and f"imageTagMutability {value}" in evidence
        assert (status == "PASS") == (value == "IMMUTABLE")
    elif control == "ECR.5":
        assert ptr.endswith("/encryptionType") and evidence.startswith(f"encryptionType {value}")
        if status == "PASS":
            key_ptr, key = values[1]
            assert key_ptr.endswith("/kmsKey") and evidence.endswith(f"customer managed key {key}")
    elif control == "ECR.3":
        if status == "PASS":
            assert ptr == "/lifecyclePolicyText" and json.loads(value)["rules"]
        else:
            assert (ptr, value) == ("/Error/Code", "LifecyclePolicyNotFoundException")
            assert evidence.startswith("no lifecycle policy")
    elif control == "Inspector.2":
        assert f"scanning status {value} for account {row['account_id']}" in evidence
        assert (status == "PASS") == (value == "ENABLED")
    elif control == "ECR.1":
        if ptr.endswith("/scanFrequency"):
            assert evidence.startswith(f"effective scan frequency {value} from registry {value} rule")
            filter_ptr, filter_text = values[1]
            assert filter_ptr.endswith("/filter") and f"filter '{filter_text}'" in evidence
            assert status == "PASS" and value in ("SCAN_ON_PUSH", "CONTINUOUS_SCAN")
        else:
            assert ptr == "/scanningConfiguration/scanType" and status == "FAIL"
            assert evidence.startswith("effective scan frequency MANUAL from no ")
            assert ("(basic scanning)" in evidence) == (value == "BASIC")
    else:  # a new control needs its own check here
        raise AssertionError(f"no check for {control}")


def test_every_compliance_pointer_resolves_to_the_value_the_verdict_states(demo_run):
    rows = _table(demo_run, "compliance").to_dict("records")
    checked = 0
    for row in rows:
        values = _values(demo_run, row)  # raises LookupError on a pointer that names nothing
        assert values, f"no evidence for {row}"
        _check_compliance(row, values)
        checked += 1
    assert checked == len(rows) > 300
    assert pointer_resolution(demo_run) == (len(rows), len(rows))  # the figure: 100%


def test_every_coverage_and_image_scan_pointer_resolves(demo_run):
    coverage = _table(demo_run, "coverage")
    assert pointer_resolution(demo_run, "coverage") == (len(coverage), len(coverage))
    for row in coverage.to_dict("records"):
        ptr, value = _values(demo_run, row)[0]
        if ptr.endswith("/scanFrequency"):
            assert value == row["scan_frequency"]
        else:
            assert value == row["scan_type"]
    scans = _table(demo_run, "image_scans")
    assert pointer_resolution(demo_run, "image_scans") == (len(scans), len(scans))


def test_image_scan_evidence_states_what_decided_the_state(demo_run):
    scans = _table(demo_run, "image_scans").to_dict("records")
    cache: dict[str, object] = {}
    seen = set()
    for row in scans:
        (value,) = [v.value for v in quote_values(demo_run, row, cache)]
        ptr = row["evidence_pointer"]
        if "/coveredResources/" in ptr:  # Inspector coverage record
            assert row["scan_source"] == "INSPECTOR"
            reason, state = value.get("reason", ""), row["scan_state"]
            if reason == "SCAN_FREQUENCY_SCAN_ON_PUSH":
                assert state in ("SCANNED", "PENDING")
            elif reason and reason in row["scan_state_reason"]:
                pass  # the reason Inspector gave is the one the report states
            else:
                assert value["statusCode"] == "ACTIVE" and state in ("MONITORED", "SCANNED")
        elif ptr == "/Error/Code":
            assert value == "ScanNotFoundException" and row["scan_state"] == "NEVER_SCANNED"
        elif ptr.endswith("/imageStatus"):
            assert value == "ARCHIVED" == row["scan_state"]
        elif ptr.endswith("/subjectManifestDigest"):
            assert value.startswith("sha256:") and row["scan_state"] == "UNSUPPORTED"
        seen.add(ptr.rsplit("/", 1)[-1] if not ptr.split("/")[-1].isdigit() else "object")
    assert {"scanStatus", "Code", "imageStatus", "status", "object"} <= seen


def _explain(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["explain", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_explain_quotes_the_raw_values(demo_run, capsys):
    code, out, err = _explain(capsys, str(demo_run), "--control", "ECR.2", "--format", "json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["source"].startswith("AWS Security Hub User Guide, 'Security Hub CSPM controls for Amazon ECR', "
                                    "https://docs.aws.amazon.com/securityhub/latest/userguide/ecr-controls.html (read ")
    comp = _table(demo_run, "compliance")
    assert len(doc["verdicts"]) == int((comp["control_id"] == "ECR.2").sum())
    for verdict in doc["verdicts"]:
        (value,) = verdict["values"]
        assert value["value"] in ("IMMUTABLE", "MUTABLE", "IMMUTABLE_WITH_EXCLUSION", "MUTABLE_WITH_EXCLUSION")
        with gzip.open(demo_run / value["file"], "rt") as fh:
            assert resolve(json.load(fh)["response"], value["pointer"]) == value["value"]


def test_explain_filters_and_formats(demo_run, capsys):
    comp = _table(demo_run, "compliance")
    row = comp[(comp["control_id"] == "ECR.3") & (comp["status"] == "FAIL")].iloc[0]
    args = [str(demo_run), "--control", "ECR.3", "--repository", row["repository_name"],
            "--account", row["account_id"], "--region", row["region"]]
    code, text, _ = _explain(capsys, *args)
    assert code == 0
    assert '"LifecyclePolicyNotFoundException"' in text and "pointer: /Error/Code" in text
    assert row["rule"] in text and str(demo_run / "raw" / row["evidence_file"]) in text
    code, markdown, _ = _explain(capsys, *args, "--format", "markdown")
    table = [line for line in markdown.splitlines() if line.startswith("| ")]
    assert code == 0 and len(table) == 2  # header + the one verdict
    assert f"`raw/{row['evidence_file']}`" in table[1] and "`/Error/Code`" in table[1]


def test_explain_refuses_a_tampered_run(demo_run, tmp_path, capsys):
    copy = tmp_path / "runs" / demo_run.name
    shutil.copytree(demo_run, copy)
    target = copy / "raw" / _table(copy, "compliance")["evidence_file"].iloc[0].split(";")[0]
    target.write_bytes(gzip.compress(b'{"response": {"forged": true}}'))
    code, out, err = _explain(capsys, str(copy), "--control", "ECR.2")
    assert code == 1 and out == ""
    assert "changed" in err and "refusing to explain" in err


@pytest.mark.parametrize("args, reason", [
    (["{missing}", "--control", "ECR.2"], "no such run directory"),
    (["{run}", "--control", "ECR.9"], "unknown control 'ECR.9'"),
    (["{run}", "--control", "ECR.2", "--repository", "no/such/repo"], "no ECR.2 verdict matches repository no/such/repo"),
    (["{run}", "--control", "ECR.2", "--region", "eu-west-3"], "no ECR.2 verdict matches region eu-west-3"),
])
def test_explain_bad_input_exits_2_with_one_line(demo_run, tmp_path, capsys, args, reason):
    args = [a.format(missing=tmp_path / "nope", run=demo_run) for a in args]
    code, out, err = _explain(capsys, *args)
    assert code == 2 and out == ""
    assert reason in err and len(err.strip().splitlines()) == 1


def test_framework_mapping_counts_the_verdicts_and_names_existing_raw_files(demo_run):
    mapped = _table(demo_run, "framework_mapping")
    comp = _table(demo_run, "compliance")
    assert set(mapped["control_id"]) == set(comp["control_id"])
    for row in mapped.to_dict("records"):
        verdicts = comp[comp["control_id"] == row["control_id"]]
        for status in ("pass", "fail", "unknown"):
            assert int(row[status]) == int((verdicts["status"] == status.upper()).sum())
        files = row["evidence_files"].split(";")
        expected = {f"raw/{f}" for cell in verdicts["evidence_file"] for f in cell.split(";")}
        assert set(files) == expected and all((demo_run / f).is_file() for f in files)
