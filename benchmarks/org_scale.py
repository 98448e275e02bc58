"""Sharded collection of an emulated AWS Organization, against one process and the latency floor.

    python benchmarks/org_scale.py shards [--accounts 200] [--latency-ms 50] [--shards 2 4 8]
                                          [--placement together alone]
    python benchmarks/org_scale.py memory [--scales 1 10 40] [--shard-scale 40]
    python benchmarks/org_scale.py shard-memory [--accounts 50 200 400] [--per-shard 25]

`shards`: an organization of ACCOUNTS member accounts x 2 regions (`--demo-accounts`), every
emulated call waiting LATENCY ms. First one process (`ecr-report run`, unsharded, the baseline
(like each shard, it collects on up to one process per core: `[aws] collect_processes`), measured
in the same invocation), then for each N: N `ecr-report collect --shard K/N` processes and
`ecr-report assemble`, in two placements. `together`: the N processes start at once and share
this machine's 2 cores (an Indexed Job packed on one node). `alone`: each shard runs by itself,
one after the other, and the shards' collect time is the slowest one's wall (an Indexed Job
with a node per pod, which is how an engine spreads it). Printed per N: wall time
(collect + assemble) and the speed-up over one process; per shard: registries, calls, weight
share, seconds, the shard's latency floor and its ratio to it, peak RSS; the API calls made
against the lower bound (the single run's calls: every call is needed once). The shards of the
second and later N take their weights from the single run's calls per registry (plan.json
`weights_from`).

A shard's latency floor: its calls cannot finish sooner than (a) its longest registry's calls
/ repository_workers x latency (a registry is collected by at most that many threads), nor (b)
all its calls / (max_workers x repository_workers) x latency.

`memory`: peak RSS of `run --demo --demo-scale S` for each scale, and of one shard of 2
(`collect --shard 0/2`) at the largest, which holds only its units in progress (the emulated
fleet itself is in every demo process: it is the "AWS" the process talks to).

`shard-memory`: peak RSS of one shard of about PER accounts in organizations of growing size
(no latency): what a shard holds must not grow with the organization.

Peak RSS is the child's ru_maxrss (os.wait4). Timings on a shared machine are noisy: compare
figures of one invocation, never across machines. Nothing here is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from installed import compile_tree

from ecr_report.jobs.shard_store import raw_counts

CLI = [sys.executable, "-m", "ecr_report.jobs.cli"]
CONFIG = "[aws]\nmax_workers = {workers}\nrepository_workers = {repo_workers}\n[report]\npdf = false\n"


def spawn(args: list[str], log: Path) -> subprocess.Popen:
    return subprocess.Popen([*CLI, *args], stdout=subprocess.DEVNULL, stderr=log.open("ab"))


def reap(proc: subprocess.Popen) -> tuple[int, int]:
    """(exit code, peak RSS KiB) of a started process."""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, int(usage.ru_maxrss)


def timed(args: list[str], log: Path) -> tuple[float, int, int]:
    start = time.monotonic()
    code, rss = reap(spawn(args, log))
    return time.monotonic() - start, code, rss


def calls_per_unit(run_dir: Path) -> dict[tuple[str, str], int]:
    return raw_counts(run_dir / "raw")  # the count the plan weighs registries by


def shards(args: argparse.Namespace) -> None:
    work = Path(tempfile.mkdtemp(prefix="org-scale-"))
    config = work / "ecr-report.toml"
    config.write_text(CONFIG.format(workers=args.workers, repo_workers=args.repo_workers))
    demo = ["--demo", "--demo-accounts", str(args.accounts), "--demo-latency-ms", str(args.latency_ms)]
    log = work / "log.txt"
    latency = args.latency_ms / 1000
    print(f"organization: {args.accounts} accounts x 2 regions, {args.latency_ms:g} ms per call, "
          f"max_workers={args.workers}, repository_workers={args.repo_workers} (work dir {work})")

    root = work / "root"
    single_wall, code, single_rss = timed(["run", *demo, "--output", str(root), "--config", str(config)], log)
    [single_dir] = (root / "runs").iterdir()
    per_unit = calls_per_unit(single_dir)
    total = sum(per_unit.values())
    print(f"\none process (unsharded run): {single_wall:7.1f} s, exit {code}, peak RSS {single_rss / 1024:6.0f} MiB, "
          f"{total} calls (the lower bound), {len(per_unit)} registries with calls")

    for n in args.shards:
        for placement in args.placement:
            # Each N in the same root, a later run id: its plan weighs registries by the single run's calls.
            run_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
            collected, results = collect_shards(run_id, n, placement, root, config, demo, log)
            assemble_wall, code, assemble_rss = timed(["assemble", "--run-id", run_id, "--output", str(root),
                                                       "--config", str(config), *demo], log)
            wall = collected + assemble_wall
            print(f"\n{n} shards, {PLACEMENTS[placement]}: {wall:7.1f} s = collect {collected:.1f} + assemble "
                  f"{assemble_wall:.1f} (exit {code}, peak RSS {assemble_rss / 1024:.0f} MiB); "
                  f"speed-up {single_wall / wall:.2f}x")
            report_shards(root, run_id, n, results, latency, args)
            time.sleep(1.1)  # the next run id is a later second
    print(f"\nlog: {log}")


PLACEMENTS = {
    "together": "all at once on this machine",
    "alone": "one node each (run one at a time; collect = the slowest shard's wall)",
}


def collect_shards(run_id: str, n: int, placement: str, root: Path, config: Path, demo: list[str],
                   log: Path) -> tuple[float, list[tuple[int, int, float]]]:
    """Collect wall time, and (exit, peak RSS, wall) per shard. `together`: the N processes share
    this machine's cores, as an Indexed Job packed on one node; `alone`: each runs by itself, as
    on an Indexed Job with a node per pod, and the shards' collect wall is the slowest one's."""
    args = [["collect", "--run-id", run_id, "--shard", f"{k}/{n}", "--output", str(root),
             "--config", str(config), *demo] for k in range(n)]
    if placement == "together":
        start = time.monotonic()
        procs = [spawn(a, log) for a in args]
        results = [(*reap(p), 0.0) for p in procs]
        wall = time.monotonic() - start
        return wall, [(code, rss, wall) for code, rss, _ in results]
    results = []
    for a in args:
        seconds, code, rss = timed(a, log)
        results.append((code, rss, seconds))
    return max(r[2] for r in results), results


def report_shards(root: Path, run_id: str, n: int, results: list[tuple[int, int, float]], latency: float,
                  args: argparse.Namespace) -> None:
    area = root / "shards" / run_id
    plan = json.loads((area / "plan.json").read_text())
    assembled = calls_per_unit(root / "runs" / run_id)
    weights = sum(u["weight"] for u in plan["units"])
    made = planning = 0
    print(f"  weights: {plan['weights_from']}")
    print("  shard  registries  calls  weight%  seconds  floor s  x floor  RSS MiB  exit")
    for k, (code, rss, _) in enumerate(results):
        manifest = json.loads((area / f"{k}-of-{n}" / "shard.json").read_text())
        units = [tuple(u) for u in manifest["units"]]
        calls = [assembled.get(u, 0) for u in units]
        floor = max(max(calls, default=0) / args.repo_workers,
                    sum(calls) / (args.workers * args.repo_workers)) * latency
        share = sum(u["weight"] for u in plan["units"] if (u["account_id"], u["region"]) in set(units)) / weights
        made += manifest["calls"]
        planning += manifest["planning_calls"]
        ratio = manifest["seconds"] / floor if floor else float("nan")
        print(f"  {k:5d}  {len(units):10d}  {sum(calls):5d}  {share:7.1%}  {manifest['seconds']:7.1f}  "
              f"{floor:7.1f}  {ratio:7.2f}  {rss / 1024:7.0f}  {code:4d}")
    kept = sum(assembled.values())
    print(f"  API calls: {made + planning} made ({planning} planning, of which {kept - made} kept in the run), "
          f"{kept} in the assembled run; lower bound {sum(calls_per_unit(next((root / 'runs').iterdir())).values())}")


def memory(args: argparse.Namespace) -> None:
    work = Path(tempfile.mkdtemp(prefix="org-memory-"))
    config = work / "ecr-report.toml"
    config.write_text(CONFIG.format(workers=args.workers, repo_workers=args.repo_workers))
    log = work / "log.txt"
    print(f"peak RSS (work dir {work})")
    for scale in args.scales:
        wall, code, rss = timed(["run", "--demo", "--demo-scale", str(scale), "--no-pdf",
                                 "--output", str(work / f"run-{scale:g}"), "--config", str(config)], log)
        print(f"  run --demo-scale {scale:<4g}        {rss / 1024:7.0f} MiB  {wall:6.1f} s  exit {code}")
    run_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    wall, code, rss = timed(["collect", "--demo", "--demo-scale", str(args.shard_scale), "--run-id", run_id,
                             "--shard", "0/2", "--output", str(work / "shard"), "--config", str(config)], log)
    print(f"  collect --shard 0/2 scale {args.shard_scale:<4g} {rss / 1024:7.0f} MiB  {wall:6.1f} s  exit {code}")
    wall, code, rss = timed(["collect", "--demo", "--demo-scale", str(args.shard_scale), "--run-id", run_id,
                             "--shard", "1/2", "--output", str(work / "shard"), "--config", str(config)], log)
    print(f"  collect --shard 1/2 scale {args.shard_scale:<4g} {rss / 1024:7.0f} MiB  {wall:6.1f} s  exit {code}")
    wall, code, rss = timed(["assemble", "--demo", "--demo-scale", str(args.shard_scale), "--run-id", run_id,
                             "--output", str(work / "shard"), "--config", str(config)], log)
    print(f"  assemble scale {args.shard_scale:<4g}           {rss / 1024:7.0f} MiB  {wall:6.1f} s  exit {code}")


def shard_memory(args: argparse.Namespace) -> None:
    """One shard of about PER accounts, in organizations of growing size (N = accounts / PER)."""
    work = Path(tempfile.mkdtemp(prefix="org-shard-memory-"))
    config = work / "ecr-report.toml"
    config.write_text(CONFIG.format(workers=args.workers, repo_workers=args.repo_workers))
    log = work / "log.txt"
    print(f"peak RSS of shard 0 of N, about {args.per_shard} accounts each (work dir {work})")
    for accounts in args.accounts:
        n = max(1, accounts // args.per_shard)
        run_id = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        wall, code, rss = timed(["collect", "--demo", "--demo-accounts", str(accounts), "--run-id", run_id,
                                 "--shard", f"0/{n}", "--output", str(work / str(accounts)), "--config", str(config)], log)
        manifest = json.loads((work / str(accounts) / "shards" / run_id / f"0-of-{n}" / "shard.json").read_text())
        print(f"  {accounts:5d} accounts, shard 0/{n:<3d} {len(manifest['units']):4d} registries "
              f"{manifest['calls']:6d} calls  {rss / 1024:6.0f} MiB  {wall:6.1f} s  exit {code}")
        time.sleep(1.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    s = sub.add_parser("shards")
    s.add_argument("--accounts", type=int, default=200)
    s.add_argument("--latency-ms", type=float, default=50)
    s.add_argument("--shards", type=int, nargs="+", default=[2, 4, 8])
    s.add_argument("--placement", nargs="+", choices=sorted(PLACEMENTS), default=["together", "alone"],
                   help="shards all at once on this machine, and/or one at a time (a node each)")
    m = sub.add_parser("memory")
    m.add_argument("--scales", type=float, nargs="+", default=[1, 10, 40])
    m.add_argument("--shard-scale", type=float, default=40)
    sm = sub.add_parser("shard-memory")
    sm.add_argument("--accounts", type=int, nargs="+", default=[50, 200, 400])
    sm.add_argument("--per-shard", type=int, default=25)
    for p in (s, m, sm):
        p.add_argument("--workers", type=int, default=4, help="[aws] max_workers")
        p.add_argument("--repo-workers", type=int, default=4, help="[aws] repository_workers")
    args = parser.parse_args()
    compile_tree(Path(__file__).resolve().parent.parent)  # as installed: benchmarks/installed.py
    {"shards": shards, "memory": memory, "shard-memory": shard_memory}[args.mode](args)


if __name__ == "__main__":
    main()
