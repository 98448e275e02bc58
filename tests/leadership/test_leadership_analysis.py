"""reports/leadership.py: headline figures, changes since the previous run, ranked actions."""

from __future__ import annotations

import pandas as pd
import pytest

from ecr_report.jobs.plugins import CONCERNS
from ecr_report.reports import leadership as lead
from ecr_report.reports import trends as trend_figures
from ecr_report.reports.text import fact_json, msg

from leadership_support import compliance_table, coverage_table, summary, weekly_ids


def history_of(*docs):
    return [trend_figures.history_entry(d, CONCERNS) for d in docs]


# --- headline figures and trends ----------------------------------------------------------------


def test_headline_figures():
    figures = trend_figures.headline_figures(summary(), CONCERNS)
    assert figures["repositories_pct"] == 50.0 and figures["images_pct"] == 40.0
    assert figures["critical"] == 4 and figures["high"] == 30 and figures["controls_failing"] == 12
    assert figures["inspector_monthly_usd"] == 12.5
    assert figures["pull_through_net_saving_monthly_usd"] == 40.0
    # The proposed lifecycle policy, when evaluated: what acting would free.
    assert figures["reclaimable_basis"] == "proposed"
    assert figures["reclaimable_bytes"] == 10 * 2**30 and figures["reclaimable_monthly_usd"] == 1.0
    assert figures["reclaimable_current_bytes"] == 2 * 2**30


def test_headline_figures_fall_back_and_never_invent_zeros():
    doc = summary(coverage__repositories_pct=None, pull_through={"storage_monthly_usd": 2.0,
                                                                  "nat_savings_monthly_usd": 5.5},
                  lifecycle={"reclaimable_bytes": 7, "reclaimable_monthly_usd": 0.01})
    figures = trend_figures.headline_figures(doc, CONCERNS)
    assert figures["repositories_pct"] == 50.0  # from scanned / total
    assert figures["pull_through_net_saving_monthly_usd"] == 3.5
    assert figures["reclaimable_basis"] == "current" and figures["reclaimable_bytes"] == 7
    skipped = trend_figures.headline_figures(summary(sections_not_computed=["pull_through", "inspector"]), CONCERNS)
    assert skipped["pull_through_net_saving_monthly_usd"] is None
    assert skipped["inspector_monthly_usd"] is None


def test_first_run():
    trends = trend_figures.build_trends(summary(), [], CONCERNS)
    assert trends["recorded"] and trends["first_run"] and trends["previous"] is None
    for metric in trends["metrics"].values():
        assert metric["direction"] == "first run" and metric["delta"] is None
        assert len(metric["series"]) == 1


def test_a_run_that_recorded_no_history_claims_no_change():
    trends = trend_figures.build_trends(summary(), None, CONCERNS)
    assert not trends["recorded"] and not trends["first_run"]
    assert {m["direction"] for m in trends["metrics"].values()} == {"not recorded"}


def test_deltas_and_directions_since_the_previous_run():
    ids = weekly_ids(2)
    history = history_of(
        summary(ids[0], coverage__repositories_pct=40.0, coverage__open_findings={"critical": 1, "high": 30}),
        summary(ids[1], coverage__repositories_pct=45.5, coverage__open_findings={"critical": 6, "high": 30},
                inspector={"estimated_monthly_usd": 10.0}))
    trends = trend_figures.build_trends(summary("20260301T080000Z"), history, CONCERNS)
    m = trends["metrics"]
    assert trends["previous"]["run_id"] == ids[1] and not trends["first_run"]
    assert m["repositories_pct"]["delta"] == pytest.approx(4.5)
    assert (m["repositories_pct"]["direction"], m["repositories_pct"]["judgement"]) == ("up", "better")
    assert (m["critical"]["delta"], m["critical"]["direction"], m["critical"]["judgement"]) == (-2, "down", "better")
    assert m["high"]["direction"] == "flat" and m["high"]["delta"] == 0
    # Cost has no "better" direction: up is only up.
    assert (m["inspector_monthly_usd"]["direction"], m["inspector_monthly_usd"]["judgement"]) == ("up", "neutral")
    assert m["repositories_pct"]["series"] == [40.0, 45.5, 50.0]
    assert [r["run_id"] for r in trends["runs"]] == [*ids, "20260301T080000Z"]


def test_worse_is_worse():
    history = history_of(summary(weekly_ids(1)[0], compliance__controls_failing=3))
    m = trend_figures.build_trends(summary(), history, CONCERNS)["metrics"]["controls_failing"]
    assert (m["delta"], m["direction"], m["judgement"]) == (9, "up", "worse")


