"""Working days on the official calendar: holidays skipped, 调休 make-up weekends counted."""

from datetime import date

import pytest

from complaints.workdays import add_working_days, is_working_day, working_days_between

# the merged calendar reads the office's entries (none here: the package's calendar alone)
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "start,n,expected",
    [
        # an ordinary week: Friday + 1 = Monday
        (date(2026, 11, 20), 1, date(2026, 11, 23)),
        (date(2026, 11, 23), 5, date(2026, 11, 30)),
        (date(2026, 11, 23), 0, date(2026, 11, 23)),
        # 国庆 2026: 10-01..10-07 off; Sunday 09-20 and Saturday 10-10 are make-up workdays
        (date(2026, 9, 30), 1, date(2026, 10, 8)),
        (date(2026, 9, 29), 5, date(2026, 10, 12)),  # 9-30, 10-8, 10-9, 10-10(Sat), 10-12
        (date(2026, 10, 9), 1, date(2026, 10, 10)),  # Saturday 10-10 is a working day
        (date(2026, 9, 18), 1, date(2026, 9, 20)),  # Sunday 09-20 is a working day
        # 春节 2026: 02-15..02-23 off; Saturdays 02-14 and 02-28 are make-up workdays
        (date(2026, 2, 13), 1, date(2026, 2, 14)),
        (date(2026, 2, 14), 1, date(2026, 2, 24)),
        (date(2026, 2, 12), 5, date(2026, 2, 26)),  # 2-13, 2-14, 2-24, 2-25, 2-26
        # 国庆 2025 with 调休 on Saturday 10-11
        (date(2025, 9, 30), 1, date(2025, 10, 9)),
        (date(2025, 10, 10), 1, date(2025, 10, 11)),
        # counting backwards
        (date(2026, 10, 8), -1, date(2026, 9, 30)),
    ],
)
def test_add_working_days(start, n, expected):
    assert add_working_days(start, n) == expected


@pytest.mark.parametrize(
    "day,working",
    [
        (date(2026, 10, 1), False),
        (date(2026, 10, 10), True),
        (date(2026, 2, 28), True),
        (date(2026, 2, 16), False),
        (date(2026, 11, 21), False),
        (date(2026, 11, 23), True),
        # beyond the calendar's years Monday–Friday is assumed
        (date(2031, 3, 3), True),
        (date(2031, 3, 1), False),
    ],
)
def test_is_working_day(day, working):
    assert is_working_day(day) is working


def test_working_days_between_is_the_inverse_of_add():
    for start, n in [(date(2026, 9, 29), 5), (date(2026, 2, 12), 5), (date(2026, 11, 2), 12)]:
        assert working_days_between(start, add_working_days(start, n)) == n
        assert working_days_between(add_working_days(start, n), start) == -n
