"""`analyse`: the concern's entry point. Builds the result tables, summary and methodology."""

from __future__ import annotations

from typing import Any

import pandas as pd

from .. import schema
from ..concern import AnalysisContext, ConcernResult
from ..text import join, msg
from . import rules
from .analysis import (
    IMAGE_COLUMNS,
    INSPECTOR_COLUMNS,
    INITIAL_ITEM,
    REPO,
    RESCAN_ITEM,
    SCENARIO_COLUMNS,
    Model,
    Outcome,
    RESULT_TABLES,
    Rate,
)
from .scenarios import build_scenarios, scenario_rows


def conform_result(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    return schema.conform(name, frame, RESULT_TABLES[name])


def analyse(ctx: AnalysisContext) -> ConcernResult:
    model = Model(ctx)
    setup = model.current()
    uncalibrated = model.evaluate(setup, {})
    rates, reconciliation = model.calibrate(uncalibrated)
    current = model.evaluate(setup, rates)
    scenarios = build_scenarios(model, rates)
    rows, _ = scenario_rows(model, scenarios, rates, current)

    tables = {
        "inspector": conform_result("inspector", _repository_table(model, current, rates)),
        "inspector_images": conform_result("inspector_images", _image_table(model, current)),
        "inspector_scenarios": conform_result("inspector_scenarios", pd.DataFrame(rows, columns=list(SCENARIO_COLUMNS))),
        "inspector_reconciliation": conform_result("inspector_reconciliation", reconciliation),
    }
    return ConcernResult(tables=tables, summary=_summary(current, tables),
                         notes=tuple(_notes(model, tables)), methodology=methodology(model, rates))


def _repository_table(model: Model, current: Outcome, rates: dict[tuple[str, str], Rate]) -> pd.DataFrame:
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
    out["rescans_month"] = out["monitored_images"] * out["rescans_per_image_month"]
    out["initial_scan_price_usd"] = [u.initial_price for u in units]
    out["rescan_price_usd"] = [u.rescan_price for u in units]
    out["initial_scan_monthly_usd"] = out["initial_scans_month"] * out["initial_scan_price_usd"]
    out["rescan_monthly_usd"] = out["rescans_month"] * out["rescan_price_usd"]
    out["monthly_usd"] = out["initial_scan_monthly_usd"] + out["rescan_monthly_usd"]
    out["price_status"] = [u.price_status for u in units]
    out["rescan_settings"] = [f"{u.settings.describe()} ({u.settings_source})" for u in units]
    out["partial"] = [u.partial for u in units]
    return out[list(INSPECTOR_COLUMNS)]


def _image_table(model: Model, current: Outcome) -> pd.DataFrame:
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


def _num(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), 2)


def _summary(current: Outcome, tables: dict[str, pd.DataFrame]) -> dict[str, Any]:
    recon = tables["inspector_reconciliation"]
    has_aws = recon["aws_estimated_monthly_usd"].notna()
    aws = float(recon.loc[has_aws, "aws_estimated_monthly_usd"].sum()) if has_aws.any() else None
    model_same = float(recon.loc[has_aws, "model_monthly_usd"].sum()) if has_aws.any() else None
    scen = tables["inspector_scenarios"]
    scenarios = {}
    for rec in scen.to_dict("records"):
        scenarios[str(rec["scenario"])] = {
            "label": str(rec["label"]), "available": bool(rec["available"]),
            "monthly_usd": _num(rec["monthly_usd"]), "change_usd": _num(rec["change_usd"]),
            "one_time_usd": _num(rec["one_time_usd"]),
            "monitored_images": None if pd.isna(rec["monitored_images"]) else int(rec["monitored_images"]),
        }
    return {
        "estimated_monthly_usd": round(current.monthly_usd, 2),
        "initial_scan_monthly_usd": round(current.initial_usd, 2),
        "rescan_monthly_usd": round(current.rescan_usd, 2),
        "monitored_images": int(current.monitored.sum()),
        "aws_estimated_monthly_usd": None if aws is None else round(aws, 2),
        "model_monthly_usd_where_aws_estimates": None if model_same is None else round(model_same, 2),
        "reconciliation_difference_usd": None if aws is None else round(model_same - aws, 2),
        "prices_status": "UNCONFIRMED",
        "scenarios": scenarios,
    }


def _notes(model: Model, tables: dict[str, pd.DataFrame]) -> list[str]:
    notes = []
    recon = tables["inspector_reconciliation"]
    failed = recon[recon["usage_status"] == "FAILED"]
    if len(failed):
        notes.append(msg("Inspector usage totals could not be read for {registries}: the rescan rate there is "
                         "the configured default and AWS's estimate is unknown.",
                         registries=", ".join(f"{a} · {r}" for a, r in zip(failed["account_id"], failed["region"]))))
    return notes


