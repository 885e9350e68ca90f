import pytest
from django.core.cache import cache

from portal.accounts import roles
from portal.core import sms
from portal.evaluation.choices import Channel
from tests.factories import RatingFactory, StaffUserFactory

GOOD = {
    "level": "4",
    "attitude": "5",
    "efficiency": "4",
    "style": "5",
    "reason": "",
    "mode": "anonymous",
    "captcha_0": "x",
    "captcha_1": "PASSED",
}
BAD = {
    **GOOD,
    "level": "2",
    "attitude": "1",
    "efficiency": "2",
    "style": "1",
    "reason": "办事拖拉，多次跑腿",
}


@pytest.fixture(autouse=True)
def _clean_cache_and_outbox():
    cache.clear()
    sms.outbox.clear()
    yield
    cache.clear()


@pytest.fixture
def make_user(db):
    def make(role, unit=None, username=None):
        extra = {"username": username} if username else {}
        return StaffUserFactory(role=role, unit=unit, **extra)

    return make


@pytest.fixture
def office_user(make_user):
    return make_user(roles.OFFICE, username="office-user")


@pytest.fixture
def rate(db):
    """Submit a rating through the service with a voter of our choosing (RatingFactory)."""

    def submit(official, level=4, voter=None, channel=Channel.WEB, reason=None, **kw):
        if voter is not None:
            kw["voter"] = voter
        if reason is not None:
            kw["reason"] = reason
        return RatingFactory(official=official, level=level, channel=channel, **kw)

    return submit


def next_day(days=1):
    """The clock `days` later: public figures count closed days only (issue 14), so a test
    reads today's ratings in them tomorrow."""
    from datetime import timedelta
    from unittest import mock

    from django.utils import timezone

    return mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(days))
