"""The public page cache (issue 18): anonymous public pages come from the cache, hold nothing of a
person, and change on the next request after any write that changes them."""

import pytest
from captcha.models import CaptchaStore
from django.core.cache import cache, caches
from django.test import Client

from portal.evaluation.models import Rating
from tests.portal.evaluation.conftest import GOOD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE_ENABLED = True
    cache.clear()
    caches["pages"].clear()


def _get(url, client=None, **extra):
    return (client or Client()).get(url, **extra)


def test_an_anonymous_profile_comes_from_the_cache_and_holds_nothing_of_the_visitor(
    official, django_assert_num_queries
):
    challenges = CaptchaStore.objects.count()
    first = _get(official.url)
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = _get(official.url)
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content  # another visitor gets the very same bytes
    html = second.content.decode()
    assert official.title in html and "我要评价" in html
    assert "csrfmiddlewaretoken" not in html and "/captcha/image/" not in html
    assert not second.cookies and not first.cookies
    assert CaptchaStore.objects.count() == challenges  # viewing creates no challenge row


def test_a_rating_from_the_cached_page_works_with_javascript(official):
    client = Client()
    _get(official.url, client)
    challenge = client.get("/captcha/refresh/", HTTP_X_REQUESTED_WITH="XMLHttpRequest").json()
    assert challenge["key"] and challenge["image_url"].startswith("/captcha/image/")
    before = Rating.objects.count()
    data = {**GOOD, "captcha_0": challenge["key"], "captcha_1": "PASSED"}
    response = client.post(f"/rate/{official.pk}/", data, HTTP_ORIGIN="http://testserver")
    assert response.status_code == 302
    assert Rating.objects.count() == before + 1


def test_without_javascript_the_first_submission_comes_back_with_a_captcha(official):
    client = Client()
    data = {k: v for k, v in GOOD.items() if not k.startswith("captcha")}
    refused = client.post(f"/rate/{official.pk}/", {**data, "captcha_0": "", "captcha_1": ""})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "/captcha/image/" in html  # now a real challenge, and what was typed is kept
    assert "checked" in html
    key = html.split('name="captcha_0" value="', 1)[1].split('"', 1)[0]
    sent = client.post(f"/rate/{official.pk}/", {**data, "captcha_0": key, "captcha_1": "PASSED"})
    assert sent.status_code == 302


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_REFERER": "https://evil.example/page"},
        {"HTTP_ORIGIN": "null"},
    ],
)
def test_a_rating_posted_from_another_site_is_refused(official, headers):
    before = Rating.objects.count()
    response = Client().post(f"/rate/{official.pk}/", GOOD, **headers)
    assert response.status_code == 403
    assert Rating.objects.count() == before


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_ORIGIN": "https://evil.example"}, {"HTTP_SEC_FETCH_SITE": "cross-site"}],
)
def test_the_language_switch_refuses_other_sites_and_works_without_a_token(headers):
    assert (
        Client().post("/i18n/setlang/", {"language": "en", "next": "/"}, **headers).status_code
        == 403
    )
    ours = Client().post(
        "/i18n/setlang/", {"language": "en", "next": "/"}, HTTP_SEC_FETCH_SITE="same-origin"
    )
    assert ours.status_code == 302 and ours.cookies["django_language"].value == "en"


def test_a_cms_publish_shows_on_the_next_request(official, django_capture_on_commit_callbacks):
    assert _get(official.url)["X-Page-Cache"] == "miss"
    assert _get(official.url)["X-Page-Cache"] == "hit"
    page = official.specific
    page.post = "副主任（新任）"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    fresh = _get(official.url)
    assert fresh["X-Page-Cache"] == "miss" and "副主任（新任）" in fresh.content.decode()


def test_a_revocation_invalidates_the_public_pages(official, django_capture_on_commit_callbacks):
    from portal.accounts import roles
    from portal.evaluation.choices import Channel
    from portal.evaluation.review import rating_revoke
    from portal.evaluation.services import RatingData, rating_submit
    from tests.factories import StaffUserFactory

    rating = rating_submit(
        official=official,
        data=RatingData(level=2, attitude=1, efficiency=1, style=1, reason="拖延"),
        channel=Channel.WEB,
        voter="v-1",
    )
    _get(official.url)
    assert _get(official.url)["X-Page-Cache"] == "hit"
    office = StaffUserFactory(role=roles.OFFICE)
    with django_capture_on_commit_callbacks(execute=True):
        rating_revoke(rating=rating, actor=office, reason="恶意差评")
    assert _get(official.url)["X-Page-Cache"] == "miss"


def test_stats_change_after_a_new_complaint(django_capture_on_commit_callbacks):
    from complaints.models import Category
    from complaints.services import case_submit

    cat, _ = Category.objects.get_or_create(code="efficiency", defaults={"name": "办事效率"})
    _get("/stats/")
    assert _get("/stats/")["X-Page-Cache"] == "hit"
    assert _get("/")["X-Page-Cache"] in ("miss", "hit")
    with django_capture_on_commit_callbacks(execute=True):
        case_submit(category=cat, text="窗口推诿。", anonymous=True)
    assert _get("/stats/")["X-Page-Cache"] == "miss"


def test_signed_in_staff_never_get_a_cached_page(official):
    from portal.accounts import roles
    from tests.factories import StaffUserFactory

    _get(official.url)
    assert _get(official.url)["X-Page-Cache"] == "hit"
    staff = Client()
    staff.force_login(StaffUserFactory(role=roles.OFFICE))
    response = staff.get(official.url)
    assert "X-Page-Cache" not in response


def test_each_language_has_its_own_copy(official):
    zh = _get(official.url)
    en = _get(official.url, HTTP_ACCEPT_LANGUAGE="en")
    assert en["X-Page-Cache"] == "miss" and en["Content-Language"] == "en"
    assert zh["Content-Language"] == "zh-hans"
    assert _get(official.url, HTTP_ACCEPT_LANGUAGE="en").content == en.content
    assert _get(official.url)["Content-Language"] == "zh-hans"


def test_back_office_forms_and_apis_are_never_cached(official):
    for url in ("/complaints/new/", "/complaints/track/", "/office/", "/admin/login/"):
        _get(url)
        assert _get(url).get("X-Page-Cache") != "hit", url


def _shared_keys() -> set[str]:
    """Every key in the shared cache, as a reader of it sees them (local memory or Redis)."""
    if hasattr(cache, "_expire_info"):
        return set(cache._cache.keys())
    client = cache._cache.get_client(write=False)
    return {k.decode() for k in client.scan_iter(count=1000)}


def test_a_flood_of_distinct_urls_does_not_touch_the_shared_cache(official):
    """Red team: every query string was its own entry in the shared Redis, whose LRU then
    evicted the rate-limit counters and their secret — a flood of GETs reset every lock-out.
    The pages live in each process's bounded memory; the shared cache holds only versions."""
    before = _shared_keys()
    for i in range(50):
        assert _get(f"{official.url}?x={i}").status_code == 200
    added = {k for k in _shared_keys() if k not in before}
    assert not [k for k in added if ":page:" in k]  # no page in the shared cache
    if hasattr(cache, "_expire_info"):  # (a shared Redis also holds other tests' keys)
        assert len(added) < 50, added  # what it does hold does not grow with the URLs
    assert len(caches["pages"]._cache) >= 50


def test_the_host_is_normalised_in_the_key(official, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    _get(official.url)
    assert _get(official.url, HTTP_HOST="TESTSERVER")["X-Page-Cache"] == "hit"
    assert _get(official.url, HTTP_HOST="testserver:80")["X-Page-Cache"] == "hit"
