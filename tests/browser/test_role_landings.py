"""Each role's first screen after the real sign-in form, in a real browser (issue 19): the
leader lands on the read-only leader page; a monitor on a phone lands on "my monthly reports"
and posts this month's 监测信息; the rated unit reads its ratings and QR codes from the menu.
axe-core finds no serious or critical violation on these screens."""

import pytest

from complaints.models import Case
from portal.accounts import roles
from portal.accounts.services import staff_user_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "x-2026-pw-landing"


def _sign_in_with_the_form(page, username):
    page.goto(f"{page.base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()


@pytest.mark.parametrize("viewport", ["browser_page", "phone_page"])
def test_leader_signs_in_and_lands_on_the_report(request, viewport, axe_check, screenshot):
    page = request.getfixturevalue(viewport)
    staff_user_create(username="leader-b", role=roles.LEADER, password=PASSWORD)
    _sign_in_with_the_form(page, "leader-b")
    assert page.url.endswith("/admin/evaluation/leader/")
    assert page.locator("[data-leader-landing]").is_visible()
    assert page.locator('table[data-table="figures"]').count() == 1
    assert page.locator("main form, #main form").count() == 0  # read-only
    axe_check(page)
    screenshot(page, f"leader-landing-{viewport}")


def test_monitor_on_a_phone_lands_on_my_reports_and_posts_one(
    phone_page, make_unit, axe_check, screenshot
):
    make_unit(name="县行政审批局")
    staff_user_create(username="monitor-b", role=roles.MONITOR, password=PASSWORD)
    page = phone_page
    _sign_in_with_the_form(page, "monitor-b")
    assert page.url.endswith("/admin/monitor-reports/")
    assert "投诉" not in page.locator("[data-monitor-form]").inner_text()
    axe_check(page)
    screenshot(page, "monitor-landing-phone")
    page.check("input[name=subject_kind][value=unit]")
    page.select_option("#id_unit", label="县行政审批局")
    page.select_option("#id_category", index=1)
    page.fill("#id_text", "本月走访企业3家，反映审批材料要求反复变化。")
    page.get_by_role("button", name="提交监测信息").click()
    page.wait_for_load_state()
    case = Case.objects.get()
    assert page.url.endswith(f"/admin/monitor-reports/{case.pk}/")
    assert "报送监测信息" in page.content()
    page.get_by_role("link", name="返回列表").click()
    page.wait_for_url("**/admin/monitor-reports/")
    page.locator(f'[data-report="{case.pk}"]').wait_for()


def test_unit_opens_its_ratings_and_qr_codes_from_the_menu(
    browser_page, make_unit, axe_check, screenshot
):
    unit = make_unit(name="县医保局")
    staff_user_create(username="unit-b", role=roles.DEPARTMENT, password=PASSWORD, unit=unit)
    page = browser_page
    _sign_in_with_the_form(page, "unit-b")
    assert page.url.endswith("/admin/")
    page.get_by_role("button", name="本单位测评").click()
    page.get_by_role("list", name="本单位测评").get_by_role("link", name="本单位评价").click()
    page.wait_for_url("**/admin/evaluation/unit/ratings/")
    axe_check(page)
    screenshot(page, "unit-ratings")
    page.goto(f"{page.base}/admin/evaluation/unit/codes/")
    assert page.locator('tr[data-code="unit"]').is_visible()
    axe_check(page)
