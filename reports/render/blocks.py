"""Display-ready building blocks of the view model.

Templates only ever see these (strings already formatted by `filters`, charts as escaped SVG
markup), never DataFrames or API dicts. A section is an id, a title and a sequence of blocks;
`blocks.html.j2` renders each block by its `kind`, so a new report section (the first
page's trends, a concern's section, ...) is built in Python without touching the templates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from ..text import as_text, msg

#: Badge tones the stylesheet knows; anything else is a bug.
BADGES = frozenset({"pass", "fail", "unknown", "na", "warn", "info", "partial"})


@dataclass(frozen=True)
class Cell:
    text: str
    numeric: bool = False
    badge: str = ""
    """One of BADGES: the text is shown as a status badge."""
    note: str = ""
    """A second, smaller line (e.g. account · region under a repository name)."""
    code: bool = False
    """Monospace (identifiers, filters)."""
    verbatim: bool = False
    """AWS's own words (an API error message), shown as received: never translated. The English
    report sets it as ordinary text; another language sets it (and its note) in code font, so it
    reads as a quotation rather than as untranslated prose."""

    def __post_init__(self) -> None:
        if self.badge and self.badge not in BADGES:
            raise ValueError(f"unknown badge {self.badge!r}")


@dataclass(frozen=True)
class Column:
    label: str
    numeric: bool = False
    width: str = ""
    """Optional CSS width, e.g. "30%"."""


@dataclass(frozen=True)
class Table:
    kind: ClassVar[str] = "table"
    id: str
    caption: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    empty_text: str = "No rows."
    more_text: str = ""
    """"18 more in data/coverage.csv" when the list was capped."""
    compact: bool = False
    lang: str = "en"
    """The report's language (set by the language pass); the template reads it for `verbatim`
    cells."""

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(f"table {self.id}: row has {len(row)} cells, "
                                 f"expected {len(self.columns)}")


@dataclass(frozen=True)
class Paragraph:
    kind: ClassVar[str] = "paragraph"
    text: str
    tone: str = ""
    """"" | "muted" | "notice" | "alert"."""


@dataclass(frozen=True)
class Heading:
    kind: ClassVar[str] = "heading"
    text: str
    id: str = ""


@dataclass(frozen=True)
class Bullets:
    kind: ClassVar[str] = "bullets"
    items: tuple[str, ...]
    title: str = ""


@dataclass(frozen=True)
class Figure:
    """A headline number."""

    label: str
    value: str
    detail: str = ""
    tone: str = ""
    """"" | "alert" | "warn" | "good" | "unknown"."""


@dataclass(frozen=True)
class Figures:
    kind: ClassVar[str] = "figures"
    items: tuple[Figure, ...]


@dataclass(frozen=True)
class Chart:
    kind: ClassVar[str] = "chart"
    id: str
    caption: str
    svg: Any
    """A charts.BarChart spec (drawn by the template), or ready SVG Markup."""
    note: str = ""


@dataclass(frozen=True)
class NotComputed:
    kind: ClassVar[str] = "not_computed"
    text: str
    badge_text: str = "Not computed"


@dataclass(frozen=True)
class Section:
    id: str
    """HTML anchor, stable across runs (the ToC and the banner link to it)."""
    number: int
    title: str
    blocks: tuple[object, ...]
    new_page: bool = False
    """Start on a new page in print."""
    in_toc: bool = True


def not_computed_section(anchor: str, number: int, title: str) -> Section:
    """A concern's section when its analysis did not run: says so, shows no figure."""
    return Section(anchor, number, title, (NotComputed(
        "Not computed in this version. No figure is given here, and none should be read as "
        "zero."),), new_page=True)


def missing_table(name: str) -> Paragraph:
    """Said where a result table is absent: absence of data is not an all-clear.

    `name` is best a `msg(...)` (then it is translated with the sentence); a plain string is
    looked up whole in the catalog."""
    return Paragraph(msg("The {name} table is not available for this run, so this part could not "
                         "be produced. It is not evidence that there is nothing to report.",
                         name=as_text(name)), tone="alert")


@dataclass(frozen=True)
class Meta:
    title: str
    as_of: str
    """Display form, "2026-03-02 08:00 UTC"."""
    as_of_iso: str
    """"2026-03-02T08:00:00Z": HTML/PDF metadata."""
    run_id: str
    tool_version: str
    scope: str
    """"3 accounts × 2 regions"."""
    accounts: str
    regions: str
    demo: bool
    lang: str = "en"
    organization: str = ""
    """With account discovery: "12 accounts from organization o-… (2 left out: …)"."""


@dataclass(frozen=True)
class Banner:
    title: str
    text: str
    link: str = "#completeness"


@dataclass(frozen=True)
class ReportView:
    meta: Meta
    banner: Banner | None
    sections: tuple[Section, ...]
    toc: tuple[Section, ...] = field(default=())
