"""Site search on a phone: type a two-character Chinese word, see the highlighted hit."""

from datetime import date

import pytest

from cms.models import NewsPage
from search import api

pytestmark = pytest.mark.browser


def test_a_phone_user_searches_and_sees_a_highlighted_chinese_hit(
    phone_page, site_pages, screenshot
):
    news = site_pages["news"].add_child(
        instance=NewsPage(
            title="城区路灯集中维修",
            slug="lamps",
            date=date(2026, 10, 8),
            body="<p>幸福小区路灯不亮的问题已经整改。</p>",
            live=True,
        )
    )
    site_pages["news"].add_child(
        instance=NewsPage(
            title="工地噪音整治",
            slug="noise",
            date=date(2026, 10, 9),
            body="<p>夜间施工。</p>",
            live=True,
        )
    )
    api.reindex("news")

    page = phone_page
    page.goto(page.base + "/search/")
    page.get_by_label("搜索关键词").fill("路灯")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_url("**/search/?q=*")

    hits = page.locator(".search-hit")
    assert hits.count() == 1
    mark = hits.first.locator("mark").first
    assert mark.inner_text() == "路灯"
    assert mark.is_visible()
    # fits the phone: no sideways scrolling
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "search-phone")
    hits.first.locator("a").click()
    page.wait_for_url(f"**{news.url}")


def test_a_phone_user_searching_one_character_or_punctuation_is_guided(
    phone_page, site_pages, screenshot, axe_check
):
    site_pages["news"].add_child(
        instance=NewsPage(
            title="城区路灯集中维修",
            slug="lamps",
            date=date(2026, 10, 8),
            body="<p>幸福小区路灯不亮的问题已经整改。</p>",
            live=True,
        )
    )
    api.reindex("news")
    page = phone_page
    page.goto(page.base + "/search/")
    assert page.get_by_text("一个汉字查找含有这个字的所有词").is_visible()  # the rule, stated
    page.get_by_label("搜索关键词").fill("灯")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_url("**/search/?q=*")
    hit = page.locator(".search-hit")
    assert hit.count() == 1 and hit.first.locator("mark").first.inner_text() == "灯"
    page.get_by_label("搜索关键词").fill("！？*")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_url("**/search/?q=*")
    assert page.get_by_role("status").inner_text().startswith("请输入检索词")
    assert page.locator(".search-hit").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    axe_check(page)
    screenshot(page, "search-phone-no-words")
