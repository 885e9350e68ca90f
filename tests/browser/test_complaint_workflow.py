"""The back office in a real browser: the office assigns, the department signs and answers,
the office accepts the answer, the complainant answers the call-back with the receipt code."""

import pytest
from django.conf import settings
from django.test import Client

from complaints.models import Case, Category
from complaints.services import case_submit
from portal.accounts import roles
from portal.accounts.services import staff_user_create

from .conftest import DESKTOP, _page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _context_for(browser, live_server, user):
    """A desktop page (conftest's settings) logged in as `user`."""
    context, page = _page(browser, DESKTOP)
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context, page


def _act(page, action, **fields):
    """Open the action's own form on the case page (complaints.admin), fill it, submit it."""
    box = page.locator(f'details[data-case-action="{action}"]')
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    for selector, value in fields.items():
        if selector.startswith("select:"):
            box.locator(selector[7:]).select_option(label=value)
        else:
            box.locator(selector).fill(value)
    box.locator('button[type="submit"]').click()
    page.wait_for_selector(".messages .success")


def _state(page) -> str:
    return page.locator("[data-case-summary] strong").first.inner_text()


def test_office_assigns_department_answers_complainant_calls_back(
    browser, live_server, phone_page, make_unit, axe_check, screenshot
):
    category, _ = Category.objects.get_or_create(code="efficiency", defaults={"name": "办事效率"})
    dept = make_unit(name="县行政审批局")
    office = staff_user_create(username="office-b", role=roles.OFFICE, password="x-2026-pw")
    handler = staff_user_create(
        username="dept-b", role=roles.DEPARTMENT, password="x-2026-pw", unit=dept
    )
    case, receipt = case_submit(category=category, text="营业执照变更十个工作日没有回音。")
    base = live_server.url

    office_ctx, office_page = _context_for(browser, live_server, office)
    # from the admin's dashboard, without typing a URL: the screening queue, then the case
    office_page.goto(f"{base}/admin/")
    office_page.locator('[data-portal-panel="case-queues"] a').first.click()
    office_page.get_by_role("link", name=case.number).click()
    _act(office_page, "accept")
    _act(office_page, "assign", **{"select:#id_assign_department": "县行政审批局"})
    assert _state(office_page) == "已交办"
    axe_check(office_page)

    dept_ctx, dept_page = _context_for(browser, live_server, handler)
    dept_page.goto(f"{base}/admin/cases/inbox/")
    dept_page.check(f'input[data-bulk-action-checkbox][data-object-id="{case.pk}"]')
    dept_page.locator('[data-bulk-action="sign"]').click()
    dept_page.get_by_role("button", name="批量签收").click()
    dept_page.wait_for_selector(".messages .success")
    dept_page.goto(f"{base}/admin/cases/{case.pk}/")
    assert _state(dept_page) == "已签收"
    _act(
        dept_page,
        "answer",
        **{
            "#id_answer_answer": "已于次日办结变更登记，并对经办人批评教育。",
            "select:#id_answer_finding": "属实",
        },
    )
    screenshot(dept_page, "dept-case-answered")

    office_page.goto(f"{base}/admin/cases/{case.pk}/")
    _act(office_page, "approve")
    assert _state(office_page) == "待回访"

    phone = phone_page
    phone.goto(f"{base}/complaints/track/")
    phone.fill("#id_number", receipt.number)
    phone.fill("#id_code", receipt.code)
    phone.get_by_role("button", name="查询").click()
    phone.wait_for_selector("[data-case-state]")
    assert "已于次日办结变更登记" in phone.content()
    phone.get_by_label("满意", exact=True).check()
    phone.get_by_role("button", name="提交评价").click()
    phone.wait_for_selector("text=您的回访评价")
    axe_check(phone)
    screenshot(phone, "complaint-callback-phone")
    case.refresh_from_db()
    assert case.callback_result == "satisfied"
    assert Case.objects.get(pk=case.pk).state == "callback"
    for ctx in (office_ctx, dept_ctx):
        ctx.close()
