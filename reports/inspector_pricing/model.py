"""The fleet model: images and repositories with the per-unit facts every scenario shares, one
scenario evaluated under the billing rules (`rules`), and the rescan rate calibrated from
`ListUsageTotals` (with the reconciliation against AWS's own estimate).

Pure; every age is measured from `ctx.as_of`, every price comes from `ctx.prices`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .. import schema
from ..concern import AnalysisContext
from ..text import Text, fact_json, msg
from . import rules
from .rules import CONTINUOUS, ON_PUSH, PERIOD_DAYS, RescanSettings
from .tables import COLLECTED, RECONCILIATION_COLUMNS, RESULT_TABLES, SNAPSHOT_TABLES

UNIT = ["account_id", "region"]
REPO = UNIT + ["repository_name"]
INITIAL_ITEM, RESCAN_ITEM = "inspector.ecr.initial_scan", "inspector.ecr.rescan"
PENDING_REASONS = frozenset({"PENDING_INITIAL_SCAN"})


# --- inputs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    default_rescans_per_image_month: float = 4.0
    initial_scan_push_window_days: int = 30
    narrow_continuous_filters: tuple[str, ...] = ("prod*",)
    narrowed_repositories_to: str = "SCAN_ON_PUSH"

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> "Settings":
        base = cls()
        return cls(
            default_rescans_per_image_month=float(raw.get("default_rescans_per_image_month",
                                                          base.default_rescans_per_image_month)),
            initial_scan_push_window_days=int(raw.get("initial_scan_push_window_days",
                                                      base.initial_scan_push_window_days)),
            narrow_continuous_filters=tuple(raw.get("narrow_continuous_filters",
                                                    base.narrow_continuous_filters)),
            narrowed_repositories_to=str(raw.get("narrowed_repositories_to",
                                                 base.narrowed_repositories_to)),
        )


NOT_COLLECTED = "NOT_COLLECTED"
"""Usage or configuration not called although Inspector is not known to be off: unknown."""
OFF_STATUSES = frozenset({"DISABLED", "SUSPENDED"})


def inspector_off(status: object) -> bool:
    """Inspector's ECR scanning is known to be off (BatchGetAccountStatus said so)."""
    return str(_opt(status) or "").upper() in OFF_STATUSES


@dataclass(frozen=True)
class Unit:
    account_id: str
    region: str
    scan_type: str | None
    inspector_ecr_status: str | None
    settings: RescanSettings
    settings_source: str
    initial_price: float
    rescan_price: float
    price_status: str
    partial: bool

    @property
    def settings_text(self) -> Text:
        """"push 14 days, last in use 14 days (GetConfiguration)": data/inspector.csv rescan_settings."""
        return msg("{rescan_settings} ({settings_source})", rescan_settings=self.settings.describe(),
                   settings_source=self.settings_source)


@dataclass(frozen=True)
class Rate:
    value: float
    source: str
    calibrated: bool


@dataclass(frozen=True)
class UsageEvidence:
    """One unit's side of the reconciliation: AWS's ECR usage lines and the model's counts."""

    status: str
    """ListUsageTotals: COLLECTED | FAILED | NOT_CALLED."""
    ecr_lines: Mapping[str, tuple[float, Any]]
    """ECR_INITIAL_SCAN / ECR_RESCAN -> (total, estimated monthly cost)."""
    model_monitored: int
    model_initial: float
    """Initial scans per 30 days."""
    active: int | None
    """Inspector's ACTIVE images in continuous repositories, where its coverage list was read."""


@dataclass(frozen=True, eq=False)
class Setup:
    """One scenario's inputs to the rules: per-repository Inspector frequency, per-unit rescan
    settings, images taken out (lifecycle) and repositories newly switched on."""

    repo_frequency: pd.Series
    """Indexed like the repository frame: CONTINUOUS_SCAN | SCAN_ON_PUSH | None."""
    settings: Mapping[tuple[str, str], RescanSettings]
    removed: np.ndarray | None = None
    switched_units: frozenset[tuple[str, str]] = field(default_factory=frozenset)


