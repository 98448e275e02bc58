"""The `lifecycle` and `lifecycle_actions` tables: per repository and scenario, what the policy
expires and moves to archive (images, naive and exact bytes), and what that saves a month.

Dollars: GiB expired from standard storage x the standard price + GiB expired from archive x the
archive price + GiB moved to archive x (standard - archive price), over the exact bytes where
every manifest of the repository was read, the naive ones otherwise. A repository whose policy
is UNKNOWN or INVALID keeps every figure unknown: never "reclaims 0".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..prices import GB, PriceTable
from .awsjson import LIST_MEDIA_TYPES
from .codes import sum_by
from .fleet import Fleet, Key, Scenario, first_rows
from .frame import KEY_COLUMNS
from .reclaim import ImageCodes, image_codes, reclaimable
from .tables import LIFECYCLE, LIFECYCLE_ACTIONS, table_frame, typed_frame

NO_IMAGES = {"images_expiring": 0, "expiring_bytes_naive": 0, "expiring_archive_bytes_naive": 0,
             "images_transitioning": 0, "transitioning_bytes_naive": 0,
             "expiring_bytes_exact": 0, "transitioning_bytes_exact": 0}
"""`reclaimable`'s figures for a repository without images."""


class StoragePrices:
    """Standard and archive storage per GB-month and the archive minimum days, per region (cached)."""

    def __init__(self, prices: PriceTable):
        self.prices, self.cache = prices, {}

    def __call__(self, region: str) -> tuple[float, float, float]:
        if region not in self.cache:
            self.cache[region] = (self.prices.amount("ecr.storage.standard", region),
                                  self.prices.amount("ecr.storage.archive", region),
                                  self.prices.amount("ecr.archive.minimum_days", region))
        return self.cache[region]


@dataclass(frozen=True)
class Stored:
    """What each repository (by position in the fleet's keys) stores: images, naive bytes, and
    how many of them are manifest lists."""

    images: np.ndarray
    bytes: np.ndarray
    lists: np.ndarray

    @classmethod
    def of(cls, fleet: Fleet) -> "Stored":
        images, n = fleet.images, len(fleet.keys)
        if not len(images):
            zeros = np.zeros(n, dtype=np.int64)
            return cls(zeros, zeros, zeros)
        # A key listed twice reads its first row's figures (its images are counted there).
        first = first_rows(fleet.keys)
        lists = images["manifest_media_type"].isin(LIST_MEDIA_TYPES).fillna(False).to_numpy(dtype=bool)
        size = images["size_bytes"].fillna(0).to_numpy(dtype=np.int64)
        return cls(np.bincount(fleet.image_repo, minlength=n)[first], sum_by(fleet.image_repo, size, n)[first],
                   sum_by(fleet.image_repo, lists, n)[first])


