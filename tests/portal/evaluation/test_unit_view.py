"""Issue 14: what the rated unit's own account sees of its ratings and tickets.

The unit must not be able to tie a rating to the citizen who just left its window: no time
finer than the day, nothing of a day before it is over, only batches of at least
RATING_UNIT_MIN_BATCH ratings, and never which ticket was used. Everything through the unit's
real URLs; ratings are posted through the public rating and ticket URLs.
"""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from portal.accounts import roles
from portal.evaluation.models import Rating

from .conftest import BAD, GOOD

# the project URLconf: the unit's pages are inside the Wagtail admin (issue 19)
pytestmark = pytest.mark.django_db

UNIT_PAGE = "/admin/evaluation/unit/ratings/"
TIME = re.compile(r"\b\d{1,2}:\d{2}\b")
REASON = "窗口人员态度恶劣，推诿扯皮"


def _later(days=1):
    """The clock `days` later (the unit reads its page tomorrow; it signs in again, as a staff
    session lasts STAFF_SESSION_SECONDS)."""
    return mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(days))


def _rate_through_urls(client, official, clerk, n_web=4):
    """One 差评 through the clerk's 一次一评 ticket, then `n_web` good web ratings."""
    client.force_login(clerk)
    page = client.post("/admin/evaluation/tickets/", {"official": official.pk})
    code = re.search(r"/ticket/([\w-]+)/", page.content.decode()).group(1)
    client.logout()
    citizen = client.__class__()
    done = citizen.post(
        f"/ticket/{code}/?official={official.pk}", {**BAD, "reason": REASON}, REMOTE_ADDR="10.1.0.1"
    )
    assert "感谢您的评价" in done.content.decode()
    for i in range(n_web):
        other = client.__class__()
        assert (
            other.post(f"/rate/{official.pk}/", GOOD, REMOTE_ADDR=f"10.2.0.{i + 1}").status_code
            == 302
        )
    return code


@pytest.fixture
def clerk(make_user, official):
    return make_user(roles.DEPARTMENT, unit=official.unit)


def test_todays_ratings_are_not_shown_to_the_unit(client, official, clerk):
    _rate_through_urls(client, official, clerk)
    client.force_login(clerk)
    html = client.get(UNIT_PAGE).content.decode()
    assert REASON not in html
    assert timezone.localdate().isoformat() not in html  # no batch, no count of today
    assert "当日评价于次日汇总显示" in html
    csv = client.get(UNIT_PAGE + "?format=csv").content.decode()
    assert timezone.localdate().isoformat() not in csv


def test_after_the_day_the_unit_sees_a_days_batch_without_times_or_channels(
    client, official, clerk
):
    _rate_through_urls(client, official, clerk)
    day = timezone.localdate().isoformat()
    client.force_login(clerk)
    with _later():
        client.force_login(clerk)
        response = client.get(UNIT_PAGE)
        csv = client.get(UNIT_PAGE + "?format=csv")
    html = response.content.decode()
    assert response.status_code == 200
    assert day in html and REASON in html
    main = html.split("<main", 1)[-1]
    assert not TIME.search(main), TIME.search(main)
    batches = html.split("<section", 1)[-1]  # the batches, after the page's own explanation
    assert REASON in batches
    for channel in ("评价券", "现场扫码", "网站", "窗口评价器"):
        assert channel not in batches
    # no sequential id of a rating: the unit cannot order the day's ratings
    for pk in Rating.objects.values_list("pk", flat=True):
        assert f"/ratings/{pk}/" not in html
    text = csv.content.decode()
    assert csv["Content-Type"].startswith("text/csv")
    assert day in text and not TIME.search(text)
    assert "ticket" not in text and "评价券" not in text


def test_a_batch_smaller_than_the_minimum_is_held_back(client, official, clerk, settings):
    settings.RATING_UNIT_MIN_BATCH = 6
    _rate_through_urls(client, official, clerk)  # 5 ratings
    client.force_login(clerk)
    with _later():
        client.force_login(clerk)
        html = client.get(UNIT_PAGE).content.decode()
    assert REASON not in html
    assert timezone.localdate().isoformat() not in html


