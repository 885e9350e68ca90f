"""Project-level periodic jobs (the beat schedule is in portal/celery.py)."""

from celery import shared_task


@shared_task
def audit_head_publish_task():
    from portal.reporting.transparency import audit_head_publish

    audit_head_publish()
