"""The billing rules of Amazon Inspector's ECR scanning, per image, vectorized. Pure.

For each image: would enhanced scanning bill it in the next 30 days, and for what?

* **Initial scan** (one per image pushed into a repository Inspector scans, continuous or on
  push). The next 30 days' pushes are estimated from the pushes of the last
  `push_window_days` (images still present), scaled to 30 days. A restored image "behaves like a
  newly pushed image" (src: ecr-archive-restore), so its `lastActivatedAt` counts as a push.
* **Rescans** only for images *monitored* under continuous scanning: "Amazon Inspector will
  continue to monitor and rescan an image as long as it was last in use on a cluster or pushed
  within [the configured durations]" (src: inspector-rescan-duration, inspector-scanning-ecr). An image is monitored
  when its push date (or `lastActivatedAt`, (src: inspector-rescan-duration)) is within `rescanDuration`, or its last
  pull / last in-use date (per `pullDateRescanMode`) is within `pullDateRescanDuration`.
  Scan-on-push repositories get no rescans ("images are only scanned when you push them").
* **Nothing** for archived images ("Inspector only scans ACTIVE images"), restores still in
  progress, manifest lists (unsupported media type (src: inspector-scanning-ecr); their per-platform images are
  scanned), signatures/SBOMs and other non-image artifacts, and images Inspector itself reported
  as unsupported (UNSUPPORTED_OS, UNSUPPORTED_MEDIA_TYPE, UNSUPPORTED_CONFIG_FILE).

Boundary choice (the documentation does not say is open): an age of exactly N days is *within* N days.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd

from .. import imagekinds
from ..text import Text, msg

CONTINUOUS, ON_PUSH = "CONTINUOUS_SCAN", "SCAN_ON_PUSH"
LAST_IN_USE_AT, LAST_PULL_DATE = "LAST_IN_USE_AT", "LAST_PULL_DATE"
PERIOD_DAYS = 30
"""Inspector's usage totals and this model both cover 30 days."""
ACTIVATION_LOOKBACK_DAYS = 14
"""On activation Inspector "detects images pushed within the last 14 days" (src: inspector-scanning-ecr) (CONFLICT:
an older page says 30 days / pulled within 90 days)."""

DURATION_DAYS: Mapping[str, float] = {
    "DAYS_3": 3, "DAYS_7": 7, "DAYS_14": 14, "DAYS_30": 30, "DAYS_60": 60, "DAYS_90": 90,
    "DAYS_180": 180, "LIFETIME": float("inf"),
}
CONSOLE_DURATIONS = ("DAYS_14", "DAYS_30", "DAYS_60", "DAYS_90", "DAYS_180", "LIFETIME")
"""The push-date options the user guide lists; the API also accepts DAYS_3 and DAYS_7."""

INSPECTOR_UNSUPPORTED = frozenset({"UNSUPPORTED_OS", "UNSUPPORTED_MEDIA_TYPE", "UNSUPPORTED_CONFIG_FILE"})


@dataclass(frozen=True)
class RescanSettings:
    """`ecrConfiguration.rescanDurationState` of one account and region."""

    rescan_duration: str = "DAYS_14"
    pull_date_rescan_duration: str = "DAYS_14"
    pull_date_rescan_mode: str = LAST_IN_USE_AT

    @property
    def push_days(self) -> float:
        return DURATION_DAYS.get(self.rescan_duration, 14.0)

    @property
    def pull_days(self) -> float:
        return DURATION_DAYS.get(self.pull_date_rescan_duration, 14.0)

    def describe(self) -> Text:
        """E.g. "push 14 days, last in use 14 days" (a `Text`, so the report can translate it)."""
        pull = msg("last pull") if self.pull_date_rescan_mode == LAST_PULL_DATE else msg("last in use")
        push = (msg("lifetime") if self.rescan_duration == "LIFETIME"
                else msg("{duration_days} days", duration_days=f"{self.push_days:g}"))
        return msg("push {push}, {mode} {pull} days", push=push, mode=pull, pull=f"{self.pull_days:g}")


DEFAULT_SETTINGS = RescanSettings()
"""The documented defaults for accounts created on or after 16 May 2025 (src: inspector-scanning-ecr), (src: inspector-rescan-duration)."""


def duration_label(value: str) -> str:
    days = DURATION_DAYS.get(value)
    if days is None:
        return value
    return msg("lifetime") if days == float("inf") else msg("{duration_days} days", duration_days=f"{days:g}")


IMAGE_COLUMNS = ("account_id", "region", "repository_name", "image_digest", "excluded_reason",
                 "push_reference_at", "last_pull_at", "last_in_use_at", "in_use_known")


