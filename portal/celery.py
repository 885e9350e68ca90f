"""The Celery app and the beat schedule. Tasks live in each app's tasks.py and stay thin."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# ops tasks (broker/worker/beat liveness) live outside any app's tasks.py
app.conf.imports = ("portal.ops_tasks",)

# Each app adds its periodic jobs here by name, so the whole cadence reads in one place.
app.conf.beat_schedule = {
    "compute-warnings-daily": {
        "task": "portal.evaluation.tasks.compute_warnings_task",
        "schedule": crontab(hour=1, minute=10),
    },
    "monthly-report-first-day": {
        "task": "portal.evaluation.tasks.monthly_report_build_task",
        "schedule": crontab(day_of_month=1, hour=2, minute=0),
    },
    "monitor-report-reminder": {
        "task": "complaints.tasks.monitor_reminder_send_task",
        "schedule": crontab(hour=9, minute=0),
    },
    "case-deadline-sweep": {
        "task": "complaints.tasks.case_deadline_sweep_task",
        "schedule": crontab(hour=8, minute=30),
    },
    "document-delivery-resume": {
        "task": "complaints.tasks.delivery_resume_task",
        "schedule": crontab(minute=20),
    },
    "office-daily-digest": {
        "task": "complaints.tasks.office_digest_send_task",
        "schedule": crontab(hour=8, minute=0),
    },
    # liveness of beat -> broker -> worker, shown on /metrics (seconds; the smoke test uses 2)
    "ops-heartbeat": {
        "task": "portal.ops_tasks.ops_heartbeat_task",
        "schedule": float(os.environ.get("OPS_HEARTBEAT_SECONDS", "60")),
    },
    # tasks kept in the outbox while the broker was down are sent again
    "outbox-relay": {
        "task": "portal.outbox.tasks.outbox_relay_task",
        "schedule": float(os.environ.get("OUTBOX_RELAY_SECONDS", "30")),
    },
    "audit-head-publish-daily": {
        "task": "portal.tasks.audit_head_publish_task",
        "schedule": crontab(hour=0, minute=5),
    },
}
