"""The four-level warning engine on the database: every threshold edge, roll-overs, revoked
votes and re-runs (pure thresholds are table-tested in test_rules.py)."""

from datetime import date, datetime, time

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from portal.evaluation.models import OfficialWarning, Rating, RatingRevocation
from portal.evaluation.warnings import warnings_compute

pytestmark = pytest.mark.django_db


def bad(official, n, day, level=2):
    """n 不满意 votes of `official` on `day` (bulk: warnings do not read the chain)."""
    at = timezone.make_aware(datetime.combine(day, time(10)))
    start = Rating.objects.filter(official_id=official.pk).count()
    return Rating.objects.bulk_create(
        [
            Rating(
                official_id=official.pk,
                unit_id=official.unit_id,
                level=level,
                reason="差",
                channel="web",
                voter_key=f"v{start + i}",
                month=day.replace(day=1),
                created_at=at,
                seq=10**6 + start + i,
                prev_hash="0" * 64,
                hash=f"{start + i:064d}",
            )
            for i in range(n)
        ]
    )


def levels(official):
    return sorted(
        (w.level, w.period_kind, w.period_start.isoformat())
        for w in OfficialWarning.objects.filter(official_id=official.pk)
    )


D = date(2026, 3, 15)


def test_nine_in_a_month_raises_nothing_and_ten_raise_level_iii(official):
    bad(official, 9, D)
    warnings_compute(day=D)
    assert levels(official) == []
    bad(official, 1, D)
    warnings_compute(day=D)
    assert levels(official) == [("III", "month", "2026-03-01")]


def test_nineteen_and_twenty_and_thirty_nine_and_forty_in_a_month(official):
    bad(official, 19, D)
    warnings_compute(day=D)
    assert [lv for lv, *_ in levels(official)] == ["III"]
    bad(official, 1, D)
    warnings_compute(day=D)
    assert [lv for lv, k, _ in levels(official) if k == "month"] == ["II", "III"]
    bad(official, 19, D)
    warnings_compute(day=D)
    assert "I" not in [lv for lv, k, _ in levels(official) if k == "month"]
    bad(official, 1, D)
    warnings_compute(day=D)
    assert sorted(lv for lv, k, _ in levels(official) if k == "month") == ["I", "II", "III"]


def test_thirty_nine_in_the_year_raise_nothing_yearly_and_forty_raise_level_iii(official):
    for month in range(1, 5):  # 9 + 9 + 9 + 9 = 36, never 10 in one month
        bad(official, 9, date(2026, month, 10))
    bad(official, 3, date(2026, 5, 10))
    warnings_compute(day=date(2026, 5, 20))
    assert levels(official) == []
    bad(official, 1, date(2026, 5, 11))
    warnings_compute(day=date(2026, 5, 20))
    assert levels(official) == [("III", "year", "2026-01-01")]


def test_month_roll_over_starts_counting_again(official):
    bad(official, 9, date(2026, 3, 31))
    bad(official, 1, date(2026, 4, 1))
    warnings_compute(day=date(2026, 4, 1))
    assert levels(official) == []


def test_year_roll_over_starts_counting_again(official):
    for month in range(8, 13):
        bad(official, 8, date(2025, month, 5))  # 40 in 2025
    bad(official, 5, date(2026, 1, 2))
    warnings_compute(day=date(2026, 1, 2))
    assert levels(official) == []
    warnings_compute(day=date(2025, 12, 31))
    assert levels(official) == [("III", "year", "2025-01-01")]


def test_revoked_votes_do_not_count(official, office_user):
    votes = bad(official, 10, D)
    RatingRevocation.objects.create(
        rating=votes[0], reason="恶意", actor=office_user, created_at=timezone.now()
    )
    warnings_compute(day=D)
    assert levels(official) == []


def test_good_and_basic_votes_do_not_count(official):
    bad(official, 9, D)
    bad(official, 5, D, level=3)
    bad(official, 5, D, level=4)
    warnings_compute(day=D)
    assert levels(official) == []


def test_votes_after_the_given_day_do_not_count(official):
    bad(official, 9, date(2026, 3, 10))
    bad(official, 1, date(2026, 3, 20))
    warnings_compute(day=date(2026, 3, 19))
    assert levels(official) == []


def test_re_runs_raise_each_level_once_per_period(official):
    bad(official, 25, D)
    first = warnings_compute(day=D)
    assert len(first) == 2
    assert warnings_compute(day=D) == []
    call_command("compute_warnings", "--date", D.isoformat())
    assert OfficialWarning.objects.count() == 2


def test_the_same_level_is_raised_again_in_a_new_month(official):
    bad(official, 10, date(2026, 3, 5))
    bad(official, 10, date(2026, 4, 5))
    warnings_compute(day=date(2026, 3, 31))
    warnings_compute(day=date(2026, 4, 30))
    assert levels(official) == [("III", "month", "2026-03-01"), ("III", "month", "2026-04-01")]


def test_new_warnings_notify_the_office_by_email(official, django_capture_on_commit_callbacks):
    bad(official, 10, D)
    with django_capture_on_commit_callbacks(execute=True):
        warnings_compute(day=D)
    assert len(mail.outbox) == 1 and "三级预警" in mail.outbox[0].body


def test_thresholds_come_from_the_site_settings(official, site_pages):
    from wagtail.models import Site

    from cms.models import PortalSettings

    PortalSettings.objects.update_or_create(
        site=Site.objects.get(is_default_site=True), defaults={"warning_iii_month": 3}
    )
    bad(official, 3, D)
    warnings_compute(day=D)
    assert levels(official) == [("III", "month", "2026-03-01")]


def test_a_rating_crossing_a_threshold_raises_the_warning_on_commit(
    official, rate, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    bad(official, 9, today)
    with django_capture_on_commit_callbacks(execute=True):
        rate(official, level=2)
    assert ("III", "month", today.replace(day=1).isoformat()) in levels(official)


def test_compute_warnings_command_rejects_a_bad_date():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="bad --date"):
        call_command("compute_warnings", "--date", "2026-13-01")


def test_compute_warnings_task_runs_the_engine(official):
    from portal.evaluation.tasks import compute_warnings_task

    bad(official, 10, D)
    compute_warnings_task.delay(date=D.isoformat())
    assert OfficialWarning.objects.filter(official_id=official.pk).count() == 1
