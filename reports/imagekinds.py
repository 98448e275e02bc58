"""Which images are scannable container images at all.

Shared by the per-image scan state (reports.scanstate) and the basic-findings scope
(reports.coverage.BasicFindingsScope), so that the collector and the analysis agree on what an
"image" is. Vectorized: each function takes the `images` snapshot frame and returns a boolean
numpy array aligned with its rows.

* Referrers (signatures, SBOMs, attestations: `subjectManifestDigest` set, (botocore ECR model) botocore ECR model) are
  artifacts about another image, not images to scan.
* Manifest lists / OCI image indexes are not scanned themselves: Inspector does not support the
  manifest-list media type ((src: inspector-scanning-ecr) src: inspector-scanning-ecr, inspector-rescan-duration); the per-platform images they list are scanned.
* An OCI artifact whose config media type is not a container image config (Helm charts, WASM,
  ...) is not a container image; the container config types are those Inspector supports
  ((src: inspector-scanning-ecr) src: inspector-scanning-ecr, inspector-rescan-duration). An empty artifact type is taken as an ordinary image.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MANIFEST_LIST_TYPES = frozenset(
    {
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.oci.image.index.v1+json",
    }
)
IMAGE_CONFIG_TYPES = frozenset(
    {
        "application/vnd.docker.container.image.v1+json",
        "application/vnd.oci.image.config.v1+json",
    }
)


def _bool(series: pd.Series) -> np.ndarray:
    # Nullable comparisons yield <NA>; "unknown" must never select a row.
    return series.astype("boolean").to_numpy(dtype=bool, na_value=False)


def is_referrer(images: pd.DataFrame) -> np.ndarray:
    return _bool(images["subject_digest"].notna())


def is_manifest_list(images: pd.DataFrame) -> np.ndarray:
    return _bool(images["manifest_media_type"].isin(MANIFEST_LIST_TYPES))


def is_non_image_artifact(images: pd.DataFrame) -> np.ndarray:
    artifact = images["artifact_media_type"]
    return _bool(artifact.notna() & (artifact.str.len() > 0) & ~artifact.isin(IMAGE_CONFIG_TYPES))


def is_archived(images: pd.DataFrame) -> np.ndarray:
    return _bool(images["image_status"] == "ARCHIVED")


def is_scannable_kind(images: pd.DataFrame) -> np.ndarray:
    """A container image (not a referrer, manifest list or other artifact), archived or not."""
    return ~(is_referrer(images) | is_manifest_list(images) | is_non_image_artifact(images))
