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
