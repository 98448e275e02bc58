"""The analysis stays vectorized: 2,000 repositories and 100,000 images in well under seconds."""

from __future__ import annotations

import time

from analysis_fixtures import AS_OF

from ecr_report.reports.compliance import evaluate_controls
from ecr_report.reports.coverage import BasicFindingsScope, analyse_coverage

from analysis_fleet import fleet

# Generous bound for slow CI machines; about 0.7 s on a developer laptop.
BUDGET_SECONDS = 6.0


def test_100k_images() -> None:
    tables = fleet(repositories=2000, images=100_000)
    start = time.perf_counter()
    result = analyse_coverage(tables, AS_OF, BasicFindingsScope())
    compliance = evaluate_controls(tables, result)
    BasicFindingsScope().select(tables["images"], AS_OF)
    elapsed = time.perf_counter() - start
    assert elapsed < BUDGET_SECONDS, f"coverage analysis took {elapsed:.2f} s"
    assert len(result.image_scans) == 100_000
    assert len(result.coverage) == 2000
    assert len(compliance) == 2000 * 5
    # Totals agree between the per-repository and per-registry tables.
    assert result.coverage["images_total"].sum() == result.registry_coverage["images_total"].sum() == 100_000
    assert result.coverage["images_scanned"].sum() == result.registry_coverage["images_scanned"].sum()
