"""The Celery app and the beat schedule. Tasks live in each app's tasks.py and stay thin."""

import os
import re

from celery import Celery
from celery.schedules import crontab
from celery.signals import before_task_publish, task_postrun, task_prerun

from portal.core.logging import REQUEST_ID_HEADER, request_id_var

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
    # sent outbox rows and old idempotency keys (portal.outbox.services.outbox_prune)
    "outbox-prune-daily": {
        "task": "portal.outbox.tasks.outbox_prune_task",
        "schedule": crontab(hour=3, minute=40),
    },
    # ratings are chained after the request, within RATING_SEAL_MAX_DELAY_SECONDS (issue 18,
    # portal/evaluation/sealing.py); a run not started within its interval is dropped
    "ratings-seal": {
        "task": "portal.evaluation.tasks.ratings_seal_task",
        "schedule": float(os.environ.get("RATING_SEAL_INTERVAL_SECONDS", "5")),
        "options": {"expires": float(os.environ.get("RATING_SEAL_INTERVAL_SECONDS", "5"))},
    },
    # a service record's phone is kept SERVICE_RECORD_PHONE_DAYS (portal/evaluation/sampling_send)
    "service-record-phones-forget-daily": {
        "task": "portal.evaluation.tasks.service_record_phones_forget_task",
        "schedule": crontab(hour=3, minute=50),
    },
    "audit-head-publish-daily": {
        "task": "portal.reporting.tasks.audit_head_publish_task",
        "schedule": crontab(hour=0, minute=5),
    },
}


# --- the request id travels with the tasks a request queues ---------------------------------
# A task's log lines carry the id of the request that queued it: the id goes into a message
# header when the task is published, and the worker puts it back into the context variable
# the log filter reads (portal.core.logging) for the time the task runs. The outbox stores it with
# the message, so a task the relay sends later still carries it.

_REQUEST_ID_OK = re.compile(r"^[A-Za-z0-9._-]{8,64}$")  # as RequestIdMiddleware accepts
_request_id_tokens: dict[str, object] = {}


@before_task_publish.connect(weak=False)
def _request_id_into_headers(headers=None, **_):
    request_id = request_id_var.get()
    if request_id and headers is not None:
        headers.setdefault(REQUEST_ID_HEADER, request_id)  # an explicit header (outbox) wins


def task_request_id(task) -> str:
    """The request id a task message carries ("" without one or when malformed)."""
    request = getattr(task, "request", None)
    if request is None:
        return ""
    value = getattr(request, REQUEST_ID_HEADER, None) or (request.headers or {}).get(
        REQUEST_ID_HEADER
    )
    return value if isinstance(value, str) and _REQUEST_ID_OK.match(value) else ""


@task_prerun.connect(weak=False)
def _request_id_for_the_task(task_id=None, task=None, **_):
    request_id = task_request_id(task)
    if request_id:
        _request_id_tokens[task_id] = request_id_var.set(request_id)


@task_postrun.connect(weak=False)
def _request_id_cleared(task_id=None, **_):
    token = _request_id_tokens.pop(task_id, None)
    if token is not None:
        request_id_var.reset(token)
