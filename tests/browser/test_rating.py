"""Rate an official on a phone-sized screen, anonymously and by name (real Chromium)."""

import pytest

from portal.evaluation.models import Rating

pytestmark = [
    pytest.mark.browser,
    pytest.mark.urls("tests.portal.evaluation.urls"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _wagtail_root(transactional_db):
    """A transactional test's flush also removes Wagtail's root page and locale, made by
    Wagtail's migrations; put them back before the site structure is built."""
    from django.conf import settings
    from wagtail.models import Locale, Page

    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root"))


def _fill_common(page, level_label):
    page.get_by_label(level_label, exact=True).check()
    page.select_option("#id_attitude", "5")
    page.select_option("#id_efficiency", "4")
    page.select_option("#id_style", "5")
    # the cached profile carries no challenge: it is fetched once the person starts rating
    page.wait_for_selector("[data-captcha-image] img")
    assert page.input_value("#id_captcha_0")
    page.fill("#id_captcha_1", "PASSED")


def test_rate_an_official_on_a_phone_anonymously_and_by_name(
    phone_page, axe_check, screenshot, official, make_official, settings
):
    settings.PAGE_CACHE_ENABLED = True  # as in production: the profile comes from the cache
    page = phone_page
    page.goto(page.base + official.url)
    assert page.locator("#rating-heading").is_visible()
    axe_check(page)
    # the named fields stay hidden until 实名评价 is chosen
    assert not page.locator("#id_name").is_visible()
    _fill_common(page, "满意")
    page.get_by_role("button", name="提交评价").click()
    page.wait_for_selector("text=感谢您的评价")
    screenshot(page, "rating-phone-anonymous")
    rating = Rating.objects.get(official_id=official.pk)
    assert rating.anonymous and rating.level == 4

    colleague = make_official(name="王建国", unit=official.unit)
    page.goto(page.base + colleague.url)
    _fill_common(page, "不满意")
    page.fill("#id_reason", "窗口排队一个小时无人办理")
    page.get_by_label("实名评价").check()
    page.fill("#id_name", "李明")
    page.fill("#id_phone", "13800138000")
    page.get_by_role("button", name="提交评价").click()
    page.wait_for_selector("text=感谢您的评价")
    named = Rating.objects.get(official_id=colleague.pk)
    assert not named.anonymous and named.level == 2 and named.contact.name == "李明"
    # no horizontal scrolling on a 390 px screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1


def test_a_refusal_on_a_phone_keeps_what_was_typed(phone_page, official):
    page = phone_page
    page.goto(page.base + official.url)
    _fill_common(page, "不满意")
    page.fill("#id_captcha_1", "WRONG")
    page.fill("#id_reason", "态度生硬")
    page.get_by_role("button", name="提交评价").click()
    page.wait_for_selector("text=验证码错误")
    assert page.input_value("#id_reason") == "态度生硬"
    assert page.get_by_label("不满意", exact=True).is_checked()
