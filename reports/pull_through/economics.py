"""Per cached repository: its storage against the NAT processing its pulls avoid (the model in
`analysis`'s docstring), and its stale images; per rule, the rows of data/pull_through.csv."""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..imagekinds import is_manifest_list, is_referrer
from ..prices import GB
from .inputs import DAYS_PER_MONTH, Fleet, Settings, Unit, UnitNetwork, matches_prefix, none_if_missing


def template_for(templates: pd.DataFrame, prefix: str) -> tuple[str, bool] | None:
    """The PULL_THROUGH_CACHE creation template a new cached repository under `prefix` gets."""
    if not len(templates):
        return None
    usable = templates[templates["applies_to_pull_through"].fillna(False).astype(bool)]
    for candidate in (prefix, "ROOT"):
        hit = usable[usable["prefix"] == candidate]
        if len(hit):
            return candidate, bool(hit.iloc[0]["has_lifecycle_policy"])
    return None


def storage_mask(imgs: pd.DataFrame) -> np.ndarray:
    return ~is_manifest_list(imgs)


def repository_row(base: dict[str, Any], name: str, imgs: pd.DataFrame, pull: Mapping[str, Any] | None,
                   metrics_failed: bool, net: UnitNetwork, settings: Settings, std: float,
                   archive: float, as_of: pd.Timestamp) -> dict[str, Any]:
    """One cached repository's row of data/pull_through.csv (scan and policy columns aside)."""
    reuse = float(settings.layer_reuse_fraction)
    stored_bytes, storage, n_images, bytes_per_pull, last_pull = _image_figures(imgs, settings, std, archive,
                                                                                as_of)
    pulls_window, window_days, notes = _pull_figures(pull, metrics_failed, settings)
    partial = bool(notes)
    if not net.known:
        partial = True
        notes.append("network topology not collected")
    pulls_monthly = None if pulls_window is None else pulls_window / window_days * DAYS_PER_MONTH
    pulled_gb = (None if pulls_monthly is None or bytes_per_pull is None
                 else pulls_monthly * bytes_per_pull * (1 - reuse) / GB)
    if pulls_monthly == 0:
        pulled_gb = 0.0
    nat_avoided = None if pulled_gb is None or not net.known else pulled_gb * net.nat_rate
    endpoint_data = None if pulled_gb is None or not net.known else pulled_gb * net.endpoint_rate
    net_saving = None if nat_avoided is None else nat_avoided - endpoint_data - storage
    per_pull = (None if bytes_per_pull is None or not net.known
                else bytes_per_pull * (1 - reuse) / GB * (net.nat_rate - net.endpoint_rate))
    break_even = None
    if per_pull and per_pull > 0 and n_images:
        break_even = (storage / n_images) / per_pull
    if net.known and net.saving_share == 0:
        notes.append("no VPC here where the cache avoids NAT processing")
    return {
        **base, "repository_name": name, "images": int(n_images), "stored_bytes": stored_bytes,
        "storage_monthly_usd": storage, "pulls_window": pulls_window, "window_days": window_days,
        "pulls_monthly": pulls_monthly,
        "pulls_per_image_monthly": None if pulls_monthly is None or not n_images else pulls_monthly / n_images,
        "bytes_per_pull": bytes_per_pull, "pulled_gb_monthly": pulled_gb,
        "nat_routed_share": net.nat_share if net.known else None,
        "saving_share": net.saving_share if net.known else None,
        "nat_avoided_monthly_usd": nat_avoided, "endpoint_data_monthly_usd": endpoint_data,
        "net_saving_monthly_usd": net_saving, "saving_per_pull_usd": per_pull,
        "break_even_pulls_per_image_monthly": break_even,
        "pays_for_itself": None if net_saving is None else bool(net_saving >= 0),
        "last_pull_at": last_pull, "partial": partial, "note": "; ".join(notes) or None,
    }