@dataclass(frozen=True, eq=False)
class Outcome:
    billing: rules.Billing
    image_frequency: np.ndarray
    repo_frequency: pd.Series
    monitored: np.ndarray
    initial_usd: float
    rescan_usd: float
    one_time_usd: float

    @property
    def monthly_usd(self) -> float:
        return self.initial_usd + self.rescan_usd


class Model:
    """The fleet's images and repositories, with the unit facts every scenario shares."""

    def __init__(self, ctx: AnalysisContext) -> None:
        t = ctx.tables
        self.as_of = ctx.as_of
        self.options = Settings.from_mapping(ctx.settings or {})
        self.window = float(self.options.initial_scan_push_window_days)
        registries = _table(t, "registries")
        coverage = _table(t, "coverage")
        self.repos = coverage[REPO + ["scan_type", "scan_frequency"]].drop_duplicates(REPO).reset_index(drop=True)
        images = _table(t, "images")
        self.images = rules.prepare_images(images, _table(t, "inspector_coverage"), registries)
        self.ins_coverage = _table(t, "inspector_coverage")
        self.registries = registries
        self.configuration = _table(t, "inspector_configuration")
        self.usage = _table(t, "inspector_usage")
        error_units = {(str(e.get("account", "")), str(e.get("region", ""))) for e in ctx.errors}
        self.units = self._units(ctx, error_units)
        # image -> repository row position
        pos = pd.Series(np.arange(len(self.repos)), index=pd.MultiIndex.from_frame(self.repos[REPO]))
        idx = pd.MultiIndex.from_frame(self.images[REPO])
        self.image_repo = pos.reindex(idx).to_numpy(dtype=float)
        self.repo_unit = list(zip(self.repos["account_id"].astype(str), self.repos["region"].astype(str)))
        self.unit_keys = list(self.units)
        self.image_codes = _positions(self.images, self.unit_keys)
        self.lifecycle = t.get("lifecycle_actions")

    def _units(self, ctx: AnalysisContext, error_units: set) -> dict[tuple[str, str], Unit]:
        reg = {(str(a), str(r)): (s, st) for a, r, s, st in self.registries.drop_duplicates(UNIT)[
            UNIT + ["scan_type", "inspector_ecr_status"]].itertuples(index=False)}
        conf = {(str(row.account_id), str(row.region)): row
                for row in self.configuration.drop_duplicates(UNIT).itertuples(index=False)}
        keys = sorted({(str(a), str(r)) for a, r in ctx.units} | set(reg)
                      | _unit_pairs(self.repos) | _unit_pairs(self.images))
        out = {}
        for key in keys:
            scan_type, status = reg.get(key, (None, None))
            row = conf.get(key)
            if row is not None and row.configuration_status == COLLECTED and _opt(row.rescan_duration):
                settings = RescanSettings(str(row.rescan_duration),
                                          str(_opt(row.pull_date_rescan_duration) or "DAYS_14"),
                                          str(_opt(row.pull_date_rescan_mode) or rules.LAST_IN_USE_AT))
                source = "GetConfiguration"
            else:
                settings = rules.DEFAULT_SETTINGS
                called = str(getattr(row, "configuration_status", ""))
                if called == "NOT_CALLED" and not inspector_off(status):
                    called = NOT_COLLECTED  # the unit's collection stopped before it: unknown
                why = {"FAILED": msg("GetConfiguration failed"), "NOT_CALLED": msg("Inspector ECR scanning off")}.get(
                    called, msg("not collected"))
                source = msg("documented defaults ({why})", why=why)
            initial = ctx.prices.get(INITIAL_ITEM, key[1])
            rescan = ctx.prices.get(RESCAN_ITEM, key[1])
            statuses = sorted({initial.status, rescan.status})
            status_text = "/".join(statuses) + (" (us-east-1 price used)" if initial.region_fallback
                                                 or rescan.region_fallback else "")
            out[key] = Unit(key[0], key[1], _opt(scan_type), _opt(status), settings, source,
                            initial.amount, rescan.amount, status_text, key in error_units)
        return out

    # --- scenario inputs ---------------------------------------------------------------

    def current_frequency(self) -> pd.Series:
        enhanced = self.repos["scan_type"].astype("string").fillna("") == "ENHANCED"
        freq = self.repos["scan_frequency"].astype("string").fillna("")
        out = np.where(enhanced & freq.isin([CONTINUOUS, ON_PUSH]), freq, None).astype(object)
        return pd.Series(out, index=self.repos.index, dtype=object)

    def current(self) -> Setup:
        return Setup(self.current_frequency(), {k: u.settings for k, u in self.units.items()})

    # --- evaluation --------------------------------------------------------------------

    def evaluate(self, setup: Setup, rates: Mapping[tuple[str, str], Rate]) -> Outcome:
        keys, codes = self.unit_keys, self.image_codes
        repo_freq = setup.repo_frequency.to_numpy(dtype=object)
        have_repo = ~np.isnan(self.image_repo)
        freq = np.full(len(self.images), None, dtype=object)
        freq[have_repo] = repo_freq[self.image_repo[have_repo].astype(int)]
        settings = [setup.settings.get(k, rules.DEFAULT_SETTINGS) for k in keys]
        per_unit = lambda values, dtype: np.array(values, dtype=dtype)[codes]  # noqa: E731
        push_days = per_unit([s.push_days for s in settings] or [0.0], float)
        pull_days = per_unit([s.pull_days for s in settings] or [0.0], float)
        mode = per_unit([s.pull_date_rescan_mode for s in settings] or [""], object)
        billing = rules.bill(self.images, freq, push_days, pull_days, mode, self.as_of, self.window)
        monitored = billing.monitored if setup.removed is None else billing.monitored & ~setup.removed
        initial_price = per_unit([self.units[k].initial_price for k in keys] or [0.0], float)
        rescan_cost = per_unit([self.units[k].rescan_price * (rates[k].value if k in rates else 0.0)
                                for k in keys] or [0.0], float)
        initial_usd = float((billing.initial * initial_price).sum() * PERIOD_DAYS / self.window)
        rescan_usd = float((monitored * rescan_cost).sum())
        one_time = 0.0
        if setup.switched_units:
            switched = per_unit([k in setup.switched_units for k in keys] or [False], bool)
            age = ((self.as_of - self.images["push_reference_at"]) / pd.Timedelta(days=1)).to_numpy(
                dtype=float, na_value=np.nan)
            fresh = billing.scanned & switched & (age >= 0) & (age <= rules.ACTIVATION_LOOKBACK_DAYS)
            one_time = float((fresh * initial_price).sum())
        return Outcome(billing, freq, setup.repo_frequency, monitored, initial_usd, rescan_usd, one_time)

    # --- calibration -------------------------------------------------------------------

    def calibrate(self, current: Outcome) -> tuple[dict[tuple[str, str], Rate], pd.DataFrame]:
        """Rescans per monitored image per 30 days, per unit, and the reconciliation frame."""
        rates: dict[tuple[str, str], Rate] = {}
        recon = []
        for key, evidence in self._usage_evidence(current).items():
            rate, note = self._rate(evidence)
            rates[key] = rate
            recon.append(self._reconciliation_row(key, evidence, rate, note))
        frame = pd.DataFrame(recon, columns=list(RECONCILIATION_COLUMNS))
        return rates, frame

    def _usage_evidence(self, current: Outcome) -> dict[tuple[str, str], "UsageEvidence"]:
        """Per unit, in `self.units` order: what AWS's usage totals and the model say."""
        usage = self.usage
        conf = {(str(r.account_id), str(r.region)): str(_opt(r.usage_status) or "NOT_CALLED")
                for r in self.configuration.drop_duplicates(UNIT).itertuples(index=False)}
        n_units = len(self.unit_keys)
        monitored_n = np.bincount(self.image_codes, weights=current.monitored, minlength=n_units)
        initial_n = np.bincount(self.image_codes, weights=current.billing.initial, minlength=n_units)
        monitored_by_unit = {k: int(monitored_n[i]) for i, k in enumerate(self.unit_keys)}
        initial_by_unit = {k: int(initial_n[i]) for i, k in enumerate(self.unit_keys)}
        active = self._inspector_active_continuous()
        collected = {(str(a), str(r)): bool(c) for a, r, c in self.registries.drop_duplicates(UNIT)[
            UNIT + ["inspector_coverage_collected"]].astype({"inspector_coverage_collected": "boolean"})
            .fillna({"inspector_coverage_collected": False}).itertuples(index=False)}
        lines = _own_usage_lines(usage)
        out = {}
        for key in self.units:
            by_type = lines.get(key, {})
            status = conf.get(key, "NOT_CALLED")
            if status == "NOT_CALLED" and not inspector_off(self.units[key].inspector_ecr_status):
                status = NOT_COLLECTED  # not skipped because Inspector is off: the unit stopped early
            out[key] = UsageEvidence(
                status=status,
                ecr_lines={k: v for k, v in by_type.items() if k in ("ECR_INITIAL_SCAN", "ECR_RESCAN")},
                model_monitored=monitored_by_unit.get(key, 0),
                model_initial=initial_by_unit.get(key, 0) * PERIOD_DAYS / self.window,
                active=active.get(key) if collected.get(key) else None)
        return out

    def _rate(self, evidence: "UsageEvidence") -> tuple[Rate, str]:
        """The unit's rescan rate (calibrated where AWS's usage allows) and the note on why not."""
        default = self.options.default_rescans_per_image_month
        rate = Rate(default, msg("configured default ({rate} per image per 30 days)", rate=f"{default:g}"), False)
        note = ""
        status, ecr_lines, active_n = evidence.status, evidence.ecr_lines, evidence.active
        if status == COLLECTED and "ECR_RESCAN" in ecr_lines:
            denominator = active_n if active_n else evidence.model_monitored
            basis = msg("Inspector's ACTIVE images") if active_n else msg("modelled monitored images")
            if denominator:
                value = ecr_lines["ECR_RESCAN"][0] / denominator
                rate = Rate(value, msg("calibrated: {rescans} rescans in 30 days / {images} {basis}",
                                       rescans=f"{ecr_lines['ECR_RESCAN'][0]:g}",
                                       images=f"{denominator:,}", basis=basis), True)
            else:
                note = msg("No monitored image to calibrate the rescan rate on; default used.")
        elif status == "FAILED":
            note = msg("ListUsageTotals failed: the rescan rate is the configured default and AWS's "
                       "estimate is unknown.")
        if status == COLLECTED and not ecr_lines:
            note = note or msg("AWS reports no ECR scanning usage in the last 30 days.")
        if status == "NOT_CALLED":
            note = note or msg("Inspector ECR scanning is not enabled here: nothing to reconcile.")
        if status == NOT_COLLECTED:
            note = note or msg("Inspector usage was not collected here (the registry's collection stopped "
                               "before it): AWS's estimate is unknown, not zero.")
        return rate, note

    def _reconciliation_row(self, key: tuple[str, str], evidence: "UsageEvidence", rate: Rate,
                            note: str) -> dict[str, Any]:
        unit, ecr_lines = self.units[key], evidence.ecr_lines
        model_rescans = evidence.model_monitored * rate.value
        model_usd = evidence.model_initial * unit.initial_price + model_rescans * unit.rescan_price
        has_aws = evidence.status == COLLECTED
        aws_usd = (sum(float(c) for _, c in ecr_lines.values() if not pd.isna(c)) if has_aws else None)
        diff = None if aws_usd is None else model_usd - aws_usd
        return {
            "account_id": key[0], "region": key[1],
            "inspector_ecr_status": unit.inspector_ecr_status, "usage_status": evidence.status,
            "model_initial_scans": evidence.model_initial,
            "aws_initial_scans": ecr_lines.get("ECR_INITIAL_SCAN", (None,))[0] if has_aws else None,
            "model_monitored_images": evidence.model_monitored, "inspector_active_images": evidence.active,
            "rescans_per_image_month": rate.value, "rescan_rate_source": rate.source,
            "rescan_rate_source_message": fact_json(rate.source),
            "model_rescans": model_rescans,
            "aws_rescans": ecr_lines.get("ECR_RESCAN", (None,))[0] if has_aws else None,
            "model_monthly_usd": model_usd, "aws_estimated_monthly_usd": aws_usd,
            "difference_usd": diff,
            "difference_pct": (None if diff is None or not aws_usd else 100.0 * diff / aws_usd),
            "note": note or None,
        }

    def _inspector_active_continuous(self) -> dict[tuple[str, str], int]:
        cov = self.ins_coverage
        images = cov[(cov["resource_type"] == "AWS_ECR_CONTAINER_IMAGE")
                     & (cov["scan_status_code"] == "ACTIVE")
                     & ~cov["scan_status_reason"].isin(list(PENDING_REASONS)).fillna(False)]
        freq = self.current_frequency()
        continuous = self.repos.loc[freq == CONTINUOUS, REPO]
        images = images.merge(continuous, on=REPO, how="inner")
        counts = images.drop_duplicates(REPO + ["image_digest"]).groupby(UNIT).size()
        out = {(str(a), str(r)): int(n) for (a, r), n in counts.items()}
        return out


