"""Benchmark: the archive index (ROOT/index.html) over a year of weekly runs.

Makes one real demo run (no PDF), then copies it --runs times as weekly runs (run id, run
directory and summary.json's run_id / as_of moved one week each; raw/ hard-linked; the manifest
rewritten so every copy is intact), and times, best of --repeat, in the same process:
- the baseline: `verify_run` of every run (hashing each run's files), which is what an auditor
  would otherwise run by hand, once per run;
- the first index write (`jobs.archive_index.write_index` with no `.index-cache.json`: reads
  every run, verifies it against its manifest, matches the schedule, renders, writes the page
  and the cache);
- a second write with the cache warm (nothing changed: each run's files are stat'ed, none is
  hashed), what every run, render and delivery pays; and the files it hashed (expected: 0);
- rendering the page alone (`render_index` of the rows already read).
Prints the page size (bytes, and per run) and the times. Timings on a shared machine are noisy.

    .venv/bin/python benchmarks/index.py [--runs 52] [--repeat 3] [--scale 1]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

AS_OF = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)


def _demo_run(root: Path, scale: float) -> Path:
    from ecr_report.jobs.config import load_config
    from ecr_report.jobs.run import run

    cfg = root.parent / "bench.toml"
    cfg.write_text("[aws]\nmax_workers = 1\nrepository_workers = 1\n[report]\npdf = false\n", encoding="utf-8")
    return run(load_config(cfg), output=root.parent / "seed", demo=True, demo_scale=scale,
               now=AS_OF).run_dir


def _copy_weekly(seed: Path, root: Path, n: int) -> None:
    from ecr_report.jobs.rundir import MANIFEST, write_manifest

    metadata = {k: v for k, v in json.loads((seed / MANIFEST).read_text()).items()
                if k not in ("files", "manifest_version")}
    for k in range(n):
        when = AS_OF - timedelta(weeks=n - 1 - k)
        run_id = when.strftime("%Y%m%dT%H%M%SZ")
        dest = root / "runs" / run_id
        shutil.copytree(seed, dest, copy_function=os.link)
        summary_path = dest / "summary.json"
        summary = json.loads(summary_path.read_text())
        summary_path.unlink()  # a hard link: write a new file, never through the seed's
        summary.update(run_id=run_id, as_of=when.strftime("%Y-%m-%dT%H:%M:%SZ"))
        summary_path.write_text(json.dumps(summary, indent=2, sort_keys=True), encoding="utf-8")
        (dest / MANIFEST).unlink()
        write_manifest(dest, {**metadata, "run_id": run_id})


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=52)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scale", type=float, default=1, help="demo fleet scale (more files per run)")
    args = parser.parse_args()

    from ecr_report.jobs import rundir
    from ecr_report.jobs.archive_index import build_index, write_index
    from ecr_report.jobs.index_cache import CACHE, RACY_NS
    from ecr_report.jobs.rundir import verify_run
    from ecr_report.reports.render.archive_index import render_index

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "out"
        (root / "runs").mkdir(parents=True)
        _copy_weekly(_demo_run(root, args.scale), root, args.runs)
        now = AS_OF + timedelta(hours=1)
        runs = sorted((root / "runs").iterdir())
        time.sleep(RACY_NS / 1e9)  # runs changed this recently are not cached (racily clean)
        baseline = _best(lambda: [verify_run(r) for r in runs], args.repeat)

        def cold() -> None:
            (root / CACHE).unlink(missing_ok=True)
            write_index(root, now=now)

        first = _best(cold, args.repeat)
        warm = _best(lambda: write_index(root, now=now), args.repeat)
        hashed = _files_hashed(rundir, lambda: write_index(root, now=now))
        data = build_index(root, now=now)
        render = _best(lambda: render_index(data), args.repeat)
        size = (root / "index.html").stat().st_size
        intact = sum(r.state == "complete" for r in data.runs)
        files = sum(1 for _ in (runs[0]).rglob("*") if _.is_file())
        print(f"runs: {len(runs)} weekly ({intact} intact), {files} files each; expected runs: "
              f"{len(data.schedule.slots)}, gaps: {sum(not s.runs for s in data.schedule.slots)}")
        print(f"index.html: {size:,} bytes ({size / len(runs):,.0f} bytes per run); "
              f"{CACHE}: {(root / CACHE).stat().st_size:,} bytes")
        print(f"baseline, verify_run of every run:  {baseline:.3f} s")
        print(f"first index write (no cache, verifies every run): {first:.3f} s  "
              f"(beyond verify: {first - baseline:+.3f} s; {first / len(runs) * 1000:.0f} ms per run)")
        print(f"second index write, cache warm: {warm:.3f} s  ({first / warm:.1f}x faster; "
              f"{warm / len(runs) * 1000:.1f} ms per run; files hashed: {hashed})")
        print(f"of which rendering the page: {render:.3f} s")


def _files_hashed(rundir, fn) -> int:
    """Files `fn` hashes against a manifest (counted outside the timed passes)."""
    real, calls = rundir.sha256_file, []
    rundir.sha256_file = lambda path: calls.append(path) or real(path)
    try:
        fn()
    finally:
        rundir.sha256_file = real
    return len(calls)

if __name__ == "__main__":
    main()