def repository_figures(fleet: Fleet, scenarios: Mapping[str, Scenario], results: Mapping[str, pd.DataFrame],
                       lint_counts: Mapping[Key, int], prices: PriceTable) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The `lifecycle` table (one row per repository and scenario) and `lifecycle_actions`."""
    stored, storage = Stored.of(fleet), StoragePrices(prices)
    rows: list[dict[str, Any]] = []
    actions: list[pd.DataFrame] = []
    codes = None  # the scenarios evaluate the same images: coded once
    for name, result in results.items():
        codes = codes if codes is not None else image_codes(result, fleet.manifests)
        actions.append(_actions(name, result))
        rows.extend(_scenario_rows(name, scenarios[name], result, fleet, stored, storage, lint_counts, codes))
    action_frame = pd.concat(actions, ignore_index=True) if actions else None
    return table_frame(rows, LIFECYCLE), typed_frame(action_frame, LIFECYCLE_ACTIONS)


def _actions(scenario: str, result: pd.DataFrame) -> pd.DataFrame:
    acted = result[result["action"].notna()]
    return pd.DataFrame({
        "account_id": acted["account_id"].astype(str), "region": acted["region"].astype(str),
        "repository_name": acted["repository_name"].astype(str), "image_digest": acted["image_digest"].astype(str),
        "scenario": scenario, "action": acted["action"].astype(str),
        "applied_rule_priority": acted["applied_rule_priority"], "size_bytes": acted["size_bytes"].astype("int64"),
    })


def _scenario_rows(name: str, scenario: Scenario, result: pd.DataFrame, fleet: Fleet, stored: Stored,
                   storage: StoragePrices, lint_counts: Mapping[Key, int], codes: ImageCodes) -> list[dict[str, Any]]:
    per = reclaimable(result, fleet.manifests, codes=codes)
    per_map = {(str(a), str(r), str(n)): rec for (a, r, n), rec in
               zip(zip(per["account_id"], per["region"], per["repository_name"]), _records(per))}
    held = result[result["held_by_manifest_list"]].groupby(list(KEY_COLUMNS), sort=False, observed=True).size()
    held_map = {tuple(str(x) for x in k): int(v) for k, v in held.items()}
    rows = []
    for i, key in enumerate(fleet.keys):
        status = scenario.status[key]
        n_images, n_bytes, n_lists = int(stored.images[i]), int(stored.bytes[i]), int(stored.lists[i])
        row: dict[str, Any] = {"account_id": key[0], "region": key[1], "repository_name": key[2], "scenario": name,
                               "policy_status": status, "created_by_pull_through_cache": bool(fleet.pull_through[i]),
                               "images_total": n_images, "stored_bytes": n_bytes,
                               "manifest_lists": n_lists,
                               "lint_warnings": lint_counts.get(key, 0) if name == "current" else None,
                               "partial": key in fleet.partial}
        if status not in ("UNKNOWN", "INVALID"):  # otherwise every figure stays unknown
            rec = per_map.get(key) or {**NO_IMAGES, "exact_available": fleet.manifests is not None}
            row.update(_reclaim(rec, storage(key[1]), n_lists, held_map.get(key, 0)))
        rows.append(row)
    return rows


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame's rows as dicts, column by column (`to_dict("records")` goes cell by cell)."""
    columns = list(frame.columns)
    return [dict(zip(columns, values)) for values in zip(*(frame[c].tolist() for c in columns))]


def _reclaim(rec: Mapping[str, Any], prices: tuple[float, float, float], manifest_lists: int,
             held: int) -> dict[str, Any]:
    """One repository's reclaim figures and dollars from `reclaimable`'s record."""
    std, arch, min_days = prices
    exact = bool(rec["exact_available"])
    exp_naive, exp_arch = int(rec["expiring_bytes_naive"]), int(rec["expiring_archive_bytes_naive"])
    tra_naive = int(rec["transitioning_bytes_naive"])
    exp_exact = int(rec["expiring_bytes_exact"]) if exact else None
    tra_exact = int(rec["transitioning_bytes_exact"]) if exact else None
    exp_best = exp_exact if exact else exp_naive
    tra_best = tra_exact if exact else tra_naive
    from_archive = min(exp_arch, exp_best)
    usd = ((exp_best - from_archive) / GB * std + from_archive / GB * arch + tra_best / GB * (std - arch))
    return {
        "images_expiring": int(rec["images_expiring"]), "bytes_expiring": exp_naive,
        "bytes_expiring_exact": exp_exact, "bytes_expiring_from_archive": exp_arch,
        "images_transitioning": int(rec["images_transitioning"]), "bytes_transitioning": tra_naive,
        "bytes_transitioning_exact": tra_exact, "exact_available": exact,
        "images_held_by_manifest_list": held if exact else None,
        "upper_bound": (not exact) and manifest_lists > 0
        and (int(rec["images_expiring"]) + int(rec["images_transitioning"])) > 0,
        "bytes_basis": "exact" if exact else "naive",
        "monthly_usd_saved": round(usd, 6),
        "archive_commitment_usd": round(tra_best / GB * arch * min_days * 12 / 365, 6),
    }
