"""Transactional outbox for Celery tasks.

Rules owned here: a task that must follow a write is stored as an OutboxMessage in the
caller's transaction (so it exists exactly when the write exists); after commit we try to hand
it to the broker at once and mark it sent; when the broker is down the row stays unsent and
`outbox_relay` (beat task and management command) sends it later. Delivery is at least once:
tasks that may run twice record their effect with `task_once` (an idempotency key).
`outbox_prune` (daily) deletes sent messages after OUTBOX_KEEP_DAYS and idempotency keys after
OUTBOX_TASKRUN_KEEP_DAYS; an unsent message is never deleted.
"""

from contextlib import contextmanager
from datetime import timedelta

from celery import current_app
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.core.logging import REQUEST_ID_HEADER, request_id_var

from .models import OutboxMessage, TaskRun

# current_app is the project's Celery app (portal/celery.py makes itself the current app when
# Django starts); the outbox sits below the project and does not import it
BROKER_TIMEOUT_SECONDS = 2


# kept with the stored kwargs, sent as a message header (never as a task argument): the task's
# log lines carry the id of the request that queued it, even when the relay sends it later
REQUEST_ID_KEY = "_request_id"


def outbox_enqueue(task, *, kwargs: dict | None = None, queue: str = "") -> OutboxMessage:
    """Store `task` (a Celery task object, never a name typed by hand) with its keyword
    arguments in the current transaction; send it after commit (best effort)."""
    task_name = task.name
    kwargs = dict(kwargs or {})
    if request_id_var.get():
        kwargs[REQUEST_ID_KEY] = request_id_var.get()
    message = OutboxMessage.objects.create(
        task_name=task_name, kwargs=kwargs, queue=queue, created_at=timezone.now()
    )
    message_id = message.pk
    transaction.on_commit(lambda: outbox_send(message_id=message_id))
    return message


def task_by_name(name: str):
    """The registered task called `name`. A web process has imported only the tasks modules
    its own code touched (a worker imports them all at start): import them all first."""
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[name]


def _publish(message: OutboxMessage) -> None:
    options = {"queue": message.queue} if message.queue else {}
    kwargs = dict(message.kwargs)
    request_id = kwargs.pop(REQUEST_ID_KEY, "")
    if request_id:
        options["headers"] = {REQUEST_ID_HEADER: request_id}
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        task_by_name(message.task_name).apply_async(kwargs=kwargs, **options)
        return
    # a connection to the broker named in settings now (not the one cached at start-up), with
    # a short timeout and no retry loop: a dead broker must not hold the person's request
    with current_app.connection_for_write(settings.CELERY_BROKER_URL) as conn:
        conn.ensure_connection(
            max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT_SECONDS
        )
        current_app.send_task(
            message.task_name, kwargs=kwargs, connection=conn, retry=False, **options
        )


def outbox_send(*, message_id: int) -> bool:
    """Send one message if it is still unsent. True when it went out; never raises."""
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, sent_at__isnull=True)
            .first()
        )
        if message is None:
            return False
        message.attempts += 1
        try:
            _publish(message)
        except Exception as exc:  # any broker failure leaves the row for the relay
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            message.save(update_fields=["attempts", "last_error"])
            return False
        message.sent_at = timezone.now()
        message.last_error = ""
        message.save(update_fields=["attempts", "sent_at", "last_error"])
        return True


def outbox_relay(*, limit: int = 500) -> dict:
    """Send unsent messages, oldest first; stop at the first broker failure."""
    ids = list(
        OutboxMessage.objects.filter(sent_at__isnull=True)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    sent = 0
    for message_id in ids:
        if outbox_send(message_id=message_id):
            sent += 1
        elif OutboxMessage.objects.filter(pk=message_id, sent_at__isnull=True).exists():
            break  # the broker is still down: try again at the next beat
    pending = OutboxMessage.objects.filter(sent_at__isnull=True).count()
    return {"sent": sent, "pending": pending}


@contextmanager
def task_once(*, key: str, task_name: str = ""):
    """Run the block's writes at most once per key, atomically with the key.

    Yields True when the block should do its work, False when the key was already done.
    A key guards against redelivery, not "once ever": it is kept OUTBOX_TASKRUN_KEEP_DAYS.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                TaskRun.objects.create(key=key, task_name=task_name, done_at=timezone.now())
        except IntegrityError:
            yield False
            return
        yield True


def outbox_prune(
    *, older_than_days: int | None = None, taskrun_older_than_days: int | None = None
) -> dict:
    """Delete messages sent more than OUTBOX_KEEP_DAYS ago and idempotency keys recorded more
    than OUTBOX_TASKRUN_KEEP_DAYS ago. An unsent message is a task still owed: it stays,
    whatever its age."""
    if older_than_days is None:
        older_than_days = settings.OUTBOX_KEEP_DAYS
    if taskrun_older_than_days is None:
        taskrun_older_than_days = settings.OUTBOX_TASKRUN_KEEP_DAYS
    now = timezone.now()
    messages, _ = OutboxMessage.objects.filter(
        sent_at__isnull=False, sent_at__lt=now - timedelta(days=older_than_days)
    ).delete()
    keys, _ = TaskRun.objects.filter(
        done_at__lt=now - timedelta(days=taskrun_older_than_days)
    ).delete()
    return {"messages": messages, "keys": keys}
