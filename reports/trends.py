"""The first page's headline figures, with their change since the previous run and their series
over the last runs. Pure: no clock, no files.

Inputs are this run's `summary` dict plus the history of earlier runs that `jobs/history.py` read
at run time and stored in the snapshot settings (`settings["history"]`), so a re-render shows the
trends as they were when the run was made. The foundation's figures are here; each concern names
its own (`Presentation.metrics`, `Presentation.figures`).
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import pandas as pd

from .concern import Concern, Metric
from .summary import block
from .text import msg

HISTORY_RUNS = 12
"""Earlier runs shown in the trends (plus this one)."""
TRENDS_METHOD = msg(
    "Changes and trend lines compare this run with the earlier complete runs kept in the same "
    "output directory: the last {runs} runs before this one (a run still being written, "
    "or one without a manifest, is not used; demo and real runs are not mixed). Their headline "
    "figures were read from their summary.json when this run was made and are stored in its "
    "snapshot, so re-rendering this run shows the trends as they were. A figure an earlier run "
    "did not compute (its section was not built, or its data could not be collected) is a gap "
    "in the line, not a zero.", runs=HISTORY_RUNS)


FOUNDATION_METRICS: tuple[Metric, ...] = (
    Metric("repositories_pct", "Repositories scanned", "pct", "up"),
    Metric("images_pct", "Images scanned", "pct", "up"),
    Metric("critical", "Open critical findings", "count", "down"),
    Metric("high", "Open high findings", "count", "down"),
    Metric("controls_failing", "Failing control checks", "count", "down"),
)


def metrics(concerns: Sequence[Concern]) -> tuple[Metric, ...]:
    """The first page's trend metrics: the foundation's, then each concern's, in order."""
    return FOUNDATION_METRICS + tuple(m for c in concerns for m in c.presentation.metrics)

# --- small helpers ---------------------------------------------------------------------------