def methodology(model: Model, rates: dict[tuple[str, str], Rate]) -> tuple[str, ...]:
    """The section's methodology paragraphs, as `Text` (each registry list is a parameter of its own, so
    the report can cap it)."""
    o = model.options
    window = o.initial_scan_push_window_days
    calibrated = sorted(f"{a} · {r}" for (a, r), rate in rates.items() if rate.calibrated)
    defaulted = sorted(f"{a} · {r}" for (a, r), rate in rates.items() if not rate.calibrated)
    settings = join([msg("{registry}: {rescan_settings} ({settings_source})", registry=f"{a} · {r}",
                         rescan_settings=u.settings.describe(), settings_source=u.settings_source)
                     for (a, r), u in sorted(model.units.items())], "; ")
    none = msg("none")
    return (
        msg("What is billed. Amazon Inspector bills ECR scanning per image: one initial scan when an "
            "image is pushed to a repository it scans (continuously or on push), and one rescan each "
            "time it re-scans a monitored image because a relevant new CVE was added; only "
            "continuously scanned repositories are rescanned (Inspector user guide, 'Monitoring Usage "
            "and Cost' and 'Scanning Amazon ECR container images'). Basic scanning is not priced "
            "here; third-party sources say it is free, which is UNCONFIRMED."),
        msg("Initial scans per month are the eligible images pushed (or restored from the archive, "
            "which AWS says behave like newly pushed images) in the {window} days before the "
            "snapshot, scaled to 30 days. Only images still in the registry are visible, so images "
            "pushed and deleted in the window are missed and the figure can be low. Whether AWS bills "
            "a restored image as an initial scan or a rescan is UNCONFIRMED.", window=window),
        msg("Which images are monitored (rescanned). An image in a continuously scanned repository is "
            "monitored while its push date (or the date it was last restored from the archive) is "
            "within the push-date rescan duration, or its last-in-use date (or last pull date, per the "
            "pull-date rescan mode) is within the pull-date rescan duration (Inspector user guide, "
            "'Configuring the Amazon ECR re-scan duration'). An age of exactly N days counts as within "
            "N days. Where Inspector has not run, last-in-use dates are unknown and the last pull "
            "date stands in for them. Multi-architecture images have no last-in-use tracking in AWS; "
            "the model cannot tell their per-platform images apart and may count some as in use."),
        msg("Never billed: archived images and images whose restore is still in progress (Inspector "
            "scans ACTIVE images only), manifest lists (unsupported media type; their per-platform "
            "images are scanned instead), signatures, SBOMs and other non-image artifacts, and images "
            "Inspector itself reported as unsupported (operating system, media type or config file)."),
        msg("The monthly figure is a steady state: the number of images monitored today stands for the "
            "next 30 days, as new pushes replace images that age out. AWS projects its own estimate "
            "the same way ('as if any currently covered resources will remain covered')."),
        msg("Rescans per monitored image are calibrated per account and region from ListUsageTotals "
            "(ECR_RESCAN in the last 30 days divided by the images Inspector lists as ACTIVE in "
            "continuously scanned repositories, or by the modelled monitored images where the coverage "
            "list is not available). Calibrated in: {calibrated}. Where Inspector is off or its usage was "
            "not read, the configured default of {rate} rescans per monitored image per 30 days is used "
            "([inspector] default_rescans_per_image_month), an assumption, since AWS publishes no rate: "
            "{defaulted}.", calibrated=", ".join(calibrated) or none, rate=f"{o.default_rescans_per_image_month:g}",
            defaulted=", ".join(defaulted) or none),
        msg("Rescan settings per registry (GetConfiguration; where not collected, the documented "
            "defaults for accounts created on or after 16 May 2025: push date 14 days, last in use 14 "
            "days; older accounts defaulted to 90 days): {settings}.", settings=settings),
        msg("Reconciliation. The model's figure for each registry, computed on the same 30-day basis "
            "as AWS's usage totals, is shown beside the sum of AWS's estimatedMonthlyCost for "
            "ECR_INITIAL_SCAN and ECR_RESCAN from ListUsageTotals. Where the rescan rate is "
            "calibrated, the rescan part differs only by the gap between the modelled monitored images "
            "and Inspector's ACTIVE images, so the reconciliation mainly tests the push-rate model, "
            "the monitoring windows and the prices. AWS's figures are its own estimates, per region, "
            "rounded and without discounts."),
        msg("Scenarios change one setting each and keep everything else as collected: basic registries "
            "switched to enhanced with one '*' filter (continuous, or scan on push; the one-time "
            "figure is the activation scan of images pushed in the 14 days before the switch, per the "
            "current Inspector guide, which an older page gives as 30 days); continuous scanning kept "
            "only for repositories matching {filters} (the others: {others}); each push-date rescan "
            "duration the console offers (the API also accepts 3 and 7 days); and the proposed "
            "lifecycle policy applied first, when the lifecycle analysis provides it. Coverage: "
            "'monitored images' are rescanned as new CVEs appear; 'Inspector repositories' and "
            "'Inspector images' are what gains language-package (not only OS-package) findings.",
            filters=", ".join(o.narrow_continuous_filters) or msg("(no filters)"),
            others=msg("scan on push") if o.narrowed_repositories_to == "SCAN_ON_PUSH" else msg("off")),
        msg("Prices: {initial_item} and {rescan_item} per region, from the price table (Prices used, "
            "below). Both are UNCONFIRMED: the official Amazon Inspector pricing page could not be "
            "retrieved, and the figures come from dated third-party pages. A region without its own "
            "price uses us-east-1's, and says so. Override them with [[prices]] in the configuration.",
            initial_item=INITIAL_ITEM, rescan_item=RESCAN_ITEM),
    )
