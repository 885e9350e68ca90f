"""Month arithmetic (portal.core.dates), table-driven: December/January and leap years."""

from datetime import date

import pytest

from portal.core import dates


@pytest.mark.parametrize(
    ("day", "start"),
    [
        (date(2026, 12, 31), date(2026, 12, 1)),
        (date(2024, 2, 29), date(2024, 2, 1)),
        (date(2026, 1, 1), date(2026, 1, 1)),
    ],
)
def test_month_start(day, start):
    assert dates.month_start(day) == start
    assert dates.year_start(day) == date(day.year, 1, 1)


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (date(2026, 12, 15), 1, date(2027, 1, 1)),
        (date(2026, 1, 31), -1, date(2025, 12, 1)),
        (date(2024, 1, 31), 1, date(2024, 2, 1)),  # into a leap February
        (date(2024, 2, 29), 1, date(2024, 3, 1)),
        (date(2024, 2, 29), -12, date(2023, 2, 1)),
        (date(2026, 3, 31), -1, date(2026, 2, 1)),
        (date(2026, 5, 10), 0, date(2026, 5, 1)),
        (date(2026, 5, 10), -17, date(2024, 12, 1)),
        (date(2026, 5, 10), 20, date(2028, 1, 1)),
    ],
)
def test_add_months(day, n, expected):
    assert dates.add_months(day, n) == expected


@pytest.mark.parametrize(
    ("day", "previous", "following"),
    [
        (date(2026, 1, 1), date(2025, 12, 1), date(2026, 2, 1)),
        (date(2025, 12, 31), date(2025, 11, 1), date(2026, 1, 1)),
        (date(2024, 2, 29), date(2024, 1, 1), date(2024, 3, 1)),
        (date(2023, 3, 31), date(2023, 2, 1), date(2023, 4, 1)),
    ],
)
def test_previous_and_next_month(day, previous, following):
    assert dates.previous_month(day) == previous
    assert dates.next_month(day) == following


def test_months_back_crosses_the_year_oldest_first():
    assert dates.months_back(date(2026, 2, 14), 4) == [
        date(2025, 11, 1),
        date(2025, 12, 1),
        date(2026, 1, 1),
        date(2026, 2, 1),
    ]
    assert dates.months_back(date(2026, 2, 14), 1) == [date(2026, 2, 1)]
    assert len(dates.months_back(date(2026, 2, 14), 12)) == 12
