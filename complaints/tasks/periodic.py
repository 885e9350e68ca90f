"""Beat's jobs for the complaints app (portal/celery.py schedules them by these names): the
deadline sweep, monitors' reminders, the office digest, resuming pending deliveries. Thin: one
service call each; the services they run may queue follow-ups (tasks.followups).
"""

from celery import shared_task


@shared_task(name="complaints.tasks.delivery_resume_task")
def delivery_resume_task() -> int:
    from ..services.exchange import delivery_resume

    return delivery_resume()


@shared_task(name="complaints.tasks.monitor_reminder_send_task")
def monitor_reminder_send_task() -> int:
    from ..services.notify import monitor_reminder_send

    return monitor_reminder_send()


@shared_task(name="complaints.tasks.case_deadline_sweep_task")
def case_deadline_sweep_task() -> dict:
    from ..services.workflow.deadlines import case_deadline_sweep

    return case_deadline_sweep()


@shared_task(name="complaints.tasks.office_digest_send_task")
def office_digest_send_task() -> dict:
    from ..services.notify import office_digest_send

    return office_digest_send()