def as_number(value: Any) -> float | int | None:
    """A finite number (an int stays an int), or None (missing, NaN, not a number, a bool)."""
    if value is None or isinstance(value, bool) or value is pd.NA:
        return None
    if isinstance(value, int) or (hasattr(value, "dtype") and getattr(value.dtype, "kind", "") in "iu"):
        return int(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _pct(part: Any, whole: Any) -> float | None:
    p, w = as_number(part), as_number(whole)
    return None if p is None or not w else round(100.0 * p / w, 1)


# Counted nouns of the action lines, as sentences' parameters (each said in the catalog's
# language; the English is `_plural`'s).


# --- headline figures ------------------------------------------------------------------------


def headline_figures(summary: Mapping[str, Any], concerns: Sequence[Concern]) -> dict[str, Any]:
    """The leadership figures of one summary.json (this run's, or an earlier run's).

    A figure is None when it was not measured: its concern is in `sections_not_computed`, or
    the key is absent (an older summary). Each concern's figures come from its own block
    (`Presentation.figures`).
    """
    skipped = set(summary.get("sections_not_computed") or ())
    cov = block(summary, "coverage")
    repos_pct = as_number(cov.get("repositories_pct"))
    if repos_pct is None:
        repos_pct = _pct(cov.get("repositories_scanned"), cov.get("repositories_total"))
    images_pct = as_number(cov.get("images_pct"))
    if images_pct is None:
        images_pct = _pct(cov.get("images_scanned"), cov.get("images_scannable"))
    findings = block(cov, "open_findings")
    compliance = block(summary, "compliance")
    figures: dict[str, Any] = {
        "repositories_pct": repos_pct,
        "images_pct": images_pct,
        "critical": as_number(findings.get("critical")),
        "high": as_number(findings.get("high")),
        "controls_failing": as_number(compliance.get("controls_failing")),
    }
    for concern in concerns:
        if concern.presentation.figures is None:
            continue
        own = concern.presentation.figures(block(summary, concern.key))
        figures.update({k: (None if concern.key in skipped else v) for k, v in own.items()})
    return figures


def history_entry(summary: Mapping[str, Any], concerns: Sequence[Concern]) -> dict[str, Any]:
    """What the trends keep of one earlier run's summary.json (JSON-safe).

    Raises ValueError for a summary this version cannot read (not an object, no run_id/as_of,
    no coverage block), so the caller can skip it and say why.
    """
    if not isinstance(summary, Mapping):
        raise ValueError("not a JSON object")
    run_id, as_of = summary.get("run_id"), summary.get("as_of")
    if not isinstance(run_id, str) or not isinstance(as_of, str):
        raise ValueError("no run_id/as_of")
    if not isinstance(summary.get("coverage"), Mapping):
        raise ValueError("no coverage block (older summary format)")
    completeness = summary.get("completeness")
    complete = completeness.get("complete") if isinstance(completeness, Mapping) else None
    if complete is None and isinstance(completeness, Mapping):
        complete = not completeness.get("errors")
    return {
        "run_id": run_id,
        "as_of": as_of,
        "demo": bool(summary.get("demo", False)),
        "complete": bool(complete) if complete is not None else None,
        "accounts": sorted(str(a) for a in (summary.get("accounts") or [])),
        "regions": sorted(str(r) for r in (summary.get("regions") or [])),
        "figures": headline_figures(summary, concerns),
    }


# --- trends ----------------------------------------------------------------------------------


def _direction(value: float | None, previous: float | None) -> tuple[float | None, str]:
    if value is None or previous is None:
        return None, "unknown"
    delta = value - previous
    if abs(delta) < 1e-9:
        return 0.0, "flat"
    return delta, ("up" if delta > 0 else "down")


def _judgement(metric: Metric, direction: str) -> str:
    if direction not in ("up", "down") or metric.better == "none":
        return "neutral"
    return "better" if direction == metric.better else "worse"


def build_trends(summary: Mapping[str, Any], history: Sequence[Mapping[str, Any]] | None,
                 concerns: Sequence[Concern]) -> dict[str, Any]:
    """Each headline figure with its change since the previous run and its series.

    `history`: earlier runs (oldest first, as `history_entry` returns them), or None when the
    run recorded no history (a run made before trends existed): then no change is claimed.
    """
    current = headline_figures(summary, concerns)
    recorded = history is not None
    past = [h for h in (history or []) if isinstance(h, Mapping)][-HISTORY_RUNS:]
    previous = past[-1] if past else None
    accounts = sorted(str(a) for a in (summary.get("accounts") or []))
    regions = sorted(str(r) for r in (summary.get("regions") or []))
    runs = [{"run_id": str(h.get("run_id")), "as_of": str(h.get("as_of")),
             "complete": h.get("complete")} for h in past]
    runs.append({"run_id": str(summary.get("run_id")), "as_of": str(summary.get("as_of")),
                 "complete": block(summary, "completeness").get("complete")})
    scope_changed = previous is not None and (
        list(previous.get("accounts") or []) != accounts
        or list(previous.get("regions") or []) != regions)
    return {
        "recorded": recorded,
        "first_run": recorded and previous is None,
        "previous": (None if previous is None else
                     {"run_id": str(previous.get("run_id")), "as_of": str(previous.get("as_of")),
                      "complete": previous.get("complete")}),
        "scope_changed": scope_changed,
        "runs": runs,
        **{key: current.get(key) for c in concerns for key in c.presentation.trend_figures},
        "metrics": {m.key: _trend(m, current, past, recorded) for m in metrics(concerns)},
    }


def _trend(metric: Metric, current: Mapping[str, Any], past: list[Mapping[str, Any]],
           recorded: bool) -> dict[str, Any]:
    """One metric: this run's value, the previous one, the change, and the series (oldest first)."""
    value = current.get(metric.key)
    series = []
    for h in past:
        figures = h.get("figures") or {}
        point = as_number(figures.get(metric.key))
        if metric.basis and figures.get(metric.basis) != current.get(metric.basis):
            point = None  # measured on another basis: not comparable
        series.append(point)
    series.append(value)
    prev = series[-2] if past else None
    delta, direction = _direction(value, prev)
    if not recorded:
        direction = "not recorded"
    elif not past:
        direction = "first run"
    entry = {"label": metric.label, "unit": metric.unit, "better": metric.better,
             "value": value, "previous": prev,
             "delta": None if delta is None else round(delta, 4),
             "direction": direction, "judgement": _judgement(metric, direction),
             "series": series}
    if metric.basis:
        entry["basis"] = current.get(metric.basis)
    return entry
