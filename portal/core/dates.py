"""Calendar-month arithmetic, once: the first day of a month, months added or taken away, the
last n months. Pure functions over `date`; a month is always named by its first day."""

from datetime import date


def month_start(day: date) -> date:
    """The first day of `day`'s calendar month."""
    return day.replace(day=1)


def year_start(day: date) -> date:
    """1 January of `day`'s year."""
    return date(day.year, 1, 1)


def add_months(day: date, n: int) -> date:
    """The first day of the month `n` months after (negative: before) `day`'s month."""
    index = day.year * 12 + (day.month - 1) + n
    return date(index // 12, index % 12 + 1, 1)


def next_month(day: date) -> date:
    return add_months(day, 1)


def previous_month(day: date) -> date:
    return add_months(day, -1)


def months_back(day: date, n: int) -> list[date]:
    """The first days of the last `n` months up to and including `day`'s, oldest first."""
    return [add_months(day, -i) for i in range(n - 1, -1, -1)]
