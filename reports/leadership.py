"""The leadership view: the five actions worth the most money or risk, ranked, and the first
page's figures together (trends.py: the headline figures and their change since earlier runs).
Pure: no clock, no files.

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

from dataclasses import asdict, dataclass, field
from typing import Any, Mapping, Sequence

import pandas as pd

from .concern import Concern
from .formatting import fmt_int, fmt_usd_per_month, plural
from .summary import block
from .text import Text, as_text, counted, msg
from .trends import TRENDS_METHOD, as_number, build_trends

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
ACTION_COLUMNS = {
    "rank": "Int64", "key": "string", "action": "string", "figure": "string",
    "section": "string", "anchor": "string", "monthly_usd": "float64",
    "risk_points": "float64", "score": "float64", "why": "string", "shown": "boolean",
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
        return block(self.summary, key)


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
    compliance = block(summary, "compliance")
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
           + (f" - costs {fmt_usd_per_month(-usd)}" if usd < 0 else ""))
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
