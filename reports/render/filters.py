"""Formatting filters: one value in, one display string out, registered on the Jinja environment
under the names in `FILTERS`.

The functions live in `reports.formatting` (pure, shared with the analysis); they are re-exported
here under the names the renderer has always used.
"""

from __future__ import annotations

from ..formatting import (
    MINUS,
    MISSING,
    fmt_bytes,
    fmt_date,
    fmt_datetime,
    fmt_int,
    fmt_iso,
    fmt_num,
    fmt_pct,
    fmt_ratio,
    fmt_text,
    fmt_usd,
    fmt_usd_per_month,
    is_missing,
    pct_of,
    plural,
    round_half_up,
)

__all__ = ["FILTERS", "MINUS", "MISSING", "fmt_bytes", "fmt_date", "fmt_datetime", "fmt_int", "fmt_iso",
           "fmt_num", "fmt_pct", "fmt_ratio", "fmt_text", "fmt_usd", "fmt_usd_per_month", "is_missing",
           "pct_of", "plural", "round_half_up"]

FILTERS = {
    "int": fmt_int,
    "num": fmt_num,
    "pct": fmt_pct,
    "ratio": fmt_ratio,
    "bytes": fmt_bytes,
    "usd": fmt_usd,
    "datetime": fmt_datetime,
    "date": fmt_date,
    "iso": fmt_iso,
    "text": fmt_text,
    "plural": plural,
}
