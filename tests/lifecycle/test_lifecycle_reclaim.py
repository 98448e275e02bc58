"""Reclaimable bytes: naive sums and exact shared-layer accounting, computed by hand."""

import pandas as pd

from ecr_report.reports.lifecycle import Manifests, evaluate, reclaimable, totals

from ecr_lifecycle_support import AS_OF, image, policy, rule

MB = 1_000_000


def blobs(digest, *layers):
    return [{"image_digest": f"sha256:{digest}", "blob_digest": f"sha256:{name}", "blob_size": size} for name, size in layers]


def test_shared_layers_exact_vs_naive():
    # base layer L0 (50 MB) shared by all three; old1 and old2 also share L1 (20 MB).
    imgs = [image("old1", [], 30, size_bytes=80 * MB), image("old2", [], 20, size_bytes=75 * MB), image("new", [], 1, size_bytes=60 * MB)]
    layers = blobs("old1", ("L0", 50 * MB), ("L1", 20 * MB), ("C1", 10 * MB)) + blobs("old2", ("L0", 50 * MB), ("L1", 20 * MB), ("C2", 5 * MB)) + blobs("new", ("L0", 50 * MB), ("C3", 10 * MB))
    manifests = Manifests.from_records(blobs=layers, known=[{"image_digest": f"sha256:{d}"} for d in ("old1", "old2", "new")])
    result = evaluate(policy(rule(1, tagStatus="any", countType="imageCountMoreThan", countNumber=1)), imgs, AS_OF)
    per = reclaimable(result, manifests)
    row = per.iloc[0]
    assert row["images_expiring"] == 2
    assert row["expiring_bytes_naive"] == 155 * MB  # 80 + 75
    # exact: L1 (20) + C1 (10) + C2 (5); L0 is still used by "new"
    assert row["expiring_bytes_exact"] == 35 * MB
    assert bool(row["exact_available"])
    assert totals(per)["expiring_bytes_exact"] == 35 * MB


def test_transition_bytes_leave_standard_only_when_no_standard_image_keeps_them():
    imgs = [image("a", [], 40, size_bytes=30 * MB), image("b", [], 2, size_bytes=25 * MB)]
    layers = blobs("a", ("L0", 20 * MB), ("La", 10 * MB)) + blobs("b", ("L0", 20 * MB), ("Lb", 5 * MB))
    manifests = Manifests.from_records(blobs=layers, known=[{"image_digest": "sha256:a"}, {"image_digest": "sha256:b"}])
    text = policy(rule(1, "transition", tagStatus="any", countType="sinceImagePushed", countUnit="days", countNumber=30))
    row = reclaimable(evaluate(text, imgs, AS_OF), manifests).iloc[0]
    assert (row["images_transitioning"], row["transitioning_bytes_naive"], row["transitioning_bytes_exact"]) == (1, 30 * MB, 10 * MB)
    assert row["expiring_bytes_exact"] == 0


def test_manifest_list_naive_double_counts_exact_does_not():
    # The list's imageSizeInBytes is its largest child's; expiring list + children frees each blob once.
    imgs = [image("list", ["v1"], 30, size_bytes=40 * MB), image("amd", [], 30, size_bytes=40 * MB), image("arm", [], 30, size_bytes=35 * MB)]
    edges = [{"parent_digest": "sha256:list", "child_digest": "sha256:amd"}, {"parent_digest": "sha256:list", "child_digest": "sha256:arm"}]
    layers = blobs("amd", ("La", 30 * MB), ("Cfg", 10 * MB)) + blobs("arm", ("Lr", 25 * MB), ("Cfg", 10 * MB))
    manifests = Manifests.from_records(blobs=layers, children=edges, known=[{"image_digest": f"sha256:{d}"} for d in ("list", "amd", "arm")])
    text = policy(rule(1, tagStatus="any", countType="sinceImagePushed", countUnit="days", countNumber=7))
    row = reclaimable(evaluate(text, imgs, AS_OF, children=manifests.children), manifests).iloc[0]
    assert row["expiring_bytes_naive"] == 115 * MB
    assert row["expiring_bytes_exact"] == 65 * MB  # La + Lr + Cfg once


def test_exact_unavailable_when_a_manifest_is_missing_and_archive_split():
    imgs = [image("a", [], 40, size_bytes=7), image("z", [], 40, size_bytes=5, image_status="ARCHIVED", last_archived_at=AS_OF - pd.Timedelta(days=400))]
    text = policy(
        rule(1, tagStatus="any", countType="sinceImagePushed", countUnit="days", countNumber=30),
        rule(2, tagStatus="any", storageClass="archive", countType="sinceImageTransitioned", countUnit="days", countNumber=365),
    )
    result = evaluate(text, imgs, AS_OF)
    per = reclaimable(result, Manifests.from_records(blobs=blobs("a", ("x", 3)), known=[{"image_digest": "sha256:a"}]))
    row = per.iloc[0]
    assert (row["expiring_bytes_naive"], row["expiring_archive_bytes_naive"]) == (12, 5)
    assert not row["exact_available"] and pd.isna(row["expiring_bytes_exact"])
    assert totals(per)["expiring_bytes_exact"] is None
    assert pd.isna(reclaimable(result).iloc[0]["expiring_bytes_exact"])


def test_per_repository_rows():
    imgs = [image(f"{r}{i}", [], 10 - i, repository_name=r, size_bytes=1) for r in ("x", "y") for i in range(3)]
    per = reclaimable(evaluate(policy(rule(1, tagStatus="any", countType="imageCountMoreThan", countNumber=1)), imgs, AS_OF))
    assert per[["repository_name", "images_expiring", "expiring_bytes_naive"]].values.tolist() == [["x", 2, 2], ["y", 2, 2]]
