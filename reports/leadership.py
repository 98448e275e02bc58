"""The leadership view: headline figures with their change since the previous run, trend series,
and the five actions worth the most money or risk, ranked. Pure: no clock, no files.

Inputs are this run's `summary` dict and result tables, plus the history of earlier runs that
`jobs/history.py` read at run time and stored in the snapshot settings (`settings["history"]`),
so a re-render shows the trends as they were when the run was made.

Ranking rule (`RANKING_RULE`, also in the report's methodology): every candidate action gets

    score = money per month (a saving counts positive, a cost negative)
            + RISK_USD_PER_POINT x risk points

where risk points are 10 per open critical finding the action addresses and, per repository
whose failing control it fixes, the control's Security Hub severity weight (Critical 10, High 5,
Medium 1, Low 0.5). A registry still on the retired Clair engine counts as a High failure for
each of its repositories (its scans have stopped). Actions are ranked by score, highest first
(ties by key); the five best are the "actions" of summary.json, all candidates are in
data/actions.csv.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Mapping, Sequence

import pandas as pd

from .concern import Concern, Metric
from .text import Text, as_text, counted, msg

HISTORY_RUNS = 12
"""Earlier runs shown in the trends (plus this one)."""
TOP_ACTIONS = 5
RISK_USD_PER_POINT = 1.0
"""One risk point ranks like one US dollar of monthly saving."""
CRITICAL_FINDING_POINTS = 10.0
SEVERITY_POINTS = {"CRITICAL": 10.0, "HIGH": 5.0, "MEDIUM": 1.0, "LOW": 0.5, "INFORMATIONAL": 0.0}
DEFAULT_SEVERITY = {"ECR.1": "High", "ECR.2": "Medium", "ECR.3": "Medium", "ECR.5": "Medium",
                    "Inspector.2": "High"}

RANKING_RULE = msg(
    "The actions on the first page are ranked by one score: money per month (a saving counts "
    "positive, a cost negative) plus risk points, one point ranking like $1.00 a month. Risk "
    "points are {points} per open critical finding an action addresses and, "
    "for each repository whose failing control it fixes, the control's Security Hub severity "
    "weight: Critical 10, High 5, Medium 1, Low 0.5. A registry still on the retired Clair "
    "engine counts as a High failure for each of its repositories, since its scans have "
    "stopped. Actions with a score of zero or less are not proposed; ties are broken by the "
    "action's key. The five highest are shown; every candidate, with its score and how it was "
    "computed, is in data/actions.csv. Savings are the monthly figures of the section each "
    "action links to, not additive across actions.", points=f"{CRITICAL_FINDING_POINTS:g}")
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

ACTION_COLUMNS = {
    "rank": "Int64", "key": "string", "action": "string", "figure": "string",
    "section": "string", "anchor": "string", "monthly_usd": "float64",
    "risk_points": "float64", "score": "float64", "why": "string", "shown": "boolean",
}


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


def _completeness(summary: Mapping[str, Any]) -> Mapping[str, Any]:
    found = summary.get("completeness")
    return found if isinstance(found, Mapping) else {}


def _pct(part: Any, whole: Any) -> float | None:
    p, w = as_number(part), as_number(whole)
    return None if p is None or not w else round(100.0 * p / w, 1)


# Formatting as reports/render/filters.py does it (the analysis does not import the renderer).


def _round(value: float, digits: int) -> Decimal:
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def fmt_int(value: Any) -> str:
    return f"{_round(float(value), 0):,.0f}"


def fmt_usd(value: float, digits: int = 2) -> str:
    rounded = _round(value, digits)
    text = f"${abs(rounded):,.{digits}f}"
    return ("\u2212" + text) if rounded < 0 else text


def fmt_bytes(value: float) -> str:
    units = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")
    index = 0
    while index < len(units) - 1 and abs(value) >= 1024 ** (index + 1):
        index += 1
    if index == 0:
        return f"{fmt_int(value)} B"
    return f"{_round(value / 1024 ** index, 1):,.1f} {units[index]}"


def plural(n: float, one: str, many: str | None = None) -> str:
    return f"{fmt_int(n)} {one if n == 1 else (many or one + 's')}"


def per_month(usd: float) -> str:
    return f"{fmt_usd(usd, 2)}/month"


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
    cov = summary.get("coverage") if isinstance(summary.get("coverage"), Mapping) else {}
    repos_pct = as_number(cov.get("repositories_pct"))
    if repos_pct is None:
        repos_pct = _pct(cov.get("repositories_scanned"), cov.get("repositories_total"))
    images_pct = as_number(cov.get("images_pct"))
    if images_pct is None:
        images_pct = _pct(cov.get("images_scanned"), cov.get("images_scannable"))
    findings = cov.get("open_findings") if isinstance(cov.get("open_findings"), Mapping) else {}
    compliance = summary.get("compliance") if isinstance(summary.get("compliance"), Mapping) else {}
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
        block = summary.get(concern.key)
        own = concern.presentation.figures(block if isinstance(block, Mapping) else {})
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
                 "complete": _completeness(summary).get("complete")})
    trend_metrics: dict[str, Any] = {}
    for metric in metrics(concerns):
        value = current.get(metric.key)
        series = []
        for h in past:
            figures = h.get("figures") or {}
            point = as_number(figures.get(metric.key))
            if metric.basis and figures.get(metric.basis) != current.get(metric.basis):
                point = None  # measured on another basis: not comparable
            series.append(point)
        series.append(value)
        prev = series[-2] if previous is not None else None
        delta, direction = _direction(value, prev)
        if not recorded:
            direction = "not recorded"
        elif previous is None:
            direction = "first run"
        entry = {"label": metric.label, "unit": metric.unit, "better": metric.better,
                 "value": value, "previous": prev,
                 "delta": None if delta is None else round(delta, 4),
                 "direction": direction, "judgement": _judgement(metric, direction),
                 "series": series}
        if metric.basis:
            entry["basis"] = current.get(metric.basis)
        trend_metrics[metric.key] = entry
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
        "metrics": trend_metrics,
    }


# --- actions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    key: str
    text: Text
    """One line, with its figure: "Cache 6 upstream images pulled through NAT: saves $233.51/month"."""
    figure: str
    """The figure alone, e.g. "$233.51/month" or "41 repositories"."""
    section: str
    """The report section holding the evidence (its id)."""
    anchor: str
    """The element id the line links to (the section or a heading/table inside it)."""
    monthly_usd: float
    """Money per month: a saving positive, a cost negative, 0 when the action is about risk."""
    risk_points: float
    why: str
    """How the score was computed, in words."""
    fixes: tuple[str, ...] = field(default=(), compare=False)
    """Controls this action fixes: their plain "fix the control" actions are not proposed
    beside it (e.g. applying the proposed lifecycle policy fixes ECR.3, with its saving)."""

    @property
    def score(self) -> float:
        return round(self.monthly_usd + RISK_USD_PER_POINT * self.risk_points, 4)

    def to_json(self, rank: int) -> dict[str, Any]:
        fields = {k: v for k, v in asdict(self).items() if k != "fixes"}
        return {"rank": rank, **fields, "monthly_usd": round(self.monthly_usd, 2),
                "risk_points": round(self.risk_points, 2), "score": round(self.score, 2)}


@dataclass(frozen=True)
class ActionInput:
    """What a concern's actions hook gets."""

    summary: Mapping[str, Any]
    """This run's summary.json so far (the concern's own block is `summary[concern.key]`)."""
    tables: Mapping[str, pd.DataFrame]
    controls: Mapping[str, Mapping[str, Any]]
    """Failing controls: control -> {failing, severity, title, registries[, no_table]}."""

    def block(self, key: str) -> Mapping[str, Any]:
        found = self.summary.get(key)
        return found if isinstance(found, Mapping) else {}


