"""Limits a bot can burn count only what passed the captcha (issue 15).

Attack on the old code: the complaint and rating limits counted every POST before the captcha
was checked, so a script sending junk (no captcha solved) used up a client's allowance — behind
the proxy, everybody's. Now a POST counts against COMPLAINT_RATE_LIMIT / RATING_RATE_LIMIT only
once its captcha passed; failed captchas are counted separately, under
CAPTCHA_FAILURE_RATE_LIMIT, so guessing captchas is bounded too."""

import pytest
from django.core.cache import cache
from django.test import Client

from complaints.models import Case
from portal.evaluation.models import Rating
from tests.portal.evaluation.conftest import GOOD
from tests.security.test_hostile_input import complaint_data

pytestmark = pytest.mark.django_db

JUNK = {"captcha_0": "x", "captcha_1": "wrong"}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()


@pytest.fixture
def world(world, category):
    return {**world, "category": category}


def test_junk_complaints_without_a_captcha_do_not_use_up_the_limit(world, settings):
    settings.COMPLAINT_RATE_LIMIT = "3/h"
    client = Client(REMOTE_ADDR="198.51.100.20")
    for _ in range(5):
        junk = client.post("/complaints/new/", complaint_data(world["category"], **JUNK))
        assert junk.status_code == 400
    before = Case.objects.count()
    sent = client.post("/complaints/new/", complaint_data(world["category"]))
    assert sent.status_code == 302
    assert Case.objects.count() == before + 1


def test_the_complaint_limit_still_counts_solved_captchas(world, settings):
    settings.COMPLAINT_RATE_LIMIT = "2/h"
    client = Client(REMOTE_ADDR="198.51.100.21")
    statuses = [
        client.post("/complaints/new/", complaint_data(world["category"])).status_code
        for _ in range(3)
    ]
    assert statuses == [302, 302, 400]


def test_junk_ratings_without_a_captcha_do_not_use_up_the_limit(world, settings):
    settings.RATING_RATE_LIMIT = "3/h"
    client = Client(REMOTE_ADDR="198.51.100.22")
    official = world["official_a"]
    for _ in range(5):
        assert client.post(f"/rate/{official.pk}/", {**GOOD, **JUNK}).status_code == 400
    before = Rating.objects.count()
    assert client.post(f"/rate/{official.pk}/", GOOD).status_code == 302
    assert Rating.objects.count() == before + 1


def test_failed_captchas_have_their_own_limit(world, settings):
    settings.CAPTCHA_FAILURE_RATE_LIMIT = "4/h"
    client = Client(REMOTE_ADDR="198.51.100.23")
    for _ in range(4):
        client.post("/complaints/new/", complaint_data(world["category"], **JUNK))
    # past the limit, even a solved captcha is refused for this client, with the message
    refused = client.post("/complaints/new/", complaint_data(world["category"]))
    assert refused.status_code == 400 and "提交过于频繁" in refused.content.decode()
    # another client is unaffected
    other = Client(REMOTE_ADDR="198.51.100.24")
    assert other.post("/complaints/new/", complaint_data(world["category"])).status_code == 302


def test_an_sms_code_needs_a_solved_captcha_and_one_phone_gets_few(world, settings):
    """Red team: the rating form's "send code" sent an SMS with nothing to solve, and eight
    clients sent eight codes to one phone."""
    from portal.core import sms

    settings.PHONE_VERIFICATION = True
    official, phone = world["official_a"], "13800138000"
    sms.outbox.clear()
    ask = {**GOOD, "mode": "named", "name": "王五", "phone": phone, "send_code": "1"}
    Client(REMOTE_ADDR="198.51.100.30").post(f"/rate/{official.pk}/", {**ask, **JUNK})
    assert not sms.outbox  # no captcha solved: nothing sent
    for i in range(8):
        Client(REMOTE_ADDR=f"198.51.100.{40 + i}").post(f"/rate/{official.pk}/", ask)
    assert len(sms.outbox) == settings.PHONE_CODE_SENDS_PER_PHONE
