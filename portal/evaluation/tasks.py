"""Thin Celery tasks: ids in, one service call."""

from celery import shared_task


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def warnings_check_task(*, official_id: int):
    from .warnings import warnings_compute

    warnings_compute(official_ids=[official_id])


@shared_task(ignore_result=True)
def ratings_seal_task():
    """Every few seconds (beat): chain the ratings written since the last run (sealing.py).
    No retry: the next run seals whatever this one left."""
    from .sealing import ratings_seal

    ratings_seal()


@shared_task(acks_late=True)
def compute_warnings_task(*, date: str | None = None):
    from datetime import date as date_cls

    from .warnings import warnings_compute

    warnings_compute(day=date_cls.fromisoformat(date) if date else None)


@shared_task(acks_late=True)
def monthly_report_build_task(*, month: str | None = None):
    from datetime import date as date_cls

    from .reports import monthly_report_build

    monthly_report_build(month=date_cls.fromisoformat(month) if month else None)


@shared_task(acks_late=True)
def service_record_phones_forget_task():
    from .sampling_send import service_record_phones_forget

    return service_record_phones_forget()


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def sms_invitation_send_task(*, invitation_id: int):
    from .sampling_send import sms_invitation_send

    sms_invitation_send(invitation_id=invitation_id)
