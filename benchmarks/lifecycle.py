"""Benchmark: the offline lifecycle evaluator on 1,000,000 images across 1,000 repositories.

Builds a deterministic synthetic fleet (seed 20250630) with realistic multi-rule policies drawn
from a handful of templates, evaluates it in one `evaluate_fleet` call, and prints wall time,
peak memory (tracemalloc for the evaluation's own allocations, and the process's max RSS), and
the simple reference evaluator's time on a sample of repositories scaled up to the fleet, with
the speed-up ratio. Targets: <= 3 s, < 2 GiB, >= 20x.

Then `ecr-report lifecycle preview` end to end (a fresh process: imports, JSON in, preview JSON
out) on one repository of `--preview-images` images (default 200,000) taken from the same fleet,
beside the plain script a user would write instead (benchmarks/preview_plain.py: json.load, the
simple evaluator image by image, json.dump), measured in the same run. Target: <= 3 s. Run:

    .venv/bin/python benchmarks/lifecycle.py [--images N] [--repos N] [--reference-repos N]
    .venv/bin/python benchmarks/lifecycle.py --only preview [--preview-images N] [--baseline EXE]

`--baseline EXE` adds another `ecr-report` executable (e.g. the main checkout's
`.venv/bin/ecr-report`) to the preview rows, run alternately with the product on the same
inputs, and says whether its output is byte-identical to the product's.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

from ecr_report.reports.lifecycle import evaluate_fleet, parse_policy

ROOT = Path(__file__).resolve().parents[1]
AS_OF = pd.Timestamp("2025-06-30T12:00:00Z")
SEED = 20250630


def _reference():
    spec = importlib.util.spec_from_file_location("ecr_lifecycle_reference", ROOT / "tests" / "lifecycle" / "reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.reference_evaluate


def _r(priority, selection, action="expire"):
    act = {"type": action}
    if action == "transition":
        act["targetStorageClass"] = "archive"
    return {"rulePriority": priority, "selection": selection, "action": act}


def _days(kind, n):
    return {"countType": kind, "countUnit": "days", "countNumber": n}


def policy_templates(rng: np.random.Generator) -> list[str]:
    """About forty distinct, valid, realistic policies (templates x parameters)."""
    out = []
    for keep in (10, 30, 100):
        for untagged_days in (1, 7, 14):
            out.append(json.dumps({"rules": [
                _r(1, {"tagStatus": "untagged", **_days("sinceImagePushed", untagged_days)}),
                _r(10, {"tagStatus": "tagged", "tagPatternList": ["prod-*"], "countType": "imageCountMoreThan", "countNumber": keep}),
                _r(20, {"tagStatus": "tagged", "tagPatternList": ["release-*", "v*"], "countType": "imageCountMoreThan", "countNumber": keep}),
                _r(30, {"tagStatus": "tagged", "tagPrefixList": ["main-"], **_days("sinceImagePushed", 30)}),
                _r(100, {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": keep * 5}),
            ]}))
    for pulled in (30, 90, 180):
        for expire_after in (180, 365):
            out.append(json.dumps({"rules": [
                _r(1, {"tagStatus": "tagged", "tagPatternList": ["latest"], "countType": "imageCountMoreThan", "countNumber": 1}),
                _r(2, {"tagStatus": "untagged", "countType": "imageCountMoreThan", "countNumber": 20}),
                _r(3, {"tagStatus": "tagged", "tagPatternList": ["*-rc*"], **_days("sinceImagePushed", 60)}),
                _r(5, {"tagStatus": "any", **_days("sinceImagePulled", pulled)}, "transition"),
                _r(6, {"tagStatus": "any", "storageClass": "archive", **_days("sinceImageTransitioned", expire_after)}),
            ]}))
    for keep in (5, 20, 50):
        out.append(json.dumps({"rules": [
            _r(1, {"tagStatus": "tagged", "tagPrefixList": ["feature-"], **_days("sinceImagePushed", 14)}),
            _r(2, {"tagStatus": "tagged", "tagPrefixList": ["staging-"], "countType": "imageCountMoreThan", "countNumber": keep}),
            _r(3, {"tagStatus": "tagged", "tagPatternList": ["v*.*.*"], "countType": "imageCountMoreThan", "countNumber": keep * 4}),
            _r(4, {"tagStatus": "untagged", **_days("sinceImagePushed", 3)}),
            _r(9, {"tagStatus": "tagged", "tagPatternList": ["*"], **_days("sinceImagePushed", 365)}, "transition"),
        ]}))
    return out


def build_fleet(n_images: int, n_repos: int, seed: int = SEED):
    """Images frame, manifest-list edges and the policy of each repository (deterministic)."""
    rng = np.random.default_rng(seed)
    weights = rng.pareto(1.2, n_repos) + 1.0
    sizes = np.maximum(10, np.floor(weights / weights.sum() * n_images)).astype(np.int64)
    sizes[np.argmax(sizes)] += n_images - sizes.sum()
    repo = np.repeat(np.arange(n_repos), sizes)
    n = len(repo)
    names = np.array([f"team{i % 37}/service-{i:04d}" for i in range(n_repos)], dtype=object)
    accounts = np.array([f"{111122223333 + (i % 7):012d}" for i in range(n_repos)], dtype=object)
    regions = np.array(["us-east-1", "ap-northeast-1", "eu-west-1"], dtype=object)[np.arange(n_repos) % 3]
    pushed = AS_OF.value - rng.integers(0, 730 * 86_400 * 10**9, n)
    digests = np.array([f"sha256:{x:016x}{y:016x}" for x, y in zip(rng.integers(0, 2**63, n), rng.integers(0, 2**63, n))], dtype=object)
    family = rng.choice(9, n, p=[0.25, 0.12, 0.1, 0.1, 0.1, 0.08, 0.08, 0.07, 0.1])
    build = rng.integers(1, 100_000, n)
    fmt = [
        lambda b: (),
        lambda b: (f"prod-{b}",),
        lambda b: (f"release-{b}", f"v{b % 7}.{b % 13}.{b % 100}"),
        lambda b: (f"main-{b:07x}",),
        lambda b: (f"feature-x{b}",),
        lambda b: (f"staging-{b}", f"main-{b:07x}"),
        lambda b: (f"v{b % 5}.{b % 11}.{b}",),
        lambda b: (f"v{b % 3}.0-rc{b % 9}",),
        lambda b: (f"sha-{b:08x}", f"prod-{b}"),
    ]
    tags = np.empty(n, dtype=object)
    tags[:] = [fmt[f](int(b)) for f, b in zip(family, build)]
    latest = np.r_[0, np.cumsum(sizes)[:-1]]  # first image of each repository carries "latest"
    for i in latest:
        tags[i] = tags[i] + ("latest",)
    status = np.where(rng.random(n) < 0.1, "ARCHIVED", "ACTIVE").astype(object)
    archived_at = np.where(status == "ARCHIVED", pushed + rng.integers(0, 86_400 * 10**9 * 30, n), np.iinfo(np.int64).min)
    archived_at = np.minimum(archived_at, AS_OF.value)
    pulled = np.where(rng.random(n) < 0.5, np.minimum(pushed + rng.integers(0, 400 * 86_400 * 10**9, n), AS_OF.value), np.iinfo(np.int64).min)
    activated = np.where((status == "ACTIVE") & (rng.random(n) < 0.02), np.minimum(pushed + 200 * 86_400 * 10**9, AS_OF.value), np.iinfo(np.int64).min)
    # 4% referrers (signatures) pointing at the previous image of the same repository.
    subject = np.full(n, None, dtype=object)
    ref = np.flatnonzero((rng.random(n) < 0.04) & (family == 0))
    ref = ref[(ref > 0) & (repo[np.maximum(ref - 1, 0)] == repo[ref])]
    subject[ref] = digests[ref - 1]
    images = pd.DataFrame({
        "account_id": accounts[repo],
        "region": regions[repo],
        "repository_name": names[repo],
        "image_digest": digests,
        "image_tags": tags,
        "pushed_at": pd.to_datetime(pushed, utc=True),
        "size_bytes": rng.integers(5_000_000, 900_000_000, n),
        "last_pull_at": pd.to_datetime(pulled, utc=True),
        "image_status": status,
        "last_archived_at": pd.to_datetime(archived_at, utc=True),
        "last_activated_at": pd.to_datetime(activated, utc=True),
        "subject_digest": subject,
        "manifest_media_type": "application/vnd.oci.image.manifest.v1+json",
    })
    # 2% of tagged images are manifest lists over the two untagged images after them.
    parents = np.flatnonzero((rng.random(n) < 0.02) & (family != 0))
    parents = parents[(parents + 2 < n)]
    parents = parents[(repo[parents + 2] == repo[parents])]
    edges = pd.DataFrame({
        "account_id": np.repeat(accounts[repo[parents]], 2),
        "region": np.repeat(regions[repo[parents]], 2),
        "repository_name": np.repeat(names[repo[parents]], 2),
        "parent_digest": np.repeat(digests[parents], 2),
        "child_digest": digests[np.ravel(np.c_[parents + 1, parents + 2])],
    })
    templates = policy_templates(rng)
    choice = rng.integers(0, len(templates), n_repos)
    policies = {(accounts[i], regions[i], names[i]): templates[choice[i]] for i in range(n_repos)}
    return images, edges, policies


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--images", type=int, default=1_000_000)
    ap.add_argument("--repos", type=int, default=1_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--reference-repos", type=int, default=0, help="repositories in the reference sample, scaled up by image count (default 0: the whole fleet)")
    ap.add_argument("--only", choices=("fleet", "preview"), help="run one of the two benchmarks")
    ap.add_argument("--preview-images", type=int, default=200_000)
    ap.add_argument("--baseline", metavar="EXE", help="another ecr-report executable to time beside the product (preview)")
    ap.add_argument("--preview-repeat", type=int, default=3)
    args = ap.parse_args(argv)
    if args.only != "preview":
        fleet_benchmark(args)
    if args.only != "fleet":
        preview_benchmark(args.preview_images, args.preview_repeat, args.baseline)
    return 0


def fleet_benchmark(args) -> None:
    t0 = time.perf_counter()
    images, edges, policy_texts = build_fleet(args.images, args.repos)
    policies = {k: parse_policy(v) for k, v in policy_texts.items()}
    print(f"fleet: {len(images):,} images, {args.repos:,} repositories, {len(set(policies.values()))} distinct policies, "
          f"{len(edges):,} manifest-list edges, {int(images['subject_digest'].notna().sum()):,} referrers (built in {time.perf_counter() - t0:.1f} s)")

    evaluate_fleet(images, policies, AS_OF, children=edges)  # warm-up: imports, kernel caches
    times = []
    for _ in range(args.repeat):
        gc.collect()
        t = time.perf_counter()
        result = evaluate_fleet(images, policies, AS_OF, children=edges)
        times.append(time.perf_counter() - t)
    rss_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    gc.collect()
    tracemalloc.start()
    evaluate_fleet(images, policies, AS_OF, children=edges)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    counts = result["action"].value_counts()
    print(f"fast evaluator (one evaluate_fleet call): best {min(times):.2f} s, median {statistics.median(times):.2f} s over {args.repeat} runs "
          f"(EXPIRE {counts.get('EXPIRE', 0):,}, TRANSITION {counts.get('TRANSITION', 0):,})")
    print(f"peak memory: evaluation allocations {peak / 2**30:.2f} GiB (tracemalloc); process max RSS {rss_gib:.2f} GiB (includes the fleet itself)")

    reference_evaluate = _reference()
    repos = images[["account_id", "region", "repository_name"]].drop_duplicates()
    if args.reference_repos:
        repos = repos.sample(n=min(args.reference_repos, len(repos)), random_state=SEED)
    sample = images.merge(repos, on=["account_id", "region", "repository_name"])
    records = sample.to_dict("records")
    for row in records:
        for col in ("last_pull_at", "last_archived_at", "last_activated_at"):
            if pd.isna(row[col]):
                row[col] = None
    sample_edges = _by_key(edges.merge(repos, on=["account_id", "region", "repository_name"]).to_dict("records"))
    t = time.perf_counter()
    expected = {}
    for key, group in _by_key(records).items():
        expected.update(reference_evaluate(policy_texts[key], group, AS_OF, sample_edges.get(key, [])))
    ref_time = time.perf_counter() - t
    scaled = ref_time * len(images) / len(sample)
    fast_sample = result[result["action"].notna()].merge(repos, on=["account_id", "region", "repository_name"])
    fast_map = {
        (a, r, n, d): (int(p), str(x))
        for a, r, n, d, p, x in zip(fast_sample["account_id"], fast_sample["region"], fast_sample["repository_name"], fast_sample["image_digest"], fast_sample["applied_rule_priority"], fast_sample["action"])
    }
    agree = "agree" if fast_map == expected else f"DISAGREE on {len(set(fast_map.items()) ^ set(expected.items()))} images"
    print(f"reference evaluator: {ref_time:.2f} s on {len(sample):,} images ({len(repos)} repositories) -> {scaled:.1f} s scaled to the fleet; results {agree}")
    print(f"speed-up: {scaled / min(times):.0f}x on the best run, {scaled / statistics.median(times):.0f}x on the median (targets: <= 3 s, < 2 GiB, >= 20x)")


def preview_inputs(n_images: int, folder: Path) -> tuple[Path, Path]:
    """One repository of `n_images` as `aws ecr describe-images` prints it, and a policy."""
    images, _, _ = build_fleet(n_images, 1)
    rng = np.random.default_rng(SEED)
    policy = policy_templates(rng)[10]  # five rules: latest, untagged count, rc age, pulled -> archive, archive age

    def iso(series):  # as the AWS CLI prints times: whole seconds, with the offset
        return [None if pd.isna(v) else v.floor("s").isoformat() for v in series]

    details = []
    columns = zip(images["image_digest"], images["image_tags"], iso(images["pushed_at"]), images["size_bytes"],
                  iso(images["last_pull_at"]), images["image_status"], iso(images["last_archived_at"]),
                  iso(images["last_activated_at"]), images["subject_digest"])
    for digest, tags, pushed, size, pulled, status, archived, activated, subject in columns:
        d = {"registryId": "111122223333", "repositoryName": "team0/service-0000", "imageDigest": digest}
        if tags:
            d["imageTags"] = list(tags)
        d.update({"imageSizeInBytes": int(size), "imagePushedAt": pushed,
                  "imageManifestMediaType": "application/vnd.oci.image.manifest.v1+json", "imageStatus": status})
        for key, value in (("lastRecordedPullTime", pulled), ("lastArchivedAt", archived),
                           ("lastActivatedAt", activated), ("subjectManifestDigest", subject)):
            if value is not None and not (isinstance(value, float) and np.isnan(value)):
                d[key] = value
        details.append(d)
    policy_path, images_path = folder / "policy.json", folder / "images.json"
    policy_path.write_text(policy, encoding="utf-8")
    images_path.write_text(json.dumps({"imageDetails": details}, indent=4), encoding="utf-8")
    return policy_path, images_path


def _timed(command: list[str], out: Path) -> tuple[float, float, float]:
    """Wall seconds, max RSS (GiB) and CPU seconds (user + system) of one child process writing
    its stdout to `out`; CPU is the steadier figure when other work shares the machine."""
    with open(out, "wb") as fh:
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=fh)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{' '.join(command)}: exit status {status}")
    return wall, usage.ru_maxrss / 2**20, usage.ru_utime + usage.ru_stime


def preview_benchmark(n_images: int, repeat: int = 3, baseline: str | None = None) -> None:
    as_of = AS_OF.isoformat()
    cli = str(Path(sys.executable).with_name("ecr-report"))
    with tempfile.TemporaryDirectory(prefix="ecr-preview-") as tmp:
        folder = Path(tmp)
        policy, images = preview_inputs(n_images, folder)
        size = images.stat().st_size / 2**20
        args = ["lifecycle", "preview", "--policy", str(policy), "--images", str(images), "--as-of", as_of]
        commands = {"ecr-report lifecycle preview": ([cli, *args], folder / "product.json")}
        if baseline:
            commands["baseline (--baseline EXE)"] = ([baseline, *args], folder / "baseline.json")
        commands["plain script (json + per-image loop)"] = (
            [sys.executable, str(ROOT / "benchmarks" / "preview_plain.py"), str(policy), str(images), as_of], folder / "plain.json")
        rows: dict[str, list] = {label: [] for label in commands}
        for _ in range(repeat):  # alternating, so all see the same load on a shared machine
            for label, (command, out) in commands.items():
                rows[label].append(_timed(command, out))
        preview = json.loads((folder / "product.json").read_text(encoding="utf-8"))
        plain_out = json.loads((folder / "plain.json").read_text(encoding="utf-8"))
        same = [(r["imageDigest"], r["appliedRulePriority"], r["action"]["type"]) for r in preview["previewResults"]] \
            == [(r["imageDigest"], r["appliedRulePriority"], r["action"]["type"]) for r in plain_out["previewResults"]]
        print(f"preview: one repository of {n_images:,} images ({size:.0f} MiB of describe-images JSON), "
              f"{len(preview['previewResults']):,} acted on; product and plain script {'agree' if same else 'DISAGREE'}")
        if baseline:
            identical = (folder / "baseline.json").read_bytes() == (folder / "product.json").read_bytes()
            print(f"  baseline {baseline}: output {'byte-identical to' if identical else 'DIFFERENT BYTES from'} the product's")
        for label, runs in rows.items():
            walls, cpus = [w for w, _, _ in runs], [c for _, _, c in runs]
            print(f"  {label:<40} wall best {min(walls):5.2f} s, median {statistics.median(walls):5.2f} s; "
                  f"CPU best {min(cpus):5.2f} s; max RSS {max(r for _, r, _ in runs):.2f} GiB")
        print("  (target for the product: <= 3 s end to end on a quiet machine)")


def _by_key(records):
    out = {}
    for row in records:
        out.setdefault((row["account_id"], row["region"], row["repository_name"]), []).append(row)
    return out


if __name__ == "__main__":
    sys.exit(main())
