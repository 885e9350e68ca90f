"""Thin Celery tasks: ids in, one service call. The broker never holds personal data."""

from celery import shared_task


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def case_notify_task(*, case_id: int, event: str) -> int:
    from .models import Case
    from .services import case_notify

    case = Case.objects.filter(pk=case_id).first()
    return case_notify(case=case, event=event) if case else 0


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def receipt_recover_send_task(*, case_id: int, channel: str) -> None:
    from .models import Case
    from .services.recovery import receipt_recover_send

    case = Case.objects.filter(pk=case_id).first()
    if case:
        receipt_recover_send(case=case, channel=channel)


@shared_task(bind=True, max_retries=8)
def document_deliver_task(self, *, delivery_id: int) -> bool:
    """Deliver one assignment document; exponential back-off while the receiver is down."""
    from .models import Delivery
    from .services.exchange import DeliveryFailed, delivery_attempt

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


@shared_task
def delivery_resume_task() -> int:
    from .services.exchange import delivery_resume

    return delivery_resume()


@shared_task
def monitor_reminder_send_task() -> int:
    from .services import monitor_reminder_send

    return monitor_reminder_send()


@shared_task
def case_deadline_sweep_task() -> dict:
    from .services import case_deadline_sweep

    return case_deadline_sweep()


@shared_task
def office_digest_send_task() -> dict:
    from .services import office_digest_send

    return office_digest_send()
