"""The Inspector concern on the first page: its trend figure and its ranked actions."""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from ..concern import Metric
from ..formatting import fmt_usd, fmt_usd_per_month
from ..leadership import Action, ActionInput, control_action
from ..summary import block
from ..text import as_text, counted, from_fact_json, msg
from ..trends import as_number

METRICS = (Metric("inspector_monthly_usd", "Inspector / month", "usd", "none"),)


def figures(block: Mapping[str, Any]) -> dict[str, Any]:
    return {"inspector_monthly_usd": as_number(block.get("estimated_monthly_usd"))}


def actions(given: ActionInput) -> list[Action]:
    scenarios = block(given.block("inspector"), "scenarios")
    found = _scenario_actions(scenarios, _narrowed_to(given.tables.get("inspector_scenarios")))
    enable = _enable_action(scenarios, given.controls.get("Inspector.2"))
    return found + ([enable] if enable is not None else [])


def _narrowed_to(scenarios: pd.DataFrame | None) -> str:
    """The filters continuous scanning would be narrowed to: a parameter of the scenario's label
    fact (data/inspector_scenarios.csv `label_message`); "" when the scenario has none."""
    if scenarios is None or "label_message" not in scenarios:
        return ""
    rows = scenarios.loc[scenarios["scenario"] == "narrow_continuous", "label_message"]
    label = from_fact_json(rows.iloc[0]) if len(rows) else None
    return str(label.params.get("filters") or "") if label is not None else ""


def _enable_action(scenarios: Mapping[str, Any], info: Mapping[str, Any] | None) -> Action | None:
    """Inspector.2's action with what turning Inspector on would cost (the basic -> enhanced
    on-push scenario); without a cost, the foundation's plain control action stands."""
    scen = scenarios.get("basic_to_enhanced_on_push") or {}
    change = as_number(scen.get("change_usd")) if scen.get("available") else None
    if info is None or change is None or change <= 0:
        return None
    text = msg("Turn on Amazon Inspector for {repos} (Inspector.2): costs {usd}/month",
               repos=counted(info["failing"], "repository"), usd=fmt_usd(change, 2))
    return control_action("Inspector.2", info, text, -change, fixes=("Inspector.2",))


def _scenario_actions(scenarios: Mapping[str, Any], narrowed_to: str) -> list[Action]:
    out = []
    narrow = scenarios.get("narrow_continuous") or {}
    change = as_number(narrow.get("change_usd"))
    if narrow.get("available") and change is not None and change < 0:
        text = (msg("Narrow continuous scanning to {target}: saves {usd}/month", target=narrowed_to,
                    usd=fmt_usd(-change, 2)) if narrowed_to
                else msg("Narrow continuous scanning: saves {usd}/month", usd=fmt_usd(-change, 2)))
        out.append(Action("inspector_narrow_continuous", text,
                          fmt_usd_per_month(-change), "inspector", "inspector-scenarios-heading", -change, 0.0,
                          f"saves {fmt_usd_per_month(-change)}"))
    best: tuple[float, str, Mapping[str, Any]] | None = None
    for key, scen in sorted(scenarios.items()):
        if not key.startswith("rescan_") or not isinstance(scen, Mapping) or not scen.get("available"):
            continue
        change = as_number(scen.get("change_usd"))
        if change is not None and change < 0 and (best is None or change < best[0]):
            best = (change, key, scen)
    if best is not None:
        change, key, _ = best
        days = key.rsplit("_", 1)[-1]
        text = (msg("Shorten Inspector's rescan duration to {days} days: saves {usd}/month",
                    days=days, usd=fmt_usd(-change, 2)) if days.isdigit()
                else msg("Shorten Inspector's rescan duration ({label}): saves {usd}/month",
                         label=as_text(best[2].get("label")), usd=fmt_usd(-change, 2)))
        out.append(Action("inspector_rescan_duration", text,
                          fmt_usd_per_month(-change), "inspector", "inspector-scenarios-heading", -change, 0.0,
                          f"saves {fmt_usd_per_month(-change)}"))
    return out
