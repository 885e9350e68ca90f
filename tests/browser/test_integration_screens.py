"""The office's integration screens and the department's notices in a real browser: the office
registers a department's document-exchange endpoint and copies its secret (shown once); a
department handler on a phone reads the notice of a new assignment and marks it read."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from complaints.models import Category, DepartmentEndpoint
from complaints.services import case_submit
from complaints.services.workflow import case_accept, case_assign
from portal.accounts import roles
from portal.accounts.services import staff_user_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": page.base,
            }
        ]
    )


def test_office_registers_an_endpoint_and_sees_its_secret_once(
    browser_page, make_unit, axe_check, screenshot
):
    dept = make_unit(name="县住建局")
    office = staff_user_create(username="office-int", role=roles.OFFICE, password="x-2026-pw")
    page = browser_page
    _sign_in(page, office)
    page.goto(f"{page.base}/office/exchange/endpoints/")
    page.select_option("#e-unit", label="县住建局")
    page.fill("#e-url", "https://oa.example.gov.cn/inbox")
    page.get_by_role("button", name="登记并生成密钥").click()
    secret = page.locator("code[data-secret]").inner_text()
    assert len(secret) >= 32 and "无法再次查看" in page.content()
    axe_check(page)
    screenshot(page, "office-endpoint-secret")
    page.reload()  # the secret is gone, and no second endpoint or secret was made
    assert secret not in page.content() and "只显示一次" in page.content()
    assert DepartmentEndpoint.objects.filter(unit=dept).count() == 1


def test_department_reads_the_notice_of_a_new_assignment_on_a_phone(
    phone_page, make_unit, axe_check, screenshot
):
    dept = make_unit(name="县市场监管局")
    office = staff_user_create(username="office-n", role=roles.OFFICE, password="x-2026-pw")
    handler = staff_user_create(
        username="dept-n", role=roles.DEPARTMENT, password="x-2026-pw", unit=dept
    )
    category, _ = Category.objects.get_or_create(code="efficiency", defaults={"name": "办事效率"})
    case, _receipt = case_submit(category=category, text="食品经营许可证办理超过承诺时限。")
    case = case_accept(case=case, actor=office)
    case_assign(
        case=case, actor=office, department=dept, deadline=timezone.localdate() + timedelta(days=10)
    )
    page = phone_page
    _sign_in(page, handler)
    page.goto(f"{page.base}/dept/notices/")
    notice = page.locator("li.unread").first
    assert case.number in notice.inner_text()
    assert page.locator("[data-unread]").get_attribute("data-unread") == "1"
    # nothing wider than the phone's screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    axe_check(page)
    screenshot(page, "department-notices-phone")
    notice.get_by_role("button", name="标为已读").click()
    page.wait_for_selector("[data-unread='0']")
    assert page.locator("li.unread").count() == 0