def _table(tables: Mapping[str, pd.DataFrame], name: str) -> pd.DataFrame:
    frame = tables.get(name)
    if isinstance(frame, pd.DataFrame):
        return frame
    return schema.empty_frame(name, {**SNAPSHOT_TABLES, **RESULT_TABLES}.get(name))


def _opt(value: object) -> Any:
    return None if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)) else value


def _own_usage_lines(usage: pd.DataFrame) -> dict[tuple[str, str], dict[str, tuple[float, Any]]]:
    """Per (account, region): usage type -> (total, AWS's estimated monthly cost), from the
    lines an account reports for itself (a later line of a type replaces an earlier one).
    One pass over the table: filtering it once per unit grew with units x lines (0.3 s at 400
    registries, minutes at an organization of thousands)."""
    out: dict[tuple[str, str], dict[str, tuple[float, Any]]] = {}
    columns = zip(usage["account_id"].astype(str), usage["region"].astype(str),
                  usage["usage_account_id"].astype(str), usage["usage_type"], usage["total"],
                  usage["estimated_monthly_cost"])
    for account, region, usage_account, kind, total, cost in columns:
        if usage_account == account:
            out.setdefault((account, region), {})[str(kind)] = (float(total), cost)
    return out


def _unit_pairs(frame: pd.DataFrame) -> set[tuple[str, str]]:
    """The (account_id, region) pairs of `frame`, as text; one pair per distinct unit is made,
    not one per row (105k images: a tuple and two str each, all dropped again)."""
    pairs = frame[UNIT].drop_duplicates()
    return set(zip(pairs["account_id"].astype(str), pairs["region"].astype(str)))


def _positions(frame: pd.DataFrame, keys: list[tuple[str, str]]) -> np.ndarray:
    """For each row of `frame`, the position of its (account_id, region) in `keys` (every
    row's pair is one of them)."""
    if not len(frame):
        return np.zeros(0, dtype=int)
    rows = pd.MultiIndex.from_arrays([frame["account_id"].astype(str), frame["region"].astype(str)])
    positions = pd.MultiIndex.from_tuples(keys).get_indexer(rows)
    if (positions < 0).any():  # the caller's promise broken: fail as the dict lookup did
        raise KeyError(rows[int(np.argmax(positions < 0))])
    return positions.astype(int)
