"""PNG charts for the weekly email (mail clients do not show inline SVG, so the report's SVG charts
cannot be reused there).

Summary figures in, PNG bytes out; no network, no clock. Drawn with Pillow (a dependency of
WeasyPrint), text in DejaVu Sans when installed, else Pillow's bundled font. In a Japanese run
(`lang="ja"`) the words are translated with the report's catalog and drawn in the Japanese font
fontconfig finds (the same check that guards the PDF), so no label prints as empty boxes.
Deliberately simple: horizontal stacked bars, one per row, with the counts written out, so the
email still says everything when images are blocked (the alt text and the figures table do).
"""

from __future__ import annotations

import functools
import io
import subprocess
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from PIL import Image, ImageDraw, ImageFont

from ..text import msg
from .i18n import t

GREEN, RED, GREY, AMBER = "#2e7d32", "#c62828", "#9e9e9e", "#f9a825"
_WIDTH = 560
_ROW = 34
_FONT_NAMES = ("DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@dataclass(frozen=True)
class Segment:
    label: str
    value: float
    color: str


@dataclass(frozen=True)
class Chart:
    cid: str
    """Content-ID (without brackets) and file name stem."""
    title: str
    alt: str
    png: bytes


@functools.lru_cache(maxsize=1)
def japanese_font_file() -> str | None:
    """The file of the font fontconfig picks for Japanese text, if any."""
    try:
        found = subprocess.run(["fc-match", "-f", "%{file}", ":lang=ja"], capture_output=True,
                               text=True, timeout=30, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return found or None


def font(size: int, lang: str = "en") -> Any:
    """The drawing font at `size`: fontconfig's Japanese font in a Japanese run, else DejaVu Sans,
    else Pillow's bundled font."""
    names = ((japanese_font_file(),) if lang == "ja" else ()) + _FONT_NAMES
    for name in names:
        if not name:
            continue
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def stacked_bars_png(title: str, rows: Sequence[tuple[str, Sequence[Segment]]], *,
                     no_data: str = "no data", lang: str = "en") -> bytes:
    """One horizontal 100% bar per row; segment labels with counts in a legend line."""
    regular, small, bold = font(13, lang), font(11, lang), font(14, lang)
    label_w = 110
    bar_x0, bar_x1 = 12 + label_w, _WIDTH - 16
    legend: dict[str, str] = {}
    for _, segments in rows:
        for seg in segments:
            legend.setdefault(seg.label, seg.color)
    height = 40 + len(rows) * _ROW + 30
    image = Image.new("RGB", (_WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((12, 10), title, fill="#212121", font=bold)
    y = 40
    for label, segments in rows:
        draw.text((12, y + 6), label, fill="#212121", font=regular)
        total = sum(max(0.0, s.value) for s in segments)
        x = float(bar_x0)
        if total <= 0:
            draw.rectangle((bar_x0, y, bar_x1, y + 22), outline=GREY)
            draw.text((bar_x0 + 6, y + 5), no_data, fill=GREY, font=small)
        for seg in segments:
            if seg.value <= 0 or total <= 0:
                continue
            w = (bar_x1 - bar_x0) * seg.value / total
            draw.rectangle((round(x), y, max(round(x), round(x + w) - 1), y + 22), fill=seg.color)
            text = f"{int(seg.value):,}"
            if draw.textlength(text, font=small) + 8 < w:
                draw.text((round(x) + 4, y + 5), text, fill="white", font=small)
            x += w
        y += _ROW
    x = 12
    for name, color in legend.items():
        draw.rectangle((x, y + 4, x + 10, y + 14), fill=color)
        draw.text((x + 14, y + 2), name, fill="#424242", font=small)
        x += 14 + int(draw.textlength(name, font=small)) + 18
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def headline_charts(summary: Mapping[str, Any], lang: str = "en") -> list[Chart]:
    """The email's charts: scan coverage, and compliance controls by status, in `lang`."""
    def say(text: str) -> str:
        return str(t(text, lang))

    def png(title: str, rows: Sequence[tuple[str, Sequence[Segment]]]) -> bytes:
        return stacked_bars_png(say(title), [(say(label), [Segment(say(seg.label), seg.value, seg.color)
                                                          for seg in segments])
                                             for label, segments in rows],
                                no_data=say("no data"), lang=lang)

    charts = []
    cov = summary.get("coverage") or {}
    if cov:
        repos_total, repos_scanned = int(cov.get("repositories_total", 0)), int(cov.get("repositories_scanned", 0))
        images_scannable, images_scanned = int(cov.get("images_scannable", 0)), int(cov.get("images_scanned", 0))
        rows = [
            ("Repositories", [Segment("scanned", repos_scanned, GREEN),
                              Segment("not scanned", repos_total - repos_scanned, RED)]),
            ("Images", [Segment("scanned", images_scanned, GREEN),
                        Segment("not scanned", images_scannable - images_scanned, RED)]),
        ]
        alt = msg("Scan coverage: {repos_scanned} of {repos_total} repositories and "
                  "{images_scanned} of {images_scannable} scannable images scanned",
                  repos_scanned=repos_scanned, repos_total=repos_total,
                  images_scanned=images_scanned, images_scannable=images_scannable)
        charts.append(Chart("coverage", say("Scan coverage"), say(alt), png("Scan coverage", rows)))
    by_control = (summary.get("compliance") or {}).get("by_control") or {}
    if by_control:
        rows = [(control, [Segment("PASS", counts.get("PASS", 0), GREEN),
                           Segment("FAIL", counts.get("FAIL", 0), RED),
                           Segment("UNKNOWN", counts.get("UNKNOWN", 0), AMBER),
                           Segment("NOT_APPLICABLE", counts.get("NOT_APPLICABLE", 0), GREY)])
                for control, counts in sorted(by_control.items())]
        alt = msg("Compliance by control: {controls}", controls="; ".join(
            say(msg("{control} {passed} pass, {failed} fail", control=c, passed=v.get("PASS", 0),
                    failed=v.get("FAIL", 0)))
            for c, v in sorted(by_control.items())))
        charts.append(Chart("compliance", say("Compliance controls"), say(alt),
                            png("Compliance controls (repositories)", rows)))
    return charts
