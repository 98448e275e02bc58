"""API calls a collection makes, by operation, against the lower bound for the same fleet.

Runs the real collectors against the embedded demo fleet at several scales and prints, per
operation, the calls made and the fewest calls that could fetch the same items: for paginated
operations, one page per `maxResults` (the API maximum) items per resource, at least one page
per resource; for operations with no bulk form (GetLifecyclePolicy, DescribeImageScanFindings),
one call per resource. The bound is computed from the items the responses actually carried, so
it is the floor for exactly this fleet.

    .venv/bin/python benchmarks/collect_calls.py [--scales 1 10 40]
"""

from __future__ import annotations

import argparse
import math
import time
from collections import Counter, defaultdict
from datetime import datetime, timezone

from ecr_report.jobs.aws_session import Account, SessionFactory
from ecr_report.jobs.collect import CollectOptions, Unit, collect_fleet
from ecr_report.jobs.config import Config
from ecr_report.jobs.demo import DemoEmulator, build_fleet
from ecr_report.jobs.evidence import EvidenceRecorder
from ecr_report.jobs.plugins import collectors
from ecr_report.jobs.settings import analysis_settings
from ecr_report.reports.coverage import BasicFindingsScope

AS_OF = datetime(2026, 11, 30, tzinfo=timezone.utc)

# operation -> (items member, API max page size, parameter that names the resource paged over)
PAGED = {
    "ecr.DescribeRepositories": ("repositories", 1000, None),
    "ecr.DescribeImages": ("imageDetails", 1000, "repositoryName"),
    "ecr.DescribePullThroughCacheRules": ("pullThroughCacheRules", 1000, None),
    "inspector2.ListCoverage": ("coveredResources", 200, None),
    "inspector2.ListFindingAggregations": ("responses", 100, None),
}
# operation -> (request member, API maximum per call, parameter that names the resource)
BATCHED = {
    "ecr.BatchGetRepositoryScanningConfiguration": ("repositoryNames", 25, None),
    "ecr.BatchGetImage": ("imageIds", 100, "repositoryName"),
}


def collect(scale: float) -> tuple[EvidenceRecorder, float, int]:
    fleet = build_fleet(scale=scale, as_of=AS_OF)
    recorder = EvidenceRecorder()
    factory = SessionFactory(recorder, backend=DemoEmulator(fleet), base_account_id=fleet.caller_account)
    accounts = {a: Account(a, None if a == fleet.caller_account else fleet.role_arn(a)) for a in fleet.accounts}
    units = [Unit(accounts[a], a, r) for a, r in fleet.units]
    started = time.perf_counter()
    # The product's default settings (e.g. lifecycle.exact_bytes reads manifests).
    options = CollectOptions(as_of=AS_OF, scope=BasicFindingsScope(), settings=analysis_settings(Config()),
                             collectors=collectors())
    collection = collect_fleet(factory, units, options)
    elapsed = time.perf_counter() - started
    assert not collection.errors, collection.errors
    images = sum(len(r.images) for reg in fleet.registries.values() for r in reg.repositories)
    return recorder, elapsed, images


def lower_bound(recorder: EvidenceRecorder) -> Counter[str]:
    items: dict[tuple[str, ...], int] = defaultdict(int)
    bound: Counter[str] = Counter()
    for call in recorder.calls:
        op = f"{call.service}.{call.operation}"
        if op in PAGED:
            member, _, resource = PAGED[op]
            key = (op, call.account_id, call.region, str(call.params.get(resource, "")))
            items[key] += len(call.response.get(member, []))
        elif op in BATCHED:
            member, _, resource = BATCHED[op]
            key = (op, call.account_id, call.region, str(call.params.get(resource, "")))
            items[key] += len(call.params.get(member, []))
        else:
            bound[op] += 1  # no bulk form: one call per resource is the floor
    for key, count in items.items():
        op = key[0]
        size = PAGED[op][1] if op in PAGED else BATCHED[op][1]
        bound[op] += max(1, math.ceil(count / size))
    return bound


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 10, 40])
    args = parser.parse_args()
    for scale in args.scales:
        recorder, elapsed, images = collect(scale)
        made, floor = recorder.operation_counts(), lower_bound(recorder)
        print(f"\n== demo scale {scale:g}: {images:,} images, {sum(made.values()):,} calls "
              f"(lower bound {sum(floor.values()):,}), collected in {elapsed:.1f} s ==")
        print(f"{'operation':48} {'calls':>9} {'bound':>9} {'ratio':>7}")
        for op in sorted(made):
            ratio = made[op] / floor[op] if floor[op] else float("inf")
            print(f"{op:48} {made[op]:>9,} {floor[op]:>9,} {ratio:>7.2f}")


if __name__ == "__main__":
    main()
