"""Where a demo run spends its time and memory, stage by stage, against a recorded baseline.

    python benchmarks/stages.py                       # scales 1, 10, 40 vs baseline-stages.json
    python benchmarks/stages.py --scales 40 --same-run   # also run the baseline commit now
    python benchmarks/stages.py --write-baseline      # record this tree as the baseline
    python benchmarks/stages.py --same-run --write-baseline   # re-measure the baseline commit

Each scale is one `ecr-report run --demo --demo-scale N` (default configuration: 4 workers, PDF
included) in a fresh process, with the stage markers of `reports/stages.py` observed: wall time
per stage, its CPU time (all threads of the process: steadier than wall time when other work
shares the machine), and the peak resident memory (RSS, sampled every 5 ms) reached while the stage ran.
The emulator (`jobs/demo/`, standing in for AWS) and evidence recording run inside "collect",
in the collector threads: their figures are CPU time summed over threads, shown separately, and
"collect: botocore + collectors" is what remains of collect's wall time once they are taken out.
Collection and normalize run in forked children (jobs/apart.py): their figures are measured
in the child and handed back; CPU columns count the children's CPU (a stage's, the children
reaped while it ran), and the peak is the largest RSS of any process of the run.

`--same-run` checks out the baseline commit (`ref` in the baseline file, or `--baseline-ref`)
in a temporary `git worktree` and measures it in the same session, alternating with this tree,
so before and after share the machine's load. Timings on a shared machine are noisy: read them,
do not assert on them.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = Path(__file__).with_name("baseline-stages.json")
AS_OF = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)
NESTED = ("emulator", "evidence recording", "emulator: build fleet")  # inside "collect", in the collector threads
PAGE = os.sysconf("SC_PAGE_SIZE")
# Reading a child's smaps_rollup walks its page tables: ~10-30 ms for a 0.6 GiB child, CPU
# taken from the run it measures (every 50 ms, it slowed a scale-40 run by seconds once
# collection and normalize ran in children). Every 0.5 s: the children's peaks last longer.
CHILD_POLLS = 100


class _RssSampler(threading.Thread):
    """Polls this process's RSS; `peak_since_reset` is the highest seen since the last reset.

    Also the memory of the run's forked children (jobs/forked.py: the PDF renderer, named
    ecr-report-pdf; the collect and normalize children), every `CHILD_POLLS`th poll:
    `tree_peak` is the highest of this process's RSS plus their private pages (what they
    do not share with this process, copy-on-write), the run's whole footprint."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = 0
        self.tree_peak = 0
        self._stop = threading.Event()

    @staticmethod
    def rss() -> int:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * PAGE

    @staticmethod
    def children_private() -> int:
        total = 0
        try:
            with open(f"/proc/self/task/{threading.main_thread().native_id}/children") as fh:
                pids = fh.read().split()
        except OSError:
            return 0
        for pid in pids:
            try:
                with open(f"/proc/{pid}/comm") as fh:  # only ours: a subprocess between vfork and
                    if not fh.read().startswith("ecr-report-"):  # exec shows this process's memory
                        continue
                with open(f"/proc/{pid}/smaps_rollup") as fh:
                    total += sum(int(line.split()[1]) * 1024 for line in fh
                                 if line.startswith(("Private_Clean:", "Private_Dirty:")))
            except OSError:  # ended meanwhile
                pass
        return total

    def reset(self) -> None:
        self.peak = self.rss()

    def run(self) -> None:
        polls = 0
        while not self._stop.wait(0.005):
            own = self.rss()
            self.peak = max(self.peak, own)
            polls += 1
            if polls % CHILD_POLLS == 0:
                self.tree_peak = max(self.tree_peak, own + self.children_private())

    def stop(self) -> None:
        self._stop.set()