def severity_points(severity: Any) -> float:
    return SEVERITY_POINTS.get(str(severity or "MEDIUM").upper(), SEVERITY_POINTS["MEDIUM"])


def _failing_controls(summary: Mapping[str, Any], tables: Mapping[str, pd.DataFrame]) -> dict[str, dict[str, Any]]:
    """control -> {failing, severity, title, registries}: from the compliance table, else summary."""
    out: dict[str, dict[str, Any]] = {}
    comp = tables.get("compliance")
    if isinstance(comp, pd.DataFrame) and {"control_id", "status"} <= set(comp.columns):
        fails = comp[comp["status"] == "FAIL"]
        for control, rows in fails.groupby("control_id", sort=True):
            severity = rows["severity"].dropna() if "severity" in rows else pd.Series([], dtype=object)
            titles = rows["title"].dropna() if "title" in rows else pd.Series([], dtype=object)
            units = set(zip(rows["account_id"].astype(str), rows["region"].astype(str))) \
                if {"account_id", "region"} <= set(rows.columns) else set()
            out[str(control)] = {
                "failing": int(len(rows)),
                "severity": str(severity.iloc[0]) if len(severity) else DEFAULT_SEVERITY.get(str(control), "Medium"),
                "title": str(titles.iloc[0]) if len(titles) else str(control),
                "registries": len(units)}
        return out
    compliance = summary.get("compliance") if isinstance(summary.get("compliance"), Mapping) else {}
    for control, counts in sorted((compliance.get("by_control") or {}).items()):
        failing = as_number((counts or {}).get("FAIL")) or 0
        if failing:
            out[str(control)] = {"failing": int(failing), "severity": DEFAULT_SEVERITY.get(str(control), "Medium"),
                                 "title": str(control), "registries": 0, "no_table": True}
    return out


