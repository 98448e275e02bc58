"""Registry scanning filters and effective scan settings (aws-facts.md §2.3, §2.4)."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecr_report.reports.scanfilters import (
    SOURCE_LEGACY,
    SOURCE_UNKNOWN,
    EffectiveScan,
    effective_scan_setting,
    filter_matches,
)

# The official table from "Filters to choose which repositories are scanned" [SCAN-FILT] §2.3:
# rows are filters, columns repository names.
REPOS = ("prod", "repo-prod", "prod-repo", "repo-prod-repo", "prodrepo")
OFFICIAL_TABLE = {
    "prod": (True, True, True, True, True),
    "*prod": (True, True, False, False, False),
    "prod*": (True, False, True, False, True),
    "*prod*": (True, True, True, True, True),
    "prod*repo": (False, False, True, False, True),
}
CELLS = [(f, r, want) for f, row in OFFICIAL_TABLE.items() for r, want in zip(REPOS, row)]


@pytest.mark.parametrize(("filter_text", "repository", "expected"), CELLS)
def test_official_filter_table(filter_text: str, repository: str, expected: bool) -> None:
    assert filter_matches(filter_text, repository) is expected


def test_official_table_has_every_cell() -> None:
    assert len(CELLS) == 25


@pytest.mark.parametrize(
    ("filter_text", "repository", "expected"),
    [
        ("*", "anything/at-all", True),
        ("*", "", True),
        ("**", "x", True),
        ("team/*/api", "team/payments/api", True),
        ("team/*/api", "team/payments/api-v2", False),  # anchored at the end
        ("a*b*c", "a-b-c", True),
        ("a*b*c", "abc", True),  # each * may be empty
        ("a*b*c", "a-c-b", False),
        ("*a*b*", "xxaxxbxx", True),
        # regex metacharacters are literal
        ("team.app", "teamxapp", False),
        ("team.app", "my-team.app", True),
        ("team.*", "teamxapp", False),
        ("team.*", "team.app", True),
        ("a+b", "aab", False),
        ("a+b*", "a+bc", True),
        ("(x)", "y(x)z", True),
        ("[ab]*", "a", False),
        ("prod", "PROD", False),  # case-sensitive, as names are lower case
    ],
)
def test_wildcard_edge_cases(filter_text: str, repository: str, expected: bool) -> None:
    assert filter_matches(filter_text, repository) is expected


NAME_CHARS = st.text(alphabet="abcz019._-/+()[]?\\^$|{}", max_size=12)
NO_STAR = NAME_CHARS.filter(lambda s: "*" not in s)


@given(NO_STAR.filter(bool), NAME_CHARS)
def test_filter_without_star_is_containment(filter_text: str, name: str) -> None:
    assert filter_matches(filter_text, name) is (filter_text in name)


@given(NO_STAR, NAME_CHARS)
def test_star_x_star_is_containment(x: str, name: str) -> None:
    assert filter_matches(f"*{x}*", name) is (x in name)


@given(NO_STAR, NAME_CHARS)
def test_prefix_and_suffix_wildcards(x: str, name: str) -> None:
    assert filter_matches(f"{x}*", name) is name.startswith(x)
    assert filter_matches(f"*{x}", name) is name.endswith(x)


@given(NAME_CHARS)
def test_literal_filter_matches_itself(name: str) -> None:
    assert filter_matches(name, name)


@given(NO_STAR, NO_STAR, NAME_CHARS)
def test_inner_star_needs_prefix_and_suffix(a: str, b: str, name: str) -> None:
    expected = len(name) >= len(a) + len(b) and name.startswith(a) and name.endswith(b)
    assert filter_matches(f"{a}*{b}", name) is expected


# --- effective scan setting ---------------------------------------------------------------


def test_enhanced_continuous_wins_over_scan_on_push() -> None:
    rules = [("SCAN_ON_PUSH", "prod"), ("CONTINUOUS_SCAN", "*-prod")]
    eff = effective_scan_setting("ENHANCED", rules, "api-prod", False)
    assert eff == EffectiveScan("CONTINUOUS_SCAN", "registry CONTINUOUS_SCAN rule, filter '*-prod'", "*-prod", True)


def test_enhanced_scan_on_push_only() -> None:
    rules = [("SCAN_ON_PUSH", "prod"), ("CONTINUOUS_SCAN", "*-prod")]
    eff = effective_scan_setting("ENHANCED", rules, "prod-api", False)
    assert (eff.scan_frequency, eff.matched_filter, eff.automatically_scanned) == ("SCAN_ON_PUSH", "prod", True)


def test_enhanced_contains_semantics() -> None:
    eff = effective_scan_setting("ENHANCED", [("CONTINUOUS_SCAN", "pay")], "team/payments", None)
    assert eff.scan_frequency == "CONTINUOUS_SCAN"


def test_enhanced_no_match_is_not_scanned_and_ignores_legacy_flag() -> None:
    eff = effective_scan_setting("ENHANCED", [("CONTINUOUS_SCAN", "prod*")], "dev-api", True)
    assert eff.scan_frequency == "MANUAL"
    assert eff.automatically_scanned is False
    assert eff.matched_filter is None
    assert "scanning disabled" in eff.frequency_source
    assert "does not apply to enhanced scanning" in eff.frequency_source


def test_basic_filter_match() -> None:
    eff = effective_scan_setting("BASIC", [("SCAN_ON_PUSH", "*")], "anything", False)
    assert (eff.scan_frequency, eff.matched_filter, eff.automatically_scanned) == ("SCAN_ON_PUSH", "*", True)


def test_basic_filter_wins_over_legacy_flag_in_source() -> None:
    eff = effective_scan_setting("BASIC", [("SCAN_ON_PUSH", "api")], "api", True)
    assert eff.matched_filter == "api"


def test_basic_legacy_scan_on_push_counts_only_without_registry_rules() -> None:
    eff = effective_scan_setting("BASIC", [], "dev-api", True)
    assert eff == EffectiveScan("SCAN_ON_PUSH", SOURCE_LEGACY, None, True)


def test_basic_legacy_scan_on_push_is_overridden_by_registry_filters() -> None:
    # "Any repositories not matching a basic scanning scan on push filter will be set to the
    # manual scan frequency" [SCAN-FILT]: the old flag is reported, not counted.
    eff = effective_scan_setting("BASIC", [("SCAN_ON_PUSH", "prod")], "dev-api", True)
    assert (eff.scan_frequency, eff.automatically_scanned) == ("MANUAL", False)
    assert "deprecated scanOnPush=true does not apply" in eff.frequency_source


@pytest.mark.parametrize("flag", [False, None, pd.NA])
def test_basic_default_manual(flag: object) -> None:
    eff = effective_scan_setting("BASIC", [], "dev-api", flag)  # type: ignore[arg-type]
    assert (eff.scan_frequency, eff.automatically_scanned) == ("MANUAL", False)


def test_basic_ignores_continuous_rules() -> None:
    # BASIC supports SCAN_ON_PUSH only (§2.3); a continuous rule cannot apply.
    eff = effective_scan_setting("BASIC", [("CONTINUOUS_SCAN", "*")], "api", False)
    assert eff.scan_frequency == "MANUAL"


@pytest.mark.parametrize("scan_type", [None, pd.NA, "SOMETHING_NEW"])
def test_unknown_scan_type(scan_type: object) -> None:
    eff = effective_scan_setting(scan_type, [("SCAN_ON_PUSH", "*")], "api", True)  # type: ignore[arg-type]
    assert eff == EffectiveScan(None, SOURCE_UNKNOWN, None, None)


def test_first_matching_filter_in_rule_order() -> None:
    rules = [("SCAN_ON_PUSH", "zzz"), ("SCAN_ON_PUSH", "api"), ("SCAN_ON_PUSH", "a*")]
    assert effective_scan_setting("BASIC", rules, "api", False).matched_filter == "api"