def test_series_has_the_last_twelve_runs_and_this_one_with_gaps_not_zeros():
    ids = weekly_ids(15)
    docs = [summary(i, coverage__repositories_pct=float(n)) for n, i in enumerate(ids)]
    docs[-1]["sections_not_computed"] = ["inspector"]
    trends = trend_figures.build_trends(summary(), history_of(*docs), CONCERNS)
    series = trends["metrics"]["repositories_pct"]["series"]
    assert len(series) == 13 and series[:12] == [float(n) for n in range(3, 15)] and series[-1] == 50.0
    assert trends["metrics"]["inspector_monthly_usd"]["series"][-2] is None
    assert trends["metrics"]["inspector_monthly_usd"]["direction"] == "unknown"


def test_reclaimable_on_another_basis_is_not_compared():
    old = summary(weekly_ids(1)[0], lifecycle={"reclaimable_bytes": 5, "reclaimable_monthly_usd": 0.1})
    m = trend_figures.build_trends(summary(), history_of(old), CONCERNS)["metrics"]["reclaimable_bytes"]
    assert m["basis"] == "proposed" and m["series"] == [None, 10 * 2**30] and m["direction"] == "unknown"


def test_scope_change_is_flagged():
    old = summary(weekly_ids(1)[0], regions=["us-east-1", "eu-west-1"])
    assert trend_figures.build_trends(summary(), history_of(old), CONCERNS)["scope_changed"]
    assert not trend_figures.build_trends(summary(), history_of(summary(weekly_ids(1)[0])), CONCERNS)["scope_changed"]


def test_history_entry_rejects_what_it_cannot_read():
    for bad in ([], {"run_id": "x"}, {"run_id": "x", "as_of": "y"}, {"run_id": 1, "as_of": "y", "coverage": {}}):
        with pytest.raises(ValueError):
            trend_figures.history_entry(bad, CONCERNS)


# --- actions ---------------------------------------------------------------------------------


def _tables(crit=(("api", 3), ("web", 0)), fails=None, registries=None):
    tables = {"coverage": coverage_table(list(crit)),
              "compliance": compliance_table(fails if fails is not None else {"ECR.1": (5, "High"), "ECR.2": (7, "Medium")})}
    if registries is not None:
        tables["registries"] = registries
    return tables


def test_ranking_follows_the_documented_rule():
    doc = summary(pull_through={"uncached_references": 2, "uncached_saving_if_cached_monthly_usd": 26.0,
                                "net_saving_monthly_usd": 40.0})
    ranked = lead.rank_actions(doc, _tables(), CONCERNS)
    by_key = {a.key: a for a in ranked}
    # 3 critical findings x 10 points = 30; ECR.1: 5 x High 5 = 25; saving $26/month = 26;
    # ECR.2: 7 x Medium 1 = 7.
    assert by_key["critical_findings"].score == 30
    assert by_key["control_ecr-1"].score == 25
    assert by_key["pull_through_uncached"].score == 26
    assert by_key["control_ecr-2"].score == 7
    assert [a.key for a in ranked][:4] == ["critical_findings", "pull_through_uncached", "control_ecr-1",
                                           "control_ecr-2"]
    assert ranked[0].text == "Fix 3 open critical findings in 1 repository, first api (3)"
    assert by_key["pull_through_uncached"].text == \
        "Cache 2 upstream images pulled through NAT: saves $26.00/month"
    assert by_key["control_ecr-1"].text == \
        "Turn on scan on push for 5 repositories never scanned automatically (ECR.1)"
    assert by_key["control_ecr-1"].anchor == "control-ecr-1"
    assert by_key["pull_through_uncached"].anchor == "pull-through-uncached"


def test_ties_are_broken_by_key_and_order_is_stable():
    tables = _tables(crit=(), fails={"ECR.2": (5, "Medium"), "ECR.5": (5, "Medium")})
    ranked = lead.rank_actions(summary(lifecycle={}), tables, CONCERNS)
    assert [a.key for a in ranked] == ["control_ecr-2", "control_ecr-5"]
    assert lead.rank_actions(summary(lifecycle={}), tables, CONCERNS) == ranked


def test_lifecycle_action_frees_the_marginal_bytes_and_takes_over_ecr3():
    doc = summary(lifecycle={
        "reclaimable_bytes": 2 * 2**30, "reclaimable_monthly_usd": 0.2,
        "proposed": {"status": "evaluated", "apply_to": "without_policy", "repositories_applied": 34,
                     "source": "ecr-report built-in baseline", "reclaimable_bytes": 82 * 2**30,
                     "reclaimable_monthly_usd": 8.2,
                     "without_policy": {"reclaimable_bytes": 80 * 2**30, "reclaimable_monthly_usd": 8.0}}})
    ranked = lead.rank_actions(doc, _tables(crit=(), fails={"ECR.3": (30, "Medium")}), CONCERNS)
    assert [a.key for a in ranked] == ["lifecycle_proposed"]  # no separate ECR.3 action
    action = ranked[0]
    assert action.text == "Apply the baseline lifecycle policy to 34 repositories: frees 80.0 GiB, $8.00/month"
    assert action.score == pytest.approx(8.0 + 30 * 1)
    assert action.section == "lifecycle"


