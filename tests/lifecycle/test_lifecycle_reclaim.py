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


def reference_exact(images: list[dict], layers: list[dict], known: set) -> dict:
    """The module docstring's definitions, repository by repository, in plain Python: a blob is
    freed by expiry when an expiring image references it and no image that stays does; it leaves
    standard storage when a transitioning image references it and no image staying in standard
    storage does."""
    out = {}
    for key in sorted({(i["account_id"], i["region"], i["repository_name"]) for i in images}):
        here = [i for i in images if (i["account_id"], i["region"], i["repository_name"]) == key]
        by_digest = {}
        for i in here:
            by_digest.setdefault(i["image_digest"], []).append(i)
        refs, size = {}, {}
        for b in layers:
            if (b["account_id"], b["region"], b["repository_name"]) == key and b["image_digest"] in by_digest:
                refs.setdefault(b["blob_digest"], []).extend(by_digest[b["image_digest"]])
                size[b["blob_digest"]] = max(size.get(b["blob_digest"], 0), b["blob_size"])
        exp = sum(size[d] for d, imgs in refs.items()
                  if any(i["action"] == "EXPIRE" for i in imgs) and all(i["action"] == "EXPIRE" for i in imgs))
        tra = sum(size[d] for d, imgs in refs.items() if any(i["action"] == "TRANSITION" for i in imgs)
                  and not any(i["action"] is None and i["image_status"] != "ARCHIVED" for i in imgs))
        available = all((*key, i["image_digest"]) in known for i in here)
        out[key] = (available, exp, tra)
    return out


def random_fleet(seed: int) -> tuple[list[dict], list[dict], set]:
    """Images of a few repositories in two accounts (same names in both), layers shared within
    and across repositories, some manifests unread, duplicate layer rows."""
    import random

    rnd = random.Random(seed)
    images, layers, known = [], [], set()
    for account in ("111111111111", "222222222222"):
        for repo in rnd.sample(["a", "b", "c/d"], rnd.randint(1, 3)):
            for k in range(rnd.randint(1, 8)):
                key = {"account_id": account, "region": "eu-west-1", "repository_name": repo}
                digest = f"sha256:{rnd.randint(0, 5)}-{k}"
                status = rnd.choice(["ACTIVE", "ACTIVE", "ARCHIVED"])
                action = rnd.choice([None, None, "EXPIRE", "TRANSITION" if status == "ACTIVE" else None])
                images.append({**key, "image_digest": digest, "size_bytes": rnd.randint(1, 99),
                               "image_status": status, "action": action})
                if rnd.random() < 0.9:
                    known.add((account, "eu-west-1", repo, digest))
                for _ in range(rnd.randint(0, 4)):
                    blob = f"sha256:L{rnd.randint(0, 6)}"
                    layers += [{**key, "image_digest": digest, "blob_digest": blob, "blob_size": 10 + int(blob[-1])}] * rnd.randint(1, 2)
    return images, layers, known


def test_exact_bytes_agree_with_the_definitions_on_random_fleets():
    for seed in range(30):
        images, layers, known = random_fleet(seed)
        result = pd.DataFrame(images).astype({"action": "category"})
        if seed % 2:  # the snapshot's Arrow strings as well as plain objects
            result = result.astype({c: "string" for c in ("account_id", "region", "repository_name", "image_digest")})
        manifests = Manifests.from_records(
            blobs=layers, known=[dict(zip(("account_id", "region", "repository_name", "image_digest"), k)) for k in known])
        per = reclaimable(result, manifests)
        want = reference_exact(images, layers, known)
        assert [tuple(k) for k in per[["account_id", "region", "repository_name"]].values.tolist()] == list(want)
        for (key, (available, exp, tra)), row in zip(want.items(), per.itertuples()):
            assert bool(row.exact_available) == available, (seed, key)
            if available:
                assert (row.expiring_bytes_exact, row.transitioning_bytes_exact) == (exp, tra), (seed, key)
            else:
                assert pd.isna(row.expiring_bytes_exact) and pd.isna(row.transitioning_bytes_exact)
            mine = [i for i in images if (i["account_id"], i["region"], i["repository_name"]) == key]
            assert row.images_total == len(mine)
            assert row.expiring_bytes_naive == sum(i["size_bytes"] for i in mine if i["action"] == "EXPIRE")
            assert row.expiring_archive_bytes_naive == sum(
                i["size_bytes"] for i in mine if i["action"] == "EXPIRE" and i["image_status"] != "ACTIVE")
            assert row.transitioning_bytes_naive == sum(i["size_bytes"] for i in mine if i["action"] == "TRANSITION")
