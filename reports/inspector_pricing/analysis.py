"""Inspector pricing exposure: today's modelled cost, AWS's own estimate beside it, what-ifs.

Pure: `analyse(AnalysisContext) -> ConcernResult`; every age is measured from `ctx.as_of`.
The fleet model and the calibration are in `model`, the per-image rules in `rules`, the what-ifs
in `scenarios`; this module runs them in order and writes the result tables, the headline
figures (`result`), the notes and the methodology.
"""

from __future__ import annotations

import pandas as pd

from .. import schema
from ..concern import AnalysisContext, ConcernResult
from ..text import fact_json, msg
from . import rules
from .methodology import methodology
from .model import REPO, Model, Outcome, Rate
from .result import InspectorResult
from .scenarios import build_scenarios, scenario_rows
from .tables import IMAGE_COLUMNS, INSPECTOR_COLUMNS, RESULT_TABLES, SCENARIO_COLUMNS


def analyse(ctx: AnalysisContext) -> ConcernResult:
    model = Model(ctx)
    setup = model.current()
    uncalibrated = model.evaluate(setup, {})
    rates, reconciliation = model.calibrate(uncalibrated)
    current = model.evaluate(setup, rates)
    scenarios = build_scenarios(model, rates)
    rows, _ = scenario_rows(model, scenarios, rates, current)

    tables = {
        "inspector": _conform("inspector", repository_table(model, current, rates)),
        "inspector_images": _conform("inspector_images", image_table(model, current)),
        "inspector_scenarios": _conform("inspector_scenarios", pd.DataFrame(rows, columns=list(SCENARIO_COLUMNS))),
        "inspector_reconciliation": _conform("inspector_reconciliation", reconciliation),
    }
    result = InspectorResult.from_tables(current, tables)
    return ConcernResult(tables=tables, headline=result,
                         notes=tuple(notes(tables)), methodology=methodology(model, rates))


def _conform(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    return schema.conform(name, frame, RESULT_TABLES[name])


def repository_table(model: Model, current: Outcome, rates: dict[tuple[str, str], Rate]) -> pd.DataFrame:
    images = model.images[REPO].assign(
        _eligible=model.images["excluded_reason"].isna().to_numpy(dtype=bool),
        _initial=current.billing.initial, _monitored=current.monitored)
    counts = images.groupby(REPO, sort=False).agg(
        images_eligible=("_eligible", "sum"), images_pushed_in_window=("_initial", "sum"),
        monitored_images=("_monitored", "sum")).reset_index()
    repos = model.repos.assign(inspector_frequency=current.repo_frequency.to_numpy(dtype=object))
    out = repos.merge(counts, on=REPO, how="left")
    for col in ("images_eligible", "images_pushed_in_window", "monitored_images"):
        out[col] = out[col].fillna(0).astype("int64")
    units = [model.units[(str(a), str(r))] for a, r in zip(out["account_id"], out["region"])]
    keys = [(u.account_id, u.region) for u in units]
    scale = rules.PERIOD_DAYS / model.window
    out["initial_scans_month"] = out["images_pushed_in_window"] * scale
    out["rescans_per_image_month"] = [rates[k].value for k in keys]
    out["rescan_rate_source"] = [rates[k].source for k in keys]
    out["rescan_rate_source_message"] = [fact_json(rates[k].source) for k in keys]
    out["rescans_month"] = out["monitored_images"] * out["rescans_per_image_month"]
    out["initial_scan_price_usd"] = [u.initial_price for u in units]
    out["rescan_price_usd"] = [u.rescan_price for u in units]
    out["initial_scan_monthly_usd"] = out["initial_scans_month"] * out["initial_scan_price_usd"]
    out["rescan_monthly_usd"] = out["rescans_month"] * out["rescan_price_usd"]
    out["monthly_usd"] = out["initial_scan_monthly_usd"] + out["rescan_monthly_usd"]
    out["price_status"] = [u.price_status for u in units]
    out["rescan_settings"] = [u.settings_text for u in units]
    out["rescan_settings_message"] = [fact_json(u.settings_text) for u in units]
    out["partial"] = [u.partial for u in units]
    return out[list(INSPECTOR_COLUMNS)]


def image_table(model: Model, current: Outcome) -> pd.DataFrame:
    b = current.billing
    img = model.images
    return pd.DataFrame({
        "account_id": img["account_id"], "region": img["region"],
        "repository_name": img["repository_name"], "image_digest": img["image_digest"],
        "inspector_frequency": current.image_frequency,
        "excluded_reason": img["excluded_reason"],
        "push_reference_at": img["push_reference_at"],
        "pull_reference_source": b.pull_reference_source,
        "initial_scan_in_window": b.initial, "monitored": current.monitored,
        "monitored_by": b.monitored_by,
    }, columns=list(IMAGE_COLUMNS))


def notes(tables: dict[str, pd.DataFrame]) -> list[str]:
    """The run's notes from this concern: registries whose usage totals could not be read."""
    out = []
    recon = tables["inspector_reconciliation"]
    failed = recon[recon["usage_status"] == "FAILED"]
    if len(failed):
        out.append(msg("Inspector usage totals could not be read for {registries}: the rescan rate there is "
                         "the configured default and AWS's estimate is unknown.",
                         registries=", ".join(f"{a} · {r}" for a, r in zip(failed["account_id"], failed["region"]))))
    return out

