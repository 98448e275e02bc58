"""The first page's trend lines: a small SVG line of one headline figure across runs.

`Sparkline` keeps the arguments until the template draws it (`__html__`), so the language pass
can translate its title like any other label.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from .filters import is_missing
from .svg import COLOR, chart_words, coord, element_id, escape


def sparkline(
    values: Sequence[float | int | None],
    *,
    title: str,
    description: str = "",
    chart_id: str = "spark",
    width: int = 96,
    height: int = 22,
    color: str = "#1f4e79",
    lang: str = "en",
) -> Markup:
    """A small trend line of a headline figure across runs: one point per run, oldest left, the latest marked.

    Missing values (a run that did not measure the figure) break the line; they are never drawn
    as zero. The vertical scale runs from the smallest to the largest known value; a flat series
    is drawn mid-height. Deterministic, escaped, with an accessible <title>/<desc>.
    """
    if not COLOR.match(color):
        raise ValueError(f"bad colour {color!r}")
    uid = element_id(chart_id, "spark")
    points = [None if is_missing(v) else float(v) for v in values]
    known = [v for v in points if v is not None]
    pad = 3.0
    lo, hi = (min(known), max(known)) if known else (0.0, 0.0)
    n = len(points)

    def xy(i: int, v: float) -> tuple[float, float]:
        x = pad + (width - 2 * pad) * (i / (n - 1) if n > 1 else 0.5)
        y = height / 2 if hi == lo else pad + (height - 2 * pad) * (hi - v) / (hi - lo)
        return x, y

    desc = description or "; ".join("n/a" if v is None else f"{v:g}" for v in points) \
        or chart_words(lang)["no_data"] + "."
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{uid}-title {uid}-desc">',
        f'<title id="{uid}-title">{escape(title)}</title>',
        f'<desc id="{uid}-desc">{escape(desc)}</desc>',
        f'<line x1="{coord(pad)}" y1="{coord(height - 0.5)}" x2="{coord(width - pad)}" y2="{coord(height - 0.5)}" '
        f'stroke="#d5d9de" stroke-width="1"/>',
    ]
    out.extend(_svg_trend(_known_runs(points, xy), color))
    last = points[-1] if points else None
    if last is not None:
        x, y = xy(n - 1, last)
        out.append(f'<circle cx="{coord(x)}" cy="{coord(y)}" r="2.2" fill="{color}"/>')
    out.append("</svg>")
    return Markup("".join(out))


def _svg_trend(segments: list[list[tuple[float, float]]], color: str) -> list[str]:
    """A dot for a lone known value, a line through each longer run."""
    out = []
    for segment in segments:
        if len(segment) == 1:
            x, y = segment[0]
            out.append(f'<circle cx="{coord(x)}" cy="{coord(y)}" r="1.2" fill="{color}"/>')
        else:
            coords = " ".join(f"{coord(x)},{coord(y)}" for x, y in segment)
            out.append(f'<polyline points="{coords}" fill="none" stroke="{color}" '
                       f'stroke-width="1.4" stroke-linejoin="round" stroke-linecap="round"/>')
    return out


def _known_runs(points: Sequence[float | None],
                xy: Callable[[int, float], tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """The (x, y) positions of each unbroken run of known values (a missing value breaks the line)."""
    run: list[tuple[float, float]] = []
    runs: list[list[tuple[float, float]]] = []
    for i, v in enumerate(points):
        if v is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append(xy(i, v))
    if run:
        runs.append(run)
    return runs


@dataclass(frozen=True)
class Sparkline:
    """`sparkline`'s arguments; drawn when the template prints it (`__html__`)."""

    values: tuple[float | int | None, ...]
    title: str
    description: str = ""
    chart_id: str = "spark"
    width: int = 96
    height: int = 22
    color: str = "#1f4e79"
    lang: str = "en"

    def __html__(self) -> str:
        return str(sparkline(self.values, title=self.title, description=self.description,
                             chart_id=self.chart_id, width=self.width, height=self.height,
                             color=self.color, lang=self.lang))

    def __str__(self) -> str:
        return self.__html__()
