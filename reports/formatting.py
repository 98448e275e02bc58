"""Display formatting: one value in, one display string out. Pure (no renderer, no I/O), so the
analysis (e.g. the leadership action lines) and the renderer (`reports.render.filters`, which
registers these on the Jinja environment) format numbers the same way from one place.

A missing value (None, pandas <NA>, NaN, NaT) is always written as "n/a" (or the caller's word,
e.g. "unknown") and never as "nan", "None" or "<NA>".

Conventions stated in the report's methodology: sizes are binary units (1 GiB = 2**30 bytes,
which is what AWS bills as "GB"); money is USD; times are ISO 8601 in UTC.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import numpy as np
import pandas as pd

MISSING = "n/a"
MINUS = "\u2212"  # typographic minus sign

_BINARY_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")


def is_missing(value: Any) -> bool:
    """True for None, pandas <NA>/NaT and float NaN."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    try:
        result = pd.isna(value)
    except (TypeError, ValueError):
        return False
    return isinstance(result, (bool, np.bool_)) and bool(result)


def round_half_up(value: float, digits: int) -> Decimal:
    """Round half-up (not banker's rounding), so 0.125 -> 0.13 as a reader expects."""
    quantum = Decimal(1).scaleb(-digits)
    return Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)


def _grouped(value: Decimal, digits: int) -> str:
    text = f"{abs(value):,.{digits}f}"
    return (MINUS + text) if value < 0 and text.strip("0.,") else text


def fmt_int(value: Any, missing: str = MISSING) -> str:
    """12345 -> "12,345"; negative numbers use a real minus sign."""
    if is_missing(value):
        return missing
    return _grouped(round_half_up(float(value), 0), 0)


def fmt_num(value: Any, digits: int = 1, missing: str = MISSING) -> str:
    """A decimal number with thousands separators: 1234.5 -> "1,234.5"."""
    if is_missing(value):
        return missing
    return _grouped(round_half_up(float(value), digits), digits)


def fmt_pct(value: Any, digits: int = 1, missing: str = MISSING) -> str:
    """A percentage given on the 0-100 scale: 83.333 -> "83.3%"."""
    if is_missing(value):
        return missing
    return _grouped(round_half_up(float(value), digits), digits) + "%"


def pct_of(part: Any, whole: Any) -> float | None:
    """part / whole on the 0-100 scale, or None when either is unknown or whole is 0."""
    if is_missing(part) or is_missing(whole) or float(whole) == 0:
        return None
    return 100.0 * float(part) / float(whole)


def fmt_ratio(part: Any, whole: Any, digits: int = 1, missing: str = MISSING) -> str:
    """"12 of 58 (20.7%)"; the percentage is left out when whole is 0."""
    if is_missing(part) or is_missing(whole):
        return missing
    pct = pct_of(part, whole)
    text = f"{fmt_int(part)} of {fmt_int(whole)}"
    return f"{text} ({fmt_pct(pct, digits)})" if pct is not None else text


def fmt_bytes(value: Any, unit: str | None = None, digits: int = 1, missing: str = MISSING) -> str:
    """Binary units: 1536 -> "1.5 KiB"; `unit` forces one ("GiB"). Bytes are whole numbers."""
    if is_missing(value):
        return missing
    number = float(value)
    if unit is None:
        index = 0
        while index < len(_BINARY_UNITS) - 1 and abs(number) >= 1024 ** (index + 1):
            index += 1
    else:
        index = _BINARY_UNITS.index(unit)
    if index == 0:
        return f"{fmt_int(number)} B"
    return f"{fmt_num(number / 1024**index, digits)} {_BINARY_UNITS[index]}"


def fmt_usd(value: Any, digits: int = 2, missing: str = MISSING) -> str:
    """USD: 1234.5 -> "$1,234.50", -3 -> "−$3.00"."""
    if is_missing(value):
        return missing
    rounded = round_half_up(float(value), digits)
    text = f"${abs(rounded):,.{digits}f}"
    return (MINUS + text) if rounded < 0 else text


def fmt_usd_per_month(value: Any, digits: int = 2, missing: str = MISSING) -> str:
    """A monthly amount: 1234.5 -> "$1,234.50/month"."""
    if is_missing(value):
        return missing
    return f"{fmt_usd(value, digits)}/month"


def _as_utc(value: Any) -> datetime:
    if isinstance(value, str):
        value = pd.Timestamp(value)
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime):
        if value.tzinfo is None:  # the pipeline's convention: naive means UTC
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=timezone.utc)
    raise TypeError(f"not a date or time: {value!r}")


def fmt_datetime(value: Any, missing: str = MISSING, lang: str = "en") -> str:
    """ISO-like UTC, to the minute: "2026-03-02 08:00 UTC"; ja: "2026年3月2日 08:00 UTC"."""
    if is_missing(value):
        return missing
    moment = _as_utc(value)
    if lang == "ja":
        return f"{_ja_date(moment)} {moment:%H:%M} UTC"
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def fmt_date(value: Any, missing: str = MISSING, lang: str = "en") -> str:
    """ISO date in UTC: "2026-03-02"; ja: "2026年3月2日"."""
    if is_missing(value):
        return missing
    moment = _as_utc(value)
    return _ja_date(moment) if lang == "ja" else moment.strftime("%Y-%m-%d")


def _ja_date(moment: datetime) -> str:
    return f"{moment.year}年{moment.month}月{moment.day}日"


def fmt_iso(value: Any) -> str:
    """Full ISO 8601 UTC with a Z, for machine-readable places (metadata, <time>)."""
    return _as_utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")


def fmt_text(value: Any, missing: str = MISSING) -> str:
    """Any value as text; missing values as `missing`."""
    if is_missing(value):
        return missing
    return str(value)


def plural(count: Any, singular: str, plural_form: str | None = None) -> str:
    """"1 repository", "2 repositories" (count formatted with thousands separators)."""
    if is_missing(count):
        return f"{MISSING} {plural_form or singular + 's'}"
    word = singular if int(count) == 1 else (plural_form or singular + "s")
    return f"{fmt_int(count)} {word}"
