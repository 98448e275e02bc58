"""A small, dependency-free SVG chart generator: horizontal stacked bars with a legend.

Output is deterministic (fixed float formatting, no ids from counters or randomness), escapes
every label, carries an accessible <title>/<desc>, and is inlined into the HTML, so the PDF gets
vector graphics. Fonts: DejaVu Sans (the only family the renderer may assume), with the
Japanese font first in a Japanese report.

The trend line (`sparkline`, `Sparkline`) is in `sparkline.py`, re-exported here; the SVG pieces
both use are in `svg.py`.

Section builders make a `BarChart` or `Sparkline` spec rather than SVG text: the spec keeps its
labels as strings until the template draws it (`__html__`), so the language pass
(reports/render/i18n) can translate them like any other label.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from .filters import fmt_int, is_missing
from .sparkline import Sparkline, sparkline
from .svg import COLOR, chart_words, coord, element_id, escape

__all__ = ["BarChart", "Series", "Sparkline", "bar_chart", "sparkline", "svg_bar_chart"]

_FONTS = {"en": "DejaVu Sans, Verdana, sans-serif",
          "ja": "IPAexGothic, IPAGothic, Noto Sans CJK JP, DejaVu Sans, sans-serif"}
_CHAR_W = 6.1  # average advance of an 11 px DejaVu Sans glyph, for layout estimates


@dataclass(frozen=True)
class Series:
    """One stacked segment kind: a legend entry and one value per category."""

    label: str
    values: Sequence[float | int | None]
    color: str
    """#rgb or #rrggbb."""


def _cells(text: str) -> int:
    """Width in fifths of an average Latin glyph (exact integers, so layout never depends on
    float rounding): 5 per narrow glyph, 9 per full-width (CJK) one, which is one em."""
    return sum(9 if unicodedata.east_asian_width(c) in ("W", "F") else 5 for c in text)


def _text_width(text: str) -> float:
    """Estimated width in px of `text` at 11 px (a full-width glyph is one em, 11 px)."""
    wide = sum(1 for c in text if unicodedata.east_asian_width(c) in ("W", "F"))
    return (len(text) - wide) * _CHAR_W + wide * 11.0


def _truncate(text: str, max_chars: int) -> str:
    """`text` cut to the width of `max_chars` average Latin glyphs, with an ellipsis."""
    budget = max_chars * 5
    if _cells(text) <= budget:
        return text
    out, used = [], 5  # room for the ellipsis
    for char in text:
        used += _cells(char)
        if used > budget:
            break
        out.append(char)
    return "".join(out or text[:1]) + "\u2026"


def _axis(value: float) -> tuple[float, int]:
    """(step, ticks): the smallest 1/2/2.5/5 x 10^k step giving at most 5 intervals."""
    if value <= 0:
        return 1.0, 1
    exponent = math.floor(math.log10(value)) - 1
    while True:
        for base in (1, 2, 2.5, 5):
            step = base * 10.0**exponent
            ticks = math.ceil(value / step - 1e-9)
            if ticks <= 5 and (step >= 1 or base != 2.5):
                return step, max(1, ticks)
        exponent += 1


def _value(value: float | int | None) -> float:
    if is_missing(value):
        return 0.0
    number = float(value)
    if number < 0:
        raise ValueError("stacked bar values must be >= 0")
    return number


def _check_bars(categories: Sequence[str], series: Sequence[Series]) -> None:
    """ValueError for input no bar chart can draw: no series, a series of the wrong length,
    a colour that is not #rgb / #rrggbb, a negative value."""
    if not series:
        raise ValueError("at least one series is needed")
    for item in series:
        if len(item.values) != len(categories):
            raise ValueError(f"series {item.label!r} has {len(item.values)} values, "
                             f"expected {len(categories)}")
        if not COLOR.match(item.color):
            raise ValueError(f"bad colour {item.color!r}")
        for value in item.values:
            _value(value)


