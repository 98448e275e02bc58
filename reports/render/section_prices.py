"""The methodology's "Prices used": every price the analysis used (data/prices.csv), one row per
distinct price, with the regions that fell back to it."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..sources import cite
from ..sources import source as registry_source
from ..text import Text, msg
from .blocks import Cell, Column, Heading, Paragraph, Table
from .filters import fmt_num, fmt_text, fmt_usd, is_missing

UNKNOWN = "unknown"


def _price_cell(amount: Any, unit: str) -> Cell:
    if is_missing(amount):
        return Cell(UNKNOWN, True)
    value = float(amount)
    if unit == "days":  # a duration in the price table (archive minimum), not money
        return Cell(msg("{duration_days} days", duration_days=fmt_num(value, 0)), True)
    digits = next((d for d in (2, 3, 4) if round(value, d) == round(value, 6)), 5)
    return Cell(fmt_usd(value, digits), True, note=msg("per {unit}", unit=Text(unit)) if unit else "")


def _source_cell(source: str, source_id: str, date: str) -> Cell:
    """A registry source: its label (quoted as written) and its number in "Sources"; an override's
    own free text otherwise (translatable, e.g. "configuration")."""
    when = date or msg("undated")
    if source_id:  # the publisher and the number: "Sources" gives the title, URL and quotes
        return Cell(msg("{source} {ref} ({date})", source=registry_source(source_id).publisher,
                        ref=cite(source_id), date=when), verbatim=True)
    return Cell(msg("{source} ({date})", source=Text(source), date=when))


def prices_table(prices: pd.DataFrame | None) -> list[object]:
    """The "Prices used" blocks for the methodology section (every price the analysis used)."""
    blocks: list[object] = [Heading("Prices used", id="prices-used")]
    if prices is None:
        blocks.append(Paragraph(msg("The price list was not handed to the renderer, so the prices used "
                                    "cannot be listed here; the run's data/prices.csv has them."), tone="alert"))
        return blocks
    # One row per distinct price; regions that fell back to it are named beside it.
    groups: dict[tuple, dict[str, list[str]]] = {}
    for rec in prices.sort_values(["item", "region"], kind="mergesort").to_dict("records"):
        fallback = not is_missing(rec.get("region_fallback")) and bool(rec.get("region_fallback"))
        key = tuple(fmt_text(rec.get(c), "") for c in ("item", "unit", "source", "date", "status",
                                                          "source_id")) + (rec.get("amount_usd"),)
        entry = groups.setdefault(key, {"own": [], "fallback": []})
        entry["fallback" if fallback else "own"].append(fmt_text(rec.get("region")))
    rows = []
    for (item, unit, source, date, status, source_id, amount), regions in groups.items():
        own = ", ".join(regions["own"]) or "us-east-1"
        rows.append((
            Cell(item, code=True),
            Cell(own, note=(msg("also used for {regions}", regions=", ".join(regions["fallback"]))
                            if regions["fallback"] else "")),
            _price_cell(amount, unit),
            Cell(status or UNKNOWN, badge="warn" if status == "UNCONFIRMED" else ("info" if "override" in status else "")),
            _source_cell(source, source_id, date),
        ))
    blocks.append(Table(
        id="prices-used-table",
        caption="Every price this report used (USD). UNCONFIRMED: no official source could be read.",
        # The source is a short label and its number in "Sources": the region (with the regions
        # it also stands for) gets the width, so a row does not wrap to five lines.
        columns=(Column("Item", width="21%"), Column("Region", width="21%"), Column("Price", True, width="16%"),
                 Column("Status", width="14%"), Column("Source (date)", width="28%")),
        rows=tuple(rows), empty_text="No price was used in this report.", compact=True))
    return blocks
