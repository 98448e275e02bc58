"""What the report's SVG charts share: locale-free coordinates, escaping, element ids, the colour
check, and the charts' own words per language. Deterministic: no counters, no randomness."""

from __future__ import annotations

import html
import re

COLOR = re.compile(r"^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$")
"""A colour a chart accepts: #rgb or #rrggbb."""
_NOT_ID = re.compile(r"[^A-Za-z0-9_-]+")
_WORDS = {"en": {"total": "total", "no_data": "No data"},
          "ja": {"total": "合計", "no_data": "データなし"}}


def coord(value: float) -> str:
    """Fixed, locale-free coordinate formatting: 12.0 -> "12", 3.14159 -> "3.14"."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def escape(text: object) -> str:
    """`text` as SVG/HTML text or attribute value."""
    return html.escape(str(text), quote=True)


def element_id(chart_id: str, default: str) -> str:
    """`chart_id` made safe as an element id prefix (`default` when nothing is left)."""
    return _NOT_ID.sub("-", chart_id).strip("-") or default


def chart_words(lang: str) -> dict[str, str]:
    """The chart's own words ("total", "No data") in `lang`, English when not known."""
    return _WORDS.get(lang, _WORDS["en"])
