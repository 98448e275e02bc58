"""`[pull_through]`: inputs of the pull-through cache model, and the settings the analysis records
from it (the references of the images-in-use file, read here so a re-render uses the same)."""

from __future__ import annotations

from typing import Any, Mapping

from pydantic import Field

from ..config_section import ConfigSection, ReadText


class PullThroughConfig(ConfigSection):
    """`[pull_through]`: inputs of the pull-through cache model (traffic, cache hits, stale entries)."""

    metrics_days: int = Field(default=30, ge=1, le=455)
    """Window of the CloudWatch RepositoryPullCount daily sums, ending at the run's as_of."""
    layer_reuse_fraction: float = Field(default=0.3, ge=0, lt=1)
    """Share of an image's compressed bytes already on the pulling node (not transferred)."""
    stale_days: int = Field(default=90, ge=1)
    """A cached image not pulled for this many days is a stale cache entry."""
    images_in_use_file: str | None = None
    """Image references in use, whitespace-separated (`kubectl get pods -A -o jsonpath='{..image}'`)."""
    images_in_use_account: str | None = Field(default=None, pattern=r"^\d{12}$")
    """Registry the file's upstream references are pulled from (default: the first with cache rules)."""
    images_in_use_region: str | None = None
    uncached_pulls_per_day: float = Field(default=1.0, ge=0)
    """Pulls per day per in-use reference when no measured pull count can stand in for it."""
    uncached_image_size_mib: float = Field(default=150.0, gt=0)
    """Compressed size assumed for an upstream image with no cached copy to measure."""
    vpc_pull_shares: dict[str, float] = Field(default_factory=dict)
    """vpc-id -> share of a registry's pulls made from that VPC (default: by NAT gateway count)."""
    task_definitions: bool = True
    """Read ACTIVE ECS task definitions for the images they reference."""
    max_task_definitions: int = Field(default=300, ge=0)
    """Per registry, newest first."""


def settings(section: PullThroughConfig, read_text: ReadText) -> Mapping[str, Any]:
    values = section.model_dump(mode="json")
    path = section.images_in_use_file
    # The file's references, split on whitespace (what `kubectl get pods -A -o
    # jsonpath='{..image}'` prints), in file order; a repeated reference is another container.
    values["images_in_use"] = read_text(path, "pull_through.images_in_use_file").split() if path else None
    return values