def _critical_action(tables: Mapping[str, pd.DataFrame]) -> Action | None:
    cov = tables.get("coverage")
    if not isinstance(cov, pd.DataFrame) or "critical" not in cov or not len(cov):
        return None
    crit = pd.to_numeric(cov["critical"], errors="coerce").fillna(0)
    hit = cov.assign(_crit=crit)[crit > 0]
    total = int(crit.sum())
    if not total:
        return None
    worst = hit.sort_values(["_crit", "account_id", "region", "repository_name"],
                            ascending=[False, True, True, True], kind="mergesort").iloc[0]
    findings = (msg("{n} open critical finding", n=fmt_int(total)) if total == 1
                else msg("{n} open critical findings", n=fmt_int(total)))
    return Action(
        "critical_findings",
        msg("Fix {findings} in {repos}, first {repo} ({worst})", findings=findings,
            repos=counted(len(hit), "repository"), repo=worst["repository_name"],
            worst=fmt_int(worst["_crit"])),
        f"{fmt_int(total)} critical", "coverage", "coverage-repositories", 0.0,
        total * CRITICAL_FINDING_POINTS,
        f"{fmt_int(total)} critical findings x {CRITICAL_FINDING_POINTS:g} points")


def _clair_action(tables: Mapping[str, pd.DataFrame]) -> Action | None:
    reg = tables.get("registries")
    if not isinstance(reg, pd.DataFrame) or "basic_scan_engine" not in reg or not len(reg):
        return None
    rows = reg[reg["basic_scan_engine"].fillna("") == "CLAIR"]
    if "scan_type" in rows:
        rows = rows[rows["scan_type"].fillna("BASIC") != "ENHANCED"]
    units = sorted(set(zip(rows["account_id"].astype(str), rows["region"].astype(str))))
    if not units:
        return None
    repos = 0
    cov = tables.get("coverage")
    if isinstance(cov, pd.DataFrame) and len(cov):
        keys = list(zip(cov["account_id"].astype(str), cov["region"].astype(str)))
        repos = sum(1 for k in keys if k in set(units))
    points = max(repos, 1) * SEVERITY_POINTS["HIGH"]
    return Action(
        "clair_to_native",
        msg("Move {registries} off the retired Clair engine to AWS_NATIVE scanning ({repos})",
            registries=counted(len(units), "registry"), repos=counted(repos, "repository")),
        plural(len(units), "registry", "registries"), "coverage", "coverage-registries", 0.0, points,
        f"{fmt_int(max(repos, 1))} repositories no longer scanned x High ({SEVERITY_POINTS['HIGH']:g} points)")


