"""Tasks a service queues (through the outbox) after its write: the notices of a case event,
a recovery link, the delivery of an assignment document. Thin: ids in, one service call; the
broker never holds personal data. Each body imports only the service module it runs, and
none of those modules queues a task, so no service imports back here.

Names are fixed (`complaints.tasks.<task>`): an outbox row or a queued message keeps the name it
was stored with.
"""

from celery import shared_task


@shared_task(
    name="complaints.tasks.case_notify_task",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def case_notify_task(*, case_id: int, event: str) -> int:
    from ..models import Case
    from ..services.notify import case_notify

    case = Case.objects.filter(pk=case_id).first()
    return case_notify(case=case, event=event) if case else 0


@shared_task(
    name="complaints.tasks.receipt_recover_send_task",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def receipt_recover_send_task(*, case_id: int, channel: str) -> None:
    from ..models import Case
    from ..services.recovery import receipt_recover_send

    case = Case.objects.filter(pk=case_id).first()
    if case:
        receipt_recover_send(case=case, channel=channel)


@shared_task(name="complaints.tasks.document_deliver_task", bind=True, max_retries=8)
def document_deliver_task(self, *, delivery_id: int) -> bool:
    """Deliver one assignment document; exponential back-off while the receiver is down."""
    from ..models import Delivery
    from ..services.delivery import DeliveryFailed, delivery_attempt

    delivery = Delivery.objects.filter(pk=delivery_id).first()
    if delivery is None:
        return False
    try:
        return delivery_attempt(delivery=delivery)
    except DeliveryFailed as exc:
        # in embedded (eager) mode a retry would run inside the office's request: leave the
        # delivery pending instead; delivery_resume_task picks it up again
        if self.request.is_eager or self.request.retries >= self.max_retries:
            return False
        raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries)) from exc


def retry_countdown(retries: int) -> int:
    """Exponential back-off: 30 s, 1 min, 2 min, … capped at one hour."""
    return min(3600, 30 * 2**retries)
