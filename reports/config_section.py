"""The base of every configuration section (`[aws]`, `[lifecycle]`, ...), and how a concern's
section becomes the analysis settings recorded in the snapshot.

Pure: a section is data validated by pydantic. A concern declares its own section model
(`Concern.config`) and, where the section names files, how their contents become settings
(`Concern.settings`), reading them through the `ReadText` it is given, so the file system stays
at the edge (jobs/settings.py).
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from pydantic import BaseModel, ConfigDict

ReadText = Callable[[str, str], str]
"""(path, the config key that names it) -> the file's text; fails with a one-line reason."""


class ConfigSection(BaseModel):
    """Unknown keys are an error (a typo must not fall back to a default); values are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def plain_settings(section: BaseModel, read_text: ReadText) -> Mapping[str, Any]:
    """A section that names no file: its values, JSON-safe."""
    return section.model_dump(mode="json")