def _image_figures(imgs: pd.DataFrame, settings: Settings, std: float, archive: float,
                   as_of: pd.Timestamp) -> tuple[int, float, int, float | None, Any]:
    """(stored bytes, storage USD / month, images, mean bytes of a pulled image, last pull)."""
    if not len(imgs):
        return 0, 0.0, 0, None, None
    stored = imgs[storage_mask(imgs)]
    archived = stored["image_status"] == "ARCHIVED"
    stored_bytes = int(stored["size_bytes"].sum())
    storage = (float(stored.loc[~archived, "size_bytes"].sum()) * std
               + float(stored.loc[archived, "size_bytes"].sum()) * archive) / GB
    tagged = imgs[np.array([bool(t) for t in imgs["image_tags"]], dtype=bool) & ~is_referrer(imgs)]
    n_images = len(tagged) or int((~is_manifest_list(imgs) & ~is_referrer(imgs)).sum())
    platform = imgs[~is_manifest_list(imgs) & ~is_referrer(imgs)]
    window_start = as_of - pd.Timedelta(days=settings.metrics_days)
    recent = platform[platform["last_pull_at"].notna() & (platform["last_pull_at"] >= window_start)]
    sample = recent if len(recent) else platform
    bytes_per_pull = float(sample["size_bytes"].mean()) if len(sample) else None
    last_pull = imgs["last_pull_at"].max() if imgs["last_pull_at"].notna().any() else None
    return stored_bytes, storage, n_images, bytes_per_pull, last_pull


def _pull_figures(pull: Mapping[str, Any] | None, metrics_failed: bool,
                  settings: Settings) -> tuple[float | None, float, list[str]]:
    """(pulls in the window, window days, notes on why the count is partial: none when complete)."""
    if pull is None or pull.get("status") == "Error":
        note = "pull count not collected" if pull is None or not metrics_failed else "pull count call failed"
        return None, float(settings.metrics_days), [note]
    window_days = max(1e-9, (pull["window_end"] - pull["window_start"]).total_seconds() / 86400)
    notes = [] if pull.get("status") == "Complete" else [f"CloudWatch returned {pull.get('status')}"]
    return float(pull["value_sum"]), window_days, notes


def stale_rows(base: Mapping[str, Any], name: str, imgs: pd.DataFrame, cutoff: pd.Timestamp,
                as_of: pd.Timestamp, std: float, archive: float, policy: Any) -> list[dict[str, Any]]:
    if not len(imgs):
        return []
    rows = []
    for rec in imgs[storage_mask(imgs)].to_dict("records"):
        last = none_if_missing(rec["last_pull_at"])
        ref = last if last is not None else none_if_missing(rec["pushed_at"])
        if ref is None or ref >= cutoff:
            continue
        price = archive if rec["image_status"] == "ARCHIVED" else std
        tags = tuple(rec["image_tags"] or ())
        rows.append({
            "account_id": base["account_id"], "region": base["region"],
            "ecr_repository_prefix": base["ecr_repository_prefix"], "upstream_registry": base["upstream_registry"],
            "repository_name": name, "image_digest": rec["image_digest"],
            "image_tags": ", ".join(tags) if tags else None, "pushed_at": none_if_missing(rec["pushed_at"]),
            "last_pull_at": last, "days_since_pull": (as_of - ref).total_seconds() / 86400,
            "size_bytes": int(rec["size_bytes"]), "monthly_usd": int(rec["size_bytes"]) * price / GB,
            "lifecycle_policy_status": policy, "creation_template": base["creation_template"],
        })
    return rows


EMPTY_RULE = {
    "repository_name": None, "images": 0, "stored_bytes": 0, "storage_monthly_usd": 0.0, "pulls_window": 0.0,
    "pulls_monthly": 0.0, "pulls_per_image_monthly": None, "bytes_per_pull": None, "pulled_gb_monthly": 0.0,
    "nat_avoided_monthly_usd": 0.0, "endpoint_data_monthly_usd": 0.0, "net_saving_monthly_usd": 0.0,
    "saving_per_pull_usd": None, "break_even_pulls_per_image_monthly": None, "pays_for_itself": None,
    "stale_images": 0, "stale_bytes": 0, "stale_monthly_usd": 0.0, "last_pull_at": None,
    "scan_frequency": None, "scanned_automatically": None, "lifecycle_policy_status": None, "partial": False,
    "note": "No cached repository yet: the rule costs nothing and saves nothing.",
}
"""The row of a rule without a cached repository (beside the rule's own columns)."""


