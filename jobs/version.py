"""The installed version of ecr-report: what `--version` prints and every run records.

Its own module so that `ecr-report --version` imports nothing heavy (no config, no concerns).
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def tool_version() -> str:
    try:
        return version("ecr-report")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0+unknown"
