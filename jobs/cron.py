"""Standard five-field crontab lines (minute hour day month day-of-week) as APScheduler triggers.

Used by the configuration (to validate `[[jobs]] cron`) and by the scheduler (to schedule).
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

_DOW_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


def cron_trigger(expression: str, zone: str) -> Any:
    """A CronTrigger for a standard five-field crontab line, evaluated in `zone`.

    APScheduler numbers days of the week from Monday = 0, cron from Sunday = 0 (7 also
    Sunday); `from_crontab` passes numbers through unchanged, so "0 8 * * 1" would fire on
    Tuesdays. Numeric day-of-week terms are translated to names first.
    """
    from apscheduler.triggers.cron import CronTrigger

    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(f"cron expression {expression!r}: expected 5 fields "
                         "(minute hour day month day-of-week)")
    minute, hour, day, month, dow = fields
    try:
        return CronTrigger(minute=minute, hour=hour, day=day, month=month,
                           day_of_week=_cron_day_of_week(dow), timezone=ZoneInfo(zone))
    except ValueError as exc:
        raise ValueError(f"cron expression {expression!r}: {exc}") from None


def _cron_day_of_week(field: str) -> str:
    if field in ("*", "?"):
        return "*"
    out: list[str] = []
    for term in field.split(","):
        base, _, step_text = term.partition("/")
        if not any(ch.isdigit() for ch in base) and not step_text:
            out.append(base.lower())  # names (mon, mon-fri) mean the same to both
            continue
        step = int(step_text) if step_text else 1
        if base == "*":
            lo, hi = 0, 6
        elif "-" in base:
            lo_text, hi_text = base.split("-", 1)
            lo, hi = _dow_number(lo_text), _dow_number(hi_text)
        else:
            lo = _dow_number(base)
            hi = 6 if step_text else lo
        if step < 1 or hi < lo:
            raise ValueError(f"bad day-of-week term {term!r}")
        out.extend(_DOW_NAMES[d] for d in range(lo, hi + 1, step))
    return ",".join(dict.fromkeys(out))


def _dow_number(text: str) -> int:
    text = text.strip().lower()
    if text.isdigit():
        value = int(text)
        if not 0 <= value <= 7:
            raise ValueError(f"day of week {value} out of range 0-7")
        return value
    if text in _DOW_NAMES:
        return _DOW_NAMES.index(text)
    raise ValueError(f"bad day of week {text!r}")
