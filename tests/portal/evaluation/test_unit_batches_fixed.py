"""Red team, leak 3: the rated unit compares its page on two days. Batches built from a moving
window start shift, so subtraction exposes one day's ratings. Batch boundaries are fixed once
made (built forward from the unit's first rating day); a 差评's page shows its batch's range.
"""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from portal.accounts import roles

from .conftest import BAD, GOOD

# the project URLconf: the unit's pages are inside the Wagtail admin (issue 19)
pytestmark = pytest.mark.django_db

UNIT_PAGE = "/admin/evaluation/unit/ratings/"
REASON = "窗口人员态度恶劣，推诿扯皮"
SECTION = re.compile(r"<section [^>]*data-batch>\s*<h2[^>]*>(.*?)（.*?</h2>\s*<ul>(.*?)</ul>", re.S)


def _at(days):
    return mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(days))


def _batches(html):
    return {head.strip(): re.sub(r"\s+", "", levels) for head, levels in SECTION.findall(html)}


def _span(head):
    days = re.findall(r"\d{4}-\d{2}-\d{2}", head)
    return days[0], days[-1]


@pytest.fixture
def clerk(make_user, official):
    return make_user(roles.DEPARTMENT, unit=official.unit)


def _rate_on(client, official, offset, good=0, bad=0):
    with _at(offset):
        for i in range(good + bad):
            data = GOOD if i < good else {**BAD, "reason": REASON}
            addr = f"10.{60 + offset}.{i}.1"
            assert client.__class__().post(
                f"/rate/{official.pk}/", data, REMOTE_ADDR=addr
            ).status_code in (302,)


def _page(client, clerk, offset=0):
    with _at(offset):
        client.force_login(clerk)  # staff sessions last 8 h: sign in again on the later day
        return client.get(UNIT_PAGE).content.decode()


def test_batches_shown_today_stay_the_same_tomorrow(client, official, clerk, settings):
    settings.RATING_UNIT_MIN_BATCH = 5
    settings.RATING_UNIT_VIEW_DAYS = 5
    _rate_on(client, official, -5, good=2)
    _rate_on(client, official, -4, good=3)
    _rate_on(client, official, -3, good=3, bad=1)
    _rate_on(client, official, -2, good=1)
    _rate_on(client, official, -1, good=5)
    today = _batches(_page(client, clerk))
    tomorrow = _batches(_page(client, clerk, 1))
    assert today, "batches are shown"
    for head, levels in today.items():
        assert tomorrow.get(head) == levels, (head, today, tomorrow)
    # no two batches shown on either day overlap, so no single day follows by subtraction
    spans = sorted(_span(h) for h in set(today) | set(tomorrow))
    for (_a, last), (first, _b) in zip(spans, spans[1:], strict=False):
        assert last < first, spans


def test_a_bad_ratings_page_shows_its_batch_range_not_its_day(client, official, clerk, settings):
    settings.RATING_UNIT_MIN_BATCH = 5
    _rate_on(client, official, -3, good=3)
    _rate_on(client, official, -2, bad=1)
    _rate_on(client, official, -1, good=1)
    bad_day = timezone.localdate(timezone.now() - timedelta(2)).isoformat()
    with _at(0):
        client.force_login(clerk)
        html = client.get(UNIT_PAGE).content.decode()
        ref = re.search(r"/admin/evaluation/unit/ratings/([0-9a-f]{16,})/", html).group(1)
        page = client.get(f"/admin/evaluation/unit/ratings/{ref}/").content.decode()
    first = timezone.localdate(timezone.now() - timedelta(3)).isoformat()
    last = timezone.localdate(timezone.now() - timedelta(1)).isoformat()
    main = page.split("<main", 1)[-1]
    assert first in main and last in main
    assert bad_day not in main


def test_closed_batches_never_change_when_days_are_added():
    import random
    from datetime import date

    from portal.evaluation.rules import closed_day_batches

    rng = random.Random(14)
    for _ in range(200):
        days = [
            (date(2026, 1, 1) + timedelta(i), rng.choice([0, 0, 1, 1, 2, 4])) for i in range(60)
        ]
        full = closed_day_batches(days, min_batch=5)
        for cut in range(len(days)):
            part = closed_day_batches(days[:cut], min_batch=5)
            assert full[: len(part)] == part
