"""Redis unreachable while people submit: the submission is kept and its task waits in the
outbox; when the broker is back the relay sends it."""

import time

import pytest
from django.core.management import call_command
from django.db import transaction

from complaints.models import Case, Category
from complaints.services import case_submit
from complaints.tasks import case_notify_task
from portal.outbox.models import OutboxMessage
from portal.outbox.services import outbox_enqueue, outbox_relay

from .conftest import BROKER, CLOSED_BROKER, queue_length

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("need_redis")]


def _submit_with_task(queue_name, n):
    category = Category.objects.order_by("id").first() or Category.objects.create(
        name="办事效率", code="efficiency"
    )
    with transaction.atomic():
        case, _ = case_submit(category=category, text=f"窗口推诿扯皮第{n}次。")
        outbox_enqueue(
            case_notify_task, kwargs={"case_id": case.pk, "event": "submitted"}, queue=queue_name
        )
    return case


def test_submissions_are_kept_while_the_broker_is_down_and_relayed_when_it_is_back(
    settings, queue, django_capture_on_commit_callbacks, capsys, app_broker
):
    # the app's own connection goes to an in-memory broker here; the outbox talks to the
    # broker named in settings
    app_broker("memory://")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = CLOSED_BROKER
    started = time.monotonic()
    cases = []
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            cases.append(_submit_with_task(queue, n))
    elapsed = time.monotonic() - started
    assert Case.objects.filter(pk__in=[c.pk for c in cases]).count() == 5
    pending = OutboxMessage.objects.filter(sent_at__isnull=True, queue=queue)
    assert pending.count() == 5
    assert all(m.attempts == 1 and m.last_error for m in pending)
    assert elapsed < 5 * 3, "a dead broker must not hold the request for long"

    # still down: the relay keeps everything and says so
    # each submission also stored its own "submitted" notice (the service uses the outbox)
    assert outbox_relay() == {"sent": 0, "pending": 10}
    with pytest.raises(Exception, match="broker unreachable"):
        call_command("outbox_relay")

    # the broker is back
    settings.CELERY_BROKER_URL = BROKER
    assert outbox_relay() == {"sent": 10, "pending": 0}
    assert queue_length(queue) == 5
    assert outbox_relay() == {"sent": 0, "pending": 0}  # nothing is sent twice
    assert queue_length(queue) == 5
    with capsys.disabled():
        print(
            f"\n[faults] broker down: 5 submissions accepted in {elapsed:.2f}s, 5 tasks kept "
            f"in the outbox, 5 sent by the relay once the broker was back, 0 duplicates"
        )


def test_a_task_is_sent_at_once_when_the_broker_is_up(
    settings, queue, app_broker, django_capture_on_commit_callbacks
):
    app_broker("memory://")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = BROKER
    with django_capture_on_commit_callbacks(execute=True):
        _submit_with_task(queue, 1)
    message = OutboxMessage.objects.get(queue=queue)
    assert message.sent_at is not None and message.attempts == 1
    assert queue_length(queue) == 1


def test_a_rolled_back_write_leaves_no_task(settings, queue):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = BROKER
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox_enqueue(case_notify_task, kwargs={"case_id": 1, "event": "submitted"}, queue=queue)
        raise RuntimeError("the write fails")
    assert not OutboxMessage.objects.filter(queue=queue).exists()
    assert queue_length(queue) == 0


@pytest.mark.django_db(transaction=True)
def test_a_complaint_posted_while_the_broker_is_down_is_accepted(settings, app_broker):
    from django.test import Client

    Category.objects.get_or_create(code="efficiency", defaults={"name": "办事效率"})
    category = Category.objects.get(code="efficiency")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = CLOSED_BROKER
    app_broker(CLOSED_BROKER)
    client = Client(raise_request_exception=False)
    response = client.post(
        "/complaints/new/",
        {
            "anonymous": "1",
            "subject_kind": "general",
            "category": str(category.pk),
            "text": "窗口推诿扯皮，一件事跑了三次。",
            "captcha_0": "x",
            "captcha_1": "PASSED",
        },
    )
    assert Case.objects.count() == 1
    assert response.status_code == 302
    # the notice waits in the outbox for the relay
    waiting = OutboxMessage.objects.get(task_name="complaints.tasks.case_notify_task")
    assert waiting.sent_at is None and waiting.kwargs["event"]
