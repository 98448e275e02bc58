"""The billing rules, one image at a time, with hand-computed expectations.

Registry: ENHANCED, continuous `prod*`, scan on push `web*`; rescan settings push 30 days, pull
14 days by last pull date; prices us-east-1 $0.09 per initial scan, $0.01 per rescan (defaults);
rescan rate: the configured default, 4 per monitored image per 30 days (no usage read).
"""

from __future__ import annotations

import pytest

from inspector_support import (
    LIST,
    configuration,
    coverage_image,
    image,
    registry,
    rule,
    run,
)

RULES = [rule("CONTINUOUS_SCAN", "prod*", 0), rule("SCAN_ON_PUSH", "web*", 1)]
REPOS = ["prod-api", "web-app", "other"]


def _verdicts(result):
    images = result.tables["inspector_images"]
    return {d: (bool(i), bool(m), None if by is None or str(by) == "<NA>" else str(by))
            for d, i, m, by in zip(images["image_digest"], images["initial_scan_in_window"],
                                   images["monitored"], images["monitored_by"])}


def test_windows_archived_unsupported_and_scan_on_push():
    imgs = {
        "a": image("prod-api", 5, image_digest="sha256:" + "a" * 64),           # initial + push window
        "b": image("prod-api", 30, image_digest="sha256:" + "b" * 64),          # exactly 30 days: monitored, not initial
        "c": image("prod-api", 45, last_pull_at=10, image_digest="sha256:" + "c" * 64),  # last pull within 14
        "d": image("prod-api", 45, last_pull_at=20, image_digest="sha256:" + "d" * 64),  # outside both
        "e": image("prod-api", 2, image_status="ARCHIVED", image_digest="sha256:" + "e" * 64),
        "f": image("prod-api", 1, manifest_media_type=LIST, image_digest="sha256:" + "f" * 64),
        "g": image("prod-api", 1, subject_digest="sha256:" + "a" * 64, image_digest="sha256:" + "0" * 64),
        "h": image("prod-api", 100, last_activated_at=3, image_digest="sha256:" + "1" * 64),  # restored
        "i": image("web-app", 3, image_digest="sha256:" + "2" * 64),            # on push: initial only
        "j": image("web-app", 40, last_pull_at=1, image_digest="sha256:" + "3" * 64),  # on push: nothing
        "k": image("other", 1, image_digest="sha256:" + "4" * 64),              # no filter: not scanned
    }
    result = run(registries=[registry(coverage_collected=None)], rules=RULES, repositories=REPOS,
                 images=list(imgs.values()), configuration_rows=[configuration()])
    v = _verdicts(result)
    d = {k: img["image_digest"] for k, img in imgs.items()}
    assert v[d["a"]] == (True, True, "push date")
    assert v[d["b"]] == (False, True, "push date")
    assert v[d["c"]] == (False, True, "last pull")
    assert v[d["d"]] == (False, False, None)
    for k in "efgjk":
        assert v[d[k]][:2] == (False, False), k
    assert v[d["h"]] == (True, True, "push date")
    assert v[d["i"]] == (True, False, None)
    reasons = dict(zip(result.tables["inspector_images"]["image_digest"],
                       result.tables["inspector_images"]["excluded_reason"]))
    assert reasons[d["e"]] == "archived"
    assert reasons[d["f"]].startswith("manifest list")
    assert reasons[d["g"]] == "signature/SBOM artifact"

    # 3 initial scans (a, h, i) x $0.09 + 4 monitored (a, b, c, h) x 4 rescans x $0.01
    s = result.summary
    assert s["initial_scan_monthly_usd"] == pytest.approx(0.27)
    assert s["rescan_monthly_usd"] == pytest.approx(0.16)
    assert s["estimated_monthly_usd"] == pytest.approx(0.43)
    assert s["monitored_images"] == 4
    repo = result.tables["inspector"].set_index("repository_name")
    assert repo.loc["prod-api", "monitored_images"] == 4
    assert repo.loc["prod-api", "images_pushed_in_window"] == 2
    assert repo.loc["web-app", "rescans_month"] == 0
    assert repo.loc["other", "monthly_usd"] == 0
    assert repo.loc["prod-api", "rescan_rate_source"].startswith("configured default")


def test_push_window_is_scaled_to_30_days():
    imgs = [image("prod-api", d) for d in (1, 2, 8, 12)]
    result = run(registries=[registry(coverage_collected=None)], rules=RULES, repositories=REPOS,
                 images=imgs, configuration_rows=[configuration()],
                 settings={"initial_scan_push_window_days": 10})
    # 3 pushes in the last 10 days -> 9 per 30 days
    assert result.tables["inspector"].set_index("repository_name").loc["prod-api", "initial_scans_month"] == 9


def test_last_in_use_mode_uses_inspector_dates_when_known():
    known = [image("prod-api", 60, last_pull_at=1), image("prod-api", 60), image("prod-api", 60, last_pull_at=1)]
    cov = [coverage_image("prod-api", known[0]["image_digest"], last_in_use=20),   # not in use lately
           coverage_image("prod-api", known[1]["image_digest"], last_in_use=5),    # in use 5 days ago
           coverage_image("prod-api", known[2]["image_digest"], reason="UNSUPPORTED_OS", code="INACTIVE")]
    result = run(registries=[registry()], rules=RULES, repositories=REPOS, images=known, inspector_coverage=cov,
                 configuration_rows=[configuration(mode="LAST_IN_USE_AT")])
    v = _verdicts(result)
    assert v[known[0]["image_digest"]] == (False, False, None)
    assert v[known[1]["image_digest"]] == (False, True, "last in use")
    assert v[known[2]["image_digest"]][:2] == (False, False)
    reasons = dict(zip(result.tables["inspector_images"]["image_digest"],
                       result.tables["inspector_images"]["excluded_reason"]))
    assert reasons[known[2]["image_digest"]] == "Inspector: UNSUPPORTED_OS"


def test_last_pull_stands_in_for_last_in_use_when_inspector_data_is_missing():
    img = image("prod-api", 60, last_pull_at=3)
    result = run(registries=[registry(coverage_collected=None)], rules=RULES, repositories=REPOS,
                 images=[img], configuration_rows=[configuration(mode="LAST_IN_USE_AT")])
    images = result.tables["inspector_images"]
    assert bool(images["monitored"].iloc[0])
    assert images["pull_reference_source"].iloc[0] == "last pull (in-use date unknown)"


@pytest.mark.parametrize("duration, monitored", [("DAYS_14", 1), ("DAYS_60", 2), ("DAYS_180", 3), ("LIFETIME", 4)])
def test_push_date_durations(duration, monitored):
    imgs = [image("prod-api", d) for d in (10, 50, 170, 900)]
    result = run(registries=[registry(coverage_collected=None)], rules=RULES, repositories=REPOS, images=imgs,
                 configuration_rows=[configuration(push=duration)])
    assert result.summary["monitored_images"] == monitored


def test_basic_registry_costs_nothing_and_defaults_are_named():
    result = run(registries=[registry("BASIC", "DISABLED")], rules=[rule("SCAN_ON_PUSH", "*")],
                 repositories=["app"], images=[image("app", 1)])
    assert result.summary["estimated_monthly_usd"] == 0
    row = result.tables["inspector"].iloc[0]
    assert "documented defaults" in row["rescan_settings"]
    assert result.summary["aws_estimated_monthly_usd"] is None