def svg_bar_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    description: str = "",
    chart_id: str = "chart",
    unit: str = "",
    width: int = 680,
    label_width: int = 200,
    bar_height: int = 16,
    bar_gap: int = 10,
    lang: str = "en",
) -> Markup:
    """Horizontal stacked bar chart, one bar per category, one segment per series.

    `title` becomes the SVG's accessible <title>; `description` its <desc> (defaults to a
    plain-text reading of the data). Missing values count as 0 in the bar, which is why the
    caller should say in the report text what "unknown" means for its figure.
    """
    _check_bars(categories, series)
    uid = element_id(chart_id, "chart")
    values = [[_value(v) for v in item.values] for item in series]
    totals = [sum(col) for col in zip(*values)] if categories else []
    legend_items, plot = _layout(len(categories), totals, series, width=width, label_width=label_width,
                                 bar_height=bar_height, bar_gap=bar_gap)
    height = int(plot.axis_y + 22)
    words = chart_words(lang)
    desc = description or _bars_description(categories, series, values, totals, unit, words)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{uid}-title {uid}-desc" '
        f'font-family="{_FONTS.get(lang, _FONTS["en"])}" font-size="11">',
        f'<title id="{uid}-title">{escape(title)}</title>',
        f'<desc id="{uid}-desc">{escape(desc)}</desc>',
    ]
    out.extend(_svg_legend(legend_items))
    out.extend(_svg_grid(plot))
    if not categories:
        out.append(f'<text x="{coord(plot.x)}" y="{coord(plot.top + 12)}" fill="#666">{escape(words["no_data"])}</text>')
    for row, category in enumerate(categories):
        out.extend(_svg_bar(plot, row, str(category), series, [vals[row] for vals in values], totals[row]))
    out.append("</svg>")
    return Markup("".join(out))


@dataclass(frozen=True)
class _Plot:
    """Where a bar chart's bars and axis go."""

    x: float
    width: float
    top: float
    axis_y: float
    step: float
    ticks: int
    label_width: int
    bar_height: int
    bar_gap: int

    @property
    def axis_max(self) -> float:
        return self.step * self.ticks


def _layout(rows: int, totals: list[float], series: Sequence[Series], *, width: int, label_width: int,
            bar_height: int, bar_gap: int) -> tuple[list[tuple[float, float, Series]], _Plot]:
    """The legend entries and the plot area of a bar chart with `rows` bars."""
    step, ticks = _axis(max(totals, default=0.0))
    pad = 4
    legend_items, legend_h = _legend_layout(series, width, pad)
    total_w = 64  # room for the total label after the longest bar
    plot_x = label_width + 8
    top = legend_h + 8
    return legend_items, _Plot(x=plot_x, width=max(40.0, width - plot_x - total_w - pad), top=top,
                               axis_y=top + rows * (bar_height + bar_gap), step=step, ticks=ticks,
                               label_width=label_width, bar_height=bar_height, bar_gap=bar_gap)


def _legend_layout(series: Sequence[Series], width: int, pad: int) -> tuple[list[tuple[float, float, Series]], float]:
    """Legend entries (x, y, series) in one row, wrapping when it would overflow; and its height."""
    legend_items: list[tuple[float, float, Series]] = []
    x, y = float(pad), 0.0
    for item in series:
        item_w = 14 + _text_width(item.label) + 18
        if x + item_w > width - pad and x > pad:
            x, y = float(pad), y + 18
        legend_items.append((x, y, item))
        x += item_w
    return legend_items, y + 18


def _bars_description(categories: Sequence[str], series: Sequence[Series], values: list[list[float]],
                      totals: list[float], unit: str, words: dict[str, str]) -> str:
    """The default <desc>: each category's values and total, in plain text."""
    return "; ".join(
        f"{cat}: " + ", ".join(f"{s.label} {fmt_int(vals[i])}" for s, vals in zip(series, values))
        + f" ({words['total']} {fmt_int(totals[i])}{' ' + unit if unit else ''})"
        for i, cat in enumerate(categories)
    ) or f"{words['no_data']}."


