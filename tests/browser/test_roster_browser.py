"""A person opens the roster and an official's profile, on a desktop and on a phone."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(make_official, make_unit):
    unit = make_unit(name="县市场监督管理局")
    official = make_official(
        name="张伟丽", unit=unit, gender="F", post="党组书记、局长", work_in_charge="主持全面工作"
    )
    make_official(name="李明", unit=make_unit(name="县公安局"), post="副局长")
    return official


@pytest.mark.parametrize("page_fixture", ["browser_page", "phone_page"])
def test_roster_then_profile(request, page_fixture, people, axe_check, screenshot):
    page = request.getfixturevalue(page_fixture)
    page.goto(page.base + "/officials/")
    assert page.get_by_role("heading", name="县市场监督管理局").is_visible()
    axe_check(page)
    page.get_by_label("姓名或拼音首字母").fill("zwl")
    page.get_by_role("button", name="查找").click()
    page.wait_for_url("**/officials/?*q=zwl*")
    assert page.get_by_text("李明").count() == 0
    page.get_by_role("link", name="张伟丽").click()
    page.wait_for_url("**/officials/zhangweili/")
    assert page.get_by_role("heading", name="张伟丽", level=1).is_visible()
    for text in ("党组书记、局长", "主持全面工作", "县市场监督管理局"):
        assert page.get_by_text(text).first.is_visible()
    # nothing overflows a phone-sized screen sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    axe_check(page)
    screenshot(page, f"profile-{page_fixture}")


def test_large_text_mode_is_remembered(browser_page, people):
    page = browser_page
    page.goto(page.base + "/officials/")
    before = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    page.get_by_role("button", name="大字模式").click()
    page.reload()
    after = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert after > before * 1.2


def test_roster_works_by_keyboard(browser_page, people):
    page = browser_page
    page.goto(page.base + "/officials/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "跳到正文"
    page.get_by_label("姓名或拼音首字母").focus()
    page.keyboard.type("zwl")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=zwl*")
    assert page.get_by_role("link", name="张伟丽").is_visible()


@pytest.fixture
def big_roster(make_official, make_unit):
    """8 units of 12 officials with long posts, ROSTER_PER_PAGE (30) a page."""
    units = [make_unit(name=f"县第{i}行政审批服务中心", display_order=i) for i in range(8)]
    for i in range(96):
        make_official(
            name=f"测试{i:02d}", unit=units[i // 12], post="党组成员、副局长、一级主任科员"
        )
    return units


def test_the_paged_roster_on_a_phone_is_short_and_jumps_to_a_unit(
    phone_page, big_roster, axe_check, screenshot
):
    page = phone_page
    page.goto(page.base + "/officials/")
    assert page.locator(".official-list li").count() == 30
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height <= 3 * 844, f"{height}px: more than three phone screens"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    axe_check(page)
    screenshot(page, "roster-phone-page1")
    # the jump list opens without JavaScript (details) and filters to one unit
    page.get_by_text("8 个单位").click()
    page.get_by_role("link", name="县第5行政审批服务中心 12").click()
    page.wait_for_url("**/officials/?unit=*")
    assert page.locator(".official-list li").count() == 12
    assert page.get_by_text("测试60").is_visible()
    # paging: next, then back
    page.goto(page.base + "/officials/")
    page.get_by_role("link", name="下一页").click()
    page.wait_for_url("**page=2")
    assert page.get_by_text("第 2 / 4 页").is_visible()
    assert page.get_by_text("测试30", exact=True).is_visible()
    axe_check(page)
    screenshot(page, "roster-phone-page2")
    page.goto(page.base + "/officials/?page=99")
    page.wait_for_url("**page=4")
    assert page.locator(".official-list li").count() == 6


def test_the_english_roster_on_a_phone_fits_and_passes_axe(
    phone_page, big_roster, axe_check, screenshot
):
    from django.conf import settings

    page = phone_page
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "en", "url": page.base}]
    )
    page.goto(page.base + "/officials/?page=2")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert page.get_by_text("Page 2 of 4").is_visible()
    assert page.get_by_role("link", name="Next").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.evaluate("document.documentElement.scrollHeight") <= 3 * 844
    axe_check(page)
    screenshot(page, "roster-phone-en")
