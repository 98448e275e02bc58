"""What-if scenarios: the same rules under other settings, each priced and compared to today.

Every scenario changes one thing and keeps the rest as collected:

* `basic_to_enhanced_continuous` / `basic_to_enhanced_on_push`: every BASIC registry switched to
  enhanced scanning with one filter `*` (continuous, or scan on push); enhanced registries as
  they are. The one-time figure is the activation scan of images pushed in the 14 days before
  the switch (src: inspector-scanning-ecr).
* `narrow_continuous`: in enhanced registries, continuous scanning kept only for repositories
  that are continuous today *and* match a configured filter (narrowing never widens); the others
  get scan on push (or nothing, per `narrowed_repositories_to`).
* `rescan_<DURATION>`: the push-date rescan duration of every enhanced registry set to one
  option; pull-date duration and mode as they are.
* `lifecycle_proposed`: the proposed lifecycle policy applied first (lifecycle concern's
  `lifecycle_actions`, scenario 'proposed'): expired images are gone and archived ones are not
  scanned; pushes, so initial scans, are unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..scanfilters import filter_matches
from ..sources import cite
from ..text import fact_json, join, msg
from . import rules
from .model import REPO, Model, Outcome, Rate, Setup
from .rules import CONTINUOUS, ON_PUSH


@dataclass(frozen=True)
class Scenario:
    key: str
    label: str
    setup: Setup | None
    unavailable_reason: str = ""
    notes: tuple[str, ...] = ()


def build_scenarios(model: Model, rates: dict[tuple[str, str], Rate]) -> list[Scenario]:
    out = [Scenario("current", msg("Today's settings"), model.current())]
    out.extend(_basic_to_enhanced(model, rates))
    out.append(_narrow(model))
    out.extend(_rescan_durations(model))
    out.append(_lifecycle(model))
    return out


def _label_units(units: list[tuple[str, str]]) -> str:
    return ", ".join(f"{a} · {r}" for a, r in units)


def _basic_to_enhanced(model: Model, rates: dict[tuple[str, str], Rate]) -> list[Scenario]:
    basic = sorted(k for k, u in model.units.items() if u.scan_type == "BASIC")
    labels = (("basic_to_enhanced_continuous", msg("Basic registries switched to enhanced, continuous everywhere"),
               CONTINUOUS),
              ("basic_to_enhanced_on_push", msg("Basic registries switched to enhanced, scan on push only"), ON_PUSH))
    if not basic:
        return [Scenario(k, label, None, msg("no registry uses basic scanning")) for k, label, _ in labels]
    in_basic = np.array([u in set(basic) for u in model.repo_unit], dtype=bool)
    notes = [msg("Switched: {units}.", units=_label_units(basic))]
    off = [k for k in basic if model.units[k].inspector_ecr_status != "ENABLED"]
    if off:
        notes.append(msg("Inspector ECR scanning is off in {units}: an account that never activated it gets a "
                         "15-day free trial {usage}, which these figures ignore (the API cannot say "
                         "whether it ever did).", units=_label_units(off), usage=cite("inspector-usage")))
    defaults = [k for k in basic if not rates[k].calibrated]
    if defaults:
        notes.append(msg("Rescans there: the configured default, {rate} per monitored image per 30 days.",
                         rate=f"{model.options.default_rescans_per_image_month:g}"))
    no_in_use = [k for k in basic if model.units[k].settings.pull_date_rescan_mode == rules.LAST_IN_USE_AT]
    if no_in_use:
        notes.append(msg("Last pull dates stand in for the unknown last-in-use dates."))
    out = []
    for key, label, frequency in labels:
        freq = model.current_frequency().copy()
        freq[in_basic] = frequency
        these = (notes if frequency == CONTINUOUS else
                 [msg("Initial scans only, no rescans.")])
        out.append(Scenario(key, label, Setup(freq, {k: u.settings for k, u in model.units.items()},
                                              switched_units=frozenset(basic)),
                            notes=tuple(these)))
    return out


def _narrow(model: Model) -> Scenario:
    filters = tuple(model.options.narrow_continuous_filters)
    to = model.options.narrowed_repositories_to
    label = (msg("Continuous narrowed to {filters}", filters=", ".join(filters)) if filters
             else msg("Continuous narrowed"))
    if not filters:
        return Scenario("narrow_continuous", label, None,
                        msg("no filters configured ([inspector] narrow_continuous_filters)"))
    freq = model.current_frequency().copy()
    if not (freq == CONTINUOUS).any():
        return Scenario("narrow_continuous", label, None, msg("no repository is scanned continuously today"))
    names = model.repos["repository_name"].astype(str)
    keep = np.array([any(filter_matches(f, n) for f in filters) for n in names], dtype=bool)
    dropped = (freq == CONTINUOUS).to_numpy() & ~keep
    freq[dropped] = ON_PUSH if to == "SCAN_ON_PUSH" else None
    then = msg("scan on push") if to == "SCAN_ON_PUSH" else msg("no enhanced scanning")
    return Scenario("narrow_continuous",
                    msg("Continuous narrowed to {filters}; others {then}", filters=", ".join(filters), then=then),
                    Setup(freq, {k: u.settings for k, u in model.units.items()}),
                    notes=(msg("{count} continuous repositories match none of the filters and move to {then}.",
                               count=int(dropped.sum()), then=then),))


def _rescan_durations(model: Model) -> list[Scenario]:
    enhanced = sorted(k for k, u in model.units.items() if u.scan_type == "ENHANCED")
    current = {model.units[k].settings.rescan_duration for k in enhanced}
    out = []
    for option in rules.CONSOLE_DURATIONS:
        duration = rules.duration_label(option)
        label = msg("Rescan duration (push date) {duration}", duration=duration)
        key = f"rescan_{option.lower()}"
        if not enhanced:
            out.append(Scenario(key, label, None, msg("no registry uses enhanced scanning")))
            continue
        if current == {option}:
            label = msg("Rescan duration (push date) {duration} (today's setting)", duration=duration)
        settings = {k: (u.settings if k not in enhanced else
                        rules.RescanSettings(option, u.settings.pull_date_rescan_duration,
                                             u.settings.pull_date_rescan_mode))
                    for k, u in model.units.items()}
        notes = (msg("Steady state; images already inactive stay inactive after a raise {duration}, so "
                     "the first month costs less.", duration=cite("inspector-rescan-duration")),)
        out.append(Scenario(key, label, Setup(model.current_frequency(), settings), notes=notes))
    return out


def _lifecycle(model: Model) -> Scenario:
    key, label = "lifecycle_proposed", msg("Proposed lifecycle policy applied first")
    actions = model.lifecycle
    if not isinstance(actions, pd.DataFrame):
        return Scenario(key, label, None, msg("the lifecycle analysis is not part of this run"))
    proposed = actions[actions["scenario"].astype(str) == "proposed"] if "scenario" in actions else actions.iloc[:0]
    if not len(proposed):
        return Scenario(key, label, None,
                        msg("no proposed lifecycle policy was evaluated ([lifecycle] proposed_policy)"))
    gone = proposed[REPO + ["image_digest"]].astype(str).drop_duplicates()
    keys = pd.MultiIndex.from_frame(gone)
    idx = pd.MultiIndex.from_frame(model.images[REPO + ["image_digest"]].astype(str))
    removed = idx.isin(keys)
    counts = proposed["action"].astype(str).value_counts()
    return Scenario(key, label, Setup(model.current_frequency(), {k: u.settings for k, u in model.units.items()},
                                      removed=np.asarray(removed, dtype=bool)),
                    notes=(msg("Across all registries the proposed policy expires {expired} and archives {archived} "
                               "images; neither is rescanned. Pushes, and so initial scans, are unchanged.",
                               expired=f"{int(counts.get('EXPIRE', 0)):,}",
                               archived=f"{int(counts.get('TRANSITION', 0)):,}"),))


def scenario_rows(model: Model, scenarios: list[Scenario], rates: dict[tuple[str, str], Rate],
                  current: Outcome) -> tuple[list[dict[str, Any]], dict[str, Outcome]]:
    base = _metrics(current, None)
    rows, outcomes = [], {}
    for sc in scenarios:
        row: dict[str, Any] = {"scenario": sc.key, "label": sc.label, "label_message": fact_json(sc.label),
                               "available": sc.setup is not None,
                               "unavailable_reason": sc.unavailable_reason or None,
                               "notes": " ".join(sc.notes) or None,
                               "notes_message": fact_json(join(sc.notes)) if sc.notes else None}
        if sc.setup is None:
            rows.append(row)
            continue
        outcome = current if sc.key == "current" else model.evaluate(sc.setup, rates)
        outcomes[sc.key] = outcome
        m = _metrics(outcome, sc.setup.removed)
        change = outcome.monthly_usd - current.monthly_usd
        row.update({
            "monthly_usd": outcome.monthly_usd, "initial_scan_monthly_usd": outcome.initial_usd,
            "rescan_monthly_usd": outcome.rescan_usd, "change_usd": change,
            "change_pct": (100.0 * change / current.monthly_usd) if current.monthly_usd else None,
            "one_time_usd": outcome.one_time_usd,
        })
        for name, value in m.items():
            row[name] = value
            row[f"{name}_change"] = value - base[name]
        rows.append(row)
    return rows, outcomes


def _metrics(outcome: Outcome, removed: np.ndarray | None) -> dict[str, int]:
    freq = outcome.repo_frequency
    scanned = outcome.billing.scanned if removed is None else outcome.billing.scanned & ~removed
    return {
        "monitored_images": int(outcome.monitored.sum()),
        "continuous_repositories": int((freq == CONTINUOUS).sum()),
        "inspector_repositories": int(freq.isin([CONTINUOUS, ON_PUSH]).sum()),
        "inspector_images": int(scanned.sum()),
    }
