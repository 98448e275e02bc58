"""`ecr-report run --demo` end to end: the run directory, summary.json against figures computed
independently from the demo fleet's ground truth, the PDF, re-rendering, verify, exit code 3."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pypdf
import pytest

from ecr_report.jobs.config import Config
from ecr_report.jobs.demo import DemoEmulator, DemoServiceError, build_fleet
from ecr_report.jobs.run import run
from ecr_report.jobs.rundir import verify_run
from ecr_report.reports.sources import SOURCES

AS_OF = datetime(2026, 11, 30, 6, 0, tzinfo=timezone.utc)
SUMMARY_KEYS = {
    "run_id", "as_of", "accounts", "regions", "coverage", "inspector", "pull_through",
    "lifecycle", "completeness",
}


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    result = subprocess.run(
        [sys.executable, "-m", "ecr_report.jobs.cli", "run", "--demo", "--output", str(out)],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    run_dir = Path(result.stdout.strip())
    assert run_dir.parent == out / "runs"
    return run_dir


@pytest.fixture(scope="module")
def fleet(demo_run):
    as_of = datetime.fromisoformat(json.loads((demo_run / "summary.json").read_text())["as_of"].replace("Z", "+00:00"))
    return build_fleet(scale=1, as_of=as_of)


def test_run_directory_layout(demo_run):
    names = {p.name for p in demo_run.iterdir()}
    assert {"raw", "data", "report.html", "report.pdf", "summary.json", "manifest.json", "snapshot.json"} <= names
    for table in ("coverage", "compliance", "repositories", "images", "image_scans"):
        assert (demo_run / "data" / f"{table}.csv").is_file()
        assert (demo_run / "data" / f"{table}.parquet").is_file()
    raw = {p.relative_to(demo_run / "raw").as_posix() for p in (demo_run / "raw").rglob("*.json.gz")}
    assert "111122223333/us-east-1/ecr.DescribeRepositories.1.json.gz" in raw
    assert any(r.startswith("444455556666/") for r in raw)  # the assumed-role account
    assert not any(p.name.startswith(".partial-") for p in demo_run.parent.iterdir())


def test_summary_matches_the_fleet(demo_run, fleet):
    summary = json.loads((demo_run / "summary.json").read_text())
    assert SUMMARY_KEYS <= set(summary)
    assert summary["accounts"] == sorted({a for a, _ in fleet.units})
    assert summary["regions"] == sorted({r for _, r in fleet.units})
    repos = [repo for reg in fleet.registries.values() for repo in reg.repositories]
    images = [img for repo in repos for img in repo.images]
    cov = summary["coverage"]
    assert cov["repositories_total"] == len(repos)
    assert cov["images_total"] == len(images)
    # The fleet's own notion of a scannable image: a real image (or an index's child), active.
    scannable = [i for i in images if i.kind in ("image", "child") and i.status != "ARCHIVED"]
    assert cov["images_scannable"] == len(scannable)
    assert 0 < cov["images_scanned"] <= cov["images_scannable"]
    # Effective frequency as the fleet defined it (its own implementation of the filter rules).
    freq = Counter(repo.scan_frequency for repo in repos)
    assert cov["by_frequency"] == {f: freq.get(f, 0) for f in ("MANUAL", "SCAN_ON_PUSH", "CONTINUOUS_SCAN")}
    assert cov["repositories_scanned"] == len(repos) - freq["MANUAL"]
    assert summary["completeness"]["errors"] == []
    from ecr_report.jobs.plugins import CONCERNS
    from ecr_report.reports.analyse import not_computed

    assert summary["sections_not_computed"] == list(not_computed(CONCERNS)) == []


def test_compliance_matches_the_fleet(demo_run, fleet):
    summary = json.loads((demo_run / "summary.json").read_text())["compliance"]["by_control"]
    repos = [(reg, repo) for reg in fleet.registries.values() for repo in reg.repositories]
    assert summary["ECR.2"]["PASS"] == sum(r.tag_mutability == "IMMUTABLE" for _, r in repos)
    assert summary["ECR.3"]["PASS"] == sum(r.lifecycle is not None for _, r in repos)
    assert summary["ECR.5"]["PASS"] == sum(
        r.encryption_type in ("KMS", "KMS_DSSE") and bool(r.kms_key) and "alias/aws/ecr" not in r.kms_key
        for _, r in repos)
    assert summary["Inspector.2"]["PASS"] == sum(reg.inspector.ecr_status == "ENABLED" for reg, _ in repos)
    assert summary["ECR.1"]["PASS"] == sum(r.scan_frequency != "MANUAL" for _, r in repos)
    compliance = pd.read_csv(demo_run / "data" / "compliance.csv")
    assert {"account_id", "region", "repository_name", "control_id", "status", "evidence"} <= set(compliance)
    assert len(compliance) == 5 * len(repos) and compliance["evidence"].notna().all()
    coverage = pd.read_csv(demo_run / "data" / "coverage.csv")
    assert {"account_id", "region", "repository_name", "scan_type", "scan_frequency"} <= set(coverage)


def test_report_html_and_pdf(demo_run):
    html = (demo_run / "report.html").read_text()
    assert "Scan coverage" in html and "DEMO" in html
    cited = html.replace("http://www.w3.org/2000/svg", "")
    for s in SOURCES:  # the cited sources' addresses, as text in "Sources"; nothing else
        cited = cited.replace(s.url, "")
    assert "http://" not in cited and "https://" not in cited
    pdf = pypdf.PdfReader(demo_run / "report.pdf")
    assert 3 <= len(pdf.pages) <= 25
    assert "Compliance" in "".join(page.extract_text() for page in pdf.pages)


def test_render_reproduces_the_same_bytes_and_verify_stays_intact(demo_run):
    before = {p: p.read_bytes() for p in demo_run.rglob("*") if p.is_file()}
    result = subprocess.run([sys.executable, "-m", "ecr_report.jobs.cli", "render", str(demo_run)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    after = {p: p.read_bytes() for p in demo_run.rglob("*") if p.is_file()}
    changed = sorted(str(p.relative_to(demo_run)) for p in before if before[p] != after.get(p))
    assert changed == []
    assert verify_run(demo_run) == []


class _DenyingEmulator(DemoEmulator):
    """The demo fleet, but the sandbox account refuses lifecycle policy reads."""

    def handle(self, service, operation, params, account_id, region):
        if operation == "GetLifecyclePolicy" and account_id == "444455556666":
            raise DemoServiceError("AccessDeniedException", "not authorized to perform ecr:GetLifecyclePolicy")
        return super().handle(service, operation, params, account_id, region)


def test_failed_calls_become_errors_unknowns_and_a_banner(tmp_path, monkeypatch):
    import ecr_report.jobs.demo as demo

    monkeypatch.setattr(demo, "DemoEmulator", _DenyingEmulator)
    outcome = run(Config(), output=tmp_path, demo=True, now=AS_OF)
    summary = json.loads((outcome.run_dir / "summary.json").read_text())
    errors = summary["completeness"]["errors"]
    assert errors and all(e["account"] == "444455556666" for e in errors)
    assert all(e["operation"].startswith("ecr:GetLifecyclePolicy") for e in errors)
    compliance = pd.read_csv(outcome.run_dir / "data" / "compliance.csv")
    ecr3 = compliance[compliance["control_id"] == "ECR.3"]
    sandbox = ecr3[ecr3["account_id"] == 444455556666]
    assert len(sandbox) and set(sandbox["status"]) == {"UNKNOWN"}
    assert "incomplete" in (outcome.run_dir / "report.html").read_text().lower()
    assert not outcome.complete