class _Observer:
    """The stage observer: wall time, CPU time and peak RSS per stage.

    A run collects and normalizes in forked children (jobs/apart.py): each child starts with
    empty figures and its own RSS sampler (`os.register_at_fork`), and the run hands what it
    measured back to the parent (`export`, `absorb`). A stage's CPU also counts the children
    reaped while it ran (the normalize child, the PDF renderer)."""

    def __init__(self) -> None:
        self._fresh()
        os.register_at_fork(after_in_child=self._fresh)

    def _fresh(self) -> None:
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.peaks: dict[str, int] = {}
        self.lock = threading.Lock()
        self.sampler = _RssSampler()
        self.sampler.start()

    @contextmanager
    def __call__(self, name: str):
        top = name not in NESTED and threading.current_thread() is threading.main_thread()
        if top:
            self.sampler.reset()
        # Nested stages run in collector threads that take turns on the GIL: their CPU time,
        # not their wall time (which would count the turns the other threads took).
        clock = time.perf_counter if top else time.thread_time
        start, start_cpu = clock(), _cpu_with_children()
        try:
            yield
        finally:
            spent = clock() - start
            with self.lock:
                self.seconds[name] = self.seconds.get(name, 0.0) + spent
                if top:  # CPU of the whole process (all threads): steadier than wall on a busy machine
                    self.cpu[name] = self.cpu.get(name, 0.0) + _cpu_with_children() - start_cpu
                    self.peaks[name] = max(self.peaks.get(name, 0), self.sampler.peak, self.sampler.rss())

    def export(self) -> dict:
        return {"seconds": self.seconds, "cpu": self.cpu, "peaks": self.peaks}

    def absorb(self, measured: dict) -> None:
        with self.lock:
            for name, value in measured["seconds"].items():
                self.seconds[name] = self.seconds.get(name, 0.0) + value
            for name, value in measured["cpu"].items():
                self.cpu[name] = self.cpu.get(name, 0.0) + value
            for name, value in measured["peaks"].items():
                self.peaks[name] = max(self.peaks.get(name, 0), value)


def _cpu_with_children() -> float:
    """CPU time of this process's threads and of its children reaped so far."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _measure_one(scale: float, language: str) -> dict:
    """One demo run in this process with the stage markers observed (the child's job)."""
    begin = time.perf_counter()
    from ecr_report.jobs.config import load_config
    from ecr_report.jobs.run import run
    from ecr_report.reports import stages

    observer = _Observer()
    stages.observe(observer)
    imports = time.perf_counter() - begin
    with tempfile.TemporaryDirectory(prefix="ecr-stages-") as tmp:
        cfg = Path(tmp) / "ecr-report.toml"
        cfg.write_text(f'[report]\nlanguage = "{language}"\n', encoding="utf-8")
        start, start_cpu = time.perf_counter(), _cpu_with_children()
        run(load_config(cfg), output=Path(tmp) / "out", demo=True, demo_scale=scale, now=AS_OF)
        wall, run_cpu = time.perf_counter() - start, _cpu_with_children() - start_cpu
    observer.sampler.stop()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # collect, normalize, PDF or XLSX
    peaks = observer.peaks
    return {"wall": wall, "cpu_total": run_cpu, "cpu": observer.cpu, "imports": imports,
            "max_rss": max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, children.ru_maxrss) * 1024,
            "children_cpu": children.ru_utime + children.ru_stime, "children_max_rss": children.ru_maxrss * 1024,
            "tree_peak": max(observer.sampler.tree_peak, max(peaks.values(), default=0)),
            "seconds": observer.seconds, "peaks": peaks}


