"""The methodology's "Sources": the public sources (reports/sources.py) this report cites,
numbered as the inline citations ("[3]") number them, with the URL, the dates and the exact words
relied on. Only the sources some part of the report cites are listed (`with_cited_sources`)."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator

from ..sources import SOURCES, Source
from ..text import msg
from .blocks import Cell, Column, Heading, Section, Table

TABLE_ID = "sources-table"
_CITATION = re.compile(r"\[(\d+(?:, \d+)*)\]")


def _dates(s: Source) -> str:
    """When the source is dated and when it was read ("not re-read" if it was not), and the
    entry's note on how it was checked."""
    read = msg("read {date}", date=s.read_on) if s.read_on else msg("not re-read")
    dates = msg("dated {date}; {read}", date=s.dated, read=read) if s.dated else read
    return msg("{dates}; {note}", dates=dates, note=s.note) if s.note else dates


def _row(number: int, s: Source) -> tuple[Cell, ...]:
    # One full-width cell (label; URL, dates and the quoted words below it): beside each other in
    # two columns, the quotes wrapped to a narrow column and made the list a page longer.
    where = s.url + (f" ({s.version})" if s.version else "")
    note = msg("{where} · {dates}", where=where, dates=_dates(s))
    if s.quotes:
        quoted = " / ".join(f"\u201c{q}\u201d" for q in s.quotes)
        note = msg("{where_and_dates} · quoted: {quotes}", where_and_dates=note, quotes=quoted)
    return (Cell(f"[{number}]"), Cell(s.label, verbatim=True, note=note))


def _table(numbers: Iterable[int]) -> Table:
    return Table(id=TABLE_ID, caption="The public sources cited in this report by the numbers in brackets, "
                                      "with the words quoted where the report relies on them",
                 columns=(Column("#", width="4%"), Column("Source", width="96%")),
                 rows=tuple(_row(n, SOURCES[n - 1]) for n in sorted(set(numbers))), compact=True)


def sources_table() -> list[object]:
    """The "Sources" blocks for the methodology section: every registry entry until
    `with_cited_sources` narrows the list to what the finished report cites."""
    return [
        Heading("Sources", id="sources"),
        _table(range(1, len(SOURCES) + 1)),
    ]


def _strings(obj: object) -> Iterator[str]:
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, (tuple, list)):
        for item in obj:
            yield from _strings(item)
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        if getattr(obj, "id", None) == TABLE_ID:
            return  # the list itself cites nothing
        for f in dataclasses.fields(obj):
            yield from _strings(getattr(obj, f.name))


def cited_numbers(sections: Iterable[Section]) -> set[int]:
    """Every source number cited anywhere in the report's text ("[3]", "[3, 7]")."""
    found = {int(n) for text in _strings(tuple(sections)) for group in _CITATION.findall(text)
             for n in group.split(", ")}
    return {n for n in found if 1 <= n <= len(SOURCES)}


def with_cited_sources(sections: tuple[Section, ...]) -> tuple[Section, ...]:
    """The sections with the "Sources" list narrowed to the sources they cite."""
    cited = cited_numbers(sections)

    def narrowed(section: Section) -> Section:
        blocks = tuple(_table(cited) if getattr(b, "id", None) == TABLE_ID else b for b in section.blocks)
        return dataclasses.replace(section, blocks=blocks)
    return tuple(narrowed(s) for s in sections)
