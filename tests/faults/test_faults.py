"""Faults at the HTTP level, between the collectors and moto's server (tests/faults/fault_proxy.py).

For each fault: the data that could be collected equals a clean run's (the snapshot tables,
compared row by row after sorting); what could not be collected is a collection error, never a
silently empty table; retries absorb transient faults whatever their number (no shared retry
quota); a dead region is given up in seconds.
"""

from __future__ import annotations

import json
import re
import time
from datetime import datetime, timezone

import boto3
import pandas as pd
import pytest

from ecr_report.jobs.aws_session import Account, SessionFactory
from ecr_report.jobs.collect import CollectOptions, Unit, collect_fleet
from ecr_report.jobs.evidence import EvidenceRecorder
from ecr_report.jobs.plugins import CONCERNS, collectors
from ecr_report.jobs.retry import RetryPolicy
from ecr_report.reports.coverage import BasicFindingsScope
from ecr_report.reports.normalize import normalize

from fault_proxy import FaultProxy, Faults
from moto_fleet import ACCOUNT, REGION, make_fleet

AS_OF = datetime(2026, 12, 1, 8, 0, tzinfo=timezone.utc)
OTHER_REGION = "us-west-2"
MOTO_CLOCK = ("lifecycle_last_evaluated_at",)
"""Columns moto fills from its own clock at each call: they differ between any two runs."""


@pytest.fixture
def fleet(moto_aws: str) -> str:
    make_fleet(REGION)
    make_fleet(OTHER_REGION)
    return moto_aws


def _collect(regions=(REGION, OTHER_REGION), attempts: int = 10):
    retry = RetryPolicy(max_attempts=attempts, base_delay=0.005, max_delay=0.05)
    factory = SessionFactory(EvidenceRecorder(), base_session=boto3.Session(), retry=retry)
    units = [Unit(Account(ACCOUNT), ACCOUNT, r) for r in regions]
    options = CollectOptions(as_of=AS_OF, scope=BasicFindingsScope(), repository_workers=2,
                             collectors=collectors())
    collection = collect_fleet(factory, units, options, max_workers=2)
    return collection, normalize(collection.calls, collection.units, CONCERNS)


def _through(proxy_faults: Faults, monkeypatch, upstream: str, **kwargs):
    with FaultProxy(upstream, proxy_faults) as url:
        monkeypatch.setenv("AWS_ENDPOINT_URL", url)
        return _collect(**kwargs)


PROVENANCE = ("source_file", "source_pointer", "evidence_file", "evidence_pointer")


def _rows(frame: pd.DataFrame, region: str | None = None) -> list[tuple]:
    if region is not None and "region" in frame:
        frame = frame[frame["region"] == region]
    frame = frame.drop(columns=[c for c in MOTO_CLOCK if c in frame])
    # Where a row's evidence is (raw file and JSON Pointer) is not data: a faulted run keeps
    # every failed attempt as evidence too, so its raw files are numbered differently. The values
    # those files hold are what is compared.
    frame = frame.drop(columns=[c for c in frame if c.endswith(PROVENANCE)])
    return sorted(tuple(map(str, row)) for row in frame.astype(object).itertuples(index=False))


def _errors(collection, region: str | None = None) -> set[str]:
    return {e.operation.split(" ")[0] for e in collection.errors if region is None or e.region == region}


@pytest.fixture
def clean(fleet):
    return _collect()


@pytest.mark.parametrize("faults", [
    Faults(throttle=0.3, seed=1),
    Faults(error=0.2, drop=0.1, seed=2),
    Faults(delay=0.05, seed=3),
], ids=["throttle-30pct", "500-20pct-drop-10pct", "slow"])
def test_transient_faults_are_absorbed_and_the_data_equals_a_clean_run(clean, fleet, monkeypatch, faults):
    clean_collection, clean_tables = clean
    collection, tables = _through(faults, monkeypatch, fleet)
    assert _errors(collection) == _errors(clean_collection)  # only what moto itself lacks
    for name, frame in clean_tables.items():
        assert _rows(tables[name]) == _rows(frame), name
    if faults.throttle or faults.error:
        assert sum(faults.injected.values()) > 20  # the faults really happened, many times over


def test_every_call_gets_its_whole_budget_under_sustained_errors(clean, fleet, monkeypatch):
    """botocore's shared retry quota ran dry after a few hundred errors; ours has none."""
    faults = Faults(error=0.5, seed=4)
    collection, tables = _through(faults, monkeypatch, fleet, attempts=20)
    assert _errors(collection) == _errors(clean[0])
    # Sustained: about half of ~190 requests failed (the count itself follows the arrival order
    # of concurrent calls, so the rate is checked, 4 standard deviations below the 0.5 asked).
    assert faults.drawn > 150 and faults.injected["error"] > 0.35 * faults.drawn
    assert _rows(tables["images"]) == _rows(clean[1]["images"])


