"""The first page's headline tiles: one figure each, with its change since the previous run and
its trend line. The foundation's tiles are built in section_summary.py; each concern builds its
own through `Presentation.headline_tiles`, from the `TileContext` given here."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from ..summary import block
from ..text import Text, as_text, join, msg
from . import charts
from .filters import fmt_bytes, fmt_int, fmt_pct, fmt_usd, is_missing

UNKNOWN = "unknown"
NOT_COMPUTED = "not computed"
UP, DOWN = "\u25b2", "\u25bc"  # ▲ ▼ (DejaVu Sans has both)
SPARK_COLOR = "#1f4e79"


@dataclass(frozen=True)
class Tile:
    """One headline figure with its change and its trend line."""

    key: str
    label: str
    value: str
    detail: str = ""
    tone: str = ""
    """"" | "alert" | "warn" | "good" | "unknown"."""
    change: str = ""
    """"▲ 3 since the previous run", "first run", "no change"."""
    change_tone: str = ""
    """"good" | "bad" | "" (neutral)."""
    spark: "charts.Sparkline | None" = None

    def with_change(self, change: str) -> "Tile":
        return Tile(**{**self.__dict__, "change": change})


@dataclass(frozen=True)
class Headline:
    kind: ClassVar[str] = "headline"
    tiles: tuple[Tile, ...]
    note: str = ""


@dataclass(frozen=True)
class TileContext:
    """What a tile builder reads: this run's summary, its trends, and whether it is partial."""

    summary: Mapping[str, Any]
    trends: Mapping[str, Any]
    partial_run: bool
    """Collection errors: the figures are partial (said in each tile's detail line)."""
    not_computed: Callable[[str], bool]

    @property
    def runs(self) -> int:
        return len(self.trends.get("runs") or [])

    def block(self, key: str) -> Mapping[str, Any]:
        return block(self.summary, key)

    def metric(self, key: str) -> Mapping[str, Any]:
        metrics = self.trends.get("metrics") or {}
        return metrics.get(key) or {}

    def partial(self, detail: str) -> str:
        return msg("partial: {detail}", detail=detail) if self.partial_run else detail

    def tile(self, key: str, label: str, value: str, detail: str, tone: str, fmt: Any,
             concern: str | None = None) -> Tile:
        """A tile with the change and trend line of the metric `key`; a concern that is not
        computed reads "not computed", never a zero."""
        computed = concern is None or not self.not_computed(concern)
        if not computed:
            return Tile(key, label, NOT_COMPUTED, "not built in this version; not a zero", "unknown")
        change, change_tone = change_of(self.metric(key), computed)
        return Tile(key, label, value, detail, tone, change, change_tone,
                    sparkline(key, self.metric(key), self.runs, fmt))


def known(text: str) -> str:
    """A formatted figure as a parameter: "unknown" is said in the report's language."""
    return msg("unknown") if text == UNKNOWN else text


def runs_text(n: int) -> Text:
    return msg("{n} run", n=fmt_int(n)) if n == 1 else msg("{n} runs", n=fmt_int(n))


def _delta_text(unit: str, delta: float) -> str:
    size = abs(delta)
    if unit == "pct":
        return msg("{arrow} {points} pts", arrow=UP if delta > 0 else DOWN,
                   points=fmt_pct(size, 1)[:-1])
    if unit == "usd":
        text = fmt_usd(size, 2)
    elif unit == "bytes":
        text = fmt_bytes(size)
    else:
        text = fmt_int(size)
    return f"{UP if delta > 0 else DOWN} {text}"


def change_of(metric: Mapping[str, Any], computed: bool) -> tuple[str, str]:
    """(the change since the previous run in words, its tone)."""
    if not computed:
        return "", ""
    direction = metric.get("direction")
    if direction == "first run":
        return "first run", ""
    if direction == "not recorded":
        return "", ""
    if direction == "flat":
        return "no change", ""
    delta = metric.get("delta")
    if direction in ("up", "down") and not is_missing(delta):
        judgement = metric.get("judgement")
        tone = {"better": "good", "worse": "bad"}.get(str(judgement), "")
        return _delta_text(str(metric.get("unit")), float(delta)), tone
    if metric.get("previous") is None and metric.get("value") is not None:
        return "no earlier figure", ""
    return "change unknown", ""


def sparkline(key: str, metric: Mapping[str, Any], runs: int, fmt: Any) -> charts.Sparkline | None:
    series = list(metric.get("series") or [])
    present = [v for v in series if not is_missing(v)]
    if runs < 2 or len(series) < 2 or len(present) < 2:
        return None
    reading = join([msg("unknown") if is_missing(v) else fmt(v) for v in series], "; ")
    return charts.Sparkline(
        tuple(series), title=msg("{label}, last {runs}", label=as_text(metric.get("label", key)),
                                 runs=runs_text(len(series))),
        description=msg("Oldest first: {values}.", values=reading),
        chart_id=f"spark-{key.replace('_', '-')}", color=SPARK_COLOR)