def _svg_legend(legend_items: list[tuple[float, float, Series]]) -> list[str]:
    out = ['<g class="legend">']
    for lx, ly, item in legend_items:
        out.append(f'<rect x="{coord(lx)}" y="{coord(ly + 3)}" width="10" height="10" '
                   f'fill="{item.color}"/>')
        out.append(f'<text x="{coord(lx + 14)}" y="{coord(ly + 12)}" fill="#333">{escape(item.label)}</text>')
    out.append("</g>")
    return out


def _svg_grid(plot: _Plot) -> list[str]:
    """Grid lines and axis ticks at 0, step, ..., max."""
    out = ['<g class="grid">']
    for tick in range(plot.ticks + 1):
        tx = plot.x + plot.width * tick / plot.ticks
        out.append(f'<line x1="{coord(tx)}" y1="{coord(plot.top - 4)}" x2="{coord(tx)}" y2="{coord(plot.axis_y)}" '
                   f'stroke="#d9dde3" stroke-width="{1 if tick else 1.2}"/>')
        tick_value = plot.step * tick
        anchor = "start" if tick == 0 else "middle"
        label = fmt_int(tick_value) if tick_value == int(tick_value) else f"{tick_value:g}"
        out.append(f'<text x="{coord(tx)}" y="{coord(plot.axis_y + 14)}" text-anchor="{anchor}" '
                   f'fill="#666" font-size="10">{escape(label)}</text>')
    out.append("</g>")
    return out


def _svg_bar(plot: _Plot, row: int, category: str, series: Sequence[Series], row_values: list[float],
             total: float) -> list[str]:
    """One category: its label, one segment per series with a value, and the total after it."""
    by = plot.top + row * (plot.bar_height + plot.bar_gap) + plot.bar_gap / 2
    label_max = int((plot.label_width - 4) / _CHAR_W)
    out = ['<g class="bar">',
           f'<text x="{plot.label_width}" y="{coord(by + plot.bar_height / 2 + 4)}" text-anchor="end" '
           f'fill="#222">{escape(_truncate(category, label_max))}</text>']
    cursor = 0.0
    for item, value in zip(series, row_values):
        if value <= 0:
            continue
        sx = plot.x + plot.width * cursor / plot.axis_max
        sw = plot.width * value / plot.axis_max
        out.append(
            f'<rect x="{coord(sx)}" y="{coord(by)}" width="{coord(sw)}" height="{plot.bar_height}" '
            f'fill="{item.color}"><title>{escape(category)}, {escape(item.label)}: '
            f"{escape(fmt_int(value))}</title></rect>"
        )
        cursor += value
    end_x = plot.x + plot.width * cursor / plot.axis_max + 4
    out.append(f'<text x="{coord(end_x)}" y="{coord(by + plot.bar_height / 2 + 4)}" fill="#222">'
               f"{escape(fmt_int(total))}</text>")
    out.append("</g>")
    return out


# --- specs: a chart kept as data until the template draws it ---------------------------------


@dataclass(frozen=True)
class BarChart:
    """`svg_bar_chart`'s arguments; drawn when the template prints it (`__html__`)."""

    categories: tuple[str, ...]
    series: tuple[Series, ...]
    title: str
    description: str = ""
    chart_id: str = "chart"
    unit: str = ""
    width: int = 680
    label_width: int = 200
    bar_height: int = 16
    bar_gap: int = 10
    lang: str = "en"

    def __html__(self) -> str:
        return str(svg_bar_chart(
            self.categories, self.series, title=self.title, description=self.description,
            chart_id=self.chart_id, unit=self.unit, width=self.width,
            label_width=self.label_width, bar_height=self.bar_height, bar_gap=self.bar_gap,
            lang=self.lang))

    def __str__(self) -> str:
        return self.__html__()


def bar_chart(categories: Sequence[str], series: Sequence[Series], **options: object) -> BarChart:
    """A `BarChart` spec with `svg_bar_chart`'s arguments; checked now, drawn later."""
    _check_bars(categories, series)  # bad input fails where the chart is built, not in the template
    return BarChart(tuple(categories), tuple(series), **options)  # type: ignore[arg-type]