def test_the_unit_cannot_open_its_ratings_by_id(client, official, clerk):
    _rate_through_urls(client, official, clerk)
    client.force_login(clerk)
    rating = Rating.objects.get(reason=REASON)
    with _later():
        client.force_login(clerk)
        response = client.get(f"/admin/evaluation/ratings/{rating.pk}/")
    assert response.status_code == 404
    assert not TIME.search(response.content.decode().split("<main", 1)[-1])


def test_the_unit_appeals_a_closed_days_bad_rating_by_its_opaque_reference(client, official, clerk):
    _rate_through_urls(client, official, clerk)
    client.force_login(clerk)
    with _later():
        client.force_login(clerk)
        html = client.get(UNIT_PAGE).content.decode()
        ref = re.search(r"/admin/evaluation/unit/ratings/([0-9a-f]{16,})/", html).group(1)
        page = client.get(f"/admin/evaluation/unit/ratings/{ref}/")
        assert page.status_code == 200 and REASON in page.content.decode()
        assert not TIME.search(page.content.decode().split("<main", 1)[-1])
        client.post(f"/admin/evaluation/unit/ratings/{ref}/", {"grounds": "与事实不符"})
    assert Rating.objects.get(reason=REASON).appeals.get().grounds == "与事实不符"


def test_a_used_ticket_looks_the_same_as_an_unused_one(client, official, clerk):
    code = _rate_through_urls(client, official, clerk, n_web=0)
    client.force_login(clerk)
    fresh = re.search(
        r"/ticket/([\w-]+)/",
        client.post("/admin/evaluation/tickets/", {"official": official.pk}).content.decode(),
    ).group(1)
    client.logout()
    used_page = client.get(f"/ticket/{code}/?official={official.pk}")
    fresh_page = client.get(f"/ticket/{fresh}/?official={official.pk}")
    assert used_page.status_code == fresh_page.status_code == 200
    assert "已使用" not in used_page.content.decode()
    # a second rating through the used ticket is still refused
    again = client.post(f"/ticket/{code}/?official={official.pk}", GOOD, REMOTE_ADDR="10.3.0.1")
    assert again.status_code == 400
    assert Rating.objects.count() == 1


def test_the_ticket_page_shows_issued_counts_not_which_ticket_was_used(client, official, clerk):
    _rate_through_urls(client, official, clerk, n_web=0)
    client.force_login(clerk)
    html = client.get("/admin/evaluation/tickets/").content.decode()
    assert "已使用" not in html and "未使用" not in html
    assert "今日已发放 1 张" in html
    with _later():
        client.force_login(clerk)
        html = client.get("/admin/evaluation/tickets/").content.decode()
    assert "已使用" not in html and "未使用" not in html
    assert f"{timezone.localdate().isoformat()} 发放 1 张" in html


def test_another_units_ratings_stay_hidden(client, official, clerk, make_official, make_user):
    _rate_through_urls(client, official, clerk)
    client.force_login(clerk)
    with _later():
        client.force_login(clerk)
        ref = re.search(
            r"/admin/evaluation/unit/ratings/([0-9a-f]{16,})/",
            client.get(UNIT_PAGE).content.decode(),
        ).group(1)
    other = make_user(roles.DEPARTMENT, unit=make_official().unit)
    client.force_login(other)
    with _later():
        client.force_login(other)
        assert REASON not in client.get(UNIT_PAGE).content.decode()
        assert client.get(f"/admin/evaluation/unit/ratings/{ref}/").status_code == 404
        assert (
            client.post(f"/admin/evaluation/unit/ratings/{ref}/", {"grounds": "x"}).status_code
            == 404
        )


def test_the_unit_codes_page_lists_only_its_own_qr_codes(client, official, clerk, make_official):
    other = make_official()
    client.force_login(clerk)
    html = client.get("/admin/evaluation/unit/codes/").content.decode()
    assert f"/office/evaluation/qr/unit/{official.unit_id}.svg" in html
    assert f"/office/evaluation/qr/official/{official.pk}.png" in html
    assert f"/office/evaluation/qr/official/{other.pk}." not in html
    assert f"/office/evaluation/qr/unit/{other.unit_id}." not in html
    assert client.get(f"/office/evaluation/qr/unit/{other.unit_id}.svg").status_code == 404
