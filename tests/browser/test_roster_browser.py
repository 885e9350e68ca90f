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
