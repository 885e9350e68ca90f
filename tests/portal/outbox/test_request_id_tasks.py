"""A task's log lines carry the request id of the request that queued it: run eagerly, sent
through the broker (header on publish, restored in the worker), or kept in the outbox and
sent later by the relay."""

import io
import json
import logging

import pytest
from kombu import Connection

from portal.celery import REQUEST_ID_HEADER, app
from portal.core.logging import JsonFormatter, RequestIdFilter, request_id_var
from portal.outbox.models import OutboxMessage
from portal.outbox.services import REQUEST_ID_KEY, outbox_relay

from .request_id_urls import PROBE_LOGGER, request_id_probe_task

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.portal.outbox.request_id_urls")]

RID = "req-test-000123"


@pytest.fixture
def task_log():
    """The probe task's log lines through the project's filter and JSON formatter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger(PROBE_LOGGER)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)


def test_an_eager_task_logs_the_id_of_the_request_that_queued_it(client, task_log):
    response = client.post("/probe/direct/", HTTP_X_REQUEST_ID=RID)
    assert response["X-Request-ID"] == RID
    (line,) = task_log()
    assert line["msg"] == "probe task 1 ran" and line["request_id"] == RID
    assert request_id_var.get() == ""  # nothing left behind after the request


@pytest.mark.filterwarnings("ignore::celery.exceptions.AlwaysEagerIgnored")
def test_a_published_task_carries_the_request_id_in_a_header_and_the_worker_restores_it(task_log):
    """Publishing (before_task_publish) adds the header; running the message as a worker does
    (task_prerun) puts the id back for the task's log lines and task_postrun clears it."""
    token = request_id_var.set(RID)
    try:
        with Connection("memory://") as conn:
            queue = conn.SimpleQueue("request-id-test")
            app.send_task(
                request_id_probe_task.name,
                kwargs={"n": 3},
                connection=conn,
                queue="request-id-test",
                retry=False,
            )
            message = queue.get(timeout=2)
            headers = dict(message.headers)
            message.ack()
            queue.close()
    finally:
        request_id_var.reset(token)
    assert headers[REQUEST_ID_HEADER] == RID
    assert request_id_var.get() == ""
    # as the worker runs it: the message's headers, no request id in the context
    request_id_probe_task.apply(kwargs={"n": 3}, headers=headers)
    (line,) = task_log()
    assert line["msg"] == "probe task 3 ran" and line["request_id"] == RID
    assert request_id_var.get() == ""


def test_a_malformed_request_id_header_is_ignored(task_log):
    request_id_probe_task.apply(kwargs={"n": 4}, headers={REQUEST_ID_HEADER: "x\n{evil}"})
    (line,) = task_log()
    assert "request_id" not in line


def test_a_task_sent_later_by_the_outbox_relay_keeps_the_request_id(
    client, task_log, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):  # the broker was down: not sent
        client.post("/probe/outbox/", HTTP_X_REQUEST_ID=RID)
    message = OutboxMessage.objects.get()
    assert message.sent_at is None and message.kwargs == {"n": 2, REQUEST_ID_KEY: RID}
    assert task_log() == []
    assert request_id_var.get() == ""
    # later, in the relay (a beat task, no request): the task still logs the request's id and
    # gets only its own arguments (an unexpected `_request_id` would raise TypeError)
    assert outbox_relay() == {"sent": 1, "pending": 0}
    (line,) = task_log()
    assert line["msg"] == "probe task 2 ran" and line["request_id"] == RID


def test_the_outbox_sends_at_once_after_commit_with_the_request_id(
    client, task_log, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/probe/outbox/", HTTP_X_REQUEST_ID=RID)
    assert OutboxMessage.objects.get().sent_at is not None
    (line,) = task_log()
    assert line["request_id"] == RID


def test_a_task_queued_outside_any_request_has_no_request_id(task_log):
    request_id_probe_task.delay(n=5)
    (line,) = task_log()
    assert "request_id" not in line
