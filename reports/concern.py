"""The plug-in contract: everything the pipeline needs from one concern, declared in one place.

A concern (lifecycle, Inspector pricing, pull-through ...) is one package, `reports/<concern>/`,
whose `__init__.py` declares a `Concern`: its snapshot tables (schema + builder over the recorded
calls), its result tables, the tables of others it `requires`, its `analyse` step, its config
section and the settings it records, and what the outputs take from it: the report section, the
headline tiles, the trend metrics, the ranked actions, the FinOps cost lines, the workbook
sheets, the email figures and the translations. Its collection step touches the network, so it
lives in `jobs/collect/<concern>.py`; `jobs/plugins.py`, the one composition root, pairs each
declaration with its collector and lists them. Every stage gets the concerns passed down from
there: nothing registers itself on import, and a module only ever sees the concerns it is given.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Protocol, Sequence

import pandas as pd

from .config_section import ConfigSection, ReadText, plain_settings
from .prices import PriceTable

Row = dict[str, Any]
Columns = Mapping[str, str]
"""A table's schema: column name -> pandas dtype."""


@dataclass(frozen=True)
class TableSpec:
    """One snapshot table: its columns (name -> dtype) and how to build its rows for a unit."""

    columns: Columns
    build: Callable[[Any, tuple[str, str]], list[Row]]
    """(CallIndex, (account_id, region)) -> rows"""


@dataclass(frozen=True)
class AnalysisContext:
    as_of: pd.Timestamp
    """The snapshot's "now" (UTC)."""
    tables: Mapping[str, pd.DataFrame]
    """Snapshot tables, plus the result tables of the concerns analysed before this one."""
    prices: PriceTable
    settings: Mapping[str, Any]
    """This concern's settings, as recorded in the snapshot (so re-rendering is reproducible)."""
    units: tuple[tuple[str, str], ...]
    errors: tuple[Mapping[str, str], ...]
    """Collection errors: a concern marks figures that depend on a failed call as partial."""


class Headline(Protocol):
    """A concern's headline figures: a small frozen dataclass of its own, typed."""

    def to_summary(self) -> dict[str, Any]:
        """Its block of summary.json (the documented keys, JSON-safe)."""
        ...


@dataclass(frozen=True)
class ConcernResult:
    tables: Mapping[str, pd.DataFrame]
    """Result tables, written to data/ as Parquet and CSV under these names."""
    headline: Headline
    """The typed headline figures; summary.json's block under the concern's key is made from them."""
    notes: tuple[str, ...] = ()
    methodology: tuple[str, ...] = ()
    """Paragraphs: what each figure means, the choices made, and which inputs are UNCONFIRMED."""

    @property
    def summary(self) -> dict[str, Any]:
        return self.headline.to_summary()


@dataclass(frozen=True)
class Metric:
    """A headline figure followed over runs (the first page's trends)."""

    key: str
    label: str
    unit: str
    """"pct" | "count" | "usd" | "bytes"."""
    better: str
    """"up" | "down" | "none": which direction of change is an improvement."""
    basis: str = ""
    """A figure naming what the value was measured on: earlier values on another basis are
    not compared (e.g. reclaimable bytes under the proposed policy vs today's)."""


@dataclass(frozen=True)
class Presentation:
    """What the outputs take from a concern. Every hook is optional (None: nothing to add)."""

    section: Callable[[Any, int], Any] | None = None
    """(render context, section number) -> reports.render.blocks.Section"""
    section_id: str = ""
    """The report section's element id (``pull-through``), for links and the contents."""
    section_title: str = ""
    metrics: tuple[Metric, ...] = ()
    figures: Callable[[Mapping[str, Any]], Mapping[str, Any]] | None = None
    """summary.json's block for this concern (this run's or an earlier run's) -> the values of
    `metrics` (None where not measured): the trend figures, read from archived runs too."""
    trend_figures: tuple[str, ...] = ()
    """Keys of `figures` that summary.json's `trends` also carries as they are."""
    headline_tiles: Callable[[Any], Sequence[Any]] | None = None
    """(render tile context) -> the first page's tiles for this concern."""
    actions: Callable[[Any], Sequence[Any]] | None = None
    """(reports.leadership.ActionInput) -> candidate actions (reports.leadership.Action)."""
    cost_lines: Callable[[Mapping[str, pd.DataFrame], Any], None] | None = None
    """(tables, reports.finops.LineSink) -> adds this concern's FOCUS cost lines."""
    workbook_sheets: tuple[tuple[str, str], ...] = ()
    """(table, what the sheet holds) for data/finops.xlsx, in order."""
    email_figures: Callable[[Mapping[str, Any]], Sequence[tuple[str, str]]] | None = None
    """summary.json's block for this concern -> (label, value) lines of the weekly email."""
    translations: tuple[Any, ...] = ()
    """Catalog modules (``CATALOG`` dict, optional ``KEEP_ENGLISH`` and ``PATTERNS``) for
    the Japanese edition."""


