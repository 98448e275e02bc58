"""The Japanese edition's PDF font check (`check_fonts`), which a run makes before collecting.

Apart from jobs/publish.py, which writes the outputs (the renderer, Jinja2, XlsxWriter): a
process that only collects (`ecr-report collect`) checks the fonts too, and imports none of that.
"""

from __future__ import annotations

import subprocess

from .errors import ConfigError

JAPANESE_FONT_PACKAGE = "fonts-ipaexfont-gothic"
"""The Debian package README.md documents for the Japanese edition's PDF font."""


def japanese_fonts() -> list[str]:
    """Font families fontconfig knows that cover Japanese (`fc-list :lang=ja family`)."""
    try:
        result = subprocess.run(["fc-list", ":lang=ja", "family"], capture_output=True,
                                text=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return []
    return [line.strip() for line in result.stdout.splitlines() if line.strip()]


def check_fonts(language: str, *, pdf: bool = True) -> None:
    """Fail (ConfigError: one line, exit code 2) before anything is written when a Japanese PDF
    is asked for and no Japanese font is installed: the PDF would print empty boxes."""
    if language == "ja" and pdf and not japanese_fonts():
        raise ConfigError("report.language = \"ja\" needs a Japanese font for the PDF and "
                          "fontconfig finds none (fc-list :lang=ja); install one: "
                          f"apt-get install {JAPANESE_FONT_PACKAGE}")
