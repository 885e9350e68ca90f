"""System checks of the complaint desk: the holiday calendar must cover the coming days, or
deadlines silently count every weekday as a working day (`manage.py check`, /readyz)."""

from datetime import timedelta

from django.core import checks
from django.utils import timezone
from django.utils.translation import gettext as _

# how far ahead the calendar must reach (a deadline of 60 working days runs about this long)
COVERAGE_DAYS = 90


def _today():
    return timezone.localdate()


def holiday_years_missing(*, today=None) -> list[int]:
    """The years of the next COVERAGE_DAYS days that the holiday calendar does not cover."""
    from .workdays import years_uncovered

    today = today or _today()
    return years_uncovered(today, today + timedelta(days=COVERAGE_DAYS))


def check_holiday_calendar(app_configs=None, **kwargs):
    """Registered in ComplaintsConfig.ready(); reads the office's calendar (one query)."""
    return holiday_calendar_warnings()


def holiday_calendar_warnings() -> list:
    from django.db import DatabaseError

    from .models import Holiday

    try:
        Holiday.objects.exists()
    except (DatabaseError, RuntimeError):
        # no database (yet, or not allowed here: a test process without database access
        # where Celery runs the checks) to read the calendar from; the database's own checks
        # say so
        return []
    missing = holiday_years_missing()
    if not missing:
        return []
    years = "、".join(str(y) for y in missing)
    return [
        checks.Warning(
            _("节假日安排未覆盖今后 %(d)s 天：缺少 %(y)s 年") % {"d": COVERAGE_DAYS, "y": years},
            hint=_(
                "请在后台“节假日安排”中录入国务院办公厅通知，或运行 manage.py holidays_load FILE。"
            ),
            id="complaints.W001",
        )
    ]