def measure(scale: float, language: str, tree: Path | None = None) -> dict:
    """Run `_measure_one` in a fresh process, importing ecr_report from `tree` (default: here)."""
    env = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="ecr-stages-path-") as shim:
        if tree is not None:  # the folders laid out as the installed package, ahead of this tree
            package = Path(shim) / "ecr_report"
            package.mkdir()
            (package / "__init__.py").write_text("", encoding="utf-8")
            for folder in ("reports", "jobs", "templates"):
                (package / folder).symlink_to(tree / folder)
            env["PYTHONPATH"] = shim + os.pathsep + env.get("PYTHONPATH", "")
        out = subprocess.run([sys.executable, __file__, "--child", str(scale), "--language", language],
                             env=env, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"scale {scale:g} ({tree or ROOT}) failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.splitlines()[-1])


def rows(result: dict) -> list[tuple[str, float, int | None, float | None]]:
    """(stage, wall seconds, peak RSS, CPU seconds) in pipeline order, collect split into
    emulator / evidence / the rest (the nested two are CPU only)."""
    sec, peak, cpu = result["seconds"], result["peaks"], result.get("cpu", {})
    out = []
    emulator = sec.get("emulator", 0.0)
    evidence = sec.get("evidence recording", 0.0)
    # The fleet is built on first use of each registry, in the collector threads (CPU only;
    # inside "collect" now, before it in code that built the whole fleet first: "other" then).
    build = cpu.get("emulator: build fleet", sec.get("emulator: build fleet", 0.0))
    out.append(("emulator: build fleet (CPU)", build, None, build))
    out.append(("emulator: answering (CPU)", emulator, None, emulator))
    out.append(("evidence recording (CPU)", evidence, None, evidence))
    rest_cpu = cpu["collect"] - emulator - evidence if "collect" in cpu else None
    out.append(("collect: botocore + collectors", sec.get("collect", 0.0) - emulator - evidence,
                peak.get("collect"), rest_cpu))
    named = {"emulator: build fleet", "emulator", "evidence recording", "collect"}
    for name in sec:
        if name not in named:
            out.append((name, sec[name], peak.get(name), cpu.get(name)))
    accounted = sum(v for k, v in sec.items() if k not in NESTED)
    out.append(("other (setup, imports, history, ...)", result["wall"] - accounted, None, None))
    if result.get("children_cpu"):  # CPU on the other core; max RSS counts the pages shared with this process
        out.append(("child processes (collect, normalize, PDF): CPU / max RSS", 0.0, result["children_max_rss"], result["children_cpu"]))
    out.append(("TOTAL run wall / largest process's max RSS", result["wall"], result["max_rss"], result.get("cpu_total")))
    if "tree_peak" in result:
        out.append(("TOTAL + forked children's private pages", 0.0, result["tree_peak"], None))
    out.append(("(imports before the run)", result.get("imports", 0.0), None, None))
    return out


def _gib(value: int | None) -> str:
    return "" if value is None else f"{value / 2**30:.2f}"


def print_table(scale: float, columns: dict[str, dict]) -> None:
    """One table per scale: wall, CPU and peak GiB per measurement, then now / the column
    before it (the same-run baseline with --same-run), on CPU time where both have it."""
    names = list(columns)
    tables = {label: {r[0]: r for r in rows(result)} for label, result in columns.items()}
    order: list[str] = []
    for label in reversed(names):  # the pipeline's order, as the newest measurement ran it
        order += [s for s in tables[label] if s not in order]
    order.sort(key=lambda s: s.startswith(("other", "TOTAL", "(")))
    head = f"{'scale ' + format(scale, 'g'):<38}" + "".join(f"{n[:16]:>17}{'CPU':>8}{'GiB':>6}" for n in names)
    print(head + (f"{'now/base':>10}" if len(names) > 1 else ""))
    for stage_name in order:
        line = f"{stage_name:<38}"
        values = []
        for label in names:
            row = tables[label].get(stage_name)
            values.append(None if not row else (row[1], row[3]))
            cpu = "" if not row or row[3] is None else f"{row[3]:.2f}s"
            line += f"{row[1]:>16.2f}s{cpu:>8}{_gib(row[2]):>6}" if row else f"{'-':>17}{'':>8}{'':>6}"
        base, now = (values[-2], values[-1]) if len(values) > 1 else (None, None)
        if base and now:  # CPU against CPU where both have it (steadier), else wall against wall
            pick = 1 if base[1] is not None and now[1] is not None else 0
            if base[pick] > 0.05:
                line += f"{now[pick] / base[pick]:>9.2f}x"
        print(line)
    print()


def _worktree(ref: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix="ecr-stages-base-"))
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(path), ref],
                   check=True)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 10, 40])
    parser.add_argument("--language", default="en")
    parser.add_argument("--same-run", action="store_true",
                        help="also measure the baseline commit now, in a temporary git worktree")
    parser.add_argument("--baseline-ref", help="commit to measure with --same-run (default: the file's)")
    parser.add_argument("--write-baseline", action="store_true",
                        help=f"record in {BASELINE.name} the baseline commit (with --same-run) or this tree")
    parser.add_argument("--child", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        print(json.dumps(_measure_one(args.child, args.language)))
        return 0

    from installed import compile_tree

    compile_tree(ROOT)  # measure the program as installed (benchmarks/installed.py)
    recorded = json.loads(BASELINE.read_text(encoding="utf-8")) if BASELINE.is_file() else {}
    tree = None
    ref = "HEAD"
    if args.same_run:
        ref = args.baseline_ref or recorded.get("ref") or "main"
        tree = _worktree(ref)
        compile_tree(tree)  # as installed (benchmarks/installed.py), like this tree
    try:
        measured, base = {}, {}
        for scale in args.scales:
            columns = {}
            if str(scale) in recorded.get("scales", {}):
                columns[f"file {recorded.get('ref', '')[:8]}"] = recorded["scales"][str(scale)]
            if tree is not None:
                columns["base, same run"] = base[str(scale)] = measure(scale, args.language, tree)
            columns["now"] = measured[str(scale)] = measure(scale, args.language)
            print_table(scale, columns)
    finally:
        if tree is not None:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)
    if args.write_baseline:  # the baseline commit's figures with --same-run, else this tree's
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", ref], capture_output=True,
                                text=True, check=True).stdout.strip()
        doc = {"ref": commit, "note": "measured on a shared 2-core machine (noisy); see the module docstring",
               "scales": base if tree is not None else measured}
        BASELINE.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {BASELINE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
