"""`[lifecycle]`: the what-if policy and how exactly bytes are counted, and the settings the
analysis records from it (the proposed policy's text, read from its file or the built-in baseline)."""

from __future__ import annotations

from typing import Any, Literal, Mapping

from pydantic import Field

from ..config_section import ConfigSection, ReadText


class LifecycleConfig(ConfigSection):
    proposed_policy: str | None = None
    """A lifecycle policy JSON file to evaluate as a what-if."""
    apply_proposed_to: Literal["without_policy", "all"] = "without_policy"
    builtin_baseline: bool = True
    """Without `proposed_policy`, evaluate ecr-report's built-in baseline policy as the what-if
    (false: no proposed scenario at all)."""
    exact_bytes: bool = True
    """Read manifests (BatchGetImage, 100 images a call) to count the layers really freed and to
    know which images a manifest list still references. On by default: without manifests an
    untagged child of a multi-architecture image looks expirable when AWS would keep it, and the
    figures overstate (on the demo fleet, 185 images instead of 7)."""
    exact_bytes_max_images: int = Field(default=20_000, ge=1)
    """Manifests read per registry at most; whole repositories, largest reclaim first."""
    cross_check_aws: bool = False
    """Run AWS's own lifecycle preview for a sample of repositories and report disagreements."""
    cross_check_sample: int = Field(default=5, ge=1, le=50)


def settings(section: LifecycleConfig, read_text: ReadText) -> Mapping[str, Any]:
    from .baseline import BASELINE_NAME, BASELINE_POLICY_TEXT

    text = read_text(section.proposed_policy, "lifecycle.proposed_policy") if section.proposed_policy else None
    source = section.proposed_policy
    if text is None and section.builtin_baseline:
        text, source = BASELINE_POLICY_TEXT, BASELINE_NAME
    return {"proposed_policy_text": text, "proposed_policy_file": section.proposed_policy,
            "proposed_policy_source": source, "apply_proposed_to": section.apply_proposed_to,
            "exact_bytes": section.exact_bytes, "exact_bytes_max_images": section.exact_bytes_max_images,
            "cross_check_aws": section.cross_check_aws, "cross_check_sample": section.cross_check_sample}
