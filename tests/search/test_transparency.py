"""The daily digest of every audit chain head: published once a day, chained, page and feed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.audit.models import DailyHeadDigest
from portal.audit.services import audit_append
from portal.reporting.tasks import audit_head_publish_task
from portal.reporting.transparency import audit_head_publish, verify_daily_digests


@pytest.fixture
def yesterday():
    return timezone.now() - timedelta(days=1)


def test_a_day_is_published_once_and_never_changed(db, yesterday):
    audit_append(chain="case:1", action="created", object_type="case", object_id="1")
    first = audit_head_publish(now=yesterday)
    audit_append(chain="case:1", action="assigned", object_type="case", object_id="1")
    again = audit_head_publish(now=yesterday)
    assert again.pk == first.pk and again.digest == first.digest
    with pytest.raises(RuntimeError):
        first.save()


def test_each_day_covers_the_day_before_and_new_events_change_the_digest(db, yesterday):
    audit_append(chain="case:1", action="created", object_type="case", object_id="1")
    day1 = audit_head_publish(now=yesterday)
    audit_append(chain="case:2", action="created", object_type="case", object_id="2")
    day2 = audit_head_publish()
    assert day2.prev_digest == day1.digest
    assert day2.audit_digest != day1.audit_digest
    assert day2.chains == 2 and day2.events == 2
    assert verify_daily_digests() == []


def test_a_rewritten_day_is_detected(db, yesterday):
    audit_head_publish(now=yesterday)
    audit_head_publish()
    DailyHeadDigest.objects.filter(day=timezone.localdate(yesterday)).update(audit_digest="f" * 64)
    assert verify_daily_digests() == [
        f"daily digest {timezone.localdate(yesterday)}: content does not match its digest"
    ]


def test_the_beat_task_publishes_today(db):
    audit_head_publish_task.delay()
    assert DailyHeadDigest.objects.filter(day=timezone.localdate()).exists()


def test_the_page_and_feeds_show_yesterdays_value(client, db, yesterday):
    audit_append(chain="case:1", action="created", object_type="case", object_id="1")
    day1 = audit_head_publish(now=yesterday)
    audit_head_publish()
    page = client.get("/transparency/")
    assert page.status_code == 200
    assert day1.digest in page.content.decode()
    atom = client.get("/transparency/feed/")
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert day1.digest in atom.content.decode()
    rss = client.get("/transparency/rss/")
    assert rss["Content-Type"].startswith("application/rss+xml")
    assert day1.digest in rss.content.decode()
