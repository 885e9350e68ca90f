"""Working-day arithmetic on the office's holiday calendar.

The merged calendar: the office's entries (complaints.models.Holiday — days off and 调休
make-up working days, each from a State Council notice) override the official calendar of the
chinesecalendar package, which covers only the years it was released for; a day neither knows
is a working day Monday–Friday. The office's entries are read once per process and kept in
memory (`calendar_invalidate` on every change, and at most CALENDAR_TTL seconds old in the
other processes), so the hot paths pay no query.

The arithmetic itself stays pure: every function takes `overrides` (date -> is it a working
day) to compute on a given calendar; without it, the merged calendar is used.
"""

import time
from collections.abc import Mapping
from datetime import date, timedelta
from functools import cache

import chinese_calendar

# seconds another process may keep a calendar that the office has just changed
CALENDAR_TTL = 60.0

_cached: dict = {"overrides": None, "at": 0.0}


def calendar_invalidate() -> None:
    """Forget the office's entries; the next call reads them again."""
    _cached["overrides"] = None


def office_overrides() -> Mapping[date, bool]:
    """The office's entries as {date: is a working day}, cached in-process."""
    overrides = _cached["overrides"]
    if overrides is None or time.monotonic() - _cached["at"] > CALENDAR_TTL:
        overrides = _load()
        if overrides is None:
            return {}
        _cached["overrides"], _cached["at"] = overrides, time.monotonic()
    return overrides


def _load() -> dict[date, bool] | None:
    from django.db import DatabaseError

    from .models import Holiday

    try:
        return Holiday.objects.working_day_map()
    except DatabaseError:  # before the table's migration has run: not cached
        return None


@cache
def package_covers(year: int) -> bool:
    """Whether the chinesecalendar package knows this year's holidays."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def is_working_day(day: date, *, overrides: Mapping[date, bool] | None = None) -> bool:
    overrides = office_overrides() if overrides is None else overrides
    known = overrides.get(day)
    if known is not None:
        return known
    if package_covers(day.year):
        return chinese_calendar.is_workday(day)
    return day.weekday() < 5


def years_uncovered(
    start: date, end: date, *, overrides: Mapping[date, bool] | None = None
) -> list[int]:
    """The years from start to end that neither the package nor the office's entries cover
    (a year counts as covered by the office once any of its days is entered)."""
    overrides = office_overrides() if overrides is None else overrides
    office_years = {day.year for day in overrides}
    return [
        year
        for year in range(start.year, end.year + 1)
        if not package_covers(year) and year not in office_years
    ]


def add_working_days(start: date, n: int, *, overrides: Mapping[date, bool] | None = None) -> date:
    """The date n working days after `start` (start itself not counted); n=0 gives start."""
    overrides = office_overrides() if overrides is None else overrides
    day = start
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    while remaining:
        day += timedelta(days=step)
        if is_working_day(day, overrides=overrides):
            remaining -= 1
    return day


def working_days_between(
    start: date, end: date, *, overrides: Mapping[date, bool] | None = None
) -> int:
    """Working days after `start` up to and including `end` (negative if end < start)."""
    if end == start:
        return 0
    overrides = office_overrides() if overrides is None else overrides
    sign = 1 if end > start else -1
    lo, hi = (start, end) if sign > 0 else (end, start)
    count = 0
    day = lo
    while day < hi:
        day += timedelta(days=1)
        if is_working_day(day, overrides=overrides):
            count += 1
    return sign * count
