"""The broker unreachable while an editor publishes or withdraws news: the index update waits
in the outbox and reaches the index once the broker is back (before, `.delay` after the commit
failed, was logged, and the update was lost: the page stayed unfindable or findable).

"The broker is back" is the in-memory transport here: the relay publishes to it and the test
takes the message off the queue and runs it as a worker does, so no Redis is needed."""

from datetime import date

import pytest
from django.db import transaction
from kombu import Connection

from cms.models import NewsPage
from portal.outbox.models import OutboxMessage
from portal.outbox.services import outbox_relay, task_by_name
from search import api
from search.tasks import search_index_task, search_remove_task

from .conftest import CLOSED_BROKER

pytestmark = pytest.mark.django_db

BACK = "memory://"


def _found(q):
    return [hit.id for hit in api.search("news", q).hits]


def _run_what_the_broker_holds(settings):
    """Take every message off the default queue of the in-memory broker and run the search
    tasks among them, as a worker would (the message's task name and keyword arguments)."""
    ran = []
    with Connection(BACK) as conn:
        queue = conn.SimpleQueue(settings.CELERY_TASK_DEFAULT_QUEUE)
        while queue.qsize():
            message = queue.get(timeout=1)
            name = message.headers["task"]
            message.ack()
            if name in (search_index_task.name, search_remove_task.name):
                _args, kwargs, _embed = message.payload
                task_by_name(name).apply(kwargs=kwargs, throw=True)
                ran.append(name)
        queue.close()
    return ran


def _broker_down(settings, app_broker):
    app_broker(CLOSED_BROKER)  # the app's own connection, which `.delay` uses, is down too
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = CLOSED_BROKER


def test_news_published_while_the_broker_is_down_is_searchable_once_it_is_back(
    settings, site_pages, app_broker, django_capture_on_commit_callbacks
):
    _run_what_the_broker_holds(settings)  # nothing left over from other tests
    _broker_down(settings, app_broker)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        news = site_pages["news"].add_child(
            instance=NewsPage(
                title="路灯维修",
                slug="lamps-broker-down",
                date=date(2026, 10, 1),
                body="<p>全县路灯检修。</p>",
                live=True,
            )
        )
    waiting = OutboxMessage.objects.filter(task_name=search_index_task.name, sent_at__isnull=True)
    assert [m.kwargs for m in waiting] == [{"doc_type": "news", "ids": [str(news.pk)]}]
    assert _found("路灯") == []
    assert outbox_relay()["sent"] == 0  # still down: kept

    settings.CELERY_BROKER_URL = BACK
    assert outbox_relay() == {"sent": 1, "pending": 0}
    assert _run_what_the_broker_holds(settings) == [search_index_task.name]
    assert _found("路灯") == [str(news.pk)]


def test_news_withdrawn_while_the_broker_is_down_leaves_the_index_once_it_is_back(
    settings, site_pages, app_broker, django_capture_on_commit_callbacks
):
    news = site_pages["news"].add_child(
        instance=NewsPage(
            title="路灯维修",
            slug="lamps-withdrawn",
            date=date(2026, 10, 1),
            body="<p>全县路灯检修。</p>",
            live=True,
        )
    )
    api.index_ids("news", [news.pk])
    assert _found("路灯") == [str(news.pk)]
    _run_what_the_broker_holds(settings)
    _broker_down(settings, app_broker)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        news.delete()
    waiting = OutboxMessage.objects.filter(task_name=search_remove_task.name, sent_at__isnull=True)
    assert waiting.count() == 1
    assert _found("路灯") == [str(news.pk)]  # not yet: the broker is down

    settings.CELERY_BROKER_URL = BACK
    outbox_relay()
    assert search_remove_task.name in _run_what_the_broker_holds(settings)
    assert _found("路灯") == []