def prepare_images(images: pd.DataFrame, inspector_coverage: pd.DataFrame,
                   registries: pd.DataFrame) -> pd.DataFrame:
    """One row per image with what the rules need (IMAGE_COLUMNS), in `images` order.

    `in_use_known`: the unit's Inspector coverage was read in full, so a missing last-in-use
    date means "not in use" rather than "unknown".
    """
    key = ["account_id", "region", "repository_name", "image_digest"]
    ins = inspector_coverage[inspector_coverage["resource_type"] == "AWS_ECR_CONTAINER_IMAGE"]
    ins = ins.drop_duplicates(key, keep="last")[key + ["scan_status_reason", "image_pulled_at",
                                                       "last_in_use_at"]]
    frame = images.reset_index(drop=True).merge(ins, on=key, how="left", sort=False)
    collected = registries.drop_duplicates(["account_id", "region"])[
        ["account_id", "region", "inspector_coverage_collected"]]
    frame = frame.merge(collected, on=["account_id", "region"], how="left", sort=False)

    reason = np.full(len(frame), None, dtype=object)

    def exclude(mask: np.ndarray, text: object) -> None:
        todo = mask & pd.isna(reason)
        reason[todo] = text[todo] if isinstance(text, np.ndarray) else text

    status = frame["image_status"].fillna("ACTIVE").astype(str).to_numpy()
    exclude(imagekinds.is_referrer(frame), "signature/SBOM artifact")
    exclude(imagekinds.is_manifest_list(frame), "manifest list (its per-platform images are scanned)")
    exclude(imagekinds.is_non_image_artifact(frame), "not a container image")
    exclude(status == "ARCHIVED", "archived")
    exclude(status == "ACTIVATING", "restore in progress")
    ins_reason = frame["scan_status_reason"].astype("string").fillna("").to_numpy(dtype=object)
    unsupported = np.isin(ins_reason, list(INSPECTOR_UNSUPPORTED))
    exclude(unsupported, np.array(["Inspector: " + r for r in ins_reason], dtype=object))

    pushed = pd.to_datetime(frame["pushed_at"], utc=True)
    activated = pd.to_datetime(frame["last_activated_at"], utc=True)
    push_ref = pushed.where(activated.isna() | (pushed >= activated), activated)
    pulls = pd.concat([pd.to_datetime(frame["last_pull_at"], utc=True),
                       pd.to_datetime(frame["image_pulled_at"], utc=True)], axis=1).max(axis=1)
    return pd.DataFrame({
        "account_id": frame["account_id"].to_numpy(),
        "region": frame["region"].to_numpy(),
        "repository_name": frame["repository_name"].to_numpy(),
        "image_digest": frame["image_digest"].to_numpy(),
        "excluded_reason": pd.array(reason, dtype="string"),
        "push_reference_at": push_ref,
        "last_pull_at": pd.to_datetime(pulls, utc=True),
        "last_in_use_at": pd.to_datetime(frame["last_in_use_at"], utc=True),
        "in_use_known": frame["inspector_coverage_collected"].astype("boolean").fillna(False)
        .to_numpy(dtype=bool),
    })


@dataclass(frozen=True, eq=False)
class Billing:
    """Per-image outcome of the rules (numpy arrays aligned with the prepared frame)."""

    scanned: np.ndarray
    """Eligible and in a repository Inspector scans (continuous or on push)."""
    initial: np.ndarray
    """Scanned, and pushed (or restored) within the push window: a billed initial scan."""
    monitored: np.ndarray
    """Continuous, and within the push-date or pull-date window at `as_of`: rescanned."""
    monitored_by: np.ndarray
    """"push date" | "last pull" | "last in use" | None."""
    pull_reference_source: np.ndarray


_PULL_SOURCES = np.array(["last pull", "last pull (in-use date unknown)", "last in use"], dtype=object)


def bill(frame: pd.DataFrame, frequency: np.ndarray, push_days: np.ndarray, pull_days: np.ndarray,
         mode: np.ndarray, as_of: pd.Timestamp, push_window_days: float) -> Billing:
    """Apply the rules. `frequency` (CONTINUOUS_SCAN | SCAN_ON_PUSH | None: not scanned by
    Inspector), `push_days`, `pull_days` (inf = no limit) and `mode` are per image."""
    day = pd.Timedelta(days=1)
    eligible = frame["excluded_reason"].isna().to_numpy(dtype=bool)
    continuous = np.asarray(frequency == CONTINUOUS, dtype=bool)
    scanned = eligible & (continuous | np.asarray(frequency == ON_PUSH, dtype=bool))

    push_ref = frame["push_reference_at"]
    push_age = ((as_of - push_ref) / day).to_numpy(dtype=float, na_value=np.nan)
    pushed_in_window = (push_age >= 0) & (push_age < push_window_days)
    initial = scanned & pushed_in_window

    by_push = push_age <= push_days
    use_pull = (np.asarray(mode) == LAST_PULL_DATE) | ~frame["in_use_known"].to_numpy(dtype=bool)
    pull_ref = frame["last_pull_at"].where(pd.Series(use_pull, index=frame.index), frame["last_in_use_at"])
    pull_age = ((as_of - pull_ref) / day).to_numpy(dtype=float, na_value=np.nan)
    by_pull = pull_age <= pull_days
    monitored = eligible & continuous & (by_push | by_pull)
    # One str object per label, shared by every image: np.where(...).astype(object) made a new
    # str per image and scenario (~80 MiB of them alive at once at scale 40, the run's peak).
    pull_source = _PULL_SOURCES[np.where(np.asarray(mode) == LAST_PULL_DATE, 0, np.where(use_pull, 1, 2))]
    monitored_by = np.where(monitored, np.where(by_push, "push date", pull_source), None).astype(object)
    return Billing(scanned, initial, monitored, monitored_by, pull_source)
