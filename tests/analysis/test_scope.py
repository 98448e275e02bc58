"""BasicFindingsScope: which images get a DescribeImageScanFindings call (pure, deterministic)."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
from analysis_fixtures import AS_OF, days_ago, make

from ecr_report.reports.coverage import BasicFindingsScope

INDEX = "application/vnd.docker.distribution.manifest.list.v2+json"


def images(rows: list[dict]) -> pd.DataFrame:
    base = {"size_bytes": 1, "image_status": "ACTIVE", "image_tags": ()}
    return make("images", [{**base, **r} for r in rows])


def selected(scope: BasicFindingsScope, frame: pd.DataFrame) -> set[str]:
    mask = scope.select(frame, AS_OF)
    assert mask.dtype == bool and mask.index.equals(frame.index)
    return set(frame.loc[mask, "image_digest"])


FLEET = images(
    [
        {"repository_name": "a", "image_digest": "a-old", "pushed_at": days_ago(100)},
        {"repository_name": "a", "image_digest": "a-new", "pushed_at": days_ago(60)},
        # pushed after a-new, but not scannable: the newest *image* is still a-new
        {"repository_name": "a", "image_digest": "a-sig", "pushed_at": days_ago(59), "subject_digest": "a-new"},
        {"repository_name": "a", "image_digest": "a-idx", "pushed_at": days_ago(59), "manifest_media_type": INDEX},
        {"repository_name": "a", "image_digest": "a-arch", "pushed_at": days_ago(58), "image_status": "ARCHIVED"},
        {"repository_name": "b", "image_digest": "b-edge", "pushed_at": days_ago(30)},
        {"repository_name": "b", "image_digest": "b-out", "pushed_at": days_ago(30) - timedelta(seconds=1)},
        {"repository_name": "b", "image_digest": "b-recent", "pushed_at": days_ago(2)},
        {"repository_name": "c", "image_digest": "c-2", "pushed_at": days_ago(90)},
        {"repository_name": "c", "image_digest": "c-1", "pushed_at": days_ago(90)},  # tie: digest order
    ]
)


def test_default_scope() -> None:
    assert selected(BasicFindingsScope(), FLEET) == {"a-new", "b-edge", "b-recent", "c-1"}


def test_newest_only_and_window_only() -> None:
    assert selected(BasicFindingsScope(pushed_within_days=None), FLEET) == {"a-new", "b-recent", "c-1"}
    assert selected(BasicFindingsScope(newest_per_repository=False), FLEET) == {"b-edge", "b-recent"}
    assert selected(BasicFindingsScope(newest_per_repository=False, pushed_within_days=0), FLEET) == set()


def test_max_images_prefers_newest_per_repository_then_newest_pushed() -> None:
    assert selected(BasicFindingsScope(max_images=3), FLEET) == {"b-recent", "a-new", "c-1"}
    assert selected(BasicFindingsScope(max_images=4), FLEET) == {"b-recent", "a-new", "c-1", "b-edge"}


def test_select_is_deterministic_under_row_order() -> None:
    shuffled = FLEET.sample(frac=1.0, random_state=7)
    assert selected(BasicFindingsScope(), shuffled) == selected(BasicFindingsScope(), FLEET)


def test_describe() -> None:
    text = BasicFindingsScope(max_images=500).describe()
    assert "newest image of each repository" in text and "30 days" in text and "at most 500" in text
    assert "not checked" in text
    assert "no images" in BasicFindingsScope(newest_per_repository=False, pushed_within_days=None).describe()


def test_empty() -> None:
    assert selected(BasicFindingsScope(), images([])) == set()