def control_action(control: str, info: Mapping[str, Any], text: Text, usd: float = 0.0,
                   fixes: tuple[str, ...] = ()) -> Action:
    """The action that fixes one failing control, scored by its failures' severity."""
    n = info["failing"]
    slug = control.lower().replace(".", "-")
    # The report has a heading per failing control only when it has the compliance table.
    anchor = "compliance" if info.get("no_table") else f"control-{slug}"
    why = (f"{fmt_int(n)} failures x {info['severity']} ({severity_points(info['severity']):g} points)"
           + (f" - costs {per_month(-usd)}" if usd < 0 else ""))
    return Action(f"control_{slug}", text, plural(n, "repository", "repositories"), "compliance",
                  anchor, usd, n * severity_points(info["severity"]), why, fixes)


def _control_text(control: str, info: Mapping[str, Any]) -> Text:
    many = counted(info["failing"], "repository")
    if control == "ECR.1":
        return msg("Turn on scan on push for {repos} never scanned automatically (ECR.1)", repos=many)
    if control == "ECR.2":
        return msg("Make image tags immutable in {repos} (ECR.2)", repos=many)
    if control == "ECR.3":
        return msg("Add a lifecycle policy to {repos} (ECR.3)", repos=many)
    if control == "ECR.5":
        return msg("Encrypt {repos} with a customer managed KMS key (ECR.5)", repos=many)
    if control == "Inspector.2":
        return msg("Turn on Amazon Inspector for {repos} (Inspector.2)", repos=many)
    return msg("Fix {control} ({title}) for {repos}", control=control,
               title=as_text(info["title"]), repos=many)


def rank_actions(summary: Mapping[str, Any], tables: Mapping[str, pd.DataFrame],
                 concerns: Sequence[Concern]) -> list[Action]:
    """Every candidate action with a positive score, best first (see RANKING_RULE).

    The foundation's (critical findings, Clair, one per failing control) and each computed
    concern's; a control fixed by a concern's action gets no action of its own."""
    skipped = set(summary.get("sections_not_computed") or ())
    controls = _failing_controls(summary, tables)
    given = ActionInput(summary, tables, controls)
    candidates: list[Action | None] = [_critical_action(tables), _clair_action(tables)]
    for concern in concerns:
        if concern.presentation.actions is not None and concern.key not in skipped:
            candidates.extend(concern.presentation.actions(given))
    fixed = {control for a in candidates if a is not None for control in a.fixes}
    candidates.extend(control_action(control, info, _control_text(control, info))
                      for control, info in sorted(controls.items()) if control not in fixed)
    found = [a for a in candidates if a is not None and a.score > 0]
    return sorted(found, key=lambda a: (-a.score, a.key))


def actions_frame(actions: Sequence[Action]) -> pd.DataFrame:
    rows = [{**a.to_json(rank), "action": a.text, "shown": rank <= TOP_ACTIONS}
            for rank, a in enumerate(actions, start=1)]
    frame = pd.DataFrame(rows, columns=[*ACTION_COLUMNS, "text"]).drop(columns=["text"])
    if frame.empty:
        return pd.DataFrame({c: pd.Series(dtype=d) for c, d in ACTION_COLUMNS.items()})
    return frame.astype(ACTION_COLUMNS)


# --- all together ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Leadership:
    trends: dict[str, Any]
    actions: list[dict[str, Any]]
    """The top five, JSON-safe, ranked."""
    table: pd.DataFrame
    """Every candidate (data/actions.csv)."""
    methodology: tuple[str, ...]


def build_leadership(summary: Mapping[str, Any], tables: Mapping[str, pd.DataFrame],
                     history: Sequence[Mapping[str, Any]] | None,
                     concerns: Sequence[Concern]) -> Leadership:
    ranked = rank_actions(summary, tables, concerns)
    return Leadership(
        trends=build_trends(summary, history, concerns),
        actions=[a.to_json(rank) for rank, a in enumerate(ranked[:TOP_ACTIONS], start=1)],
        table=actions_frame(ranked),
        methodology=(TRENDS_METHOD, RANKING_RULE),
    )