def rule_rows(unit: Unit, fleet: Fleet, net: UnitNetwork, settings: Settings, prices: Any,
              as_of: pd.Timestamp) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The registry's rows of data/pull_through.csv (one per rule and cached repository) and of
    data/pull_through_stale.csv."""
    account, region = unit
    std = prices.amount("ecr.storage.standard", region)
    archive = prices.amount("ecr.storage.archive", region)
    unit_repos = fleet.repos_by.get(unit, pd.DataFrame())
    repo_names = sorted(unit_repos["repository_name"].astype(str)) if len(unit_repos) else []
    repo_policy = ({str(r["repository_name"]): none_if_missing(r["lifecycle_policy_status"])
                    for r in unit_repos.to_dict("records")} if len(unit_repos) else {})
    metrics_failed = (account, region, "cloudwatch:GetMetricData") in fleet.failed
    stale_cutoff = as_of - pd.Timedelta(days=settings.stale_days)
    pt_rows: list[dict[str, Any]] = []
    stale: list[dict[str, Any]] = []
    for rule in fleet.rules_by[unit].sort_values("ecr_repository_prefix").to_dict("records"):
        base = _rule_columns(unit, rule, fleet)
        cached = [n for n in repo_names if matches_prefix(n, base["ecr_repository_prefix"])]
        if not cached:
            pt_rows.append({**base, **EMPTY_RULE, "window_days": float(settings.metrics_days),
                            "nat_routed_share": net.nat_share, "saving_share": net.saving_share})
            continue
        for name in cached:
            imgs = fleet.images_by_repo.get((account, region, name), pd.DataFrame())
            row = repository_row(base, name, imgs, fleet.pulls_by.get((account, region, name)), metrics_failed,
                                 net, settings, std, archive, as_of)
            cov = fleet.coverage_by.get((account, region, name))
            row["scan_frequency"] = None if cov is None else none_if_missing(cov["scan_frequency"])
            row["scanned_automatically"] = None if cov is None else none_if_missing(cov["automatically_scanned"])
            row["lifecycle_policy_status"] = repo_policy.get(name)
            pt_rows.append(row)
            stale.extend(stale_rows(base, name, imgs, stale_cutoff, as_of, std, archive, repo_policy.get(name)))
            mine = [s for s in stale if s["repository_name"] == name and s["account_id"] == account
                    and s["region"] == region]
            row["stale_images"] = len(mine)
            row["stale_bytes"] = int(sum(s["size_bytes"] for s in mine))
            row["stale_monthly_usd"] = float(sum(s["monthly_usd"] for s in mine))
    return pt_rows, stale


def _rule_columns(unit: Unit, rule: Mapping[str, Any], fleet: Fleet) -> dict[str, Any]:
    """The rule's own columns, and the creation template its new cached repositories get."""
    prefix = str(rule["ecr_repository_prefix"])
    tmpl = template_for(fleet.templates_by.get(unit, pd.DataFrame()), prefix)
    templates_failed = (unit[0], unit[1], "ecr:DescribeRepositoryCreationTemplates") in fleet.failed
    return {"account_id": unit[0], "region": unit[1], "ecr_repository_prefix": prefix,
            "upstream_registry": none_if_missing(rule["upstream_registry"]),
            "upstream_registry_url": none_if_missing(rule["upstream_registry_url"]),
            "creation_template": None if tmpl is None else tmpl[0],
            "template_has_lifecycle_policy": None if tmpl is None and templates_failed
            else (False if tmpl is None else tmpl[1])}
