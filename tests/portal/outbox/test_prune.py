"""The daily prune deletes sent outbox messages after OUTBOX_KEEP_DAYS and idempotency keys
after OUTBOX_TASKRUN_KEEP_DAYS; a message not yet sent stays whatever its age."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.celery import app
from portal.outbox.models import OutboxMessage, TaskRun
from portal.outbox.services import outbox_prune
from portal.outbox.tasks import outbox_prune_task

pytestmark = pytest.mark.django_db


def _message(*, age_days, sent):
    created = timezone.now() - timedelta(days=age_days)
    return OutboxMessage.objects.create(
        task_name="search.tasks.search_index_task",
        kwargs={},
        created_at=created,
        sent_at=created if sent else None,
        attempts=1,
    )


def _key(name, *, age_days):
    return TaskRun.objects.create(
        key=name, task_name="t", done_at=timezone.now() - timedelta(days=age_days)
    )


def test_old_sent_messages_are_deleted_and_unsent_ones_kept_whatever_their_age(settings):
    settings.OUTBOX_KEEP_DAYS = 7
    old_sent = _message(age_days=8, sent=True)
    recent_sent = _message(age_days=6, sent=True)
    old_unsent = _message(age_days=400, sent=False)
    assert outbox_prune()["messages"] == 1
    remaining = set(OutboxMessage.objects.values_list("pk", flat=True))
    assert remaining == {recent_sent.pk, old_unsent.pk}
    assert old_sent.pk not in remaining


def test_idempotency_keys_are_kept_long_enough_to_outlive_a_redelivery(settings):
    settings.OUTBOX_KEEP_DAYS = 7
    settings.OUTBOX_TASKRUN_KEEP_DAYS = 30
    _key("month-old", age_days=31)
    _key("week-old", age_days=8)  # older than a sent message is kept, still guarded
    assert outbox_prune()["keys"] == 1
    assert list(TaskRun.objects.values_list("key", flat=True)) == ["week-old"]


def test_the_limit_can_be_given_and_the_daily_task_runs_the_prune(settings):
    _message(age_days=3, sent=True)
    assert outbox_prune(older_than_days=2)["messages"] == 1
    _message(age_days=settings.OUTBOX_KEEP_DAYS + 1, sent=True)
    assert outbox_prune_task.apply().get() == {"messages": 1, "keys": 0}
    daily = [e for e in app.conf.beat_schedule.values() if e["task"] == outbox_prune_task.name]
    assert len(daily) == 1
