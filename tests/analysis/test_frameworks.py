"""The framework mapping: AWS's "Related requirements" per control, as data with its source, and
its join with the verdicts (data/framework_mapping.csv)."""

from __future__ import annotations

import re

import pandas as pd

from ecr_report.reports.compliance import CONTROLS
from ecr_report.reports.frameworks import FRAMEWORKS, framework_mapping, mapping, worst
from ecr_report.reports.render.section_auditors import build_auditors

PAGES = {"ECR": "https://docs.aws.amazon.com/securityhub/latest/userguide/ecr-controls.html",
         "Inspector": "https://docs.aws.amazon.com/securityhub/latest/userguide/inspector-controls.html"}


def test_every_evaluated_control_is_mapped_with_its_source():
    table = mapping()
    assert set(table["control_id"]) == set(CONTROLS)
    assert set(table["framework"]) == set(FRAMEWORKS)
    for row in table.to_dict("records"):
        assert row["source_url"] == PAGES[row["control_id"].split(".")[0]]
        assert row["source_url"] == CONTROLS[row["control_id"]].source
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["read_on"])
        if row["framework"] == "NIST SP 800-53 Rev. 5":
            assert re.fullmatch(r"[A-Z]{2}-\d+(\(\d+\))?", row["requirement"])
            assert row["aws_id"] == f"NIST.800-53.r5 {row['requirement']}"
        else:
            assert re.fullmatch(r"\d+(\.\d+)+", row["requirement"])
            assert row["aws_id"] == f"PCI DSS v4.0.1/{row['requirement']}"
    assert not table.duplicated(["framework", "requirement", "control_id"]).any()


def _verdicts(statuses: dict[str, list[str]]) -> pd.DataFrame:
    rows = [{"control_id": c, "status": s, "evidence_file": f"a/r/ecr.Op.{i}.json.gz;a/r/ecr.Op.1.json.gz"}
            for c, ss in statuses.items() for i, s in enumerate(ss, start=1)]
    return pd.DataFrame(rows, columns=["control_id", "status", "evidence_file"])


def test_counts_status_and_evidence_files_follow_the_verdicts():
    out = framework_mapping(_verdicts({"ECR.1": ["PASS", "FAIL", "PASS"], "ECR.2": ["PASS", "UNKNOWN"],
                                       "ECR.3": ["PASS"]})).set_index(["requirement", "control_id"])
    ra5 = out.loc[("RA-5", "ECR.1")]
    assert (ra5["status"], ra5["pass"], ra5["fail"], ra5["unknown"]) == ("FAIL", 2, 1, 0)
    assert ra5["evidence_files"] == "raw/a/r/ecr.Op.1.json.gz;raw/a/r/ecr.Op.2.json.gz;raw/a/r/ecr.Op.3.json.gz"
    assert out.loc[("CM-8(1)", "ECR.2"), "status"] == "UNKNOWN"
    assert out.loc[("CM-2(2)", "ECR.3"), "status"] == "PASS"
    assert out.loc[("AU-9", "ECR.5"), "status"] == "NOT_EVALUATED"
    assert pd.isna(out.loc[("AU-9", "ECR.5"), "evidence_files"])
    assert worst(["PASS", "UNKNOWN", "NOT_EVALUATED"]) == "UNKNOWN" and worst(["PASS", "FAIL"]) == "FAIL"


def test_appendix_says_whose_mapping_it_is_and_where_the_evidence_is():
    from types import SimpleNamespace

    frame = framework_mapping(_verdicts({"ECR.2": ["PASS"], "ECR.3": ["FAIL"]}))
    ctx = SimpleNamespace(table=lambda name: frame if name == "framework_mapping" else None)
    section = build_auditors(ctx, 9)
    text = " ".join(str(getattr(b, "text", "")) for b in section.blocks)
    assert "AWS's mappings, not this report's" in text and "A mapping is not an attestation" in text
    tables = {b.id: b for b in section.blocks if hasattr(b, "rows")}
    assert set(tables) == {"framework-mapping"}
    rows = tables["framework-mapping"].rows
    # CM-2 is related to ECR.2 and ECR.3: its status is the worst of its controls
    cm2 = next(r for r in rows if "CM-2" in r[1].text.split(", "))
    assert r_text(cm2[2]) == "ECR.2, ECR.3" and r_text(cm2[3]) == "FAIL"
    # both verdicts rest on the same raw file (ecr.Op.1)
    assert r_text(cm2[7]) == "1 raw file"
    # requirements that share their controls share a row (AWS relates eight NIST ids to ECR.5)
    assert all(len(set(r[1].text.split(", "))) == len(r[1].text.split(", ")) for r in rows)


def r_text(cell) -> str:
    return str(cell.text)
