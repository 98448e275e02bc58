"""ecr-report's built-in baseline lifecycle policy: the proposal evaluated when none is configured.

Deliberately conservative: nothing tagged is deleted outright. Untagged images (superseded
builds) expire after 14 days; any image nobody has pulled for 90 days moves to archive storage
(it can be restored); images archived for a year expire. Configure `[lifecycle] proposed_policy`
to evaluate your own policy instead, or `builtin_baseline = false` for no proposal at all.
"""

from __future__ import annotations

import json
from typing import Any, Mapping

from ..text import msg

BASELINE_NAME = "ecr-report built-in baseline"

BASELINE_POLICY = {
    "rules": [
        {
            "rulePriority": 1,
            "description": "Expire untagged images 14 days after push",
            "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 14},
            "action": {"type": "expire"},
        },
        {
            "rulePriority": 2,
            "description": "Archive images not pulled for 90 days",
            "selection": {"tagStatus": "any", "countType": "sinceImagePulled", "countUnit": "days", "countNumber": 90},
            "action": {"type": "transition", "targetStorageClass": "archive"},
        },
        {
            "rulePriority": 3,
            "description": "Expire images archived for more than a year",
            "selection": {"tagStatus": "any", "storageClass": "archive", "countType": "sinceImageTransitioned", "countUnit": "days", "countNumber": 365},
            "action": {"type": "expire"},
        },
    ]
}

BASELINE_POLICY_TEXT = json.dumps(BASELINE_POLICY, indent=2) + "\n"


def proposed_source(settings: Mapping[str, Any]) -> Any:
    """Where the proposed policy came from, as configured (a file name or the baseline's name)."""
    return settings.get("proposed_policy_source") or settings.get("proposed_policy_file")


def source_text(source: Any, missing: str) -> str:
    """The proposed policy's source as the report names it: the built-in baseline (a translatable
    name), a file name (kept), or `missing` when none is configured."""
    if not source:
        return missing
    return msg("ecr-report built-in baseline") if source == BASELINE_NAME else str(source)