def test_a_cost_counts_against_the_risk_it_removes():
    doc = summary(inspector={"estimated_monthly_usd": 1.0, "scenarios": {
        "basic_to_enhanced_on_push": {"available": True, "change_usd": 20.0}}})
    ranked = lead.rank_actions(doc, _tables(crit=(), fails={"Inspector.2": (10, "High")}), CONCERNS)
    assert ranked[0].key == "control_inspector-2"
    assert ranked[0].monthly_usd == -20.0 and ranked[0].score == pytest.approx(50 - 20)
    assert ranked[0].text.endswith("(Inspector.2): costs $20.00/month")
    # A cost larger than the risk it removes is not proposed.
    doc["inspector"]["scenarios"]["basic_to_enhanced_on_push"]["change_usd"] = 80.0
    assert lead.rank_actions(doc, _tables(crit=(), fails={"Inspector.2": (10, "High")}), CONCERNS) == []


def test_inspector_savings_and_clair():
    registries = pd.DataFrame({"account_id": ["111122223333"], "region": ["us-east-1"],
                               "scan_type": ["BASIC"], "basic_scan_engine": ["CLAIR"]})
    doc = summary(inspector={"estimated_monthly_usd": 30.0, "scenarios": {
        "narrow_continuous": {"available": True, "change_usd": -1.15,
                              "label": "Continuous narrowed to prod*; others scan on push"},
        "rescan_days_14": {"available": True, "change_usd": -0.92},
        "rescan_days_60": {"available": True, "change_usd": 0.74}}})
    tables = _tables(crit=(("a", 0), ("b", 0)), fails={}, registries=registries)
    # The filters narrowed to are a parameter of the scenario label's fact, not read from its English.
    label = msg("Continuous narrowed to {filters}; others {then}", filters="prod*", then=msg("scan on push"))
    tables["inspector_scenarios"] = pd.DataFrame({"scenario": ["narrow_continuous"], "label_message": [fact_json(label)]})
    ranked = lead.rank_actions(doc, tables, CONCERNS)
    texts = {a.key: a.text for a in ranked}
    assert texts["inspector_narrow_continuous"] == "Narrow continuous scanning to prod*: saves $1.15/month"
    assert texts["inspector_rescan_duration"] == "Shorten Inspector's rescan duration to 14 days: saves $0.92/month"
    assert texts["clair_to_native"].startswith("Move 1 registry off the retired Clair engine")
    assert [a.key for a in ranked] == ["clair_to_native", "inspector_narrow_continuous", "inspector_rescan_duration"]


def test_concerns_not_computed_propose_nothing():
    doc = summary(sections_not_computed=["pull_through", "inspector", "lifecycle"],
                  pull_through={"uncached_references": 2, "uncached_saving_if_cached_monthly_usd": 26.0})
    keys = {a.key for a in lead.rank_actions(doc, _tables(), CONCERNS)}
    assert keys == {"critical_findings", "control_ecr-1", "control_ecr-2"}


def test_without_a_compliance_table_the_summary_counts_are_used_and_link_to_the_section():
    ranked = lead.rank_actions(summary(), {}, CONCERNS)
    assert {a.key: a.anchor for a in ranked} == {"control_ecr-1": "compliance", "control_ecr-2": "compliance"}


def test_leadership_top_five_and_table():
    doc = summary(pull_through={"uncached_references": 2, "uncached_saving_if_cached_monthly_usd": 26.0,
                                "stale_images": 3, "stale_monthly_usd": 0.5, "stale_bytes": 2**30,
                                "stale_days": 90})
    fails = {"ECR.1": (5, "High"), "ECR.2": (7, "Medium"), "ECR.5": (2, "Medium")}
    result = lead.build_leadership(doc, _tables(fails=fails), [], CONCERNS)
    assert [a["rank"] for a in result.actions] == [1, 2, 3, 4, 5]
    assert result.table["rank"].tolist() == list(range(1, len(result.table) + 1))
    assert result.table["shown"].tolist() == [True] * 5 + [False] * (len(result.table) - 5)
    assert list(result.table.columns) == list(lead.ACTION_COLUMNS)
    assert result.actions[0]["key"] == result.table["key"].iloc[0]
    assert lead.build_leadership(doc, _tables(fails=fails), [], CONCERNS).actions == result.actions  # pure
    assert any("risk points" in p for p in result.methodology)
    empty = lead.build_leadership(summary(coverage__open_findings={"critical": 0, "high": 0},
                                          compliance={"controls_failing": 0, "by_control": {}}),
                                  _tables(crit=(), fails={}), [], CONCERNS)
    assert empty.actions == [] and empty.table.empty
    assert list(empty.table.columns) == list(lead.ACTION_COLUMNS)
