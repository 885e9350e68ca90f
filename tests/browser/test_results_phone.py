"""Published results on a phone: search a two-character word, see it highlighted, open it."""

import pytest

from tests.complaints.publication import factories as f

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_a_phone_user_searches_results_and_opens_a_highlighted_outcome(
    phone_page, make_unit, axe_check, screenshot
):
    roads = make_unit(name="县交通运输局")
    office = f.office()
    lamp = f.case_closed(
        unit=roads,
        text="城东路灯不亮已经三个月，晚上出行很危险。",
        answer="已更换路灯二十盏。",
        actor=office,
    )
    noise = f.case_closed(
        unit=roads, text="工地夜间施工噪音扰民。", answer="已责令整改。", actor=office
    )
    lamp_outcome = f.publish(lamp, actor=office)  # real commits: indexed after each
    f.publish(noise, actor=office)

    page = phone_page
    page.goto(page.base + "/results/")
    assert page.locator(".result").count() == 2
    page.get_by_label("搜索办理结果").fill("路灯")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_url("**/results/?q=*")

    results = page.locator(".result")
    assert results.count() == 1
    mark = results.first.locator("mark").first
    assert mark.inner_text() == "路灯" and mark.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    axe_check(page)
    screenshot(page, "results-phone")

    results.first.locator("a").first.click()
    page.wait_for_url(f"**/results/{lamp_outcome.pk}/")
    assert "已更换路灯二十盏" in page.locator("article").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    axe_check(page)


@pytest.mark.django_db(transaction=True)
def test_the_stats_page_fits_a_phone_and_passes_axe(phone_page, make_unit, axe_check, screenshot):
    roads = make_unit(name="县交通运输局")
    office = f.office()
    f.publish(f.case_closed(unit=roads, text="城东路灯不亮。", actor=office), actor=office)

    page = phone_page
    page.goto(page.base + "/stats/")
    assert page.locator("svg.chart").count() >= 2  # issue 22: rates, trend, departments
    assert page.locator('[data-figure="replies"] .value').inner_text() == "1"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    axe_check(page)
    screenshot(page, "stats-phone")
