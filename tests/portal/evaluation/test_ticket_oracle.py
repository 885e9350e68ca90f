"""Red team, leak 2: the clerk holds the 一次一评 codes and must not learn, without using a
ticket up, whether the citizen used it. Used, expired and (through a ticket) already-rated
get one identical refusal: same message, same status, same page. Through the real URLs.
"""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from portal.accounts import roles
from portal.evaluation.models import Rating, RatingTicket

from .conftest import GOOD

# the ticket page is in the Wagtail admin, which needs the whole site's routes
pytestmark = [pytest.mark.django_db, pytest.mark.urls("portal.urls")]

UNUSABLE = "该评价券无法使用（可能已使用或已过期）"


def _later(hours):
    return mock.patch(
        "django.utils.timezone.now", return_value=timezone.now() + timedelta(hours=hours)
    )


@pytest.fixture
def clerk(make_user, official):
    return make_user(roles.DEPARTMENT, unit=official.unit)


def _issue(client, clerk, official, n):
    client.force_login(clerk)
    codes = []
    for _ in range(n):
        page = client.post("/admin/evaluation/tickets/", {"official": official.pk})
        codes.append(re.findall(r"/ticket/([\w-]+)/", page.content.decode())[0])
    client.logout()
    assert len(set(codes)) == n
    return codes


def _normalised(response, code):
    """The page minus what differs by nature: the CSRF token, the captcha and the code itself
    (which the clerk already knows)."""
    html = response.content.decode().replace(code, "CODE")
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "CSRF", html)
    html = re.sub(r"captcha/image/[^\"/]+/", "captcha/image/X/", html)
    html = re.sub(r"captcha/audio/[^\"/]+\.wav", "captcha/audio/X.wav", html)
    html = re.sub(r'(name="captcha_0"[^>]*value=")[^"]*"', r"\1X\"", html)
    html = re.sub(r'(value="[^"]*"[^>]*name="captcha_0")', "CAPTCHA0", html)
    return response.status_code, html


def _rate(client, official, code, addr):
    return client.post(f"/ticket/{code}/?official={official.pk}", GOOD, REMOTE_ADDR=addr)


def test_after_expiry_a_used_and_an_unused_ticket_answer_alike(client, official, clerk):
    used, unused = _issue(client, clerk, official, 2)
    assert "感谢您的评价" in _rate(client.__class__(), official, used, "10.1.0.1").content.decode()
    with _later(hours=25):
        a = _rate(client.__class__(), official, used, "10.3.0.1")
        b = _rate(client.__class__(), official, unused, "10.3.0.2")
    assert UNUSABLE in a.content.decode()
    assert _normalised(a, used) == _normalised(b, unused)
    assert a.status_code == 400
    assert RatingTicket.objects.get(code=unused).used_at is None


def test_a_rater_probing_other_tickets_cannot_tell_used_from_unused(client, official, clerk):
    own, used, unused = _issue(client, clerk, official, 3)
    assert "感谢您的评价" in _rate(client.__class__(), official, used, "10.1.0.1").content.decode()
    private = client.__class__()  # the clerk's private browser rates once with its own ticket
    assert "感谢您的评价" in _rate(private, official, own, "10.4.0.1").content.decode()
    a = _rate(private, official, used, "10.4.0.1")
    b = _rate(private, official, unused, "10.4.0.1")
    assert UNUSABLE in a.content.decode()
    assert _normalised(a, used) == _normalised(b, unused)
    # nothing was written, and the citizen holding the unused ticket can still rate with it
    assert RatingTicket.objects.get(code=unused).used_at is None
    assert Rating.objects.count() == 2
    assert (
        "感谢您的评价" in _rate(client.__class__(), official, unused, "10.5.0.1").content.decode()
    )


def test_the_ticket_page_looks_the_same_used_or_unused(client, official, clerk):
    used, unused = _issue(client, clerk, official, 2)
    _rate(client.__class__(), official, used, "10.1.0.1")
    a = client.__class__().get(f"/ticket/{used}/?official={official.pk}")
    b = client.__class__().get(f"/ticket/{unused}/?official={official.pk}")
    assert _normalised(a, used) == _normalised(b, unused)
