"""Routes and a probe task for tests/portal/outbox/test_request_id_tasks.py: views that queue a task
directly and through the outbox, and a task that only writes one log line."""

import logging

from celery import shared_task
from django.db import transaction
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from portal.outbox.services import outbox_enqueue

PROBE_LOGGER = "tests.portal.request_id_probe"


@shared_task(name="tests.portal.request_id_probe_task")
def request_id_probe_task(*, n: int):
    logging.getLogger(PROBE_LOGGER).info("probe task %s ran", n)
    return n


@csrf_exempt
def queue_directly(request):
    request_id_probe_task.delay(n=1)
    return HttpResponse("queued")


@csrf_exempt
def queue_through_outbox(request):
    with transaction.atomic():
        outbox_enqueue(request_id_probe_task, kwargs={"n": 2})
    return HttpResponse("stored")


urlpatterns = [
    path("probe/direct/", queue_directly),
    path("probe/outbox/", queue_through_outbox),
]
