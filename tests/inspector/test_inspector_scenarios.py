"""What-if scenarios: hand-computed costs and coverage changes."""

from __future__ import annotations

import pandas as pd
import pytest

from ecr_report.reports.inspector_pricing import CONCERN

from inspector_support import ACCOUNT, OTHER, REGION, configuration, image, registry, rule, run

RULES = [rule("CONTINUOUS_SCAN", "prod*", 0), rule("SCAN_ON_PUSH", "*", 1)]


OTHER_UNIT = {"account_id": OTHER, "region": REGION}


def _images():
    other = OTHER_UNIT
    return [image("prod-api", 1), image("prod-api", 20), image("prod-web", 2), image("prod-web", 90),
              image("team-x", 3),
              {**image("app", 5), **other}, {**image("app", 20), **other}, {**image("app", 200), **other}]


def _fleet(images=None, **kw):
    """Enhanced 111122223333 (prod-api, prod-web continuous; team-x on push) and basic 444455556666."""
    other = OTHER_UNIT
    images = images or _images()
    return run(registries=[registry(coverage_collected=None), registry("BASIC", "DISABLED", account=OTHER)],
               rules=RULES + [rule("SCAN_ON_PUSH", "ml*", 0, **other)],
               repositories=["prod-api", "prod-web", "team-x", {"repository_name": "app", **other}],
               images=images, configuration_rows=[configuration(push="DAYS_30")], **kw)


def _scenarios(result) -> pd.DataFrame:
    return result.tables["inspector_scenarios"].set_index("scenario")


def test_current_and_basic_to_enhanced():
    result = _fleet()
    sc = _scenarios(result)
    # today: 4 initial (prod-api x2, prod-web 2d, team-x) x $0.09 = 0.36; monitored 3 x 4 x $0.01 = 0.12
    assert sc.loc["current", "monthly_usd"] == pytest.approx(0.48)
    assert sc.loc["current", "monitored_images"] == 3
    # continuous everywhere: + 2 initial (app 5d, 20d) = 0.18; the basic account's rescan settings
    # are the documented defaults (push 14 days), so + 1 monitored (app 5d) x 4 x $0.01 = 0.04
    cont = sc.loc["basic_to_enhanced_continuous"]
    assert cont["monthly_usd"] == pytest.approx(0.48 + 0.18 + 0.04)
    assert cont["change_usd"] == pytest.approx(0.22)
    assert cont["monitored_images_change"] == 1
    assert cont["continuous_repositories_change"] == 1
    assert cont["inspector_repositories_change"] == 1 and cont["inspector_images_change"] == 3
    assert cont["one_time_usd"] == pytest.approx(0.09)  # the app image pushed 5 days ago (within 14)
    assert "15-day free trial" in cont["notes"]
    push = sc.loc["basic_to_enhanced_on_push"]
    assert push["monthly_usd"] == pytest.approx(0.48 + 0.18)
    assert push["monitored_images_change"] == 0
    assert result.summary["scenarios"]["basic_to_enhanced_continuous"]["monthly_usd"] == pytest.approx(0.70)


def test_narrowed_continuous_filters():
    result = _fleet(settings={"narrow_continuous_filters": ["prod-api"]})
    row = _scenarios(result).loc["narrow_continuous"]
    # prod-web moves to scan on push: its one monitored image stops being rescanned (-$0.04)
    assert row["change_usd"] == pytest.approx(-0.04)
    assert row["continuous_repositories_change"] == -1
    assert row["inspector_repositories_change"] == 0
    off = _scenarios(_fleet(settings={"narrow_continuous_filters": ["prod-api"],
                                      "narrowed_repositories_to": "OFF"})).loc["narrow_continuous"]
    # ... or leaves Inspector: also its initial scan (-$0.09) and its 2 images lose language visibility
    assert off["change_usd"] == pytest.approx(-0.13)
    assert off["inspector_images_change"] == -2
    none = _scenarios(_fleet(settings={"narrow_continuous_filters": []})).loc["narrow_continuous"]
    assert not none["available"] and "no filters" in none["unavailable_reason"]


def test_rescan_durations_are_monotonic_and_mark_today():
    sc = _scenarios(_fleet())
    costs = [sc.loc[f"rescan_{d}", "monthly_usd"] for d in ("days_14", "days_30", "days_60", "days_90",
                                                              "days_180", "lifetime")]
    assert costs == sorted(costs)
    assert sc.loc["rescan_days_30", "change_usd"] == pytest.approx(0)
    assert "today's setting" in sc.loc["rescan_days_30", "label"]
    assert sc.loc["rescan_days_14", "monitored_images"] == 2
    assert sc.loc["rescan_lifetime", "monitored_images"] == 4


def test_lifecycle_scenario_uses_proposed_actions_only():
    assert not _scenarios(_fleet()).loc["lifecycle_proposed", "available"]
    images = _images()
    old, new = images[1]["image_digest"], images[0]["image_digest"]  # prod-api 20 days, 1 day
    actions = pd.DataFrame({
        "account_id": [ACCOUNT, ACCOUNT], "region": [REGION, REGION],
        "repository_name": ["prod-api", "prod-api"], "image_digest": [old, new],
        "scenario": ["proposed", "current"], "action": ["TRANSITION", "EXPIRE"],
        "applied_rule_priority": [1, 1], "size_bytes": [1000, 1000]})
    row = _scenarios(_fleet(images, extra={"lifecycle_actions": actions})).loc["lifecycle_proposed"]
    # the archived image is no longer rescanned (-4 x $0.01); pushes, so initial scans, unchanged
    assert row["available"]
    assert row["change_usd"] == pytest.approx(-0.04)
    assert row["monitored_images_change"] == -1
    assert row["initial_scan_monthly_usd"] == pytest.approx(0.36)


def test_result_tables_conform():
    result = _fleet()
    for name, frame in result.tables.items():
        assert list(frame.columns) == list(CONCERN.result_tables[name])
