"""`summary.json`: the run's headline figures, a public contract (design.md).

Every key of the contract is always present. A concern that is not computed yet carries zeros
*and* is listed in `sections_not_computed`, so no script mistakes "not measured" for "nothing".
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import pandas as pd

from .concern import Concern
from .snapshot import Snapshot, iso_utc

FREQUENCIES = ("MANUAL", "SCAN_ON_PUSH", "CONTINUOUS_SCAN")
STATUSES = ("PASS", "FAIL", "UNKNOWN", "NOT_APPLICABLE")


def build_summary(snapshot: Snapshot, tables: Mapping[str, pd.DataFrame],
                  not_computed: Sequence[str], results: Mapping[str, Mapping[str, Any]],
                  concerns: Sequence[Concern]) -> dict[str, Any]:
    """summary.json: the foundation's figures, then one block per concern in `concerns` order
    (its documented keys with their not-computed values, overlaid by its `results` block)."""
    meta = snapshot.meta
    partial = partial_registries(meta.errors)
    summary = {
        "run_id": meta.run_id,
        "as_of": iso_utc(meta.as_of),
        "tool_version": meta.tool_version,
        "demo": meta.demo,
        "accounts": sorted({u[0] for u in meta.units}),
        "regions": sorted({u[1] for u in meta.units}),
        "coverage": {**_coverage(tables["coverage"], tables["registry_coverage"]), "partial": bool(partial)},
        "compliance": {**_compliance(tables["compliance"]), "partial": bool(partial)},
        "completeness": {"errors": [dict(e) for e in meta.errors], "calls": snapshot.calls_total,
                         "complete": not meta.errors, "partial_registries": partial},
        "sections_not_computed": list(not_computed),
    }
    not_collected = accounts_not_collected(meta.organization, meta.errors)
    if meta.organization is not None or not_collected:  # absent without discovery: outputs as before
        summary["completeness"]["accounts_not_collected"] = not_collected
    if meta.organization is not None:
        summary["organization"] = organization_block(meta.organization)
    for concern in concerns:
        block = {**concern.placeholder, **results.get(concern.key, {})}
        # Its own figures may be partial for its own reasons; and any failed call in a registry
        # may leave that registry's part out of every figure, so none reads as complete then.
        block["partial"] = bool(block.get("partial")) or bool(partial)
        summary[concern.key] = block
    return summary


def block(mapping: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    """`mapping[key]` when it is a mapping (a block of summary.json, this run's or an archived
    one's), else an empty one: a missing or malformed block reads as "nothing known"."""
    found = mapping.get(key)
    return found if isinstance(found, Mapping) else {}


ON_PURPOSE = ("excluded by config", "management account")
"""Reasons discovery leaves an account out by the configuration's choice (jobs/organization.py)."""


def accounts_not_collected(organization: Mapping[str, Any] | None,
                           errors: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Accounts the run should have covered and did not, each with its reason: left out by
    discovery for their state (suspended, closed, ...), or whose role could not be assumed in
    any region (AccessDenied, ...). Sorted by account id."""
    seen = {str(a.get("account")): a for a in (organization or {}).get("accounts", ())}
    out: dict[str, dict[str, str]] = {}
    for account in seen.values():
        if not account.get("included") and account.get("reason") not in ON_PURPOSE:
            out[str(account["account"])] = {"account": str(account["account"]), "name": str(account.get("name", "")),
                                            "reason": str(account.get("reason"))}
    denied: dict[str, set[str]] = {}
    for e in errors:
        if str(e.get("operation", "")).startswith("sts:AssumeRole"):
            denied.setdefault(str(e.get("account")), set()).add(str(e.get("error", "")).split(":", 1)[0])
    for account, codes in denied.items():
        name = str(seen.get(account, {}).get("name", ""))
        out.setdefault(account, {"account": account, "name": name,
                                 "reason": f"role cannot be assumed ({', '.join(sorted(codes))})"})
    return [out[a] for a in sorted(out)]


def organization_block(organization: Mapping[str, Any]) -> dict[str, Any]:
    """summary.json `organization`: the discovered organization, how many accounts it gave the
    run, and every account left out with its reason (the full list is in snapshot.json)."""
    accounts = list(organization.get("accounts", ()))
    left_out = [{"account": str(a.get("account")), "name": str(a.get("name", "")), "reason": str(a.get("reason")),
                 "state": str(a.get("state", ""))} for a in accounts if not a.get("included")]
    return {"id": str(organization.get("id", "")),
            "management_account_id": str(organization.get("management_account_id", "")),
            "accounts_seen": len(accounts),
            "accounts_included": sum(1 for a in accounts if a.get("included")),
            "accounts_left_out": sorted(left_out, key=lambda a: a["account"]),
            "discovery_errors": len(organization.get("discovery_errors", ()))}


def partial_registries(errors: Sequence[Mapping[str, Any]]) -> list[str]:
    """"account/region" of every registry with a failed call: its figures are partial."""
    return sorted({f"{e.get('account', '')}/{e.get('region', '')}" for e in errors})


def _coverage(coverage: pd.DataFrame, registries: pd.DataFrame) -> dict[str, Any]:
    repos_total = int(len(coverage))
    repos_scanned = int(coverage["automatically_scanned"].fillna(False).astype(bool).sum())
    images_total = int(coverage["images_total"].sum())
    images_scannable = int(coverage["images_scannable"].sum())
    images_scanned = int(coverage["images_scanned"].sum())
    by_frequency = coverage["scan_frequency"].value_counts()
    return {
        "repositories_total": repos_total,
        "repositories_scanned": repos_scanned,
        "repositories_pct": _pct(repos_scanned, repos_total),
        "images_total": images_total,
        "images_scannable": images_scannable,
        "images_scanned": images_scanned,
        # Of the images a scanner could scan: signatures, SBOMs, manifest lists and archived
        # images are in images_total but cannot be scanned, so they are not in the denominator.
        "images_pct": _pct(images_scanned, images_scannable),
        "images_not_checked": int(coverage["images_not_checked"].sum()),
        "by_frequency": {f: int(by_frequency.get(f, 0)) for f in FREQUENCIES},
        "open_findings": {
            "critical": _known_sum(coverage["critical"]),
            "high": _known_sum(coverage["high"]),
        },
        "registries": int(len(registries)),
    }


def _compliance(compliance: pd.DataFrame) -> dict[str, Any]:
    by_control: dict[str, dict[str, int]] = {}
    for control, group in compliance.groupby("control_id", sort=True):
        counts = group["status"].value_counts()
        by_control[str(control)] = {s: int(counts.get(s, 0)) for s in STATUSES}
    return {
        "controls_failing": int((compliance["status"] == "FAIL").sum()),
        "by_control": by_control,
    }


def _pct(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(100.0 * part / whole, 1)


def _known_sum(series: pd.Series) -> int:
    return int(series.fillna(0).sum())