def test_a_denied_operation_is_an_error_and_only_its_data_is_missing(clean, fleet, monkeypatch):
    clean_collection, clean_tables = clean
    collection, tables = _through(Faults(deny=frozenset({"GetLifecyclePolicy"})), monkeypatch, fleet)
    assert _errors(collection) - _errors(clean_collection) == {"ecr:GetLifecyclePolicy"}
    assert {e.error.split(":")[0] for e in collection.errors
            if e.operation.startswith("ecr:GetLifecyclePolicy")} == {"AccessDeniedException"}
    repos = tables["repositories"]
    assert set(repos["lifecycle_policy_status"]) == {"UNKNOWN"}  # unknown, never "no policy"
    for name in ("images", "scan_rules", "registries"):
        assert _rows(tables[name]) == _rows(clean_tables[name]), name


def test_a_dead_region_is_given_up_fast_and_the_other_is_complete(clean, fleet, monkeypatch):
    clean_collection, clean_tables = clean
    started = time.monotonic()
    collection, tables = _through(Faults(dead_regions=frozenset({OTHER_REGION})), monkeypatch, fleet)
    assert time.monotonic() - started < 30
    assert _errors(collection, OTHER_REGION)  # said, not silently empty
    assert _errors(collection, REGION) == _errors(clean_collection, REGION)
    for name, frame in clean_tables.items():
        assert _rows(tables[name], REGION) == _rows(frame, REGION), name
    assert not len(tables["repositories"].query("region == @OTHER_REGION"))


def _run(tmp_path, monkeypatch, upstream: str, faults: Faults, attempts: int = 10):
    """A whole `ecr-report run` (collect, analyse, publish) against moto through the proxy."""
    from ecr_report.jobs.config import load_config
    from ecr_report.jobs.run import run

    cfg = tmp_path / "ecr-report.toml"
    cfg.write_text(f'[aws]\nregions = ["{REGION}", "{OTHER_REGION}"]\nmax_attempts = {attempts}\n'
                   '[report]\npdf = false\n', encoding="utf-8")
    monkeypatch.setattr("ecr_report.jobs.aws_session.RetryPolicy",
                        lambda max_attempts: RetryPolicy(max_attempts, base_delay=0.005, max_delay=0.05))
    with FaultProxy(upstream, faults) as url:
        monkeypatch.setenv("AWS_ENDPOINT_URL", url)
        return run(load_config(cfg, env={}), output=tmp_path / "out", now=AS_OF)


def _tiles(html: str) -> dict[str, str]:
    """headline tile key -> its text (value and detail), from report.html."""
    found = re.findall(r'<div class="tile[^"]*" id="headline-([a-z-]+)">(.*?)</div>\s*</div>', html, re.S)
    return {key: re.sub(r"<[^>]+>", " ", body) for key, body in found}


def test_a_dead_region_never_reads_as_zero_or_as_not_enabled(fleet, tmp_path, monkeypatch):
    outcome = _run(tmp_path, monkeypatch, fleet, Faults(dead_regions=frozenset({OTHER_REGION})))
    assert not outcome.complete  # the CLI exits 3
    # Nothing outside the run's own directory: the config we wrote and the output root only.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ecr-report.toml", "out"]
    assert [p.name for p in (tmp_path / "out" / "runs").iterdir()] == [outcome.run_dir.name]
    summary = json.loads((outcome.run_dir / "summary.json").read_text())
    assert f"{ACCOUNT}/{OTHER_REGION}" in summary["completeness"]["partial_registries"]
    for block in ("coverage", "compliance", "inspector", "pull_through", "lifecycle"):
        assert summary[block]["partial"] is True, block
    html = (outcome.run_dir / "report.html").read_text()
    tiles = _tiles(html)
    assert tiles and all("partial" in text for text in tiles.values()), tiles
    table = html[html.index('id="registry-coverage"'):]
    table = table[:table.index("</table>")]
    dead_rows = [row for row in table.split("<tr")[1:] if OTHER_REGION in row]
    assert dead_rows and not any("0 / 0" in row for row in dead_rows)  # unknown, not zero
    assert all("unknown" in row for row in dead_rows)
    assert "not enabled here" not in html  # Inspector was never asked there: unknown, not off
    registries = pd.read_csv(outcome.run_dir / "data" / "registry_coverage.csv").set_index("region")
    assert bool(registries.loc[OTHER_REGION, "partial"])  # in data/ too, beside its unknown counts
    assert "No pull-through cache rule was found" not in html