@dataclass(frozen=True)
class Concern:
    key: str
    """summary.json key, settings key and config section: `lifecycle`, `inspector`, ..."""
    title: str
    """The methodology's heading for this concern."""
    snapshot_tables: Mapping[str, TableSpec] = field(default_factory=dict)
    result_tables: Mapping[str, Columns] = field(default_factory=dict)
    requires: tuple[str, ...] = ()
    """Tables of the foundation or of other concerns that `analyse` reads: the pipeline runs the
    concerns that produce them first, and refuses a list where one is missing or in a cycle."""
    analyse: Callable[[AnalysisContext], ConcernResult] | None = None
    """None: declared but not built yet; summary.json and the report say "not computed"."""
    placeholder: Mapping[str, Any] = field(default_factory=dict)
    """summary.json's documented keys of this concern, with their value while not computed."""
    config: type[ConfigSection] | None = None
    """Its configuration section, `[<key>]` (None: it has none)."""
    settings: Callable[[Any, ReadText], Mapping[str, Any]] = plain_settings
    """(its config section, a file reader) -> the analysis settings recorded in the snapshot."""
    presentation: Presentation = field(default_factory=Presentation)

    @property
    def tables(self) -> dict[str, Columns]:
        """Every table this concern produces, snapshot and result, with its schema."""
        return {**{n: s.columns for n, s in self.snapshot_tables.items()}, **self.result_tables}


class CompositionError(ValueError):
    """The list of concerns cannot be run: a table declared twice, missing, or in a cycle."""


def analysis_order(concerns: Sequence[Concern], foundation: Iterable[str]) -> tuple[Concern, ...]:
    """`concerns` ordered so each runs after the concerns whose tables it requires.

    Stable: concerns keep the given order unless a requirement moves a producer earlier.
    Raises CompositionError naming the table no concern provides, or the cycle."""
    provider = _providers(concerns, set(foundation))
    ordered: list[Concern] = []
    state: dict[str, str] = {}

    def visit(concern: Concern, path: tuple[str, ...]) -> None:
        if state.get(concern.key) == "done":
            return
        if state.get(concern.key) == "visiting":
            cycle = " -> ".join((*path[path.index(concern.key):], concern.key))
            raise CompositionError(f"concerns require each other's tables in a cycle: {cycle}")
        state[concern.key] = "visiting"
        for table in concern.requires:
            if table not in provider:
                raise CompositionError(f"concern {concern.key!r} requires table {table!r}, which "
                                       "neither the foundation nor any listed concern provides")
            if provider[table] is not None and provider[table] is not concern:
                visit(provider[table], (*path, concern.key))
        state[concern.key] = "done"
        ordered.append(concern)

    for concern in concerns:
        visit(concern, ())
    return tuple(ordered)


def _providers(concerns: Sequence[Concern], foundation: set[str]) -> dict[str, Concern | None]:
    """table -> the concern producing it (None: the foundation)."""
    provider: dict[str, Concern | None] = {name: None for name in foundation}
    keys: set[str] = set()
    for concern in concerns:
        if concern.key in keys:
            raise CompositionError(f"concern {concern.key!r} is listed twice")
        keys.add(concern.key)
        for table in concern.tables:
            if table in provider:
                owner = "the foundation" if provider[table] is None else repr(provider[table].key)
                raise CompositionError(f"table {table!r} of concern {concern.key!r} is already "
                                       f"declared by {owner}")
            provider[table] = concern
    return provider
