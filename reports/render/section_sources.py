"""The methodology's "Sources": every public source the report's methods and prices cite
(reports/sources.py), numbered as the inline citations ("[3]") number them, with the URL, the
dates and the exact words relied on."""

from __future__ import annotations

from ..sources import SOURCES, Source
from ..text import msg
from .blocks import Cell, Column, Heading, Paragraph, Table


def _dates(s: Source) -> str:
    read = msg("read {date}", date=s.read_on)
    return msg("dated {date}; {read}", date=s.dated, read=read) if s.dated else read


def _row(number: int, s: Source) -> tuple[Cell, ...]:
    where = s.url + (f" ({s.version})" if s.version else "")
    return (Cell(f"[{number}]"),
            Cell(s.label, verbatim=True, note=msg("{where} · {dates}", where=where, dates=_dates(s))),
            Cell(" / ".join(f"\u201c{q}\u201d" for q in s.quotes), verbatim=True))


def sources_table() -> list[object]:
    """The "Sources" blocks for the methodology section (the whole registry, in its order)."""
    return [
        Heading("Sources", id="sources"),
        Paragraph(msg("Every citation in this report ([1], [2], ...) refers to this list, with the words "
                      "quoted where the report relies on them.")),
        Table(id="sources-table", caption="Public sources cited by this report",
              columns=(Column("#", width="5%"), Column("Source", width="50%"), Column("Quoted", width="45%")),
              rows=tuple(_row(n, s) for n, s in enumerate(SOURCES, start=1)), compact=True),
    ]
