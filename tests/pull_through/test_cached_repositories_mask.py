"""The pull-through analysis decides per repository whether its images are cached ones: the
mask equals the per-image definition (`matches_prefix` on each image's repository name)."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd

from ecr_report.reports.pull_through.analysis import _in_cached_repositories
from ecr_report.reports.pull_through.inputs import matches_prefix


def _per_image(images: pd.DataFrame, prefixes: dict[tuple[str, str], list[str]]) -> np.ndarray:
    return np.array([any(matches_prefix(str(n), p) for p in prefixes.get((str(a), str(r)), ()))
                     for a, r, n in zip(images["account_id"], images["region"], images["repository_name"])],
                    dtype=bool)


def test_the_per_repository_mask_is_the_per_image_one_on_random_fleets():
    rng = random.Random(7)
    for _ in range(30):
        names = ["docker-hub/library/nginx", "docker-hub/x", "ecr-public/y", "quay/z", "app", "ROOT/a",
                 "docker-hubx/q", None]
        rows = [(rng.choice(["111", "222"]), rng.choice(["eu-west-1", "us-east-1"]), rng.choice(names))
                for _ in range(rng.randint(0, 60))]
        images = pd.DataFrame(rows, columns=["account_id", "region", "repository_name"]).astype("string")
        prefixes = {(a, r): rng.sample(["docker-hub", "ecr-public", "quay", "ROOT"], rng.randint(0, 3))
                    for a in ("111", "222") for r in ("eu-west-1", "us-east-1") if rng.random() < 0.8}
        assert np.array_equal(np.asarray(_in_cached_repositories(images, prefixes), dtype=bool),
                              _per_image(images, prefixes))
