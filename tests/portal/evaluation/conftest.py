import pytest
from django.core.cache import cache

from portal.accounts import roles
from portal.accounts.services import staff_user_create
from portal.core import sms
from portal.evaluation import rules
from portal.evaluation.choices import Channel
from portal.evaluation.services import RatingData, rating_submit

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
    counter = iter(range(1, 10_000))

    def make(role, unit=None, username=None):
        return staff_user_create(
            username=username or f"u{next(counter)}-{role}",
            role=role,
            password="pw-12345678",
            unit=unit,
        )

    return make


@pytest.fixture
def office_user(make_user):
    return make_user(roles.OFFICE, username="office-user")


@pytest.fixture
def rate(db):
    """Submit a rating through the service with a voter key of our choosing."""
    counter = iter(range(1, 1_000_000))

    def submit(official, level=4, voter=None, channel=Channel.WEB, reason=None, **kw):
        data = RatingData(
            level=level,
            attitude=kw.pop("attitude", 4),
            efficiency=kw.pop("efficiency", 4),
            style=kw.pop("style", 4),
            reason=reason if reason is not None else ("理由" if rules.is_bad(level) else ""),
            anonymous=kw.pop("anonymous", True),
            name=kw.pop("name", ""),
            phone=kw.pop("phone", ""),
        )
        return rating_submit(
            official=official,
            data=data,
            channel=channel,
            voter=voter or f"voter-{next(counter)}",
            **kw,
        )

    return submit
