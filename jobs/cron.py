"""Standard five-field crontab lines (minute hour day month day-of-week) as APScheduler triggers.

Used by the configuration (to validate `[[jobs]] cron`), by the scheduler (to schedule) and by
`schedule --list` (to show the next run): all three build the same trigger, so what is listed
is what runs.

Where APScheduler's CronTrigger and cron disagree, cron's meaning is kept:

* Day numbers: cron counts the week from Sunday = 0 (7 also Sunday), APScheduler from Monday.
* Day of month *or* day of week: when both fields are restricted (neither starts with `*`),
  cron runs on the days matching *either* (`0 0 1 * 1` = the 1st of each month and every
  Monday); CronTrigger would require both. When one of them starts with `*` (`*`, `*/2`) the
  days must match both, as in Vixie cron and cronie.
* The repeated hour when daylight saving time ends: a job at a fixed time (minute and hour
  fields not starting with `*`) runs once, at the first occurrence of that wall time, as in
  cron; CronTrigger would run it twice. A job with `*` in its minute or hour field runs in
  both hours, as in cron.

A wall time that does not exist (the hour skipped when daylight saving time starts, e.g.
02:30 on 2027-03-14 in America/New_York) is left as APScheduler handles it: the time is read
with the offset in force before the change, so the job runs one hour later by the new clock
(03:30 EDT), once. cron would run it right after the change (03:00).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

_DOW_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat", "sun")


def cron_trigger(expression: str, zone: str) -> "CrontabTrigger":
    """The trigger for a standard five-field crontab line, evaluated in `zone`."""
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(f"cron expression {expression!r}: expected 5 fields "
                         "(minute hour day month day-of-week)")
    minute, hour, day, month, dow = fields
    tz = ZoneInfo(zone)
    try:
        day_of_week = _cron_day_of_week(dow)
        common = {"minute": minute, "hour": hour, "month": month, "timezone": tz}
        if _restricted(day) and _restricted(dow):
            parts = [CronTrigger(day=day, day_of_week="*", **common),
                     CronTrigger(day="*", day_of_week=day_of_week, **common)]
        else:
            parts = [CronTrigger(day=day, day_of_week=day_of_week, **common)]
    except ValueError as exc:
        raise ValueError(f"cron expression {expression!r}: {exc}") from None
    return CrontabTrigger(expression, tz, parts,
                          once_in_repeated_hour=_restricted(minute) and _restricted(hour))


def _restricted(field: str) -> bool:
    return not field.startswith(("*", "?"))


class CrontabTrigger(BaseTrigger):
    """The earliest fire time of its CronTriggers (one, or two for day-of-month *or*
    day-of-week), without the second occurrence of a repeated wall time when
    `once_in_repeated_hour`. Pickled into the job store: keep it importable by this name."""

    def __init__(self, expression: str, tz: ZoneInfo, parts: list[CronTrigger], *,
                 once_in_repeated_hour: bool) -> None:
        self.expression = expression
        self.timezone = tz
        self.parts = parts
        self.once_in_repeated_hour = once_in_repeated_hour

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        for _ in range(1000):
            times = [t for t in (p.get_next_fire_time(previous_fire_time, now) for p in self.parts)
                     if t is not None]
            if not times:
                return None
            when = min(times, key=lambda t: t.astimezone(timezone.utc))
            if not (self.once_in_repeated_hour and _second_occurrence(when)):
                return when
            # Skip it: search again from just after it.
            previous_fire_time = when
            now = when.astimezone(timezone.utc) + timedelta(microseconds=1)
        return None

    def __str__(self) -> str:
        return f"crontab[{self.expression!r}, {self.timezone.key}]"

    def __repr__(self) -> str:
        return (f"<CrontabTrigger {self.expression!r} in {self.timezone.key}: "
                f"{' or '.join(str(p) for p in self.parts)}"
                f"{', once in a repeated hour' if self.once_in_repeated_hour else ''}>")


def _second_occurrence(when: datetime) -> bool:
    """Whether `when` is the later of two instants with the same wall time (the hour that
    repeats when daylight saving time ends)."""
    wall = when.replace(tzinfo=None)
    tz = when.tzinfo
    first = wall.replace(tzinfo=tz, fold=0)
    second = wall.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return False
    # In a gap the two folds also differ, but neither reads back as the same wall time.
    if first.astimezone(timezone.utc).astimezone(tz).replace(tzinfo=None) != wall:
        return False
    return when.astimezone(timezone.utc) == second.astimezone(timezone.utc) != first.astimezone(timezone.utc)


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
