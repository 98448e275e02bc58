"""Turn the configuration (and the files it names) into the snapshot's analysis settings.

The analysis is pure, so everything it needs from outside, including the *contents* of files
the configuration points at (a proposed lifecycle policy, a list of images in use), is read here
and stored, JSON-safe, in `snapshot.json`. Re-rendering a run therefore uses what the run used.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from ..reports.concern import Concern
from .config import Config, ConfigError
from .plugins import CONCERNS


def analysis_settings(config: Config, concerns: Sequence[Concern] = CONCERNS) -> dict[str, Any]:
    """The prices, each concern's settings (`Concern.settings` over its section), the language."""
    settings: dict[str, Any] = {"prices": [dict(p) for p in config.prices]}
    for concern in concerns:
        if concern.config is not None:
            settings[concern.key] = dict(concern.settings(getattr(config, concern.key), _read_text))
    # Kept in snapshot.json so `ecr-report render` re-renders an old run in its language.
    settings["report_language"] = config.report.language
    return settings


def _read_text(path: str, key: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{key}: cannot read {path}: {exc.strerror}") from None
