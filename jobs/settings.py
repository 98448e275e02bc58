"""Turn the configuration (and the files it names) into the snapshot's analysis settings.

The analysis is pure, so everything it needs from outside, including the *contents* of files
the configuration points at (a proposed lifecycle policy, a list of images in use), is read here
and stored, JSON-safe, in `snapshot.json`. Re-rendering a run therefore uses what the run used.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .config import Config, ConfigError


def analysis_settings(config: Config) -> dict[str, Any]:
    return {
        "prices": [dict(p) for p in config.prices],
        "lifecycle": _lifecycle(config),
        "inspector": _inspector(config),
        "pull_through": _pull_through(config),
        # Kept in snapshot.json so `ecr-report render` re-renders an old run in its language.
        "report_language": config.report.language,
    }


def _lifecycle(config: Config) -> dict[str, Any]:
    from ..reports.lifecycle.baseline import BASELINE_NAME, BASELINE_POLICY_TEXT

    section = config.lifecycle
    text = _read_text(section.proposed_policy, "lifecycle.proposed_policy") if section.proposed_policy else None
    source = section.proposed_policy
    if text is None and section.builtin_baseline:
        text, source = BASELINE_POLICY_TEXT, BASELINE_NAME
    return {"proposed_policy_text": text, "proposed_policy_file": section.proposed_policy,
            "proposed_policy_source": source, "apply_proposed_to": section.apply_proposed_to,
            "exact_bytes": section.exact_bytes, "exact_bytes_max_images": section.exact_bytes_max_images,
            "cross_check_aws": section.cross_check_aws, "cross_check_sample": section.cross_check_sample}


def _inspector(config: Config) -> dict[str, Any]:
    return config.inspector.model_dump(mode="json")


def _pull_through(config: Config) -> dict[str, Any]:
    settings = config.pull_through.model_dump(mode="json")
    path = config.pull_through.images_in_use_file
    # The file's references, split on whitespace (what `kubectl get pods -A -o
    # jsonpath='{..image}'` prints), in file order; a repeated reference is another container.
    settings["images_in_use"] = (_read_text(path, "pull_through.images_in_use_file").split()
                                 if path else None)
    return settings


def _read_text(path: str, key: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{key}: cannot read {path}: {exc.strerror}") from None
