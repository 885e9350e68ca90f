"""Issue 20: `make run` (embedded: SQLite, eager Celery) runs the beat schedule — a scheduler
thread in the runserver process (portal.scheduler). One tick with an injected clock: no
sleeping for real minutes."""

from datetime import datetime, timedelta

import pytest
from django.core.management import get_commands
from django.utils import timezone

from complaints.services.workflow import case_accept, case_assign
from portal.accounts import roles
from portal.celery import app
from portal.scheduler import EmbeddedScheduler, embedded_mode, embedded_scheduler_start


class Clock:
    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now


def _local(y, m, d, hh, mm):
    # the beat schedule's own zone, not whatever zone an earlier test left active
    from zoneinfo import ZoneInfo

    from django.conf import settings

    return datetime(y, m, d, hh, mm, tzinfo=ZoneInfo(settings.CELERY_TIMEZONE))


@pytest.fixture(params=["portal app current", "another app created since"])
def current_app_state(request):
    """The worker and smoke tests build client apps (`Celery(broker=...)`, UTC); the last one
    built becomes `current_app`. The scheduler must keep to the portal's own timezone."""
    if request.param == "another app created since":
        from celery import Celery

        other = Celery("a-client-built-elsewhere")
        other.set_current()
        yield other
        app.set_current()
    else:
        yield app


def test_the_scheduler_runs_each_beat_job_when_it_is_due_and_only_then(current_app_state):
    clock = Clock(_local(2026, 12, 3, 7, 50))
    ran = []
    scheduler = EmbeddedScheduler(clock=clock, run=lambda task, kwargs: ran.append(task))
    assert {e.name for e in scheduler.entries} == set(app.conf.beat_schedule)
    names, _sleep = scheduler.tick()
    assert names == [] and ran == []
    clock.now = _local(2026, 12, 3, 8, 31)  # past 08:00 and 08:30: the digest and the sweep
    names, sleep = scheduler.tick()
    assert "case-deadline-sweep" in names and "office-daily-digest" in names
    assert "complaints.tasks.case_deadline_sweep_task" in ran
    assert "monthly-report-first-day" not in names
    assert 0 < sleep <= 30
    ran.clear()
    clock.now += timedelta(minutes=5)  # the same day again: not twice
    names, _sleep = scheduler.tick()
    assert "case-deadline-sweep" not in names
    assert "complaints.tasks.case_deadline_sweep_task" not in ran


def test_a_failing_job_does_not_stop_the_others():
    clock = Clock(_local(2026, 12, 3, 8, 0))
    ran = []

    def run(task, kwargs):
        ran.append(task)
        if task == "complaints.tasks.office_digest_send_task":
            raise OSError("mail server down")

    scheduler = EmbeddedScheduler(clock=clock, run=run)
    clock.now = _local(2026, 12, 4, 9, 5)
    names, _ = scheduler.tick()
    assert "complaints.tasks.office_digest_send_task" in ran
    assert "complaints.tasks.case_deadline_sweep_task" in ran and "case-deadline-sweep" in names


@pytest.mark.django_db
def test_a_due_sweep_really_runs_the_task_and_supervises_an_overdue_case(
    make_case, make_unit, make_user, office_user
):
    """The default runner (the Celery task's apply, in this process) on a real overdue case."""
    dept = make_unit(name="县水利局")
    make_user(roles.DEPARTMENT, unit=dept)
    case, _ = make_case()
    case = case_accept(case=case, actor=office_user)
    yesterday = timezone.localdate() - timedelta(days=1)
    case = case_assign(case=case, actor=office_user, department=dept, deadline=yesterday)
    assert case.supervised_at is None
    clock = Clock(timezone.now() - timedelta(days=2))
    only_the_sweep = {"case-deadline-sweep": app.conf.beat_schedule["case-deadline-sweep"]}
    scheduler = EmbeddedScheduler(only_the_sweep, clock=clock)
    clock.now = timezone.now()
    names, _ = scheduler.tick()
    assert names == ["case-deadline-sweep"]
    case.refresh_from_db()
    assert case.supervised_at is not None


def test_it_starts_only_in_the_embedded_default(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/12"
    assert not embedded_mode() and embedded_scheduler_start() is None
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.CELERY_BROKER_URL = "memory://"
    assert embedded_mode()


def test_runserver_is_the_one_that_starts_it():
    assert get_commands()["runserver"] == "portal"
