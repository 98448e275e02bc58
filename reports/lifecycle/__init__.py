"""Offline, exact evaluation of Amazon ECR lifecycle policies (pure: no AWS, no clock).

`parse_policy` validates policy text as ECR would; `evaluate` / `evaluate_fleet` say, per image,
which rule acts and how; `reclaimable` turns that into bytes; `lint` flags accepted-but-suspicious
policies; `preview` renders a `GetLifecyclePolicyPreview`-shaped answer. The choices made where
AWS's documentation is silent are in `METHODOLOGY` (methodology.py).

The lifecycle concern (`CONCERN`) runs them fleet-wide: `tables` (its snapshot and result tables),
`analysis` (`analyse` and its steps over `fleet`, `figures` and `lint_table`), `result` (the
typed headline figures, summary.json's `lifecycle` key), `methodology`, `config` (the
`[lifecycle]` section); and what the outputs take from it: `section` (+ `section_tables`),
`headline`, `leadership`, `finops`, `ja`.

Names are imported on first use (PEP 562 `__getattr__`): `lifecycle preview` then loads the
evaluator only, not the renderer and the concern machinery that `CONCERN` brings (definition.py).
"""

from __future__ import annotations

import importlib
from typing import Any

# Functions named like their module are bound now: importing the module later (as anything in
# the package may) would otherwise leave the package attribute pointing at the module.
from .evaluate import evaluate
from .lint import lint
from .preview import preview

_HOME = {  # exported name -> the module defining it
    "CONCERN": "definition", "METHODOLOGY": "methodology", "analyse": "analysis",
    "AwsJsonError": "awsjson", "images_from_describe": "awsjson",
    "manifests_from_batch_get": "awsjson", "parse_timestamp": "awsjson",
    "evaluate_fleet": "evaluate",
    "ImageInputError": "frame", "image_frame": "frame",
    "LintWarning": "lint", "static_warnings": "lint",
    "Manifests": "manifests",
    "Action": "policy", "Policy": "policy", "Rule": "policy", "Selection": "policy",
    "parse_policy": "policy",
    "reclaimable": "reclaim", "totals": "reclaim",
    "RESULT_TABLES": "tables", "SNAPSHOT_TABLES": "tables",
    "PolicyIssue": "validate", "PolicyValidationError": "validate", "validate_text": "validate",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{home}", __name__), name)
    globals()[name] = value  # once found, an ordinary module attribute
    return value


__all__ = [
    "CONCERN",
    "METHODOLOGY",
    "Action",
    "AwsJsonError",
    "ImageInputError",
    "LintWarning",
    "Manifests",
    "Policy",
    "PolicyIssue",
    "PolicyValidationError",
    "Rule",
    "Selection",
    "evaluate",
    "evaluate_fleet",
    "image_frame",
    "images_from_describe",
    "lint",
    "manifests_from_batch_get",
    "parse_policy",
    "parse_timestamp",
    "preview",
    "reclaimable",
    "static_warnings",
    "totals",
    "validate_text",
]
