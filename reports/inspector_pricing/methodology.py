"""The section's methodology paragraphs: what is billed, how each figure is modelled, where the
rescan rate and the prices come from."""

from __future__ import annotations

from ..sources import cite
from ..text import join, msg
from .model import INITIAL_ITEM, RESCAN_ITEM, Model, Rate


def methodology(model: Model, rates: dict[tuple[str, str], Rate]) -> tuple[str, ...]:
    """The section's methodology paragraphs, as `Text` (each registry list is a parameter of its own, so
    the report can cap it)."""
    o = model.options
    return (*_billing(o.initial_scan_push_window_days), *_calibration_and_settings(model, rates))


def _billing(window: int) -> tuple[str, ...]:
    """What Inspector bills, and how the model counts initial scans and monitored images."""
    return (
        msg("What is billed. Amazon Inspector bills ECR scanning per image: one initial scan when an "
            "image is pushed to a repository it scans (continuously or on push), and one rescan each "
            "time it re-scans a monitored image because a relevant new CVE was added; only "
            "continuously scanned repositories are rescanned (Inspector user guide, 'Monitoring Usage "
            "and Cost' and 'Scanning Amazon ECR container images' {pages}). Basic scanning is not priced "
            "here; third-party sources say it is free, which is UNCONFIRMED.",
            pages=cite("inspector-usage", "inspector-scanning-ecr")),
        msg("Initial scans per month are the eligible images pushed (or restored from the archive, "
            "which AWS says behave like newly pushed images) in the {window} days before the "
            "snapshot, scaled to 30 days. Only images still in the registry are visible, so images "
            "pushed and deleted in the window are missed and the figure can be low. Whether AWS bills "
            "a restored image as an initial scan or a rescan is UNCONFIRMED.", window=window),
        msg("Which images are monitored (rescanned). An image in a continuously scanned repository is "
            "monitored while its push date (or the date it was last restored from the archive) is "
            "within the push-date rescan duration, or its last-in-use date (or last pull date, per the "
            "pull-date rescan mode) is within the pull-date rescan duration (Inspector user guide, "
            "'Configuring the Amazon ECR re-scan duration' {page}). An age of exactly N days counts as within "
            "N days. Where Inspector has not run, last-in-use dates are unknown and the last pull "
            "date stands in for them. Multi-architecture images have no last-in-use tracking in AWS; "
            "the model cannot tell their per-platform images apart and may count some as in use.",
            page=cite("inspector-rescan-duration")),
        msg("Never billed: archived images and images whose restore is still in progress (Inspector "
            "scans ACTIVE images only), manifest lists (unsupported media type; their per-platform "
            "images are scanned instead), signatures, SBOMs and other non-image artifacts, and images "
            "Inspector itself reported as unsupported (operating system, media type or config file)."),
        msg("The monthly figure is a steady state: the number of images monitored today stands for the "
            "next 30 days, as new pushes replace images that age out. AWS projects its own estimate "
            "the same way ('as if any currently covered resources will remain covered' {page}).",
            page=cite("inspector-usage")),
    )


def _calibration_and_settings(model: Model, rates: dict[tuple[str, str], Rate]) -> tuple[str, ...]:
    """Where the rescan rate, the settings, the scenarios and the prices come from."""
    o = model.options
    calibrated = sorted(f"{a} · {r}" for (a, r), rate in rates.items() if rate.calibrated)
    defaulted = sorted(f"{a} · {r}" for (a, r), rate in rates.items() if not rate.calibrated)
    settings = join([msg("{registry}: {rescan_settings} ({settings_source})", registry=f"{a} · {r}",
                         rescan_settings=u.settings.describe(), settings_source=u.settings_source)
                     for (a, r), u in sorted(model.units.items())], "; ")
    none = msg("none")
    return (
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
